#!/usr/bin/env python3
"""`make bench` part 4: offline matching of 10,000 items against 200,000 Hardcover books, and diff.

Syncs `shelfmirror fake-abs --items 10000 --hardcover` (every item's book and its decoys), then
pads the mirror's Hardcover tables to 200,000 books with generated ones whose titles reuse the
library's words and authors (so full-text candidates are realistic), and times `shelfmirror
match` as a whole process: wall time and peak RSS; then a second `match`, where nothing changed.
The padding writes the mirror's internal tables directly (hc_book, hc_edition); the FTS triggers
keep the index in step as they do for sync.
"""
import argparse, json, os, random, shutil, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, require_binary, run_measured as run  # noqa: E402

log = logger("match-bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pad(db, total, seed=7):
    con = sqlite3.connect(db)
    have = con.execute("SELECT count(*) FROM hc_book").fetchone()[0]
    words = sorted({w for (t,) in con.execute("SELECT title FROM hc_book") for w in (t or "").split() if len(w) > 2})
    authors = [a for (a,) in con.execute("SELECT DISTINCT value FROM hc_book, json_each(authors_json)")]
    rng = random.Random(seed)
    now = "2026-11-25T00:00:00.000Z"
    books, editions = [], []
    for n in range(total - have):
        book_id = 50_000_000 + n
        title = " ".join(rng.sample(words, rng.randint(2, 4)))
        names = rng.sample(authors, 1 if rng.random() < 0.85 else 2)
        year = rng.randint(1950, 2025)
        books.append((book_id, title, json.dumps(names), "; ".join(names), year, rng.randint(0, 5000), now))
        asin = "B0" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(8))
        editions.append((60_000_000 + n, book_id, asin, "audiobook", rng.randint(5, 40) * 3600, json.dumps([rng.choice(authors)]), now))
    with con:
        con.executemany("""INSERT INTO hc_book (id, title, authors_json, authors, release_year, users_count, fetched_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""", books)
        con.executemany("""INSERT INTO hc_edition (id, book_id, asin, reading_format, audio_seconds, narrators_json, fetched_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""", editions)
    total_books = con.execute("SELECT count(*) FROM hc_book").fetchone()[0]
    con.close()
    return have, total_books


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--books", type=int, default=200000)
    args = parser.parse_args()
    require_binary(args.bin)
    work = tempfile.mkdtemp(prefix="shelfmirror-match-bench-")
    db = os.path.join(work, "mirror.sqlite")
    fake = subprocess.Popen([args.bin, "fake-abs", "--items", str(args.items), "--port", "0", "--hardcover", "--hardcover-limits", "unlimited"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        env = dict(os.environ, NO_COLOR="1", **cfg)
        log(f"sync {args.items:,} items and their Hardcover books")
        run([args.bin, "--db", db, "sync", "--hardcover-rate", "1000000", "--hardcover-reserve", "0"], env)
    finally:
        fake.terminate()
        fake.wait()
    try:
        log(f"pad the mirror to {args.books:,} Hardcover books")
        synced, books = pad(db, args.books)
        log("match")
        wall, rss, err = run([args.bin, "--db", db, "match"])
        again, again_rss, _ = run([args.bin, "--db", db, "match"])
        log("diff")
        report = os.path.join(work, "diff.json")
        diff_wall, diff_rss, _ = run([args.bin, "--db", db, "diff", "--format", "json", "-o", report])
        rediff_wall, rediff_rss, _ = run([args.bin, "--db", db, "diff", "--format", "json", "-o", report])
        con = sqlite3.connect(db)
        statuses = dict(con.execute("SELECT status, count(*) FROM matches GROUP BY 1").fetchall())
        proposals = con.execute("SELECT count(*) FROM changes WHERE status = 'pending'").fetchone()[0]
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n## Offline matching ({args.items:,} items, {books:,} Hardcover books: {synced:,} synced, the rest generated)\n")
    print("| run | wall s | items/s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    print(f"| match, first | {wall:.2f} | {args.items / wall:,.0f} | {rss:.0f} |")
    print(f"| match again, nothing changed | {again:.2f} | {args.items / again:,.0f} | {again_rss:.0f} |")
    print(f"| diff (refresh + JSON report, {proposals:,} proposals) | {diff_wall:.2f} | {args.items / diff_wall:,.0f} | {diff_rss:.0f} |")
    print(f"| diff again, nothing changed | {rediff_wall:.2f} | {args.items / rediff_wall:,.0f} | {rediff_rss:.0f} |")
    print("\nStatuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())) + ".")
    checks = [("match ≤ 20 s", wall <= 20), ("peak RSS ≤ 500 MB", rss <= 500), ("diff of 10,000 items ≤ 5 s", diff_wall <= 5)]
    print("\n| target | result |\n|---|---|")
    for name, ok in checks:
        print(f"| {name} | {'PASS' if ok else 'MISS'} |")


if __name__ == "__main__":
    main()
