#!/usr/bin/env python3
"""`make bench` part 2: AudiobookShelf sync against the fake server on loopback.

For N in (5,000, 20,000): start `shelfmirror fake-abs --items N`, run a full `sync` into a new
mirror (wall time, items/s, requests, peak RSS), edit 1% of the items through the fake's own
PATCH endpoint, and time the re-sync. Whole processes, measured like scan_bench.py.
"""
import argparse, json, os, shutil, sqlite3, subprocess, sys, tempfile, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port, logger, require_binary, run_measured as run  # noqa: E402

log = logger("sync-bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def last_run(db):
    con = sqlite3.connect(db)
    row = con.execute("SELECT items_listed, items_fetched, requests FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    return row


def patch(base, token, item_id, body):
    req = urllib.request.Request(f"{base}/api/items/{item_id}/media", data=json.dumps(body).encode(), method="PATCH",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)["updated"]


def item_ids(base, token, library_id, n):
    req = urllib.request.Request(f"{base}/api/libraries/{library_id}/items?limit={n}&page=0&sort=addedAt",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        return [e["id"] for e in json.load(r)["results"]]


def bench(binary, n, work):
    port = free_port()
    fake = subprocess.Popen([binary, "fake-abs", "--items", str(n), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = [fake.stdout.readline().strip() for _ in range(2)]
        cfg = dict(line.split("=", 1) for line in lines)
        base, token = cfg["ABS_URL"], cfg["ABS_TOKEN"]
        env = dict(os.environ, ABS_URL=base, ABS_TOKEN=token, NO_COLOR="1")
        db = os.path.join(work, f"sync-{n}.sqlite")
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        log(f"N={n}: full sync")
        full_wall, full_rss, _ = run([binary, "--db", db, "sync"], env)
        listed, fetched, requests = last_run(db)
        con = sqlite3.connect(db)
        library = con.execute("SELECT library_id FROM items LIMIT 1").fetchone()[0]
        con.close()
        changed = max(1, n // 100)
        log(f"N={n}: editing {changed} items through PATCH")
        for item_id in item_ids(base, token, library, n)[::100][:changed]:
            patch(base, token, item_id, {"metadata": {"publisher": "Edited Press"}})
        resync_wall, resync_rss, _ = run([binary, "--db", db, "sync"], env)
        _, refetched, rerequests = last_run(db)
        return dict(n=n, full_s=full_wall, items_per_s=listed / full_wall, requests=requests,
                    request_budget=n // 500 + n // 100 + 5, rss_mb=full_rss, fetched=fetched,
                    resync_s=resync_wall, resync_fraction=resync_wall / full_wall, resync_fetched=refetched,
                    resync_requests=rerequests, changed=changed)
    finally:
        fake.terminate()
        fake.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--sizes", default="5000,20000")
    args = parser.parse_args()
    require_binary(args.bin)
    work = tempfile.mkdtemp(prefix="shelfmirror-sync-bench-")
    try:
        results = [bench(args.bin, int(n), work) for n in args.sizes.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n## AudiobookShelf sync (fake server on loopback, whole process)\n")
    print("| items | full sync s | items/s | requests (budget) | peak RSS MB | 1% changed: re-sync s | re-sync / full | fetched again | requests |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['n']:,} | {r['full_s']:.2f} | {r['items_per_s']:,.0f} | {r['requests']} ({r['request_budget']}) | {r['rss_mb']:.1f} "
              f"| {r['resync_s']:.2f} | {100 * r['resync_fraction']:.1f}% | {r['resync_fetched']} | {r['resync_requests']} |")
    big = results[-1]
    small = results[0]
    checks = [
        ("requests ≤ N/500 + N/100 + 5", all(r["requests"] <= r["request_budget"] for r in results)),
        ("≥ 2,000 items/s", all(r["items_per_s"] >= 2000 for r in results)),
        ("peak RSS ≤ 200 MB", all(r["rss_mb"] <= 200 for r in results)),
        (f"RSS flat in N ({small['rss_mb']:.0f} MB at {small['n']:,}, {big['rss_mb']:.0f} MB at {big['n']:,})", big["rss_mb"] <= small["rss_mb"] * 1.5),
        ("re-sync with 1% changed ≤ 15% of the full sync", all(r["resync_fraction"] <= 0.15 for r in results)),
    ]
    print("\n| target | result |\n|---|---|")
    for name, ok in checks:
        print(f"| {name} | {'PASS' if ok else 'MISS'} |")


if __name__ == "__main__":
    main()
