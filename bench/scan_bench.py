#!/usr/bin/env python3
"""`make bench`: time shelfmirror's `scan` stage against peers on the same files.

Whole process against whole process: every tool is started as a child process,
timed with time.perf_counter() around start..exit, and its peak RSS is taken
from os.wait4() (ru_maxrss, KiB on Linux).

Sizes (--sizes, default 1000,20000; --files N: one size)
  N <= --long-max (5000):
    long   N audiobook-like files, 10 minutes each (~70% MP3 parts, ~30% M4B)
    tiny   N 2-second files, same mix (per-file overhead dominates); --skip-tiny
  N > --long-max:
    short  N files of the same layout and formats, 60 seconds each (20,000 10-minute
           files would be 46 GiB, more than the page cache holds)

Tools (--only)
  shelfmirror  `shelfmirror --db DB scan DIR`, cold (DB deleted) and again (nothing
               changed); beside it two floors, not peers: the scan floor
               (bench/peers/scan_floor.cpp: walk + the shim's sm_read_file on every
               core, nothing stored) and the re-scan floor (bench/peers/rescan_floor.c:
               walk + stat + read the mirror's rows)
  mutagen      bench/peers/mutagen_scan.py DIR  (one Python process)
  ffprobe      one `ffprobe ... -show_format -show_streams -show_chapters FILE`
               per file, sequentially (what AudiobookShelf does); not run above
               --per-file-max files (5000)
  beets        `beet -c CFG import -A -s -q DIR` into a fresh library; not run above
               --beets-max files (5000), nor when it would take more than 5 minutes
               (estimated from a smaller size); stopped after 5 minutes

Logs go to stderr; the Markdown report goes to stdout; results are also written
as JSON to DATA/scan-results.json. Exit status is 0 even when a target is
missed; non-zero only on real errors (missing binary, a tool failing, ...).
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "shelfmirror")
DEFAULT_DATA = os.path.join(HERE, ".data")
MUTAGEN_PEER = os.path.join(HERE, "peers", "mutagen_scan.py")
FLOOR_SOURCE = os.path.join(HERE, "peers", "rescan_floor.c")
SCAN_FLOOR_SOURCE = os.path.join(HERE, "peers", "scan_floor.cpp")
SHIM_DIR = os.path.join(REPO, "Sources", "CTagLibShim")
PACKAGE_SWIFT = os.path.join(REPO, "Package.swift")
BEETS_TEMPLATE = os.path.join(HERE, "peers", "beets.yaml")

ALL_TOOLS = ["shelfmirror", "mutagen", "ffprobe", "beets"]
# Bump when the generated data changes (layout, tags, encoding): forces a rebuild.
GEN_VERSION = 1
CASES = {
    "long": {"seconds": 600, "title": "10-minute audiobook parts"},
    "short": {"seconds": 60, "title": "1-minute audiobook parts (10-minute ones would not fit the page cache)"},
    "tiny": {"seconds": 2, "title": "2-second files, per-file overhead"},
}
DEFAULT_SIZES = "1000,20000"
LONG_MAX_FILES = 5000      # above: the 60-second "short" case instead of "long" and "tiny"
PER_FILE_MAX_FILES = 5000  # above: ffprobe per file is not run (20,000 processes: ~17 min)
BEETS_MAX_FILES = 5000     # above: beets is not run (at 20,000 files one run took > 5 min)
BEETS_LIMIT_S = 300.0      # beets is not run (or is stopped) when it would take longer
SLOW_RUN_S = 5.0           # a "fast" tool whose first run takes longer runs --repeat times
SINGLE_RUN_AFTER_S = 60.0
TARGETS = {  # name -> threshold
    "scan_floor": 1.5,
    "rescan_floor": 1.5,
    "mutagen": 10.0,
    "ffprobe": 200.0,
    "beets": 30.0,
    "again": 20.0,
    "rss_mb": 100.0,
}
COLD = "shelfmirror cold"
AGAIN = "shelfmirror again (nothing changed)"
SCAN_FLOOR = "scan floor (C++: walk + the shim's read, all cores)"
SCAN_FLOOR_1 = "scan floor, 1 thread"
RESCAN_FLOOR = "re-scan floor (C: walk, stat, read the mirror)"


class BenchError(Exception):
    pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def human_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024.0


# --------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------

def layout(n):
    """Deterministic library layout: per 10 files, one MP3 book of 7 parts and
    three single-file M4B books (70% / 30%). 5 books per author."""
    entries = []
    for i in range(n):
        cycle, r = divmod(i, 10)
        if r < 7:
            kind, book, part = "mp3", cycle * 4, r + 1
        else:
            kind, book, part = "m4b", cycle * 4 + (r - 6), 1
        author = book // 5
        adir = f"Author {author:02d}"
        bdir = f"Book {book:03d}"
        if kind == "mp3":
            rel = os.path.join(adir, bdir, f"Part {part:02d}.mp3")
            title = f"{bdir}: Part {part:02d}"
        else:
            rel = os.path.join(adir, bdir, f"{bdir}.m4b")
            title = bdir
        tags = {
            "title": title,
            "album": bdir,
            "artist": adir,
            "albumartist": adir,
            "narrator": f"Narrator {book % 37:02d}",
            "genre": "Audiobook",
            "date": str(1990 + book % 35),
            "asin": f"B0{book:08d}",
            "series": f"Series {book // 3:03d}",
            "series_part": str(book % 3 + 1),
            "track": f"{part}/7",
        }
        entries.append((rel, kind, tags))
    return entries


def encode_master(kind, seconds, masters_dir):
    """Encode one master file once (cached across N and runs)."""
    os.makedirs(masters_dir, exist_ok=True)
    path = os.path.join(masters_dir, f"master-{seconds}s-v{GEN_VERSION}.{kind}")
    if os.path.exists(path):
        return path
    src = [
        "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=22050:duration={seconds}",
        "-f", "lavfi", "-i",
        f"anoisesrc=color=pink:sample_rate=22050:amplitude=0.02:duration={seconds}",
        "-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0[a]", "-map", "[a]",
        "-ac", "1", "-ar", "22050", "-map_metadata", "-1",
    ]
    if kind == "mp3":
        codec = ["-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "1",
                 "-id3v2_version", "4", "-f", "mp3"]
    else:
        codec = ["-c:a", "aac", "-b:a", "32k", "-f", "ipod"]
    tmp = path + ".tmp"
    cmd = ["ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error"] + src + codec + [tmp]
    log(f"encoding master {os.path.basename(path)} ({seconds} s, mono 22.05 kHz 32 kbps)")
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise BenchError(f"ffmpeg failed encoding {path}:\n{res.stderr}")
    os.replace(tmp, path)
    log(f"  done in {time.perf_counter() - t0:.1f} s, {human_bytes(os.path.getsize(path))}")
    return path


def tag_mp3(path, t):
    from mutagen.id3 import (ID3, TALB, TCOM, TCON, TDRC, TIT2, TPE1, TPE2,
                             TRCK, TXXX, Encoding)
    u8 = Encoding.UTF8
    id3 = ID3()
    id3.add(TIT2(encoding=u8, text=[t["title"]]))
    id3.add(TALB(encoding=u8, text=[t["album"]]))
    id3.add(TPE1(encoding=u8, text=[t["artist"]]))
    id3.add(TPE2(encoding=u8, text=[t["albumartist"]]))
    id3.add(TCOM(encoding=u8, text=[t["narrator"]]))
    id3.add(TCON(encoding=u8, text=[t["genre"]]))
    id3.add(TDRC(encoding=u8, text=[t["date"]]))
    id3.add(TRCK(encoding=u8, text=[t["track"]]))
    id3.add(TXXX(encoding=u8, desc="ASIN", text=[t["asin"]]))
    id3.add(TXXX(encoding=u8, desc="SERIES", text=[t["series"]]))
    id3.add(TXXX(encoding=u8, desc="SERIES-PART", text=[t["series_part"]]))
    id3.save(path, v2_version=4)  # replaces the tag ffmpeg wrote


def tag_m4b(path, t):
    from mutagen.mp4 import MP4, AtomDataType, MP4FreeForm
    m = MP4(path)
    if m.tags is None:
        m.add_tags()
    m.tags.clear()
    m.tags["\xa9nam"] = [t["title"]]
    m.tags["\xa9alb"] = [t["album"]]
    m.tags["\xa9ART"] = [t["artist"]]
    m.tags["aART"] = [t["albumartist"]]
    m.tags["\xa9wrt"] = [t["narrator"]]
    m.tags["\xa9gen"] = [t["genre"]]
    m.tags["\xa9day"] = [t["date"]]
    for key, val in (("ASIN", t["asin"]), ("SERIES", t["series"]),
                     ("SERIES-PART", t["series_part"])):
        m.tags["----:com.apple.iTunes:" + key] = [
            MP4FreeForm(val.encode("utf-8"), dataformat=AtomDataType.UTF8)]
    m.save()


def manifest_ok(manifest_path, case_dir, n, seconds):
    try:
        with open(manifest_path) as f:
            man = json.load(f)
    except (OSError, ValueError):
        return None
    if (man.get("generator_version") != GEN_VERSION or man.get("files") != n
            or man.get("seconds") != seconds or len(man.get("entries", [])) != n):
        return None
    for rel, size in man["entries"]:
        try:
            if os.path.getsize(os.path.join(case_dir, rel)) != size:
                return None
        except OSError:
            return None
    return man


def ensure_case_data(case, n, data_dir):
    """Return (case_dir, manifest, generation_seconds or None if reused).
    Each (case, N) has its own folder, DATA/<case>-<N>, so that both sizes stay cached."""
    seconds = CASES[case]["seconds"]
    name = f"{case}-{n}"
    case_dir = os.path.join(data_dir, name)
    manifest_path = os.path.join(data_dir, f"{name}.manifest.json")
    man = manifest_ok(manifest_path, case_dir, n, seconds)
    if man is not None:
        log(f"[{name}] reusing {n} files in {case_dir} "
            f"({human_bytes(man['total_bytes'])}, manifest matches)")
        return case_dir, man, None

    log(f"[{name}] generating {n} files ({seconds} s each) in {case_dir}")
    t0 = time.perf_counter()
    if os.path.exists(manifest_path):
        os.remove(manifest_path)
    if os.path.exists(case_dir):
        shutil.rmtree(case_dir)
    masters_dir = os.path.join(data_dir, "masters")
    masters = {k: encode_master(k, seconds, masters_dir) for k in ("mp3", "m4b")}
    entries = layout(n)
    t_copy = last = time.perf_counter()
    out, total = [], 0
    for i, (rel, kind, tags) in enumerate(entries, 1):
        dst = os.path.join(case_dir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(masters[kind], dst)  # a real copy: each one is retagged
        (tag_mp3 if kind == "mp3" else tag_m4b)(dst, tags)
        size = os.path.getsize(dst)
        out.append([rel, size])
        total += size
        now = time.perf_counter()
        if i == n or now - last >= 2.0:
            last = now
            log(f"[{name}]   {i}/{n} files copied+retagged "
                f"({human_bytes(total)}, {i / (now - t_copy):.0f} files/s)")
    gen_s = time.perf_counter() - t0
    man = {
        "generator_version": GEN_VERSION,
        "case": case,
        "files": n,
        "seconds": seconds,
        "mix": "70% MP3 (libmp3lame 32k CBR mono 22.05 kHz, Xing/Info header, ID3v2.4) / "
               "30% M4B (AAC-LC 32k mono 22.05 kHz, iTunes atoms)",
        "total_bytes": total,
        "generation_seconds": round(gen_s, 2),
        "entries": out,
    }
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(man, f)
    os.replace(tmp, manifest_path)
    log(f"[{name}] generated {n} files, {human_bytes(total)} in {gen_s:.1f} s")
    return case_dir, man, gen_s


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------

def warm_page_cache(case_dir, manifest):
    """Read every file once so that every tool starts with the same (hot) cache."""
    t0 = time.perf_counter()
    buf = bytearray(1 << 20)
    for rel, _ in manifest["entries"]:
        with open(os.path.join(case_dir, rel), "rb", buffering=0) as f:
            while f.readinto(buf):
                pass
    return time.perf_counter() - t0


def run_timed(cmd, env=None, keep_stderr=True, timeout=None):
    """Run cmd as a child; return dict(wall, cpu, rss_kb, rc, stderr, timed_out).
    With `timeout` (seconds) the child is killed when it runs longer."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=err if keep_stderr else subprocess.DEVNULL, env=env)
        timer = threading.Timer(timeout, p.kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        timed_out = False
        if timer:
            timer.cancel()
            timed_out = wall >= timeout
        p.returncode = os.waitstatus_to_exitcode(status)
        text = ""
        if keep_stderr:
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss,
            "rc": p.returncode, "stderr": text, "timed_out": timed_out}


def tail(text, lines=8):
    return "\n".join(text.strip().splitlines()[-lines:])


def check_rc(tool, res, cmd):
    if res["rc"] != 0:
        raise BenchError(f"{tool} failed (exit {res['rc']}): {' '.join(cmd)}\n{tail(res['stderr'], 30)}")


def summarize(runs, note=""):
    walls = [r["wall"] for r in runs]
    return {
        "runs": [{k: r[k] for k in ("wall", "cpu", "rss_kb")} for r in runs],
        "median_wall": statistics.median(walls),
        "median_cpu": statistics.median(r["cpu"] for r in runs),
        "peak_rss_kb": max(r["rss_kb"] for r in runs),
        "note": note,
    }


def skipped(reason):
    """A row that was not run, and why."""
    return {"skipped": reason}


def measured(tool):
    return tool is not None and "median_wall" in tool


def repeat_fast(case, what, args, run_once):
    """Runs run_once(r) --repeat-fast times, or --repeat times when the first run takes longer
    than SLOW_RUN_S (20,000 files: a median of 11 would cost minutes and add little).
    Returns (runs, note)."""
    runs = [run_once(1)]
    count = args.repeat_fast
    note = ""
    if runs[0]["wall"] > SLOW_RUN_S and args.repeat < args.repeat_fast:
        count = args.repeat
        note = f"{count} runs: > {SLOW_RUN_S:.0f} s each"
        log(f"[{case}] {what} took > {SLOW_RUN_S:.0f} s: {count} runs instead of {args.repeat_fast}")
    for r in range(2, count + 1):
        runs.append(run_once(r))
    return runs, note


def db_table_counts(db):
    """Informational: row count of every table in shelfmirror's DB."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}
        finally:
            con.close()
    except sqlite3.Error as e:
        return {"error": str(e)}


def bench_shelfmirror(case, case_dir, n, args, warm):
    db = os.path.join(args.data, f"shelfmirror-{case}.sqlite")
    cmd = [args.bin, "--db", db, "scan", case_dir]

    def cold(r):
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        warm()
        res = run_timed(cmd)
        check_rc("shelfmirror (cold)", res, cmd)
        log(f"[{case}] shelfmirror cold #{r}: {res['wall']:.3f} s, "
            f"{res['rss_kb'] / 1024:.1f} MB | {tail(res['stderr'], 1)}")
        return res

    cold_runs, cold_note = repeat_fast(case, "shelfmirror cold", args, cold)
    if not os.path.exists(db):
        raise BenchError(f"shelfmirror exited 0 but wrote no database at {db}")
    counts = db_table_counts(db)
    log(f"[{case}] shelfmirror DB tables: {counts}")
    if n not in counts.values():
        log(f"[{case}] WARNING: no table in {db} has exactly {n} rows; check the scan result")

    def again(r):
        warm()
        res = run_timed(cmd)
        check_rc("shelfmirror (again)", res, cmd)
        log(f"[{case}] shelfmirror again #{r}: {res['wall']:.3f} s, "
            f"{res['rss_kb'] / 1024:.1f} MB | {tail(res['stderr'], 1)}")
        return res

    again_runs, again_note = repeat_fast(case, "shelfmirror again", args, again)
    c, w = summarize(cold_runs, cold_note), summarize(again_runs, again_note)
    c["db_tables"] = counts
    c["stderr_last"] = tail(cold_runs[-1]["stderr"], 5)
    w["stderr_last"] = tail(again_runs[-1]["stderr"], 5)
    out = {COLD: c}
    out.update(bench_scan_floor(case, case_dir, n, args, warm))
    out[AGAIN] = w
    out.update(bench_rescan_floor(case, case_dir, db, args, warm))
    return out


_built = {}


def build_floor(name, cmd, args):
    """Compiles a floor program once per bench run into DATA/<name>; None (logged) if it cannot."""
    if name not in _built:
        exe = os.path.join(args.data, name)
        res = subprocess.run(cmd + ["-o", exe], capture_output=True, text=True)
        if res.returncode != 0:
            log(f"{name} not built ({' '.join(cmd[:1])} failed):\n{tail(res.stderr, 5)}")
            exe = None
        _built[name] = exe
    return _built[name]


def scan_floor_command():
    """How the scan floor is compiled: the shim's own sources, TagLib from pkg-config, and mimalloc
    when the release binary links it (Package.swift), so that both allocate alike."""
    cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        return None, "no C++ compiler"
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "taglib"], capture_output=True, text=True)
    if pc.returncode != 0:
        return None, "pkg-config --cflags --libs taglib failed (libtag1-dev missing?)"
    with open(PACKAGE_SWIFT) as f:
        mimalloc = '.linkedLibrary("mimalloc"' in f.read()
    cmd = [cxx, "-O2", "-std=c++17", "-I" + os.path.join(SHIM_DIR, "include"), "-I" + SHIM_DIR,
           SCAN_FLOOR_SOURCE, os.path.join(SHIM_DIR, "sm_taglib.cpp")] + pc.stdout.split()
    cmd += (["-lmimalloc"] if mimalloc else []) + ["-pthread"]
    return cmd, None


def bench_scan_floor(case, case_dir, n, args, warm):
    """The least a cold scan can cost here with the shim's read path (bench/peers/scan_floor.cpp):
    on every core, and on one thread (informational: how far reading scales)."""
    cmd, why = scan_floor_command()
    exe = build_floor("scan_floor", cmd, args) if cmd else None
    if exe is None:
        log(f"[{case}] scan floor skipped: {why or 'it did not compile'}")
        return {SCAN_FLOOR: skipped(why or "did not compile")}
    want = f"scan_floor: {n} files, 0 errors"
    out = {}
    for name, run_cmd in ((SCAN_FLOOR, [exe, case_dir]), (SCAN_FLOOR_1, [exe, "-j", "1", case_dir])):
        def once(r):
            warm()
            res = run_timed(run_cmd)
            check_rc("scan floor", res, run_cmd)
            if want not in res["stderr"]:
                raise BenchError(f"scan floor did not read {n} files without errors:\n{tail(res['stderr'])}")
            log(f"[{case}] {name} #{r}: {res['wall']:.3f} s | {tail(res['stderr'], 1)}")
            return res

        runs, note = repeat_fast(case, name, args, once)
        out[name] = summarize(runs, note)
        out[name]["stderr_last"] = tail(runs[-1]["stderr"], 1)
    return out


def bench_rescan_floor(case, case_dir, db, args, warm):
    """The least a re-scan can cost here (bench/peers/rescan_floor.c)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    exe = build_floor("rescan_floor", [cc, "-O2", FLOOR_SOURCE, "-lsqlite3"], args) if cc else None
    if exe is None:
        log(f"[{case}] re-scan floor skipped: {'no C compiler' if cc is None else 'it did not compile'}")
        return {RESCAN_FLOOR: skipped("no C compiler" if cc is None else "did not compile")}
    cmd = [exe, case_dir, db]

    def once(r):
        warm()
        res = run_timed(cmd)
        check_rc("re-scan floor", res, cmd)
        log(f"[{case}] re-scan floor #{r}: {res['wall']:.4f} s | {tail(res['stderr'], 1)}")
        return res

    runs, note = repeat_fast(case, "re-scan floor", args, once)
    return {RESCAN_FLOOR: summarize(runs, note)}


def bench_mutagen(case, case_dir, n, args, warm):
    cmd = [sys.executable, MUTAGEN_PEER, case_dir]

    def once(r):
        warm()
        res = run_timed(cmd)
        check_rc("mutagen peer", res, cmd)
        want = f"mutagen_scan: {n} files, 0 errors"
        if want not in res["stderr"]:
            raise BenchError(f"mutagen peer did not read {n} files:\n{tail(res['stderr'])}")
        log(f"[{case}] mutagen #{r}: {res['wall']:.3f} s, {res['rss_kb'] / 1024:.1f} MB")
        return res

    runs, note = repeat_fast(case, "mutagen", args, once)
    return {"mutagen": summarize(runs, note)}


def estimate(prior, tool, n):
    """Seconds `tool` would take for n files, scaled linearly from a smaller size, or None."""
    if tool not in prior:
        return None
    n0, wall = prior[tool]
    return wall * n / n0


def bench_ffprobe(case, case_dir, n, args, warm, manifest, prior):
    if n > args.per_file_max:
        est = estimate(prior, "ffprobe per file", n)
        reason = (f"not run above {args.per_file_max:,} files (--per-file-max)"
                  + (f": ≈ {est / 60:.0f} min for one run at the {prior['ffprobe per file'][0]:,}-file rate"
                     if est else ""))
        log(f"[{case}] ffprobe per file {reason}")
        return {"ffprobe per file": skipped(reason)}
    files = [os.path.join(case_dir, rel) for rel, _ in manifest["entries"]]
    base = ["ffprobe", "-v", "quiet", "-print_format", "json",
            "-show_format", "-show_streams", "-show_chapters"]
    runs, note = [], ""
    for r in range(args.repeat):
        warm()
        cpu, rss = 0.0, 0
        t0 = time.perf_counter()
        for path in files:
            res = run_timed(base + [path], keep_stderr=False)
            check_rc("ffprobe", res, base + [path])
            cpu += res["cpu"]
            rss = max(rss, res["rss_kb"])
        wall = time.perf_counter() - t0
        log(f"[{case}] ffprobe per file #{r + 1}: {wall:.2f} s for {len(files)} processes, "
            f"max RSS {rss / 1024:.1f} MB")
        runs.append({"wall": wall, "cpu": cpu, "rss_kb": rss})
        if wall > SINGLE_RUN_AFTER_S and args.repeat > 1 and r == 0:
            note = f"1 run (> {SINGLE_RUN_AFTER_S:.0f} s)"
            log(f"[{case}] ffprobe took > {SINGLE_RUN_AFTER_S:.0f} s: not repeating")
            break
    return {"ffprobe per file": summarize(runs, note)}


def beet_command():
    exe = shutil.which("beet")
    return [exe] if exe else [sys.executable, "-m", "beets"]


def bench_beets(case, case_dir, n, args, warm, prior):
    if n > args.beets_max:
        reason = (f"not run above {args.beets_max:,} files (--beets-max): its import grows faster "
                  f"than the number of files, and one run at 20,000 took more than "
                  f"{BEETS_LIMIT_S / 60:.0f} min")
        log(f"[{case}] beets {reason}")
        return {"beets": skipped(reason)}
    est = estimate(prior, "beets", n)
    if est is not None and est > BEETS_LIMIT_S:
        reason = (f"not run: ≈ {est / 60:.0f} min for one run at the {prior['beets'][0]:,}-file rate "
                  f"(limit {BEETS_LIMIT_S / 60:.0f} min)")
        log(f"[{case}] beets {reason}")
        return {"beets": skipped(reason)}
    with open(BEETS_TEMPLATE) as f:
        template = f.read()
    tmp_root = os.path.join(args.data, "beets-tmp")
    os.makedirs(tmp_root, exist_ok=True)
    runs, note = [], ""
    for r in range(args.repeat):
        tmp = tempfile.mkdtemp(prefix=f"{case}-", dir=tmp_root)
        try:
            lib = os.path.join(tmp, "library.db")
            cfg = os.path.join(tmp, "config.yaml")
            with open(cfg, "w") as f:
                f.write(template.replace("@DIRECTORY@", json.dumps(os.path.join(tmp, "music")))
                        .replace("@LIBRARY@", json.dumps(lib))
                        .replace("@STATEFILE@", json.dumps(os.path.join(tmp, "state.pickle"))))
            env = dict(os.environ, BEETSDIR=tmp)  # keep ~/.config/beets out of it
            cmd = beet_command() + ["-c", cfg, "import", "-A", "-s", "-q", case_dir]
            warm()
            res = run_timed(cmd, env=env, timeout=BEETS_LIMIT_S)
            if res["timed_out"]:
                reason = f"stopped after {BEETS_LIMIT_S / 60:.0f} min (limit)"
                log(f"[{case}] beets {reason}")
                return {"beets": skipped(reason)}
            check_rc("beets", res, cmd)
            try:
                con = sqlite3.connect(lib)
                items = con.execute("SELECT COUNT(*) FROM items").fetchone()[0]
                con.close()
            except sqlite3.Error as e:
                raise BenchError(f"beets library {lib} unreadable: {e}\n{tail(res['stderr'])}")
            if items != n:
                raise BenchError(f"beets imported {items} items, expected {n}:\n"
                                 f"{tail(res['stderr'], 30)}")
            log(f"[{case}] beets #{r + 1}: {res['wall']:.3f} s, {res['rss_kb'] / 1024:.1f} MB, "
                f"{items} items imported")
            runs.append(res)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if res["wall"] > SINGLE_RUN_AFTER_S and args.repeat > 1 and r == 0:
            note = f"1 run (> {SINGLE_RUN_AFTER_S:.0f} s)"
            log(f"[{case}] beets took > {SINGLE_RUN_AFTER_S:.0f} s: not repeating")
            break
    return {"beets": summarize(runs, note)}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def targets_for(tools):
    cold = tools.get(COLD)
    again = tools.get(AGAIN)
    out = []

    def add(name, threshold, measured, unit, higher_is_better=True, detail=""):
        if measured is None:
            status = "n/a"
        elif higher_is_better:
            status = "PASS" if measured >= threshold else "MISS"
        else:
            status = "PASS" if measured <= threshold else "MISS"
        out.append({"target": name, "threshold": threshold, "measured": measured,
                    "unit": unit, "status": status, "detail": detail})

    def over(a, b):
        """a's median wall time ÷ b's, or None when either was not measured."""
        return a["median_wall"] / b["median_wall"] if measured(a) and measured(b) else None

    scan_floor, rescan_floor = tools.get(SCAN_FLOOR), tools.get(RESCAN_FLOOR)
    add("cold ≤1.5× the scan floor (C++, all cores)", TARGETS["scan_floor"], over(cold, scan_floor), "×",
        higher_is_better=False,
        detail=(f"{(cold['median_wall'] - scan_floor['median_wall']) * 1000:,.0f} ms above it"
                if over(cold, scan_floor) else ""))
    add("again ≤1.5× the re-scan floor (C)", TARGETS["rescan_floor"], over(again, rescan_floor), "×",
        higher_is_better=False,
        detail=(f"{(again['median_wall'] - rescan_floor['median_wall']) * 1000:,.1f} ms above it"
                if over(again, rescan_floor) else ""))
    add("cold ≥10× faster than mutagen", TARGETS["mutagen"], over(tools.get("mutagen"), cold), "×")
    add("cold ≥200× faster than ffprobe per file", TARGETS["ffprobe"],
        over(tools.get("ffprobe per file"), cold), "×")
    add("cold ≥30× faster than beets", TARGETS["beets"], over(tools.get("beets"), cold), "×")
    add("again ≥20× faster than cold", TARGETS["again"], over(cold, again), "×")
    rss = None
    if measured(cold):
        rss = max(cold["peak_rss_kb"], (again if measured(again) else cold)["peak_rss_kb"]) / 1024
    add("shelfmirror peak RSS ≤100 MB", TARGETS["rss_mb"], rss, "MB", higher_is_better=False)
    return out


def render_case(label, res):
    n = res["files"]
    tools = res["tools"]
    cold = tools.get(COLD)
    lines = [f"### {res['case']}, {n:,} files: {CASES[res['case']]['title']} "
             f"({human_bytes(res['data_bytes'])}, page cache warm; load average at the end "
             f"{', '.join(f'{x:.1f}' for x in res.get('load_average', []))})", ""]
    lines.append("| tool | median wall s | files/s | peak RSS MB | median CPU s | "
                 "÷ shelfmirror cold | ÷ its floor |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    floors = {COLD: tools.get(SCAN_FLOOR), AGAIN: tools.get(RESCAN_FLOOR)}
    for name, t in tools.items():
        if not measured(t):
            lines.append(f"| {name} | not run: {t['skipped']} | | | | | |")
            continue
        label = name + (f" ({t['note']})" if t.get("note") else "")
        if len(t["runs"]) not in (res["repeat"], res["repeat_fast"]) and not t.get("note"):
            label += f" ({len(t['runs'])} runs)"
        wall = t["median_wall"]
        factor = "n/a" if not measured(cold) else f"{wall / cold['median_wall']:.2f}×"
        floor = floors.get(name)
        to_floor = f"{wall / floor['median_wall']:.2f}×" if measured(floor) else ""
        lines.append(f"| {label} | {wall:.3f} | {n / wall:,.0f} | {t['peak_rss_kb'] / 1024:.1f} | "
                     f"{t['median_cpu']:.2f} | {factor} | {to_floor} |")
    lines += ["", "| target | measured | result |", "|---|---:|---|"]
    for t in res["targets"]:
        if t["measured"] is None:
            m = "—"
        elif t["unit"] == "MB":
            m = f"{t['measured']:.1f} MB"
        else:
            m = f"{t['measured']:.2f}×" if t["measured"] < 10 else f"{t['measured']:.1f}×"
        lines.append(f"| {t['target']} | {m} | {t['status']}" + (f" ({t['detail']})" if t["detail"] else "") + " |")
    return "\n".join(lines)


def tool_versions(args, only):
    v = {"python": platform.python_version()}
    try:
        out = subprocess.run(["ffprobe", "-version"], capture_output=True, text=True).stdout
        v["ffprobe"] = out.splitlines()[0] if out else "?"
    except OSError:
        v["ffprobe"] = None
    try:
        import mutagen
        v["mutagen"] = mutagen.version_string
    except ImportError:
        v["mutagen"] = None
    try:
        import beets
        v["beets"] = beets.__version__
    except ImportError:
        v["beets"] = None
    if "shelfmirror" in only:
        try:
            r = subprocess.run([args.bin, "--version"], capture_output=True, text=True, timeout=10)
            v["shelfmirror"] = (r.stdout or r.stderr).strip().splitlines()[0] if r.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, IndexError):
            v["shelfmirror"] = None
    return v


def preflight(only, args):
    if "shelfmirror" in only and not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        raise BenchError(
            f"shelfmirror binary not found at {args.bin}\n"
            f"  build it with: swift build -c release --product shelfmirror\n"
            f"  or pass --bin PATH, or leave it out with --only mutagen,ffprobe,beets")
    need = {"ffmpeg"} | ({"ffprobe"} if "ffprobe" in only else set())
    for exe in sorted(need):
        if shutil.which(exe) is None:
            raise BenchError(f"{exe} not found on PATH")
    try:
        import mutagen  # noqa: F401  (needed for data generation too)
    except ImportError:
        raise BenchError("python module mutagen missing: pip install mutagen")
    if "beets" in only:
        try:
            import beets  # noqa: F401
        except ImportError:
            raise BenchError("beets missing: pip install beets (or drop it with --only)")


def parse_sizes(text):
    try:
        sizes = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        sizes = []
    return sizes if sizes and sizes[0] >= 1 else None


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=DEFAULT_SIZES,
                   help=f"comma-separated numbers of files, run smallest first (default {DEFAULT_SIZES})")
    p.add_argument("--files", type=int, help="one size only: the same as --sizes N")
    p.add_argument("--long-max", type=int, default=LONG_MAX_FILES,
                   help=f"largest size that runs the 10-minute and 2-second cases; larger sizes run the "
                        f"60-second case (default {LONG_MAX_FILES})")
    p.add_argument("--per-file-max", type=int, default=PER_FILE_MAX_FILES,
                   help=f"largest size at which ffprobe runs once per file (default {PER_FILE_MAX_FILES})")
    p.add_argument("--beets-max", type=int, default=BEETS_MAX_FILES,
                   help=f"largest size at which beets runs (default {BEETS_MAX_FILES}); at any size a beets run "
                        f"is stopped after {BEETS_LIMIT_S / 60:.0f} minutes and the row says so")
    p.add_argument("--repeat", type=int, default=3,
                   help="repetitions of beets and ffprobe, and of any run that takes > 5 s; medians reported (default 3)")
    p.add_argument("--repeat-fast", type=int, default=11,
                   help="repetitions of the short runs (shelfmirror, the floors, mutagen), "
                        "whose medians a busy moment would otherwise move (default 11)")
    p.add_argument("--data", default=DEFAULT_DATA, help="data/work dir (default bench/.data)")
    p.add_argument("--only", default=",".join(ALL_TOOLS),
                   help="comma-separated subset of: " + ",".join(ALL_TOOLS))
    p.add_argument("--skip-tiny", action="store_true", help="skip the 2-second-file case")
    p.add_argument("--bin", default=DEFAULT_BIN, help=f"shelfmirror binary (default {DEFAULT_BIN})")
    a = p.parse_args(argv)
    only = [t.strip() for t in a.only.split(",") if t.strip()]
    bad = [t for t in only if t not in ALL_TOOLS]
    if bad or not only:
        p.error(f"--only: unknown tool(s) {bad}; choose from {','.join(ALL_TOOLS)}")
    a.sizes = [a.files] if a.files is not None else parse_sizes(a.sizes)
    if not a.sizes or a.sizes[0] < 1:
        p.error("--sizes and --files take whole numbers ≥ 1, for example --sizes 1000,20000")
    if a.repeat < 1 or a.repeat_fast < 1:
        p.error("--repeat and --repeat-fast must be ≥ 1")
    a.only = [t for t in ALL_TOOLS if t in only]
    a.data = os.path.abspath(a.data)
    a.bin = os.path.abspath(a.bin)
    return a


def cases_for(n, args):
    """The cases a size runs: 10-minute (and 2-second) files up to --long-max, 60-second ones above."""
    if n > args.long_max:
        return ["short"]
    return ["long"] + ([] if args.skip_tiny else ["tiny"])


def report(results, args):
    sizes = " and ".join(f"{n:,}" for n in args.sizes)
    out = [f"## shelfmirror scan benchmark ({sizes} files, median of {args.repeat_fast} "
           f"(shelfmirror, floors, mutagen; {args.repeat} when a run takes > {SLOW_RUN_S:.0f} s) "
           f"or {args.repeat} (beets, ffprobe), {os.cpu_count()} CPUs)", "",
           "Whole process vs whole process, wall clock; page cache warmed (every file read "
           "once) before every timed run; peak RSS = ru_maxrss (ffprobe: max over its "
           "per-file processes). The floors are not peers: the scan floor reads every file "
           "through the shim on every core and stores nothing; the re-scan floor walks, stats "
           "and reads the mirror's rows.", ""]
    for label, res in results["cases"].items():
        out += [render_case(label, res), ""]
    return "\n".join(out)


def main(argv):
    args = parse_args(argv)
    only = args.only
    preflight(only, args)
    os.makedirs(args.data, exist_ok=True)
    t_start = time.perf_counter()
    results = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": tool_versions(args, only),
        "args": {"sizes": args.sizes, "repeat": args.repeat, "repeat_fast": args.repeat_fast, "only": only,
                 "bin": args.bin, "long_max": args.long_max, "per_file_max": args.per_file_max,
                 "beets_max": args.beets_max},
        "method": "wall clock via time.perf_counter around each whole process (ffprobe: "
                  "the whole sequential loop); peak RSS = ru_maxrss from os.wait4 (max over "
                  "runs; ffprobe: max over processes); every file is read once before each "
                  "timed run so every tool sees a hot page cache",
        "cases": {},
    }
    json_path = os.path.join(args.data, "scan-results.json")
    log(f"tools: {', '.join(only)}; sizes {', '.join(map(str, args.sizes))}; {args.repeat_fast} repetitions "
        f"of the short runs, {args.repeat} of beets, ffprobe and runs over {SLOW_RUN_S:.0f} s; "
        f"data in {args.data}")
    prior = {}  # tool -> (files, median wall) at a smaller size of the same case mix, for estimates
    for n in args.sizes:
        for case in cases_for(n, args):
            label = f"{case}-{n}"
            case_dir, manifest, gen_s = ensure_case_data(case, n, args.data)
            t = warm_page_cache(case_dir, manifest)
            log(f"[{label}] page cache warmed: read {human_bytes(manifest['total_bytes'])} in {t:.1f} s "
                f"(repeated before every timed run)")

            def warm(case_dir=case_dir, manifest=manifest, label=label):
                t = warm_page_cache(case_dir, manifest)
                if t > 1.0 + manifest["total_bytes"] / 2e9:  # a hot cache reads ~5 GB/s here
                    log(f"[{label}] note: re-warming the page cache took {t:.1f} s "
                        f"(data was partly evicted; memory pressure?)")

            tools = {}
            if "shelfmirror" in only:
                tools.update(bench_shelfmirror(label, case_dir, n, args, warm))
            if "mutagen" in only:
                tools.update(bench_mutagen(label, case_dir, n, args, warm))
            if "ffprobe" in only:
                tools.update(bench_ffprobe(label, case_dir, n, args, warm, manifest, prior.get(case, {})))
            if "beets" in only:
                tools.update(bench_beets(label, case_dir, n, args, warm, prior.get(case, {})))
            if case != "tiny":
                prior.setdefault(case, {}).update(
                    {name: (n, t["median_wall"]) for name, t in tools.items() if measured(t)})
                if case == "long":  # the 60-second case estimates from the 10-minute one
                    prior["short"] = prior["long"]
            res = {"case": case, "files": n, "repeat": args.repeat, "repeat_fast": args.repeat_fast,
                   "load_average": [round(x, 2) for x in os.getloadavg()],
                   "data_bytes": manifest["total_bytes"], "generation_seconds": gen_s,
                   "data_reused": gen_s is None, "tools": tools}
            res["targets"] = targets_for(tools)
            results["cases"][label] = res
            with open(json_path, "w") as f:  # after every case: a stopped run keeps what it measured
                json.dump(results, f, indent=2, ensure_ascii=False)

    results["total_seconds"] = round(time.perf_counter() - t_start, 1)
    print(report(results, args), flush=True)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
    log(f"results written to {json_path}; total {results['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
