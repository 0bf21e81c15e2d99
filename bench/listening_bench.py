#!/usr/bin/env python3
"""`make bench` part 6: listening state of 2,000 items to Hardcover, against the fakes on loopback.

Starts `shelfmirror fake-abs --items N --hardcover` with every book listened to (`--listened 1`:
about two thirds finished, the rest in progress) and the fake Hardcover user's library seeded with
N user books (`--hardcover-library N`: the catalog's first N books, "Want to Read"), the fake
Hardcover logging every request it answers with its counted cost (`--hardcover-log`). Then, each
a whole process: sync (AudiobookShelf progress, the Hardcover catalog lookups and the user's
library), match, `diff --target hardcover`, `accept --target hardcover --all --replace`,
`push --target hardcover --dry-run`, `push --target hardcover`; then a second sync and diff (it
must propose nothing new) and a second push (it must send nothing). HTTP requests and counted
fields come from the fake's log (what Hardcover would charge), the client's own counts from
`sync_runs` and `push_runs`. The fake answers without rate limits and shelfmirror's pacing is
lifted, so wall time is shelfmirror's own; the minutes the same requests take at Hardcover's 60 a
minute are computed, beside the peers' 2-8 requests per book computed for the same library.
"""
import argparse, json, math, os, re, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, require_binary, run_process  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Lifts the client's pacing (hidden options of sync and push): requests are measured, not waited for.
UNPACED = ["--hardcover-rate", "1000000", "--hardcover-reserve", "0"]
LIBRARY_READ = {"LibraryStart", "LibraryPages"}
PUSH_KINDS = {"LibraryWriteProbe": "probe", "LibraryBooks": "pre-read", "LibraryWrites": "mutations"}


log = logger("listening-bench")


def run(cmd, env):
    """Runs a whole process; returns (wall seconds, stdout, stderr)."""
    wall, _, out, err, _ = run_process(cmd, env)
    return wall, out, err


class HardcoverLog:
    """The fake Hardcover's request log (one JSON line per answered request), read in slices."""

    def __init__(self, path):
        self.path = path
        self.seen = 0

    def take(self):
        """The requests answered since the last take."""
        with open(self.path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        new, self.seen = rows[self.seen:], len(rows)
        return new


def tally(rows, keep=lambda r: True):
    rows = [r for r in rows if keep(r)]
    return dict(http=len(rows), counted=sum(r["cost"] for r in rows), refused=sum(r["status"] != 200 for r in rows),
                rejected=sum(r["rejected"] is not None for r in rows))


def query(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def statuses(db):
    return dict(query(db, "SELECT status, count(*) FROM changes WHERE target = 'hardcover' GROUP BY 1"))


def new_proposals(stderr):
    m = re.search(r"(\d+) proposals for (\d+) items \((\d+) new", stderr)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)


def dry_run_documents(stdout):
    """The dry run's printed requests: (documents, top-level aliased fields in them)."""
    documents = fields = 0
    for line in stdout.splitlines():
        if not line.startswith('{"query"'):
            continue
        documents += 1
        fields += len(re.findall(r"^\s+\w+: \w+\(", json.loads(line)["query"], re.M))
    return documents, fields


def last_push(db):
    row = query(db, """SELECT id, items, pushed, conflicts, failed, requests FROM push_runs
                       WHERE kind = 'push' AND target = 'hardcover' ORDER BY id DESC LIMIT 1""")
    return row[0] if row else None


def minutes_at_free_rate(requests, per_minute=60, burst=10):
    return max(0, requests - burst) / per_minute


def bench(binary, n, work):
    db = os.path.join(work, "mirror.sqlite")
    hc_log = HardcoverLog(os.path.join(work, "hardcover.jsonl"))
    fake = subprocess.Popen([binary, "fake-abs", "--items", str(n), "--port", "0", "--hardcover", "--hardcover-limits", "unlimited",
                             "--listened", "1", "--hardcover-library", str(n), "--hardcover-log", hc_log.path],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    r = {}
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        env = dict(os.environ, NO_COLOR="1", **cfg)
        sm = [binary, "--db", db]

        log(f"N={n}: sync (AudiobookShelf progress; Hardcover catalog and the user's {n:,}-book library)")
        r["sync_wall"], _, _ = run(sm + ["sync"] + UNPACED, env)
        rows = hc_log.take()
        r["sync_all"] = tally(rows)
        r["library_read"] = tally(rows, lambda x: x["operation"] in LIBRARY_READ)
        r["sync_client_counted"] = query(db, "SELECT requests FROM sync_runs WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1")[0][0]
        r["with_state"] = query(db, "SELECT count(*) FROM progress")[0][0]
        r["finished"] = query(db, "SELECT count(*) FROM progress WHERE finished")[0][0]
        r["library_books"] = query(db, "SELECT count(*) FROM hardcover_user_books")[0][0]

        log("match")
        r["match_wall"], _, _ = run(sm + ["match"], env)
        shutil.copy(db, os.path.join(work, "matched.sqlite"))  # for timing diff again on the same mirror (--keep)

        log("diff --target hardcover")
        r["diff_wall"], _, err = run(sm + ["diff", "--target", "hardcover", "--format", "csv", "-o", os.path.join(work, "diff.csv")], env)
        r["proposals"], r["proposal_items"], _ = new_proposals(err)
        r["proposal_books"] = query(db, "SELECT count(DISTINCT book_id) FROM changes WHERE target = 'hardcover'")[0][0]
        r["gaps"] = query(db, "SELECT count(*) FROM hardcover_gaps")[0][0]

        log("accept --target hardcover --all --replace")
        r["accept_wall"], _, _ = run(sm + ["accept", "--target", "hardcover", "--all", "--replace"], env)
        r["accepted"] = statuses(db).get("accepted", 0)
        changes = r["accepted"]
        books = query(db, "SELECT count(DISTINCT book_id) FROM changes WHERE target = 'hardcover' AND status = 'accepted'")[0][0]
        r["changes"], r["books"] = changes, books

        log("push --target hardcover --dry-run")
        r["dry_wall"], out, _ = run(sm + ["push", "--target", "hardcover", "--dry-run"] + UNPACED, env)
        r["dry_documents"], r["dry_fields"] = dry_run_documents(out)
        r["dry_sent"] = tally(hc_log.take())

        log(f"push --target hardcover ({changes:,} changes of {books:,} books)")
        r["push_wall"], _, _ = run(sm + ["push", "--target", "hardcover"] + UNPACED, env)
        rows = hc_log.take()
        r["push_all"] = tally(rows)
        r["push_parts"] = {kind: tally(rows, lambda x, op=op: x["operation"] == op) for op, kind in PUSH_KINDS.items()}
        _, r["pushed_items"], r["pushed"], r["conflicts"], r["failed"], r["push_client_http"] = last_push(db)

        log("sync again, diff again")
        r["resync_wall"], _, _ = run(sm + ["sync"] + UNPACED, env)
        rows = hc_log.take()
        r["resync_all"] = tally(rows)
        r["resync_library_read"] = tally(rows, lambda x: x["operation"] in LIBRARY_READ)
        r["library_after"] = query(db, "SELECT count(*) FROM hardcover_user_books")[0][0]
        r["rediff_wall"], _, err = run(sm + ["diff", "--target", "hardcover", "--format", "csv", "-o", os.path.join(work, "diff2.csv")], env)
        _, _, r["rediff_new"] = new_proposals(err)
        r["rediff_proposed"] = statuses(db).get("proposed", 0)

        log("push again: nothing to send")
        r["repush_wall"], _, _ = run(sm + ["push", "--target", "hardcover"] + UNPACED, env)
        rows = hc_log.take()
        r["repush"] = tally(rows)
        r["repush_ops"] = [x["operation"] for x in rows]
    finally:
        fake.terminate()
        fake.wait()
    return r


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--keep", metavar="DIR", help="keep the mirrors and the fake's log in DIR (matched.sqlite: before the diff)")
    args = parser.parse_args()
    require_binary(args.bin)
    work = args.keep or tempfile.mkdtemp(prefix="shelfmirror-listening-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        r = bench(args.bin, args.items, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    n, changes, books = args.items, r["changes"], r["books"]
    lib, push, parts = r["library_read"], r["push_all"], r["push_parts"]
    print(f"\n## Listening state to Hardcover ({n:,} items, {r['with_state']:,} with listening state, "
          f"{r['finished']:,} finished; a {r['library_books']:,}-book Hardcover library; fakes on loopback, whole processes)\n")
    print("| step | wall s | HTTP requests | counted fields | result |")
    print("|---|---:|---:|---:|---|")
    s = r["sync_all"]
    print(f"| sync (ABS progress + Hardcover lookups + library) | {r['sync_wall']:.2f} | {s['http']:,} | {s['counted']:,} "
          f"| client counted {r['sync_client_counted']:,} |")
    print(f"| … of which the library read ({r['library_books']:,} user books) | — | {lib['http']} | {lib['counted']} | |")
    print(f"| match | {r['match_wall']:.2f} | 0 | 0 | |")
    print(f"| diff --target hardcover | {r['diff_wall']:.2f} | 0 | 0 | {r['proposals']:,} proposals for {r['proposal_items']:,} items "
          f"({r['proposal_books']:,} books); {r['gaps']:,} items not on Hardcover (gaps) |")
    print(f"| accept --target hardcover --all --replace | {r['accept_wall']:.2f} | 0 | 0 | {r['accepted']:,} accepted |")
    d = r["dry_sent"]
    print(f"| push --target hardcover --dry-run | {r['dry_wall']:.2f} | {d['http']} | {d['counted']} "
          f"| would send {r['dry_documents']:,} mutation requests, {r['dry_fields']:,} aliased fields |")
    print(f"| push --target hardcover | {r['push_wall']:.2f} | {push['http']:,} | {push['counted']:,} "
          f"| {r['pushed']:,} changes of {r['pushed_items']:,} items pushed, {r['conflicts']} conflicts, {r['failed']} failed; "
          f"push_runs.requests {r['push_client_http']:,} |")
    for kind in ("probe", "pre-read", "mutations"):
        t = parts[kind]
        print(f"| … {kind} | — | {t['http']:,} | {t['counted']:,} | |")
    rs, rl = r["resync_all"], r["resync_library_read"]
    print(f"| sync again | {r['resync_wall']:.2f} | {rs['http']:,} | {rs['counted']:,} | library read {rl['http']} requests, "
          f"{rl['counted']} fields; {r['library_after']:,} user books now |")
    print(f"| diff --target hardcover again | {r['rediff_wall']:.2f} | 0 | 0 | {r['rediff_new']} new proposals, "
          f"{r['rediff_proposed']} proposed |")
    rp = r["repush"]
    print(f"| push --target hardcover again | {r['repush_wall']:.2f} | {rp['http']} | {rp['counted']} "
          f"| sent: {', '.join(r['repush_ops']) or 'nothing'} |")

    refused = sum(t["refused"] + t["rejected"] for t in (r["sync_all"], r["dry_sent"], push, rs, rp))
    print(f"\nRequests refused or answered with errors by the fake Hardcover: {refused}.")

    # Hardcover's quota counts top-level fields (each a "request"): minutes and days come from them.
    # The peers send one operation per request (search, edition, user book, read, status...): 2 to
    # 8 per book with listening state, on every run.
    print(f"\n| approach ({r['with_state']:,} books with listening state) | HTTP requests | counted against the quota "
          "| minutes at 60/min | days of a 5,000/day quota |")
    print("|---|---:|---:|---:|---:|")
    first = (r["sync_all"]["http"] + push["http"], r["sync_all"]["counted"] + push["counted"])
    again = (rs["http"] + rp["http"], rs["counted"] + rp["counted"])
    rows = [
        ("shelfmirror, first run: sync (lookups + library) + push", *first),
        ("… of which the library read + push", lib["http"] + push["http"], lib["counted"] + push["counted"]),
        ("shelfmirror, next run: sync + push, nothing changed", *again),
    ]
    for per_book in (2, 8):
        peers = per_book * r["with_state"]
        rows.append((f"peers, every run: {per_book} requests per book", peers, peers))
    for name, http, counted in rows:
        print(f"| {name} | {http:,} | {counted:,} | {minutes_at_free_rate(counted):.1f} | {counted / 5000:.2f} |")

    bounds = [
        (f"library read of {r['library_books']:,} books ≤ 5 HTTP requests ({lib['http']})", lib["http"] <= 5),
        (f"library read ≤ 21 counted fields ({lib['counted']})", lib["counted"] <= 21),
        (f"push ≤ ⌈changes/5⌉ + ⌈books/500⌉ + 3 = {math.ceil(changes / 5) + math.ceil(books / 500) + 3:,} HTTP requests "
         f"({push['http']:,})", push["http"] <= math.ceil(changes / 5) + math.ceil(books / 500) + 3),
        (f"push ≤ changes + ⌈books/100⌉ + 3 = {changes + math.ceil(books / 100) + 3:,} counted fields ({push['counted']:,})",
         push["counted"] <= changes + math.ceil(books / 100) + 3),
        ("push: every accepted change pushed, none failed", r["pushed"] == changes and r["failed"] == 0),
        ("no request refused or answered with errors", refused == 0),
        (f"sync + diff after the push: 0 new proposals ({r['rediff_new']})", r["rediff_new"] == 0 and r["rediff_proposed"] == 0),
        (f"a second push writes nothing: 0 mutations ({rp['http']} request: {', '.join(r['repush_ops']) or 'none'})",
         "LibraryWrites" not in r["repush_ops"]),
    ]
    print("\n| bound | result |\n|---|---|")
    for name, ok in bounds:
        print(f"| {name} | {'PASS' if ok else 'FAIL'} |")


if __name__ == "__main__":
    main()
