#!/usr/bin/env python3
"""`make bench` part 5: push 1,000 changed items to the fake AudiobookShelf on loopback.

Syncs `shelfmirror fake-abs --items 2000 --hardcover`, matches, makes proposals with every field
on `replace`, accepts them all, then times `shelfmirror push --limit 1000` as a whole process and
reads the requests it spent from `push_runs`; then `undo --last`.
"""
import argparse, os, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, require_binary, run  # noqa: E402

log = logger("push-bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    require_binary(args.bin)
    work = tempfile.mkdtemp(prefix="shelfmirror-push-bench-")
    db = os.path.join(work, "mirror.sqlite")
    config = os.path.join(work, "config.toml")
    with open(config, "w") as f:
        f.write('[diff]\npolicy = "replace"\n')
    fake = subprocess.Popen([args.bin, "fake-abs", "--items", str(args.items * 2), "--port", "0", "--hardcover", "--hardcover-limits", "unlimited"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        env = dict(os.environ, NO_COLOR="1", SHELFMIRROR_CONFIG=config, **cfg)
        log("sync, match, diff, accept")
        run([args.bin, "--db", db, "sync", "--hardcover-rate", "1000000", "--hardcover-reserve", "0"], env)
        for step in (["match"], ["diff", "--format", "csv", "-o", os.path.join(work, "d.csv")], ["accept", "--all", "--replace"]):
            run([args.bin, "--db", db] + step, env)
        log(f"push {args.items:,} items")
        wall = run([args.bin, "--db", db, "push", "--limit", str(args.items)], env)
        con = sqlite3.connect(db)
        items, pushed, conflicts, failed, requests = con.execute(
            "SELECT items, pushed, conflicts, failed, requests FROM push_runs WHERE kind = 'push' ORDER BY id DESC LIMIT 1").fetchone()
        con.close()
        log("undo")
        undo_wall = run([args.bin, "--db", db, "undo", "--last"], env)
        con = sqlite3.connect(db)
        undo_items, undo_fields, undo_requests = con.execute(
            "SELECT items, pushed, requests FROM push_runs WHERE kind = 'undo' ORDER BY id DESC LIMIT 1").fetchone()
        con.close()
    finally:
        fake.terminate()
        fake.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n## Push ({items:,} changed items, fake AudiobookShelf on loopback, whole process)\n")
    print("| run | items | fields | requests | wall s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| push | {items:,} | {pushed:,} | {requests} | {wall:.2f} |")
    print(f"| undo --last | {undo_items:,} | {undo_fields:,} | {undo_requests} | {undo_wall:.2f} |")
    print(f"\nConflicts {conflicts}, failed {failed}.")
    checks = [(f"push {args.items:,} changed items with ≤ 30 requests", requests <= 30 and items >= args.items)]
    print("\n| target | result |\n|---|---|")
    for name, ok in checks:
        print(f"| {name} | {'PASS' if ok else 'MISS'} |")


if __name__ == "__main__":
    main()
