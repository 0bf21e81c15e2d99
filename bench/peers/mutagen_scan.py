#!/usr/bin/env python3
"""Peer for the scan benchmark: one Python process that reads, with mutagen,
the same things shelfmirror's scan reads for every audio file under DIR
(stat, tags, duration, bitrate, sample rate, channels), builds a list of
dicts and serialises it as JSON to /dev/null.

Usage: mutagen_scan.py DIR
Prints "mutagen_scan: <files> files, <errors> errors" on stderr.
Exit status 0 when every audio file was read, 1 otherwise.
"""
import json
import os
import sys

import mutagen

AUDIO_EXTS = {
    ".mp3", ".m4a", ".m4b", ".mp4", ".aac", ".flac", ".ogg", ".oga",
    ".opus", ".wma", ".wav", ".aif", ".aiff", ".ape", ".wv",
}


def tag_value(v):
    """Turn a mutagen tag value (ID3 frame, MP4 list, ...) into JSON-able text."""
    if isinstance(v, list):
        return [tag_value(x) for x in v]
    if isinstance(v, bytes):  # MP4 freeform (----:com.apple.iTunes:...)
        return v.decode("utf-8", "replace")
    if hasattr(v, "text"):  # ID3 text frames (TIT2, TXXX, ...)
        return [str(t) for t in v.text]
    return str(v)


def read_one(path, st):
    rec = {"path": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    f = mutagen.File(path)
    if f is None:
        raise ValueError("unsupported format")
    info = f.info
    rec["duration"] = getattr(info, "length", None)
    rec["bitrate"] = getattr(info, "bitrate", None)
    rec["sample_rate"] = getattr(info, "sample_rate", None)
    rec["channels"] = getattr(info, "channels", None)
    tags = {}
    if f.tags is not None:
        for key, value in f.tags.items():
            if key.startswith("APIC") or key == "covr":
                continue  # artwork is not mirrored
            tags[key] = tag_value(value)
    rec["tags"] = tags
    return rec


def main():
    if len(sys.argv) != 2:
        print("usage: mutagen_scan.py DIR", file=sys.stderr)
        return 2
    root = sys.argv[1]
    records, errors = [], 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if os.path.splitext(name)[1].lower() not in AUDIO_EXTS:
                continue
            path = os.path.join(dirpath, name)
            try:
                records.append(read_one(path, os.stat(path)))
            except Exception as e:  # keep going like a scanner would
                errors += 1
                print(f"mutagen_scan: {path}: {e}", file=sys.stderr)
    with open(os.devnull, "w") as out:
        json.dump(records, out)
    print(f"mutagen_scan: {len(records)} files, {errors} errors", file=sys.stderr)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
