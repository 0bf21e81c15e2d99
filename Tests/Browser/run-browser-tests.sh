#!/usr/bin/env bash
# `make test`'s browser tests: builds a real mirror in a temporary folder (`shelfmirror fake-abs
# --hardcover` on a free loopback port, then sync, match and diff), starts `shelfmirror serve` on it
# on a free loopback port, and runs browser_tests.py (selenium, headless Chromium through Debian's
# chromedriver, from the venv .ci/setup makes) against it; stops both servers. Screenshots of
# every page at desktop and phone width go to .build/screenshots.
#   bash Tests/Browser/run-browser-tests.sh [path/to/shelfmirror] [check ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=${1:-.build/debug/shelfmirror}
shift $(($# > 0 ? 1 : 0))
[[ "$bin" == /* ]] || bin="$root/$bin"
python=$root/.build/browser-test-venv/bin/python
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium} CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
for tool in "$CHROMIUM" "$CHROMEDRIVER"; do
  if [[ ! -x "$tool" ]]; then
    echo "browser tests: $tool is missing; bash .ci/setup installs chromium and chromium-driver" >&2
    exit 1
  fi
done
if [[ ! -x "$python" ]]; then
  echo "browser tests: $python is missing; bash .ci/setup makes it (selenium)" >&2
  exit 1
fi
if [[ ! -x "$bin" ]]; then
  echo "browser tests: $bin is missing; build it first (swift build --product shelfmirror)" >&2
  exit 1
fi

dir=$(mktemp -d)
fake="" serve=""
stop() {
  for pid in $serve $fake; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap stop EXIT
# Everything runs in the temporary folder, with a config of its own: no .env or config.toml of the
# machine changes what the mirror holds. The generated library matches every item automatically
# with the default thresholds (scores 0.89 to 1); a stricter `strong` leaves the items below 0.99
# needing review, so that the review queue has both kinds.
cd "$dir"
printf '[match]\nstrong = 0.99\n' > config.toml
export SHELFMIRROR_CONFIG=$dir/config.toml
db=$dir/mirror.sqlite

# wait_lines FILE N PID NAME: until FILE has N lines, or the process PID has ended.
wait_lines() {
  for _ in $(seq 400); do
    [[ "$(wc -l < "$1")" -ge "$2" ]] && return 0
    if ! kill -0 "$3" 2>/dev/null; then
      echo "browser tests: $4 did not start:" >&2; cat "$dir/$4.log" >&2; exit 1
    fi
    sleep 0.05
  done
  echo "browser tests: $4 printed nothing in 20 s:" >&2; cat "$dir/$4.log" >&2; exit 1
}

"$bin" fake-abs --items 40 --hardcover --hardcover-limits unlimited --port 0 > server.env 2> fake-abs.log &
fake=$!
wait_lines server.env 4 "$fake" fake-abs
set -a; . ./server.env; set +a

# The mirror: pending proposals, and the matches (some needs_review) they come from.
for step in sync match diff; do
  if ! "$bin" "$step" --db "$db" > "$step.out" 2> "$step.log"; then
    echo "browser tests: shelfmirror $step failed:" >&2; cat "$step.log" >&2; exit 1
  fi
done

"$bin" serve --db "$db" --port 0 > serve.out 2> serve.log &
serve=$!
wait_lines serve.out 1 "$serve" serve
url=$(head -n 1 serve.out)

set +e
SHELFMIRROR_URL=$url SHELFMIRROR_DB=$db SHELFMIRROR_BIN=$bin SCREENSHOT_DIR=$root/.build/screenshots \
  timeout 300 "$python" "$root/Tests/Browser/browser_tests.py" "$@"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "== serve's log (stderr) =="; tail -n 40 serve.log
fi
exit $rc
