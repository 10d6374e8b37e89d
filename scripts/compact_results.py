#!/usr/bin/env python3
"""Strips the raw per-dispatch samples from schema_version 1 result documents, in place.

Version 1 files stored every timed dispatch (an H100 smoke baseline held 422,747 of them, 11 MB);
version 2 stores independent repetitions and raw samples only on request. What stays is each
summary (count, median, min, max, mean, stddev), which `qgemv-bench compare` reads from a
stripped version 1 file (threshold only: no repetitions to test). Each stripped timing gets
"samples_stripped": true. Python standard library only.

    scripts/compact_results.py [FILE_OR_FOLDER ...]     (default: results/)
"""
import json
import pathlib
import sys


def strip_timing(timing):
    changed = False
    if isinstance(timing, dict):
        for key in ("samples",):
            if key in timing:
                del timing[key]
                changed = True
        host = timing.get("host_per_dispatch")
        if isinstance(host, dict) and "samples" in host:
            del host["samples"]
            changed = True
        if changed:
            timing["samples_stripped"] = True
    return changed


def compact(doc):
    if not isinstance(doc, dict) or doc.get("schema_version") != 1:
        return False
    changed = False
    for result in doc.get("results", []):
        changed |= strip_timing(result.get("timing"))
    roofline = doc.get("roofline")
    if isinstance(roofline, dict):
        for key in ("read_timing", "copy_timing"):
            changed |= strip_timing(roofline.get(key))
    return changed


def files(arguments):
    for argument in arguments or ["results"]:
        path = pathlib.Path(argument)
        yield from sorted(path.rglob("*.json")) if path.is_dir() else [path]


def main():
    for path in files(sys.argv[1:]):
        try:
            doc = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        before = path.stat().st_size
        if compact(doc):
            path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
            print(f"{path}: {before} -> {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
