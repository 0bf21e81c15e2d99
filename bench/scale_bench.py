#!/usr/bin/env python3
"""`make bench-scale`: every stage at 1,000, 10,000 and 100,000 items, 10 Hardcover books per item.

For each size N, on the built-in fakes (`shelfmirror fake-abs --items N --hardcover
--hardcover-limits unlimited --hardcover-log FILE`, loopback), each command a whole process:

  full sync      `sync` into a new mirror (both servers; Hardcover's pacing lifted)
  re-sync        `sync` again, nothing changed on either server
  (padding)      the mirror's Hardcover tables padded to 10·N books with bench/match_bench.py's
                 pad() (generated books that share the library's words and authors), not timed
                 as a stage
  scan           `scan DIR` of N generated 2-second files (bench/scan_bench.py's "tiny" case:
                 70% MP3 parts, 30% M4B, each retagged; cached in DATA/tiny-N)
  match          `match`, the first one
  match again    `match` with nothing changed
  diff           `diff --tz UTC --format json -o FILE` (both targets, the report written)
  search         the books' full-text query (`hardcover_books_fts`, in the shape of
                 Sources/MirrorStore/Queries/Search.swift: bm25 with titles weighing most, a
                 snippet, joined to its row, best 20) timed in-process with Python's sqlite3 over
                 --queries queries made of words of random books' titles (each word a prefix, as
                 FTS5Pattern(matchingAllPrefixesIn:) makes them): p50/p99; the same for what
                 `shelfmirror search` runs (items + scanned files); and the median of
                 --search-runs whole `shelfmirror search` processes, for reference
  push 1%        `accept --target abs --all --replace`, then `push --target abs --limit N/100`
                 to the fake AudiobookShelf

Measured: wall time (spawn to exit), peak RSS (ru_maxrss from os.wait4), requests (sync:
AudiobookShelf's from the mirror's sync_runs, Hardcover's from the fake's own log, one JSON line
per request; push: push_runs.requests) and the mirror's size (the .sqlite file; its -wal beside it
in the JSON) after each step. Prints a Markdown table per size, a growth table (each step's time
ratio between sizes against n·log n's) and the targets; merges the results into
DATA/scale-results.json (by size) and draws bench/scale.png from every size in it.

Targets (at 100,000 items / 1,000,000 books): growth no worse than n·log n between sizes, peak
RSS ≤ 1 GB, search p99 ≤ 20 ms, match ≤ 120 s first and ≤ 6 s with nothing changed. The exit
status is 0 when a target is missed (it is a report); non-zero on real errors.
"""
import argparse, datetime, json, math, os, random, re, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from benchlib import free_port, logger, query, require_binary, run_process  # noqa: E402

log = logger("scale-bench")

BOOKS_PER_ITEM = 10
FAST = ["--hardcover-rate", "1000000", "--hardcover-reserve", "0"]
PLOT_VENV = os.path.join(ROOT, ".build", "bench-venv")
# (key, label) in the order they run; the timed stages.
STEPS = [
    ("sync", "full sync"),
    ("resync", "re-sync, nothing changed"),
    ("scan", "scan (2-second files)"),
    ("match", "match, first"),
    ("match_again", "match, nothing changed"),
    ("diff", "diff (JSON report)"),
    ("accept", "accept (abs, all)"),
    ("push", "push 1% of items"),
]
STEP_LABEL = dict(STEPS)
TARGETS = dict(rss_mb=1024, search_p99_ms=20, match_s=120, match_again_s=6)
# The books' query, in the shape of the items' query in Sources/MirrorStore/Queries/Search.swift.
# Columns: title, subtitle, authors, series (schema/mirror.sql, hardcover_books_fts).
BOOKS_SQL = """
    SELECT b.id, b.title, b.authors,
           bm25(hardcover_books_fts, 10.0, 4.0, 8.0, 6.0) AS rank,
           snippet(hardcover_books_fts, -1, '[', ']', '…', 12) AS snippet
    FROM hardcover_books_fts JOIN hc_book b ON b.id = hardcover_books_fts.rowid
    WHERE hardcover_books_fts MATCH ?
    ORDER BY rank LIMIT ?
"""
# What `shelfmirror search` runs (Search.swift, verbatim but for the marks): items, then files.
ITEMS_SQL = """
    SELECT i.id, i.path, i.title, i.series, i.authors,
           bm25(items_fts, 10.0, 4.0, 8.0, 4.0, 6.0, 1.0, 2.0) AS rank,
           snippet(items_fts, -1, '[', ']', '…', 12) AS snippet
    FROM items_fts JOIN abs_item i ON i.key = items_fts.rowid
    WHERE items_fts MATCH ? AND i.removed_at IS NULL AND i.fetched_fingerprint IS NOT NULL
    ORDER BY rank LIMIT ?
"""
FILES_SQL = """
    SELECT f.path, f.title, f.album, f.artist,
           bm25(file_tags_fts, 10.0, 4.0, 8.0, 6.0, 4.0, 4.0, 6.0, 1.0, 0.5) AS rank,
           snippet(file_tags_fts, -1, '[', ']', '…', 12) AS snippet
    FROM file_tags_fts
    JOIN tag_file f ON f.id = file_tags_fts.rowid
    WHERE file_tags_fts MATCH ? AND f.removed_at IS NULL
    ORDER BY rank
    LIMIT ?
"""
SEARCH_LIMIT = 20


def mirror_size(db):
    size = lambda p: os.path.getsize(p) if os.path.exists(p) else 0
    return size(db), size(db + "-wal")


def hardcover_log(path, since):
    """Requests and counted fields the fake Hardcover answered after line `since`; the new line count."""
    with open(path) as f:
        lines = f.readlines()
    new = [json.loads(line) for line in lines[since:] if line.strip()]
    return len(new), sum(r.get("cost", 0) for r in new), len(lines)


def one(db, sql, args=()):
    """The first row of `sql` over the mirror, read-only; None when there is none."""
    rows = query(db, sql, args)
    return rows[0] if rows else None


def pad_in_child(db, total):
    """match_bench.pad() in its own process: the harness stays small, so that the children's
    ru_maxrss (which starts at the harness's RSS) measures them."""
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); from match_bench import pad; "
            "print(json.dumps(pad(sys.argv[2], int(sys.argv[3]))))")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, HERE, db, str(total)], check=True, capture_output=True, text=True).stdout
    synced, books = json.loads(out)
    return synced, books, time.perf_counter() - start


def scan_files(n, data_dir):
    """N 2-second files (scan_bench's "tiny" case), generated once and cached."""
    import scan_bench
    case_dir, manifest, gen_s = scan_bench.ensure_case_data("tiny", n, data_dir)
    return case_dir, gen_s


def fts_pattern(words):
    """FTS5Pattern(matchingAllPrefixesIn:): every token a prefix."""
    return " ".join(f"{w}*" for w in words)


def make_queries(db, count, seed=11):
    """Words of random books' titles (1 to 3 of them, in order), each query a prefix pattern."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [i for (i,) in con.execute("SELECT id FROM hc_book")]
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        (title,) = con.execute("SELECT title FROM hc_book WHERE id = ?", (rng.choice(ids),)).fetchone()
        words = [w.lower() for w in re.findall(r"[^\W_]+", title or "") if len(w) >= 3]
        if not words:
            continue
        k = min(len(words), rng.choice((1, 1, 2, 2, 3)))
        start = rng.randrange(len(words) - k + 1)
        queries.append(words[start:start + k])
    con.close()
    return queries


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def time_queries(db, queries, statements, slowest=0):
    """Milliseconds per query (all `statements` run for each), in one read-only connection, after
    one warm-up pass over every query (the page cache is warm, as in a long-running `serve`).
    With `slowest`, also the slowest queries, each with how many rows its pattern matches."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    hits = 0
    for words in queries:
        for sql in statements:
            hits += len(con.execute(sql, (fts_pattern(words), SEARCH_LIMIT)).fetchall())
    times = []
    for words in queries:
        start = time.perf_counter()
        for sql in statements:
            con.execute(sql, (fts_pattern(words), SEARCH_LIMIT)).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    worst = []
    for ms, words in sorted(zip(times, queries), reverse=True)[:slowest]:
        (matched,) = con.execute("SELECT count(*) FROM hardcover_books_fts WHERE hardcover_books_fts MATCH ?", (fts_pattern(words),)).fetchone()
        worst.append(dict(query=fts_pattern(words), ms=ms, matched=matched))
    con.close()
    return dict(p50_ms=percentile(times, 50), p99_ms=percentile(times, 99), max_ms=max(times),
                mean_hits=hits / len(queries), queries=len(queries), slowest=worst)


def bench_size(binary, n, data_dir, args, save):
    """Runs every step at N items; `save(res)` after each, so a run stopped midway keeps its steps."""
    work = tempfile.mkdtemp(prefix=f"shelfmirror-scale-{n}-")
    db = os.path.join(work, "mirror.sqlite")
    hc_log = os.path.join(work, "hardcover.jsonl")
    report = os.path.join(work, "diff.json")
    res = dict(items=n, binary=os.path.abspath(binary), date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               binary_mtime=datetime.datetime.fromtimestamp(os.path.getmtime(binary), datetime.timezone.utc).isoformat(timespec="seconds"),
               steps={}, complete=False)
    # Every step of a size runs one binary, even if the original is rebuilt meanwhile.
    binary = shutil.copy2(binary, os.path.join(work, "shelfmirror"))
    files_dir, gen_s = scan_files(n, data_dir)

    def step(key, cmd, env, ok=(0,)):
        log(f"N={n:,}: {key}")
        wall, rss, out, err, rc = run_process([binary, "--db", db] + cmd, env, ok)
        main, wal = mirror_size(db)
        res["steps"][key] = dict(s=wall, rss_mb=rss, mirror_bytes=main, wal_bytes=wal, requests=0, exit=rc,
                                 load1=os.getloadavg()[0])  # the machine's load when it ended (2 cores: > 2 is contention)
        res["peak_rss_mb"] = max(s["rss_mb"] for s in res["steps"].values())
        save(res)
        log(f"N={n:,}: {key} {wall:.2f} s, {rss:.0f} MB, mirror {main / 2**20:.1f} MiB")
        return res["steps"][key], out, err

    log(f"N={n:,}: starting fake-abs (AudiobookShelf + Hardcover)")
    fake = subprocess.Popen([binary, "fake-abs", "--items", str(n), "--port", str(free_port()), "--hardcover",
                             "--hardcover-limits", "unlimited", "--hardcover-log", hc_log],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        if "HARDCOVER_URL" not in cfg:
            raise SystemExit(f"fake-abs --items {n} did not start (it printed {sorted(cfg)})")
        env = dict(os.environ, NO_COLOR="1", XDG_CONFIG_HOME=os.path.join(work, "config"), **cfg)
        seen = 0
        for key in ("sync", "resync"):
            # 75: the Hardcover part stopped at the day's quota (the fake counts it even when
            # unlimited), after the AudiobookShelf part finished: measured as it is, and reported.
            s, out, err = step(key, ["sync"] + FAST, env, ok=(0, 75))
            abs_req, listed, fetched = one(db, "SELECT requests, items_listed, items_fetched FROM sync_runs WHERE source = 'abs' ORDER BY id DESC LIMIT 1")
            abs_s = one(db, "SELECT duration_seconds FROM sync_runs WHERE source = 'abs' ORDER BY id DESC LIMIT 1")[0]
            hc_status, hc_stop, hc_s, hc_fetched = one(db, "SELECT status, stop_reason, duration_seconds, items_fetched FROM sync_runs "
                                                           "WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1") or (None, None, None, None)
            hc_req, hc_fields, seen = hardcover_log(hc_log, seen)
            s.update(requests=abs_req + hc_req, abs_requests=abs_req, hardcover_requests=hc_req, hardcover_fields=hc_fields,
                     items_fetched=fetched, abs_s=abs_s, hardcover_stop_message=[line for line in err.splitlines() if line.startswith(("error:", "hint:"))], hardcover_s=hc_s, hardcover_books_fetched=hc_fetched,
                     hardcover_status=hc_status, hardcover_stop=hc_stop, summary=out.strip().splitlines()[-4:] if out.strip() else err.strip().splitlines()[-4:])
        res["hardcover_books_synced"] = one(db, "SELECT count(*) FROM hc_book")[0]

        log(f"N={n:,}: padding the mirror to {BOOKS_PER_ITEM * n:,} Hardcover books (not timed as a stage)")
        synced, books, pad_s = pad_in_child(db, BOOKS_PER_ITEM * n)
        res.update(books=books, pad_s=pad_s, mirror_bytes_padded=mirror_size(db)[0])
        log(f"N={n:,}: {synced:,} synced + {books - synced:,} generated books in {pad_s:.1f} s")

        step("scan", ["scan", files_dir], env)
        res["files"] = one(db, "SELECT count(*) FROM tag_file WHERE removed_at IS NULL")[0]
        res["files_generation_s"] = gen_s
        s, out, err = step("match", ["match"], env)
        s["summary"] = [line.split(": ", 1)[-1] for line in (out + err).strip().splitlines()[-1:]]
        s, out, err = step("match_again", ["match"], env)
        s["summary"] = [line.split(": ", 1)[-1] for line in (out + err).strip().splitlines()[-1:]]
        s, out, err = step("diff", ["diff", "--tz", "UTC", "--format", "json", "-o", report], env)
        s["report_bytes"] = os.path.getsize(report)
        res["proposals"] = one(db, "SELECT count(*) FROM changes WHERE status = 'pending'")[0]
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        res["statuses"] = dict(con.execute("SELECT status, count(*) FROM matches GROUP BY 1").fetchall())
        con.close()

        log(f"N={n:,}: search ({args.queries} queries, in-process)")
        queries = make_queries(db, args.queries)
        res["search_books"] = time_queries(db, queries, [BOOKS_SQL], slowest=5)
        res["search_items_files"] = time_queries(db, queries, [ITEMS_SQL, FILES_SQL])
        cli = []
        for words in queries[:args.search_runs]:
            wall, rss, _, _, _ = run_process([binary, "--db", db, "search", "--format", "json"] + words, env)
            cli.append((wall, rss))
        res["search_cli"] = dict(median_s=statistics.median(w for w, _ in cli), rss_mb=max(r for _, r in cli), runs=len(cli))
        save(res)
        log(f"N={n:,}: search books p50 {res['search_books']['p50_ms']:.2f} ms, p99 {res['search_books']['p99_ms']:.2f} ms; "
            f"shelfmirror search {res['search_cli']['median_s'] * 1000:.0f} ms")

        s, _, _ = step("accept", ["accept", "--target", "abs", "--all", "--replace"], env)
        s["accepted"] = one(db, "SELECT count(*) FROM changes WHERE status = 'accepted'")[0]
        s["items_accepted"] = one(db, "SELECT count(DISTINCT item_id) FROM changes WHERE status = 'accepted'")[0]
        limit = max(1, n // 100)
        s, _, _ = step("push", ["push", "--target", "abs", "--limit", str(limit)], env)
        items, pushed, conflicts, failed, requests = one(
            db, "SELECT items, pushed, conflicts, failed, requests FROM push_runs WHERE kind = 'push' ORDER BY id DESC LIMIT 1")
        s.update(items=items, fields=pushed, conflicts=conflicts, failed=failed, requests=requests, limit=limit)
        res["complete"] = True
        save(res)
    finally:
        fake.terminate()
        fake.wait()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return res


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def nlogn(n):
    return n * math.log(n)


def fmt_s(s):
    return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"


def quota_note(s):
    """Why a sync exited 75: Hardcover's part stopped at the day's quota."""
    if not s.get("exit"):
        return ""
    waiting = re.search(r"(\d+) items wait", " ".join(s.get("hardcover_stop_message", [])))
    return (f"; exit {s['exit']}: Hardcover stopped at the fake's daily quota (5,000)"
            + (f", {int(waiting.group(1)):,} items left to look up" if waiting else ""))


def render_size(r):
    st = r["steps"]
    books = f"{r['books']:,} Hardcover books ({r['hardcover_books_synced']:,} synced, the rest generated)" if "books" in r else "Hardcover books not padded yet"
    files = f", {r['files']:,} files" if "files" in r else ""
    lines = [f"\n### {r['items']:,} items, {books}{files}" + ("" if r.get("complete") else " — INCOMPLETE: the run stopped after the steps shown") + "\n",
             f"Binary `{os.path.relpath(r['binary'], ROOT) if r['binary'].startswith(ROOT) else r['binary']}`"
             + (f" (built {r['binary_mtime']})" if "binary_mtime" in r else "") + f", run {r['date']}.\n",
             "| step | wall s | requests | peak RSS MB | mirror MiB after | notes |",
             "|---|---:|---:|---:|---:|---|"]
    notes = {
        "sync": lambda s: (f"AudiobookShelf {s['abs_requests']:,} ({s['abs_s']:.1f} s), Hardcover {s['hardcover_requests']:,} "
                           f"({s['hardcover_fields']:,} counted fields, {s['hardcover_s'] or 0:.1f} s, {s['hardcover_books_fetched'] or 0:,} books fetched"
                           + f"); {s['items_fetched']:,} items fetched" + quota_note(s)),
        "resync": lambda s: f"AudiobookShelf {s['abs_requests']:,}, Hardcover {s['hardcover_requests']:,}; {s['items_fetched']:,} items fetched" + quota_note(s),
        "scan": lambda s: f"{r.get('files', 0):,} files",
        "match": lambda s: "; ".join(s.get("summary", [])),
        "match_again": lambda s: "; ".join(s.get("summary", [])),
        "diff": lambda s: f"{r.get('proposals', 0):,} proposals; report {s['report_bytes'] / 2**20:.1f} MiB",
        "accept": lambda s: f"{s['accepted']:,} proposals of {s['items_accepted']:,} items",
        "push": lambda s: f"{s['items']:,} items (--limit {s['limit']:,}), {s['fields']:,} fields; {s['conflicts']} conflicts, {s['failed']} failed",
    }
    for key, label in STEPS:
        if key not in st:
            continue
        s = st[key]
        try:
            note = notes[key](s)
        except KeyError:
            note = ""
        lines.append(f"| {label} | {fmt_s(s['s'])} | {s['requests']:,} | {s['rss_mb']:.0f} | {s['mirror_bytes'] / 2**20:.1f} | {note.replace('|', '/')} |")
        if key == "resync" and "pad_s" in r:
            lines.append(f"| (padding to {r['books']:,} books, not a stage) | {fmt_s(r['pad_s'])} | — | — | {r['mirror_bytes_padded'] / 2**20:.1f} | match_bench.pad() |")
    loads = [s["load1"] for s in st.values() if "load1" in s]
    if loads:
        lines.append(f"| (the machine's 1-minute load average after each step: {min(loads):.1f}–{max(loads):.1f}, on 2 cores) | | | | | |")
    if "search_cli" in r:
        b, i, c = r["search_books"], r["search_items_files"], r["search_cli"]
        lines.append(f"| search books, in-process, {b['queries']} queries (p50 / p99 / max ms) | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} / {b['max_ms']:.1f} | 0 | — | — | "
                     f"{b['mean_hits']:.1f} rows per query (limit {SEARCH_LIMIT}) |")
        lines.append(f"| search items + files, in-process (p50 / p99 / max ms) | {i['p50_ms']:.2f} / {i['p99_ms']:.2f} / {i['max_ms']:.1f} | 0 | — | — | "
                     f"what `shelfmirror search` runs |")
        lines.append(f"| `shelfmirror search`, whole process (median of {c['runs']}) | {fmt_s(c['median_s'])} | 0 | {c['rss_mb']:.0f} | — | |")
        if b.get("slowest"):
            lines.append("\nSlowest book queries: " + "; ".join(f"`{q['query']}` {q['ms']:.1f} ms ({q['matched']:,} books match)" for q in b["slowest"]) + ".")
    return "\n".join(lines)


def growth_rows(results):
    """(label, [(n1, n2, ratio, nlogn_ratio)]) per step with data at two or more sizes."""
    sizes = sorted(results)
    rows = []
    series = [(label, lambda r, k=key: r["steps"].get(k, {}).get("s")) for key, label in STEPS if key != "accept"]
    series.append(("search books p99 (per query)", lambda r: r.get("search_books", {}).get("p99_ms")))
    series.append(("peak RSS (all steps)", lambda r: r.get("peak_rss_mb")))
    series.append(("mirror size (after push)", lambda r: r["steps"].get("push", {}).get("mirror_bytes")))
    for label, get in series:
        pairs = []
        for a, b in zip(sizes, sizes[1:]):
            va, vb = get(results[a]), get(results[b])
            if va and vb:
                pairs.append((a, b, vb / va, nlogn(b) / nlogn(a)))
        if pairs:
            rows.append((label, pairs))
    return rows


def targets(results):
    checks = []
    for label, pairs in growth_rows(results):
        if label.startswith("search"):
            continue
        worst = max(pairs, key=lambda p: p[2] / p[3])
        checks.append((f"growth ≤ n·log n: {label}",
                       all(p[2] <= p[3] for p in pairs),
                       ", ".join(f"{a:,}→{b:,}: ×{ratio:.1f} (n·log n ×{nl:.1f})" for a, b, ratio, nl in pairs)))
    big = results[max(results)]
    st = big["steps"]
    at = f" at {big['items']:,} items" + ("" if big.get("complete") else " (incomplete run)")
    if st:
        checks.append((f"peak RSS ≤ 1 GB{at}", big["peak_rss_mb"] <= TARGETS["rss_mb"],
                       f"{big['peak_rss_mb']:.0f} MB ({STEP_LABEL[max(st, key=lambda k: st[k]['rss_mb'])]})"))
    if "search_books" in big:
        checks.append((f"search p99 ≤ 20 ms{at}", big["search_books"]["p99_ms"] <= TARGETS["search_p99_ms"],
                       f"{big['search_books']['p99_ms']:.2f} ms over {big['books']:,} books (p50 {big['search_books']['p50_ms']:.2f} ms)"))
    if "match" in st:
        checks.append((f"match ≤ 120 s first{at}", st["match"]["s"] <= TARGETS["match_s"], f"{st['match']['s']:.1f} s"))
    if "match_again" in st:
        checks.append((f"match ≤ 6 s with nothing changed{at}", st["match_again"]["s"] <= TARGETS["match_again_s"], f"{st['match_again']['s']:.2f} s"))
    return checks


def render(results):
    out = ["\n## Scale (built-in fakes on loopback, whole processes, 10 Hardcover books per item)"]
    for n in sorted(results):
        out.append(render_size(results[n]))
    rows = growth_rows(results)
    if rows:
        sizes = sorted(results)
        pairs = list(zip(sizes, sizes[1:]))
        out.append("\n### Growth between sizes (ratio of the measure; n·log n's ratio in the header)\n")
        out.append("| step | " + " | ".join(f"{a:,} → {b:,} (n·log n ×{nlogn(b) / nlogn(a):.1f})" for a, b in pairs) + " |")
        out.append("|---|" + "---:|" * len(pairs))
        for label, got in rows:
            by = {(a, b): (ratio, nl) for a, b, ratio, nl in got}
            cells = [f"×{by[p][0]:.1f}" + ("" if by[p][0] <= by[p][1] else " (over)") if p in by else "—" for p in pairs]
            out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("\n### Targets\n\n| target | result | measured |\n|---|---|---|")
    for name, ok, detail in targets(results):
        out.append(f"| {name} | {'PASS' if ok else 'MISS'} | {detail} |")
    return "\n".join(out)


def plot(results, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sizes = sorted(results)

    def series(get, x=lambda n: n):
        """The sizes (or x of them) that have the value, and the values."""
        pts = []
        for n in sizes:
            try:
                v = get(results[n])
            except (KeyError, TypeError):
                v = None
            if v:
                pts.append((x(n), v))
        return [p[0] for p in pts], [p[1] for p in pts]

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 6.6), gridspec_kw=dict(width_ratios=[1.5, 1, 1]))
    for key, label in STEPS:
        if key == "accept":
            continue
        xs, ys = series(lambda r, k=key: r["steps"][k]["s"])
        ax1.plot(xs, ys, marker="o", label=label)
    xs, ys = series(lambda r: r["search_cli"]["median_s"])
    ax1.plot(xs, ys, marker="x", linestyle=":", color="black", label="shelfmirror search (whole process)")
    if len(sizes) > 1:
        anchor = sizes[0]
        base = results[anchor]["steps"]["sync"]["s"]
        ax1.plot(sizes, [base * nlogn(n) / nlogn(anchor) for n in sizes], color="grey", linestyle="--", linewidth=2.5, alpha=0.6,
                 label="n·log n (through the full sync at %s)" % f"{anchor:,}")
    for y, text in ((TARGETS["match_s"], "target: match ≤ 120 s"), (TARGETS["match_again_s"], "target: match, nothing changed ≤ 6 s")):
        ax1.axhline(y, color="tab:red", linewidth=0.8, linestyle=":")
        ax1.text(sizes[-1], y * 1.1, text, color="tab:red", fontsize=8, ha="right")
    ax1.set(xscale="log", yscale="log", xlabel="items (10 Hardcover books each)", ylabel="wall time, s (whole process)",
            title="Time per step")
    ax1.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)
    ax1.grid(True, which="both", alpha=0.3)

    xs, ys = series(lambda r: r["peak_rss_mb"])
    ax2.plot(xs, ys, marker="o", label="peak RSS, the largest step's (MB)")
    xs, ys = series(lambda r: r["steps"]["match"]["rss_mb"])
    ax2.plot(xs, ys, marker=".", linestyle=":", label="peak RSS of match (MB)")
    xs, ys = series(lambda r: max(s["mirror_bytes"] for s in r["steps"].values()) / 2**20)
    ax2.plot(xs, ys, marker="s", label="mirror size, largest after a step (MiB)")
    ax2.axhline(TARGETS["rss_mb"], color="tab:red", linewidth=0.8, linestyle=":")
    ax2.text(sizes[-1], TARGETS["rss_mb"] * 1.1, "target: RSS ≤ 1 GB", color="tab:red", fontsize=8, ha="right")
    ax2.set(xscale="log", yscale="log", xlabel="items", ylabel="MB / MiB", title="Peak memory and mirror size")
    ax2.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1)
    ax2.grid(True, which="both", alpha=0.3)

    books = lambda n: BOOKS_PER_ITEM * n
    for key, label in (("p50_ms", "books p50"), ("p99_ms", "books p99")):
        xs, ys = series(lambda r, k=key: r["search_books"][k], books)
        ax3.plot(xs, ys, marker="o", label=label)
    for key, label in (("p50_ms", "items + files p50"), ("p99_ms", "items + files p99")):
        xs, ys = series(lambda r, k=key: r["search_items_files"][k], books)
        ax3.plot(xs, ys, marker=".", linestyle=":", label=label)
    ax3.axhline(TARGETS["search_p99_ms"], color="tab:red", linewidth=0.8, linestyle=":")
    ax3.text(books(sizes[-1]), TARGETS["search_p99_ms"] * 1.1, "target: p99 ≤ 20 ms", color="tab:red", fontsize=8, ha="right")
    ax3.set(xscale="log", yscale="log", xlabel="Hardcover books", ylabel="ms per query (in-process, warm cache)", title="Full-text search")
    ax3.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    ax3.grid(True, which="both", alpha=0.3)
    from matplotlib.ticker import FuncFormatter, NullFormatter
    for ax, scale in ((ax1, 1), (ax2, 1), (ax3, BOOKS_PER_ITEM)):
        ax.set_xticks([n * scale for n in sizes])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    # The build is known from a SwiftPM path (.build/release, .build/debug), not from a copy's name.
    builds = {"release" if "/release/" in b else "debug" if "/debug/" in b else None for b in (results[n]["binary"] for n in sizes)}
    build = f", {builds.pop()} binary" if len(builds) == 1 and None not in builds else ""
    incomplete = [f"{n:,}" for n in sizes if not results[n].get("complete")]
    busy = [f"{n:,} items: load up to {max(loads):.1f}" for n in sizes
            for loads in [[s["load1"] for s in results[n]["steps"].values() if "load1" in s]] if loads and max(loads) > 2.5]
    fig.suptitle("shelfmirror at scale (make bench-scale): built-in fakes on loopback, 2 cores" + build
                 + (f"; {', '.join(incomplete)} items: incomplete run" if incomplete else "")
                 + (f"\n(cores shared with other work, 1-minute load average after a step — {'; '.join(busy)})" if busy else ""), fontsize=11)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)


def draw(results_path, png):
    """Draws the plot here if matplotlib imports, else with the bench venv's Python."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        python = os.path.join(PLOT_VENV, "bin", "python")
        if not os.access(python, os.X_OK):
            log(f"no plot: matplotlib is missing (make bench-scale installs it in {os.path.relpath(PLOT_VENV, ROOT)})")
            return
        subprocess.run([python, os.path.abspath(__file__), "--plot-only", "--json", results_path, "--png", png],
                       check=True, stdout=subprocess.DEVNULL)
        log(f"plot: {os.path.relpath(png, ROOT)}")
        return
    with open(results_path) as f:
        plot({int(k): v for k, v in json.load(f).items()}, png)
    log(f"plot: {os.path.relpath(png, ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"))
    parser.add_argument("--sizes", default="1000,10000,100000", help="numbers of items, run smallest first")
    parser.add_argument("--data", default=os.path.join(HERE, ".data"), help="generated files and results (git-ignored)")
    parser.add_argument("--json", help="results file (default DATA/scale-results.json); sizes run again replace theirs")
    parser.add_argument("--png", default=os.path.join(HERE, "scale.png"))
    parser.add_argument("--queries", type=int, default=500, help="in-process search queries per size")
    parser.add_argument("--search-runs", type=int, default=11, help="whole `shelfmirror search` processes per size (median)")
    parser.add_argument("--fresh", action="store_true", help="forget the sizes the results file holds from earlier runs")
    parser.add_argument("--keep", action="store_true", help="keep each size's mirror, diff and Hardcover log (the path is logged)")
    parser.add_argument("--plot-only", action="store_true", help="redraw the plot and print the tables from the results file; run nothing")
    args = parser.parse_args()
    results_path = args.json or os.path.join(args.data, "scale-results.json")
    results = {}
    if os.path.exists(results_path) and not args.fresh:
        with open(results_path) as f:
            results = {int(k): v for k, v in json.load(f).items()}
    if args.plot_only:
        if not results:
            raise SystemExit(f"{results_path} holds no results: run the bench first")
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            draw(results_path, args.png)
        else:
            plot(results, args.png)
        print(render(results))
        return
    require_binary(args.bin)
    os.makedirs(args.data, exist_ok=True)
    def save(res):  # after each step: a long run that stops keeps what it measured
        results[res["items"]] = res
        tmp = results_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({str(k): v for k, v in sorted(results.items())}, f, indent=2)
        os.replace(tmp, results_path)

    for n in sorted(int(s) for s in args.sizes.split(",")):
        bench_size(args.bin, n, args.data, args, save)
    print(render(results))
    print(f"\nResults (every size measured so far) in {os.path.relpath(results_path, ROOT)}.")
    draw(results_path, args.png)


if __name__ == "__main__":
    main()
