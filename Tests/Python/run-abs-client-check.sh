#!/usr/bin/env bash
# `make test`'s client check: starts `shelfmirror fake-abs` on a free loopback port, runs
# abs_client_check.py (aioaudiobookshelf 0.2.1, from the venv .ci/setup makes) against it, stops it.
#   bash Tests/Python/run-abs-client-check.sh [path/to/shelfmirror]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/debug/shelfmirror}
python=.build/abs-client-venv/bin/python
if [[ ! -x "$python" ]]; then
  echo "abs client check: $python is missing; run: bash .ci/setup" >&2
  exit 1
fi
dir=$(mktemp -d)
"$bin" fake-abs --items 60 --port 0 > "$dir/server.env" 2> "$dir/server.log" &
fake=$!
trap 'kill "$fake" 2>/dev/null || true; wait "$fake" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 200); do
  [[ "$(wc -l < "$dir/server.env")" -ge 2 ]] && break
  if ! kill -0 "$fake" 2>/dev/null; then
    echo "abs client check: the fake server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
  fi
  sleep 0.05
done
set -a; . "$dir/server.env"; set +a
timeout 60 "$python" Tests/Python/abs_client_check.py
