#!/usr/bin/env bash
# `make install` and `make uninstall`.
#
#   bash .ci/install.sh install path/to/shelfmirror
#   bash .ci/install.sh uninstall
#
# PREFIX (default /usr/local) and DESTDIR (staged installs, for packagers) come from the
# environment. Installed, and removed again by uninstall, exactly these files:
#
#   $PREFIX/bin/shelfmirror                                   the binary given
#   $PREFIX/share/man/man1/shelfmirror.1                      from the binary's own help (.ci/manpage.py)
#   $PREFIX/share/bash-completion/completions/shelfmirror     from `shelfmirror --generate-completion-script`
#   $PREFIX/share/zsh/site-functions/_shelfmirror
#   $PREFIX/share/fish/vendor_completions.d/shelfmirror.fish
#   $PREFIX/share/shelfmirror/systemd/shelfmirror.service     example systemd user units: `shelfmirror run`
#   $PREFIX/share/shelfmirror/systemd/shelfmirror.timer       every hour (written below)
#
# Everything is generated into a temporary folder first: when a step fails, nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
bindir=$PREFIX/bin
datadir=$PREFIX/share
unitdir=$datadir/shelfmirror/systemd

# Each installed file: its place, then its mode.
files=(
    "$bindir/shelfmirror" 755
    "$datadir/man/man1/shelfmirror.1" 644
    "$datadir/bash-completion/completions/shelfmirror" 644
    "$datadir/zsh/site-functions/_shelfmirror" 644
    "$datadir/fish/vendor_completions.d/shelfmirror.fish" 644
    "$unitdir/shelfmirror.service" 644
    "$unitdir/shelfmirror.timer" 644
)

fail() { echo "install.sh: $*" >&2; exit 1; }

# The user units. ExecStart names the installed binary ($bindir, without DESTDIR: where it
# will be when the units run). %h is the user's home folder.
write_service() {
    cat <<EOF
# An example systemd user unit: one unattended shelfmirror run (sync, scan, match, diff,
# accept by the [auto] policy of config.toml, push when [run] push = true), started every
# hour by shelfmirror.timer. Install and start:
#   mkdir -p ~/.config/systemd/user
#   cp $unitdir/shelfmirror.{service,timer} ~/.config/systemd/user/
#   systemctl --user daemon-reload && systemctl --user enable --now shelfmirror.timer
# Tokens: ~/.config/shelfmirror/env (ABS_URL=..., ABS_TOKEN=..., HARDCOVER_TOKEN=..., mode 600)
# or config.toml. Logs: journalctl --user -u shelfmirror.service
[Unit]
Description=shelfmirror: mirror AudiobookShelf and Hardcover, accept by policy, push
Documentation=man:shelfmirror(1)

[Service]
Type=oneshot
EnvironmentFile=-%h/.config/shelfmirror/env
ExecStart=$bindir/shelfmirror run
# 75: another run was still going; this one stepped aside, the next hour's goes on.
SuccessExitStatus=75
# A background job: the lowest CPU and disk priority.
Nice=10
IOSchedulingClass=idle
# A run that hangs is stopped before it holds up the next hours' runs.
TimeoutStartSec=50min
NoNewPrivileges=yes
EOF
}

write_timer() {
    cat <<EOF
# Starts shelfmirror.service every hour; a run missed while the machine was off is made up
# at the next start (Persistent). See shelfmirror.service for how to install both.
[Unit]
Description=Run shelfmirror every hour
Documentation=man:shelfmirror(1)

[Timer]
OnCalendar=hourly
RandomizedDelaySec=5min
Persistent=true

[Install]
WantedBy=timers.target
EOF
}

install_all() {
    local binary=${1:-}
    [ -n "$binary" ] || fail "usage: install.sh install path/to/shelfmirror"
    [ -x "$binary" ] || fail "$binary is not an executable; build it with 'make release', or give BIN=path"
    "$binary" --version >/dev/null || fail "$binary does not run"

    staging=$(mktemp -d)
    trap 'rm -rf "$staging"' EXIT
    cp "$binary" "$staging/shelfmirror"
    python3 .ci/manpage.py "$binary" > "$staging/shelfmirror.1"
    "$binary" --generate-completion-script bash > "$staging/shelfmirror.bash"
    "$binary" --generate-completion-script zsh > "$staging/_shelfmirror"
    "$binary" --generate-completion-script fish > "$staging/shelfmirror.fish"
    write_service > "$staging/shelfmirror.service"
    write_timer > "$staging/shelfmirror.timer"

    local sources=(shelfmirror shelfmirror.1 shelfmirror.bash _shelfmirror shelfmirror.fish
                   shelfmirror.service shelfmirror.timer)
    local i
    for i in "${!sources[@]}"; do
        local target=${files[$((2 * i))]} mode=${files[$((2 * i + 1))]}
        install -D -m "$mode" "$staging/${sources[$i]}" "$DESTDIR$target"
        echo "installed $DESTDIR$target"
    done
}

uninstall_all() {
    local i
    for ((i = 0; i < ${#files[@]}; i += 2)); do
        local target=$DESTDIR${files[$i]}
        if [ -e "$target" ]; then
            rm -f "$target"
            echo "removed $target"
        fi
    done
    # Our own folders, when empty; the shared ones (bin, man1, completions) stay.
    rmdir "$DESTDIR$unitdir" "$DESTDIR$datadir/shelfmirror" 2>/dev/null || true
}

case ${1:-} in
    install) install_all "${2:-}" ;;
    uninstall) uninstall_all ;;
    *) fail "usage: install.sh install path/to/shelfmirror | install.sh uninstall" ;;
esac
