"""What the benchmarks share: their log line, whole-process runs, a free loopback port."""
import os, socket, sqlite3, subprocess, sys, tempfile, time


def logger(name):
    """A `log(msg)` that writes `[name HH:MM:SS] msg` to standard error."""
    def log(msg):
        print(f"[{name} {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
    return log


def run_process(cmd, env=None, ok=(0,)):
    """Wall seconds, peak RSS (MB), stdout and stderr of one whole process (spawn to exit), and its
    exit status, which must be in `ok`. The output goes to files, not pipes: a process that writes
    more than a pipe holds never blocks the wait."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read().decode(errors="replace"), err_f.read().decode(errors="replace")
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{err[-4000:]}")
    return wall, usage.ru_maxrss / 1024, out, err, code


def run(cmd, env=None):
    """Wall seconds of one whole process, which must succeed."""
    return run_process(cmd, env)[0]


def run_measured(cmd, env=None):
    """Wall seconds, peak RSS (MB) and standard error of one whole process, which must succeed."""
    wall, rss, _, err, _ = run_process(cmd, env)
    return wall, rss, err


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_binary(path, hint="run `make release` first"):
    """Stops with a message when `path` is not an executable shelfmirror."""
    if not os.access(path, os.X_OK):
        raise SystemExit(f"{path} is missing: {hint}")


def query(db, sql, args=()):
    """The rows of `sql` over the mirror at `db`, opened read-only (a running command keeps it)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()
