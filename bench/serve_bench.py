#!/usr/bin/env python3
"""`make bench` part 7: `shelfmirror serve` over 20,000 items: page and search-as-you-type latency.

Builds a mirror of N items (`shelfmirror fake-abs --items N --hardcover`, then `sync`, `match` and
`diff`, each a whole process), keeps it in DATA/serve-N.sqlite for the next run (rebuilt when N,
this script's mirror recipe or the binary's schema changes), and serves a copy of it with
`shelfmirror serve --port 0`. One client on one keep-alive connection (http.client) times each
request from sending it to the last byte of the body: item pages, search as you type (the prefixes
of a title's words as a user types them), the library and review pages, and accepting proposals
(POST /decide, as the page's script does). Reports p50/p95/p99/max per kind against issue 16's
targets (an item page ≤ 100 ms, search as you type ≤ 50 ms); the results also go to
DATA/serve-results.json. The exit status is 0 when a target is missed (it's a report).
"""
import argparse, hashlib, http.client, json, math, os, random, re, select, shutil, sqlite3, subprocess, sys, tempfile, time
import urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import logger, query, require_binary, run  # noqa: E402

log = logger("serve-bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "bench", ".data")
# Bump when the mirror recipe below changes: a cached mirror of another recipe is rebuilt.
RECIPE = 1
# Lifts the client's pacing (hidden options of sync): requests are measured, not waited for.
UNPACED = ["--hardcover-rate", "1000000", "--hardcover-reserve", "0"]
# The server's configuration and credentials are the bench's own, not the user's.
SCRUBBED = ("ABS_URL", "ABS_TOKEN", "AUDIOBOOKSHELF_URL", "HARDCOVER_URL", "HARDCOVER_TOKEN")
# In ms, checked on p95. Pages without a target of their own are shown against the item page's
# 100 ms in brackets (informational).
ITEM_TARGET, SEARCH_TARGET = 100, 50


def base_env(data):
    """The environment of every shelfmirror process: no colour, the bench's empty config, none of the user's servers."""
    config = os.path.join(data, "serve-config.toml")
    if not os.path.exists(config):
        open(config, "w").close()
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and not k.startswith("SHELFMIRROR_")}
    return dict(env, NO_COLOR="1", SHELFMIRROR_CONFIG=config)


def remove_db(path):
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def schema_digest(binary, env):
    out = subprocess.run([binary, "schema"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{binary} schema failed ({out.returncode}):\n{out.stderr}")
    return hashlib.sha256(out.stdout.encode()).hexdigest()[:16]


def ensure_mirror(binary, n, data, env, rebuild):
    """DATA/serve-N.sqlite, built unless a mirror of the same recipe, N and schema is there."""
    db = os.path.join(data, f"serve-{n}.sqlite")
    manifest_path = os.path.join(data, f"serve-{n}.manifest.json")
    want = {"recipe": RECIPE, "items": n, "schema": schema_digest(binary, env)}
    if not rebuild and os.path.exists(db) and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
        if {k: manifest.get(k) for k in want} == want:
            log(f"reusing the mirror of {n:,} items in {db} (built {manifest['built']}; --rebuild to build it again)")
            return db, manifest
    building = db + ".building"
    remove_db(building)
    if os.path.exists(manifest_path):
        os.remove(manifest_path)
    steps = {}
    fake = subprocess.Popen([binary, "fake-abs", "--items", str(n), "--port", "0", "--hardcover", "--hardcover-limits", "unlimited"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        cfg = dict(line.strip().split("=", 1) for line in (fake.stdout.readline() for _ in range(4)) if "=" in line)
        log(f"building a mirror of {n:,} items: sync (fake AudiobookShelf and Hardcover on loopback)")
        steps["sync"] = run([binary, "--db", building, "sync"] + UNPACED, dict(env, **cfg))
    finally:
        fake.terminate()
        fake.wait()
    log("match")
    steps["match"] = run([binary, "--db", building, "match"], env)
    log("diff")
    steps["diff"] = run([binary, "--db", building, "diff", "--format", "csv", "-o", os.devnull], env)
    # One file, no WAL beside it: the copy each run serves is a plain file copy.
    con = sqlite3.connect(building)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    remove_db(db)
    os.replace(building, db)
    remove_db(building)
    manifest = dict(want, built=time.strftime("%Y-%m-%d %H:%M:%S"), binary=binary, seconds={k: round(v, 1) for k, v in steps.items()})
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    log(f"built in {sum(steps.values()):.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in steps.items())})")
    return db, manifest


class Server:
    """`shelfmirror serve --port 0` on a mirror; stderr goes to a file."""

    def __init__(self, binary, db, env, log_path):
        self.stderr = open(log_path, "w")
        self.proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"], env=env, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self.stop()
            with open(log_path) as f:
                raise SystemExit(f"shelfmirror serve did not print its address within 60 s:\n{f.read()}")
        self.url = urllib.parse.urlsplit(line)

    def stop(self):
        """Stops it (SIGTERM); returns its peak RSS in MB."""
        self.proc.terminate()
        try:
            _, _, usage = os.wait4(self.proc.pid, 0)
        except ChildProcessError:
            usage = None
        self.proc.returncode = 0
        self.stderr.close()
        return usage.ru_maxrss / 1024 if usage else None


class Client:
    """One keep-alive connection; each request timed from sending to the body's last byte."""

    def __init__(self, url):
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    def request(self, method, path, body=None, headers=None):
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        ms = (time.perf_counter() - start) * 1000
        return ms, response, data

    def get(self, path, expect=200):
        ms, response, data = self.request("GET", path)
        if response.status != expect:
            raise SystemExit(f"GET {path}: HTTP {response.status}, expected {expect}:\n{data[:500].decode(errors='replace')}")
        return ms, response, data.decode()


def percentile(sorted_ms, p):
    """Nearest rank."""
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def stats(samples):
    s = sorted(samples)
    return {"n": len(s), "p50": percentile(s, 50), "p95": percentile(s, 95), "p99": percentile(s, 99), "max": s[-1]}


WORD = re.compile(r"[^\W_]+")


def typing(title, rng):
    """What a user types to find `title`: a word of it letter by letter from 2 letters, then the next word the same way."""
    words = WORD.findall(title)
    choices = [i for i, w in enumerate(words) if len(w) >= 3] or [i for i, w in enumerate(words) if len(w) >= 2]
    if not choices:
        return []
    i = rng.choice(choices)
    first = words[i]
    typed = [("1 word", first[:k]) for k in range(2, len(first) + 1)]
    if i + 1 < len(words):
        second = words[i + 1]
        typed += [("2 words", f"{first} {second[:k]}") for k in range(1, len(second) + 1)]
    return typed


def prefix_kind(kind, text):
    if kind == "2 words":
        return "two words"
    return f"{len(text)} letters" if len(text) <= 3 else "4+ letters"


PROPOSAL = re.compile(r'data-test="proposal" data-change-id="(\d+)" data-field="[^"]*" data-status="pending" data-version="([^"]*)"')
TOKEN = re.compile(r'<meta name="shelfmirror-token" content="([^"]+)">')


def bench(args, db, env):
    rng = random.Random(args.seed)
    ids = [r[0] for r in query(db, "SELECT id FROM items WHERE NOT removed ORDER BY id")]
    titles = [r[0] for r in query(db, "SELECT title FROM items WHERE NOT removed AND title IS NOT NULL ORDER BY id")]
    server = Server(args.bin, db, env, os.path.join(args.data, "serve-server.log"))
    results, extra = {}, {}
    try:
        client = Client(server.url)
        log(f"serving {len(ids):,} items at {server.url.geturl()}")
        # Warm-up (not counted): the first request of each kind opens pages of the mirror.
        for path in ["/", "/review", f"/item/{urllib.parse.quote(ids[0], safe='')}", "/library/rows?q=th"]:
            client.get(path)

        log(f"GET /, /review, /review?page=20: {args.repeat} times each")
        for kind, path in (("library page: GET /", "/"), ("review, first page: GET /review", "/review"),
                           ("review, page 20: GET /review?page=20", "/review?page=20")):
            results[kind] = [client.get(path)[0] for _ in range(args.repeat)]

        log(f"GET /item/<id> for {args.item_pages} random items")
        results["item page: GET /item/<id>"] = [client.get(f"/item/{urllib.parse.quote(i, safe='')}")[0]
                                               for i in rng.sample(ids, min(args.item_pages, len(ids)))]

        typed = [t for title in rng.sample(titles, min(args.searches, len(titles))) for t in typing(title, rng)]
        log(f"search as you type: {len(typed):,} requests for {args.searches} titles")
        search, by_prefix, found = [], {}, []
        for n, (kind, text) in enumerate(typed, 1):
            if n % 200 == 0:
                log(f"… {n:,} of {len(typed):,}")
            ms, response, _ = client.get("/library/rows?q=" + urllib.parse.quote(text, safe=""))
            search.append(ms)
            by_prefix.setdefault(prefix_kind(kind, text), []).append(ms)
            m = re.match(r"([\d,]+) item", response.getheader("X-Result-Summary") or "")
            found.append((int(m.group(1).replace(",", "")) if m else None, ms, text))
        results["search as you type: GET /library/rows?q="] = search
        extra["search_by_prefix"] = {k: stats(v) for k, v in by_prefix.items()}
        hits = [f for f, _, _ in found if f is not None]
        extra["search_items_found"] = {"median": sorted(hits)[len(hits) // 2], "max": max(hits)} if hits else None
        extra["slowest_searches"] = [{"q": t, "ms": round(ms, 1), "found": f} for f, ms, t in sorted(found, key=lambda x: -x[1])[:5]]

        _, _, html = client.get("/review")
        token = TOKEN.search(html).group(1)
        pending, page = [], 1
        while len(pending) < args.decides:
            _, _, html = client.get(f"/review?page={page}")
            found_here = PROPOSAL.findall(html)
            if not found_here and 'data-test="review-item"' not in html:
                break
            pending += found_here
            page += 1
        pending = pending[:args.decides]
        log(f"POST /decide accept for {len(pending)} pending proposals (from review pages 1-{page - 1})")
        headers = {"X-Shelfmirror-Token": token, "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
        decide = []
        for change, version in pending:
            body = urllib.parse.urlencode({"change": change, "version": version, "decision": "accept", "back": "/review"})
            ms, response, data = client.request("POST", "/decide", body=body, headers=headers)
            reply = json.loads(data) if response.status == 200 else {}
            if not reply.get("ok"):
                raise SystemExit(f"POST /decide change {change}: HTTP {response.status}: {data[:300].decode(errors='replace')}")
            decide.append(ms)
        results["accept a proposal: POST /decide"] = decide
        client.conn.close()
    finally:
        extra["server_peak_rss_mb"] = server.stop()
    return results, extra


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/shelfmirror"), help="the shelfmirror binary (default: the release one)")
    parser.add_argument("--items", type=int, default=20000, help="items in the mirror (default 20000)")
    parser.add_argument("--data", default=DEFAULT_DATA, help="the cached mirror and the results (default bench/.data)")
    parser.add_argument("--rebuild", action="store_true", help="build the mirror again even when the cached one fits")
    parser.add_argument("--item-pages", type=int, default=300, help="item pages to load (default 300)")
    parser.add_argument("--searches", type=int, default=100, help="titles to type (default 100)")
    parser.add_argument("--decides", type=int, default=200, help="proposals to accept (default 200)")
    parser.add_argument("--repeat", type=int, default=20, help="loads of the library and review pages (default 20)")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.data = os.path.abspath(args.data)
    require_binary(args.bin, "run `make release` first (or pass --bin PATH)")
    os.makedirs(args.data, exist_ok=True)
    env = base_env(args.data)
    cached, manifest = ensure_mirror(args.bin, args.items, args.data, env, args.rebuild)

    # Deciding writes: the server gets a copy, so the cached mirror stays as built.
    work = tempfile.mkdtemp(prefix="serve-bench-", dir=args.data)
    try:
        db = os.path.join(work, "mirror.sqlite")
        # SQLite's backup: the copy holds what a WAL beside the cached file may still hold.
        with sqlite3.connect(f"file:{cached}?mode=ro", uri=True) as src, sqlite3.connect(db) as dst:
            src.backup(dst)
        pending = query(db, "SELECT count(*) FROM changes WHERE status = 'pending'")[0][0]
        pending_items = query(db, "SELECT count(DISTINCT item_id) FROM changes WHERE status = 'pending'")[0][0]
        matches = dict(query(db, "SELECT status, count(*) FROM matches GROUP BY 1"))
        results, extra = bench(args, db, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    targets = {"item page: GET /item/<id>": ITEM_TARGET, "search as you type: GET /library/rows?q=": SEARCH_TARGET}
    rows = []
    for kind, samples in results.items():
        s = stats(samples)
        target = targets.get(kind)
        rows.append(dict(kind=kind, **{k: round(v, 1) if isinstance(v, float) else v for k, v in s.items()},
                         target_ms=target, met=None if target is None else s["p95"] <= target))

    build = "debug" if "/debug/" in args.bin else "release" if "/release/" in args.bin else os.path.basename(args.bin)
    print(f"\n## serve: {args.items:,} items, {pending:,} pending proposals on {pending_items:,} items "
          f"({build} binary, one keep-alive connection, ms from sending to the last byte)\n")
    print("| request | n | p50 ms | p95 ms | p99 ms | max ms | target (p95) | met? |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        target = f"≤ {r['target_ms']} ms" if r["target_ms"] else "—"
        met = "—" if r["met"] is None else "PASS" if r["met"] else "MISS"
        print(f"| {r['kind']} | {r['n']:,} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {target} | {met} |")

    print("\n| search as you type, by what is typed | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    order = ["2 letters", "3 letters", "4+ letters", "two words"]
    for key in sorted(extra["search_by_prefix"], key=order.index):
        s = extra["search_by_prefix"][key]
        print(f"| {key} | {s['n']:,} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {s['max']:.1f} |")
    if extra["search_items_found"]:
        f = extra["search_items_found"]
        print(f"\nItems found per search: median {f['median']:,}, most {f['max']:,}. Slowest: "
              + "; ".join(f"\"{s['q']}\" {s['ms']} ms ({s['found']:,} found)" for s in extra["slowest_searches"] if s["found"] is not None) + ".")
    print("Matches: " + ", ".join(f"{k} {v:,}" for k, v in sorted(matches.items())) + "."
          + (f" Server peak RSS {extra['server_peak_rss_mb']:.0f} MB." if extra["server_peak_rss_mb"] else ""))

    out = dict(items=args.items, binary=args.bin, build=build, pending_proposals=pending, pending_items=pending_items, matches=matches,
               mirror=manifest, requests=rows, **extra, measured=time.strftime("%Y-%m-%d %H:%M:%S"))
    path = os.path.join(args.data, "serve-results.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
    log(f"results written to {path}")


if __name__ == "__main__":
    main()
