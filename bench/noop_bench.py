#!/usr/bin/env python3
"""`make bench` part 7: nothing changed, nothing done — what the hourly commands cost when nothing changed.

At 10,000 items and 200,000 Hardcover books (as bench/match_bench.py builds them: `fake-abs --items
10000 --hardcover`, synced, the mirror's Hardcover tables padded with generated books), after a
full cycle: `sync` (both servers), `match`, `diff` (both targets, the JSON report written), and
`run` (the whole unattended cycle, without push), each timed as a whole process the first time
and again with nothing changed on either server. Requests are counted on both servers: the
mirror's own sync log for AudiobookShelf, the fake Hardcover's log (`--hardcover-log`) for
Hardcover (requests and counted fields).

Targets (issue 17): match and diff with nothing changed ≤ 5% of the first; sync ≤ 10% of the full
sync, with AudiobookShelf's listing only (⌈N/500⌉ requests, plus the one that reads the server and
the user) and Hardcover's user library only; `run` reported as the sum it is.
"""
import argparse, json, os, shutil, sqlite3, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, require_binary, run_measured as run  # noqa: E402

log = logger("noop-bench")
from match_bench import pad  # noqa: E402  (the same padding, so the figures compare)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAST = ["--hardcover-rate", "1000000", "--hardcover-reserve", "0"]


def median_run(cmd, env, repeat):
    walls, rss = [], 0.0
    for _ in range(repeat):
        w, r, _ = run(cmd, env)
        walls.append(w)
        rss = max(rss, r)
    return statistics.median(walls), rss


def hardcover_log(path, since):
    """Requests and counted fields the fake Hardcover answered after line `since`; the new line count."""
    with open(path) as f:
        lines = f.readlines()
    new = [json.loads(line) for line in lines[since:] if line.strip()]
    return len(new), sum(r.get("cost", 0) for r in new), len(lines)


def abs_requests(db):
    con = sqlite3.connect(db)
    row = con.execute("SELECT requests, items_listed, items_fetched FROM sync_runs WHERE source = 'abs' ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    return row


def listing_budget(db):
    """The least a sync can ask AudiobookShelf: the server and user (1), the libraries (1), and
    each book library's listing, 500 items a page."""
    con = sqlite3.connect(db)
    pages = sum(-(-n // 500) for (n,) in con.execute("SELECT count(*) FROM items GROUP BY library_id"))
    con.close()
    return 2 + pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--books", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each no-op command (median)")
    parser.add_argument("--json", default=os.path.join(ROOT, "bench/.data/noop-results.json"))
    args = parser.parse_args()
    require_binary(args.bin)
    work = tempfile.mkdtemp(prefix="shelfmirror-noop-bench-")
    db = os.path.join(work, "mirror.sqlite")
    hc_log = os.path.join(work, "hardcover.jsonl")
    fake = subprocess.Popen([args.bin, "fake-abs", "--items", str(args.items), "--port", "0", "--hardcover",
                             "--hardcover-limits", "unlimited", "--hardcover-log", hc_log],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    results = {}
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        env = dict(os.environ, NO_COLOR="1", XDG_CONFIG_HOME=os.path.join(work, "config"), **cfg)
        seen = 0

        log(f"full sync: {args.items:,} items and their Hardcover books")
        full_sync, full_rss, _ = run([args.bin, "--db", db, "sync"] + FAST, env)
        abs_req, listed, fetched = abs_requests(db)
        hc_req, hc_fields, seen = hardcover_log(hc_log, seen)
        results["sync_first"] = dict(s=full_sync, rss_mb=full_rss, abs_requests=abs_req, hardcover_requests=hc_req, hardcover_fields=hc_fields,
                                     items_fetched=fetched)

        log(f"pad the mirror to {args.books:,} Hardcover books")
        synced, books = pad(db, args.books)
        log("first match, first diff")
        first_match, match_rss, _ = run([args.bin, "--db", db, "match"], env)
        report = os.path.join(work, "diff.json")
        first_diff, diff_rss, _ = run([args.bin, "--db", db, "diff", "--tz", "UTC", "--format", "json", "-o", report], env)
        results["match_first"] = dict(s=first_match, rss_mb=match_rss)
        results["diff_first"] = dict(s=first_diff, rss_mb=diff_rss)
        log("a first run (whatever a cycle settles, it settles here)")
        run([args.bin, "--db", db, "run"] + FAST, env)
        _, _, seen = hardcover_log(hc_log, 0)

        log("nothing changed: sync")
        walls = []
        for _ in range(args.repeat):
            w, rss, _ = run([args.bin, "--db", db, "sync"] + FAST, env)
            walls.append(w)
        abs_req, listed, fetched = abs_requests(db)
        hc_req, hc_fields, seen = hardcover_log(hc_log, seen)
        results["sync_noop"] = dict(s=statistics.median(walls), rss_mb=rss, abs_requests=abs_req, items_fetched=fetched,
                                    hardcover_requests=hc_req / args.repeat, hardcover_fields=hc_fields / args.repeat,
                                    abs_listing_budget=listing_budget(db))
        log("nothing changed: match, diff, run")
        results["match_noop"] = dict(zip(("s", "rss_mb"), median_run([args.bin, "--db", db, "match"], env, args.repeat)))
        results["diff_noop"] = dict(zip(("s", "rss_mb"),
                                        median_run([args.bin, "--db", db, "diff", "--tz", "UTC", "--format", "json", "-o", report], env, args.repeat)))
        results["diff_refresh_noop"] = dict(zip(("s", "rss_mb"),
                                                median_run([args.bin, "--db", db, "diff", "--tz", "UTC", "--status", "failed"], env, args.repeat)))
        summary = os.path.join(work, "run.json")
        results["run_noop"] = dict(zip(("s", "rss_mb"), median_run([args.bin, "--db", db, "run", "--summary-json", summary] + FAST, env, args.repeat)))
        with open(summary) as f:
            results["run_noop"]["summary"] = json.load(f)
        con = sqlite3.connect(db)
        results["proposals"] = con.execute("SELECT count(*) FROM changes WHERE status IN ('pending', 'accepted')").fetchone()[0]
        con.close()
        results.update(items=args.items, books=books, synced_books=synced)
    finally:
        fake.terminate()
        fake.wait()
        shutil.rmtree(work, ignore_errors=True)

    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    r = results
    print(f"\n## Nothing changed ({args.items:,} items, {r['books']:,} Hardcover books; {r['proposals']:,} open proposals)\n")
    print("| command | first | nothing changed | ratio | target | requests with nothing changed |")
    print("|---|---:|---:|---:|---|---|")
    rows = [
        ("sync (both servers)", r["sync_first"]["s"], r["sync_noop"]["s"], 0.10,
         f"AudiobookShelf {r['sync_noop']['abs_requests']} (the least: {r['sync_noop']['abs_listing_budget']}, the listing), "
         f"{r['sync_noop']['items_fetched']} items fetched; Hardcover {r['sync_noop']['hardcover_requests']:.0f} "
         f"({r['sync_noop']['hardcover_fields']:.0f} counted fields)"),
        ("match", r["match_first"]["s"], r["match_noop"]["s"], 0.05, "none"),
        ("diff (refresh + JSON report)", r["diff_first"]["s"], r["diff_noop"]["s"], 0.05, "none"),
        ("diff (refresh, nothing listed)", r["diff_first"]["s"], r["diff_refresh_noop"]["s"], 0.05, "none"),
    ]
    for name, first, noop, target, requests in rows:
        ratio = noop / first
        print(f"| {name} | {first:.2f} s | {noop:.3f} s | {ratio:.1%} | ≤ {target:.0%}: {'PASS' if ratio <= target else 'MISS'} | {requests} |")
    total_first = r["sync_first"]["s"] + r["match_first"]["s"] + r["diff_first"]["s"]
    print(f"| run (sync, scan, match, diff, accept by policy) | {total_first:.2f} s (sum of the firsts) | {r['run_noop']['s']:.3f} s | "
          f"{r['run_noop']['s'] / total_first:.1%} | reported | the sync's |")
    print(f"\nFirst sync: AudiobookShelf {r['sync_first']['abs_requests']} requests, Hardcover {r['sync_first']['hardcover_requests']} "
          f"({r['sync_first']['hardcover_fields']} counted fields). Medians of {args.repeat}; results in {os.path.relpath(args.json, ROOT)}.")


if __name__ == "__main__":
    main()
