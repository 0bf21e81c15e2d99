#!/usr/bin/env python3
"""`make bench` part 3: Hardcover requests spent on a 10,000-item library.

Starts `shelfmirror fake-abs --items N --hardcover` (a fake AudiobookShelf, and a fake Hardcover
whose catalog holds every item's book: 70% findable by identifier, 20% by exact title, 10% only
by search, plus unrelated books), syncs both into a new mirror, and counts the requests Hardcover
charged (one per top-level query field). The fake answers without rate limits so the run is
quick; the minutes the same requests take at Hardcover's 60 a minute are computed, beside the
one-search-plus-details-per-item approach of the peers computed on the same library. A second
sync shows what a re-sync costs.
"""
import argparse, math, os, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, require_binary, run  # noqa: E402

log = logger("hardcover-bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hardcover_run(db):
    con = sqlite3.connect(db)
    row = con.execute("""SELECT items_listed, items_new + items_changed, items_fetched, requests, status
                         FROM sync_runs WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1""").fetchone()
    resolved = dict(con.execute("SELECT coalesce(resolved_by, stage), count(*) FROM hardcover_lookups GROUP BY 1").fetchall())
    con.close()
    return row, resolved


def minutes_at_free_rate(requests, per_minute=60, burst=10):
    return max(0, requests - burst) / per_minute


def bench(binary, n, work):
    fake = subprocess.Popen([binary, "fake-abs", "--items", str(n), "--port", "0", "--hardcover", "--hardcover-limits", "unlimited"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = [fake.stdout.readline().strip() for _ in range(4)]
        cfg = dict(line.split("=", 1) for line in lines if "=" in line)
        env = dict(os.environ, NO_COLOR="1", **cfg)
        db = os.path.join(work, f"hardcover-{n}.sqlite")
        log(f"N={n}: sync (AudiobookShelf, then Hardcover)")
        # --hardcover-rate lifts the client's pacing; the requests are what is measured, not time.
        wall = run([binary, "--db", db, "sync", "--hardcover-rate", "1000000", "--hardcover-reserve", "0"], env)
        (items, looked_up, books, requests, status), resolved = hardcover_run(db)
        log(f"N={n}: re-sync, nothing changed")
        rewall = run([binary, "--db", db, "sync", "--only", "hardcover", "--hardcover-rate", "1000000"], env)
        (_, relooked, _, rerequests, _), _ = hardcover_run(db)
        return dict(n=n, items=items, requests=requests, books=books, status=status, resolved=resolved, wall=wall,
                    resync_requests=rerequests, resync_lookups=relooked, resync_wall=rewall)
    finally:
        fake.terminate()
        fake.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--items", type=int, default=10000)
    args = parser.parse_args()
    require_binary(args.bin)
    work = tempfile.mkdtemp(prefix="shelfmirror-hardcover-bench-")
    try:
        r = bench(args.bin, args.items, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = r["items"]
    peers = 2 * n  # one search per item, then one details query per item
    per_item = r["requests"] / n
    print(f"\n## Hardcover snapshot ({n:,} items; fake Hardcover on loopback)\n")
    print("| approach | requests | per item | minutes at 60/min | days at 5,000/day |")
    print("|---|---:|---:|---:|---:|")
    print(f"| shelfmirror (identifiers, titles, searches, details in batches) | {r['requests']:,} | {per_item:.3f} "
          f"| {minutes_at_free_rate(r['requests']):.1f} | {math.ceil(r['requests'] / 5000)} |")
    print(f"| one search + one details query per item (peers) | {peers:,} | 2.000 | {minutes_at_free_rate(peers):.1f} "
          f"| {math.ceil(peers / 5000)} |")
    print(f"| shelfmirror re-sync, nothing changed | {r['resync_requests']:,} | {r['resync_requests'] / n:.3f} | "
          f"{minutes_at_free_rate(r['resync_requests']):.1f} | — |")
    found = ", ".join(f"{k} {v:,}" for k, v in sorted(r["resolved"].items()))
    print(f"\nLookups resolved: {found}. Books fetched: {r['books']:,}. Run status: {r['status']}. "
          f"Wall time without pacing: sync {r['wall']:.1f} s (ABS + Hardcover), re-sync {r['resync_wall']:.1f} s.")
    checks = [
        ("requests per item ≤ 0.15", per_item <= 0.15),
        ("re-sync with nothing changed spends no request", r["resync_requests"] == 0),
    ]
    print("\n| target | result |\n|---|---|")
    for name, ok in checks:
        print(f"| {name} | {'PASS' if ok else 'MISS'} |")


if __name__ == "__main__":
    main()
