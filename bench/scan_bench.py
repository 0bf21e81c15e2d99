#!/usr/bin/env python3
"""`make bench`: time shelfmirror's `scan` stage against peers on the same files.

Whole process against whole process: every tool is started as a child process,
timed with time.perf_counter() around start..exit, and its peak RSS is taken
from os.wait4() (ru_maxrss, KiB on Linux).

Cases
  long  N audiobook-like files, 10 minutes each (~70% MP3 parts, ~30% M4B)
  tiny  N 2-second files, same mix (per-file overhead dominates); --skip-tiny

Tools (--only)
  shelfmirror  `shelfmirror --db DB scan DIR`, cold (DB deleted) and warm (rerun)
  mutagen      bench/peers/mutagen_scan.py DIR  (one Python process)
  ffprobe      one `ffprobe ... -show_format -show_streams -show_chapters FILE`
               per file, sequentially (what AudiobookShelf does)
  beets        `beet -c CFG import -A -s -q DIR` into a fresh library

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
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_BIN = os.path.join(REPO, ".build", "release", "shelfmirror")
DEFAULT_DATA = os.path.join(HERE, ".data")
MUTAGEN_PEER = os.path.join(HERE, "peers", "mutagen_scan.py")
FLOOR_SOURCE = os.path.join(HERE, "peers", "rescan_floor.c")
BEETS_TEMPLATE = os.path.join(HERE, "peers", "beets.yaml")

ALL_TOOLS = ["shelfmirror", "mutagen", "ffprobe", "beets"]
# Bump when the generated data changes (layout, tags, encoding): forces a rebuild.
GEN_VERSION = 1
CASES = {
    "long": {"seconds": 600, "title": "10-minute audiobook parts"},
    "tiny": {"seconds": 2, "title": "2-second files, per-file overhead"},
}
FFPROBE_SINGLE_RUN_AFTER_S = 60.0
TARGETS = {  # name -> (threshold, description)
    "mutagen": 10.0,
    "ffprobe": 200.0,
    "beets": 30.0,
    "warm": 20.0,
    "rss_mb": 100.0,
}


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
    """Return (case_dir, manifest, generation_seconds or None if reused)."""
    seconds = CASES[case]["seconds"]
    case_dir = os.path.join(data_dir, case)
    manifest_path = os.path.join(data_dir, f"{case}.manifest.json")
    man = manifest_ok(manifest_path, case_dir, n, seconds)
    if man is not None:
        log(f"[{case}] reusing {n} files in {case_dir} "
            f"({human_bytes(man['total_bytes'])}, manifest matches)")
        return case_dir, man, None

    log(f"[{case}] generating {n} files ({seconds} s each) in {case_dir}")
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
            log(f"[{case}]   {i}/{n} files copied+retagged "
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
    log(f"[{case}] generated {n} files, {human_bytes(total)} in {gen_s:.1f} s")
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


def run_timed(cmd, env=None, keep_stderr=True):
    """Run cmd as a child; return dict(wall, cpu, rss_kb, rc, stderr)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=err if keep_stderr else subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        text = ""
        if keep_stderr:
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss,
            "rc": p.returncode, "stderr": text}


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
    cold = []
    for r in range(args.repeat_fast):
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        warm()
        res = run_timed(cmd)
        check_rc("shelfmirror (cold)", res, cmd)
        log(f"[{case}] shelfmirror cold #{r + 1}: {res['wall']:.3f} s, "
            f"{res['rss_kb'] / 1024:.1f} MB | {tail(res['stderr'], 1)}")
        cold.append(res)
    if not os.path.exists(db):
        raise BenchError(f"shelfmirror exited 0 but wrote no database at {db}")
    counts = db_table_counts(db)
    log(f"[{case}] shelfmirror DB tables: {counts}")
    if n not in counts.values():
        log(f"[{case}] WARNING: no table in {db} has exactly {n} rows; check the scan result")
    warm_runs = []
    for r in range(args.repeat_fast):
        warm()
        res = run_timed(cmd)
        check_rc("shelfmirror (warm)", res, cmd)
        log(f"[{case}] shelfmirror warm #{r + 1}: {res['wall']:.3f} s, "
            f"{res['rss_kb'] / 1024:.1f} MB | {tail(res['stderr'], 1)}")
        warm_runs.append(res)
    c, w = summarize(cold), summarize(warm_runs)
    c["db_tables"] = counts
    c["stderr_last"] = tail(cold[-1]["stderr"], 5)
    w["stderr_last"] = tail(warm_runs[-1]["stderr"], 5)
    out = {"shelfmirror cold": c, "shelfmirror warm": w}
    out.update(bench_rescan_floor(case, case_dir, db, args, warm))
    return out


def bench_rescan_floor(case, case_dir, db, args, warm):
    """The least a re-scan can cost here (bench/peers/rescan_floor.c): informational."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        log(f"[{case}] re-scan floor skipped: no C compiler")
        return {}
    exe = os.path.join(args.data, "rescan_floor")
    build = subprocess.run([cc, "-O2", "-o", exe, FLOOR_SOURCE, "-lsqlite3"], capture_output=True, text=True)
    if build.returncode != 0:
        log(f"[{case}] re-scan floor skipped: {tail(build.stderr, 3)}")
        return {}
    cmd = [exe, case_dir, db]
    runs = []
    for r in range(args.repeat_fast):
        warm()
        res = run_timed(cmd)
        check_rc("re-scan floor", res, cmd)
        log(f"[{case}] re-scan floor #{r + 1}: {res['wall']:.4f} s | {tail(res['stderr'], 1)}")
        runs.append(res)
    return {"re-scan floor (C: walk, stat, read the mirror)": summarize(runs)}


def bench_mutagen(case, case_dir, n, args, warm):
    cmd = [sys.executable, MUTAGEN_PEER, case_dir]
    runs = []
    for r in range(args.repeat_fast):
        warm()
        res = run_timed(cmd)
        check_rc("mutagen peer", res, cmd)
        want = f"mutagen_scan: {n} files, 0 errors"
        if want not in res["stderr"]:
            raise BenchError(f"mutagen peer did not read {n} files:\n{tail(res['stderr'])}")
        log(f"[{case}] mutagen #{r + 1}: {res['wall']:.3f} s, {res['rss_kb'] / 1024:.1f} MB")
        runs.append(res)
    return {"mutagen": summarize(runs)}


def bench_ffprobe(case, case_dir, n, args, warm, manifest):
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
        if wall > FFPROBE_SINGLE_RUN_AFTER_S and args.repeat > 1 and r == 0:
            note = f"1 run (> {FFPROBE_SINGLE_RUN_AFTER_S:.0f} s)"
            log(f"[{case}] ffprobe took > {FFPROBE_SINGLE_RUN_AFTER_S:.0f} s: not repeating")
            break
    return {"ffprobe per file": summarize(runs, note)}


def beet_command():
    exe = shutil.which("beet")
    return [exe] if exe else [sys.executable, "-m", "beets"]


def bench_beets(case, case_dir, n, args, warm):
    with open(BEETS_TEMPLATE) as f:
        template = f.read()
    tmp_root = os.path.join(args.data, "beets-tmp")
    os.makedirs(tmp_root, exist_ok=True)
    runs = []
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
            res = run_timed(cmd, env=env)
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
    return {"beets": summarize(runs)}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def targets_for(tools):
    cold = tools.get("shelfmirror cold")
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

    def ratio(peer):
        if cold is None or peer not in tools:
            return None
        return tools[peer]["median_wall"] / cold["median_wall"]

    add("cold ≥10× faster than mutagen", TARGETS["mutagen"], ratio("mutagen"), "×")
    add("cold ≥200× faster than ffprobe per file", TARGETS["ffprobe"],
        ratio("ffprobe per file"), "×")
    add("cold ≥30× faster than beets", TARGETS["beets"], ratio("beets"), "×")
    warm_ratio = None
    if cold and "shelfmirror warm" in tools:
        warm_ratio = cold["median_wall"] / tools["shelfmirror warm"]["median_wall"]
    floor = next((t for name, t in tools.items() if name.startswith("re-scan floor")), None)
    detail = ""
    if cold and floor:
        detail = (f"a re-scan at cold/20 = {cold['median_wall'] / 20 * 1000:.1f} ms; the floor in C "
                  f"is {floor['median_wall'] * 1000:.1f} ms, so at most "
                  f"{cold['median_wall'] / floor['median_wall']:.1f}× here")
    add("warm ≥20× faster than cold", TARGETS["warm"], warm_ratio, "×", detail=detail)
    rss = None
    if cold:
        rss = max(cold["peak_rss_kb"], tools.get("shelfmirror warm", cold)["peak_rss_kb"]) / 1024
    add("shelfmirror peak RSS ≤100 MB", TARGETS["rss_mb"], rss, "MB", higher_is_better=False)
    return out


def render_case(case, res):
    n = res["files"]
    tools = res["tools"]
    cold = tools.get("shelfmirror cold")
    lines = [f"### {case}: {n} × {CASES[case]['title']} "
             f"({human_bytes(res['data_bytes'])}, page cache warm)", ""]
    lines.append("| tool | median wall s | files/s | peak RSS MB | median CPU s | "
                 "shelfmirror cold is N× faster |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for name, t in tools.items():
        label = name + (f" ({t['note']})" if t.get("note") else "")
        if len(t["runs"]) not in (res["repeat"], res["repeat_fast"]) and not t.get("note"):
            label += f" ({len(t['runs'])} runs)"
        wall = t["median_wall"]
        if cold is None:
            factor = "n/a"
        elif name == "shelfmirror cold":
            factor = "1.0×"
        elif name == "shelfmirror warm":
            factor = f"{wall / cold['median_wall']:.2f}× (warm is {cold['median_wall'] / wall:.1f}× faster)"
        else:
            factor = f"{wall / cold['median_wall']:.1f}×"
        lines.append(f"| {label} | {wall:.3f} | {n / wall:,.0f} | {t['peak_rss_kb'] / 1024:.1f} | "
                     f"{t['median_cpu']:.2f} | {factor} |")
    lines += ["", "| target | measured | result |", "|---|---:|---|"]
    for t in res["targets"]:
        m = "—" if t["measured"] is None else (
            f"{t['measured']:.1f} {t['unit']}" if t["unit"] == "MB" else f"{t['measured']:.1f}×")
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


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=int, default=1000, help="files per case (default 1000)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions of beets and ffprobe; medians reported (default 3)")
    p.add_argument("--repeat-fast", type=int, default=11,
                   help="repetitions of the sub-second runs (shelfmirror, the re-scan floor, mutagen), "
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
    if a.files < 1 or a.repeat < 1 or a.repeat_fast < 1:
        p.error("--files, --repeat and --repeat-fast must be ≥ 1")
    a.only = [t for t in ALL_TOOLS if t in only]
    a.data = os.path.abspath(a.data)
    a.bin = os.path.abspath(a.bin)
    return a


def main(argv):
    args = parse_args(argv)
    only = args.only
    preflight(only, args)
    os.makedirs(args.data, exist_ok=True)
    t_start = time.perf_counter()
    cases = ["long"] + ([] if args.skip_tiny else ["tiny"])
    results = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": tool_versions(args, only),
        "args": {"files": args.files, "repeat": args.repeat, "repeat_fast": args.repeat_fast, "only": only,
                 "bin": args.bin},
        "method": "wall clock via time.perf_counter around each whole process (ffprobe: "
                  "the whole sequential loop); peak RSS = ru_maxrss from os.wait4 (max over "
                  "runs; ffprobe: max over processes); every file is read once before each "
                  "timed run so every tool sees a hot page cache",
        "cases": {},
    }
    log(f"tools: {', '.join(only)}; {args.files} files per case; {args.repeat_fast} repetitions of the "
        f"sub-second runs, {args.repeat} of beets and ffprobe; "
        f"data in {args.data}")
    for case in cases:
        case_dir, manifest, gen_s = ensure_case_data(case, args.files, args.data)
        t = warm_page_cache(case_dir, manifest)
        log(f"[{case}] page cache warmed: read {human_bytes(manifest['total_bytes'])} in {t:.1f} s "
            f"(repeated before every timed run)")

        def warm():
            t = warm_page_cache(case_dir, manifest)
            if t > 1.0:  # should be ~0.1-0.3 s when the data stays cached
                log(f"[{case}] note: re-warming the page cache took {t:.1f} s "
                    f"(data was partly evicted; memory pressure?)")

        tools = {}
        n = args.files
        if "shelfmirror" in only:
            tools.update(bench_shelfmirror(case, case_dir, n, args, warm))
        if "mutagen" in only:
            tools.update(bench_mutagen(case, case_dir, n, args, warm))
        if "ffprobe" in only:
            tools.update(bench_ffprobe(case, case_dir, n, args, warm, manifest))
        if "beets" in only:
            tools.update(bench_beets(case, case_dir, n, args, warm))
        res = {"files": n, "repeat": args.repeat, "repeat_fast": args.repeat_fast, "data_bytes": manifest["total_bytes"],
               "generation_seconds": gen_s, "data_reused": gen_s is None, "tools": tools}
        res["targets"] = targets_for(tools)
        results["cases"][case] = res

    results["total_seconds"] = round(time.perf_counter() - t_start, 1)
    out = [f"## shelfmirror scan benchmark ({args.files} files, median of {args.repeat_fast} "
           f"(shelfmirror, floor, mutagen) or {args.repeat} (beets, ffprobe), "
           f"{os.cpu_count()} CPUs)", "",
           "Whole process vs whole process, wall clock; page cache warmed (every file read "
           "once) before every timed run; peak RSS = ru_maxrss (ffprobe: max over its "
           "per-file processes).", ""]
    for case, res in results["cases"].items():
        out += [render_case(case, res), ""]
    print("\n".join(out), flush=True)
    json_path = os.path.join(args.data, "scan-results.json")
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
