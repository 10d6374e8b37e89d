#!/usr/bin/env python3
"""One summary of a fleet of phones, phone by phone: per-shape speedups and tokens/s bounds.

    scripts/android/fleet_summary.py results/android/fleet-<run id> [--run-id ID]

Reads every <phone folder>/<run>.json result document (with its <run>.device.json record, when
there) under the folder and writes summary.md and summary.json beside them. scripts/android/run.sh
runs it after a fleet run. Result documents of schema_version 1 and 2 are read; only the fields
both share are used (results[].shape/n/k/kernel/dtype/storage/status/speedup_vs_legacy and
model.per_variant[]), and a missing or odd field leaves a blank, never an error. With several runs
of one phone (--repeat), a cell is the median of its runs.
"""
import argparse
import json
import statistics
import sys
from pathlib import Path

RECORD_SUFFIX = ".device.json"


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"fleet_summary.py: warning: {path}: {e}", file=sys.stderr)
        return None


def number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def variant_of(item):
    return "/".join(str(item.get(key, "?")) for key in ("kernel", "dtype", "storage"))


def read_run(result_path):
    """One result document -> its cases and tokens/s bounds, read defensively."""
    doc = load_json(result_path)
    if not isinstance(doc, dict):
        return None
    cases = []
    for r in doc.get("results") or []:
        if not isinstance(r, dict):
            continue
        cases.append({
            "shape": str(r.get("shape", "?")),
            "n": r.get("n"),
            "k": r.get("k"),
            "variant": variant_of(r),
            "status": r.get("status"),
            "speedup_vs_legacy": number(r.get("speedup_vs_legacy")),
        })
    model = doc.get("model") if isinstance(doc.get("model"), dict) else {}
    bounds = []
    for v in model.get("per_variant") or []:
        if isinstance(v, dict):
            bounds.append({"variant": variant_of(v), "complete": v.get("complete"),
                           "tokens_per_second_bound": number(v.get("tokens_per_second_bound"))})
    return {"result": result_path.name, "schema_version": doc.get("schema_version"),
            "complete": doc.get("complete"), "model": model.get("name"), "cases": cases, "bounds": bounds}


def read_phone(folder):
    phone = {"folder": folder.name, "serial": "", "model": "", "soc": "", "gpu": "", "driver": "", "runs": []}
    for result_path in sorted(folder.glob("*.json")):
        if result_path.name.endswith(RECORD_SUFFIX):
            continue
        run = read_run(result_path)
        if run is None:
            continue
        record = load_json(folder / (result_path.name[:-len(".json")] + RECORD_SUFFIX)) or {}
        summary = record.get("summary") if isinstance(record.get("summary"), dict) else {}
        device = record.get("device") if isinstance(record.get("device"), dict) else {}
        for key in ("model", "soc", "gpu", "driver"):
            phone[key] = phone[key] or str(summary.get(key) or "")
        phone["serial"] = phone["serial"] or str(device.get("serial") or "")
        run["exit_code"] = record.get("exit_code")
        temps = record.get("temperatures") if isinstance(record.get("temperatures"), dict) else {}
        run["hottest_celsius"] = {when: hottest(temps.get(when)) for when in ("before", "after")}
        phone["runs"].append(run)
    return phone


def hottest(reading):
    if not isinstance(reading, dict):
        return None
    values = [number(z.get("celsius")) for z in reading.get("zones") or [] if isinstance(z, dict)]
    values.append(number(reading.get("battery_celsius")))
    values = [v for v in values if v is not None and -40 < v < 150]
    return max(values) if values else None


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def table(phones, rows, cell):
    """Rows x phones; cell(phone, row) -> text."""
    names = [p["label"] for p in phones]
    lines = ["| " + " | ".join(rows["header"] + names) + " |",
             "|" + "---|" * (len(rows["header"]) + len(names))]
    for row in rows["keys"]:
        lines.append("| " + " | ".join(list(row) + [cell(p, row) for p in phones]) + " |")
    return lines


def summarize(folder, run_id):
    phones = [read_phone(d) for d in sorted(folder.iterdir()) if d.is_dir()]
    phones = [p for p in phones if p["runs"]]
    for p in phones:
        p["label"] = f"{p['model'] or p['folder']} ({p['serial']})" if p["serial"] else (p["model"] or p["folder"])
        speedups, statuses, bounds = {}, {}, {}
        for run in p["runs"]:
            for c in run["cases"]:
                key = (c["shape"], f"{c['n']}x{c['k']}", c["variant"])
                speedups.setdefault(key, []).append(c["speedup_vs_legacy"])
                statuses.setdefault(key, set()).add(str(c["status"]))
            for b in run["bounds"]:
                key = (run["model"] or "?", b["variant"])
                bounds.setdefault(key, []).append(b["tokens_per_second_bound"])
        p["speedup"] = {k: median_or_none(v) for k, v in speedups.items()}
        p["status"] = {k: "/".join(sorted(v)) for k, v in statuses.items()}
        p["bound"] = {k: median_or_none(v) for k, v in bounds.items()}

    shape_keys = sorted({k for p in phones for k in p["speedup"]}, key=lambda k: (k[0], k[2]))
    bound_keys = sorted({k for p in phones for k in p["bound"]})

    def speedup_cell(p, key):
        if key not in p["status"]:
            return ""
        value = p["speedup"].get(key)
        text = f"{value:.2f}x" if value is not None else "-"
        return text if p["status"][key] == "ok" else f"{text} ({p['status'][key]})"

    def bound_cell(p, key):
        value = p["bound"].get(key)
        return f"{value:.1f}" if value is not None else ("-" if key in p["bound"] else "")

    md = [f"# qgemv-bench fleet summary{f' — run {run_id}' if run_id else ''}", "",
          "| phone | SoC | GPU | driver | runs | hottest before → after (°C) |", "|---|---|---|---|---|---|"]
    for p in phones:
        temps = "; ".join(f"{fmt(r['hottest_celsius']['before'])} → {fmt(r['hottest_celsius']['after'])}" for r in p["runs"])
        md.append(f"| {p['label']} | {p['soc']} | {p['gpu']} | {p['driver']} | {len(p['runs'])} | {temps} |")
    md += ["", "## Speedup over the baseline kernel, per shape (median of runs)", ""]
    md += table(phones, {"header": ["shape", "n×k", "kernel/dtype/storage"], "keys": shape_keys}, speedup_cell)
    md += ["", "## Tokens/s bound from the GEMVs alone (model shapes files only)", ""]
    if bound_keys:
        md += table(phones, {"header": ["model", "kernel/dtype/storage"], "keys": bound_keys}, bound_cell)
    else:
        md.append("(none: these shapes files describe no model)")
    md.append("")

    doc = {
        "summary": "qgemv-bench android fleet summary (scripts/android/fleet_summary.py), version 1",
        "run_id": run_id,
        "phones": [{
            "folder": p["folder"], "serial": p["serial"], "model": p["model"], "soc": p["soc"],
            "gpu": p["gpu"], "driver": p["driver"],
            "runs": [{key: r[key] for key in ("result", "schema_version", "complete", "exit_code", "hottest_celsius")}
                     for r in p["runs"]],
            "shapes": [{"shape": k[0], "n_by_k": k[1], "variant": k[2], "status": p["status"][k],
                        "speedup_vs_baseline": p["speedup"][k]} for k in shape_keys if k in p["status"]],
            "tokens_per_second_bound": [{"model": k[0], "variant": k[1], "tokens_per_second_bound": p["bound"][k]}
                                        for k in bound_keys if k in p["bound"]],
        } for p in phones],
    }
    return "\n".join(md), doc


def fmt(value):
    return "?" if value is None else f"{value:g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a fleet folder: one subfolder of results per phone")
    parser.add_argument("--run-id", default="", help="the run id, for the title")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"fleet_summary.py: error: {args.folder}: no such folder", file=sys.stderr)
        return 2
    markdown, doc = summarize(args.folder, args.run_id)
    if not doc["phones"]:
        print(f"fleet_summary.py: error: no result documents in the subfolders of {args.folder}", file=sys.stderr)
        return 1
    (args.folder / "summary.md").write_text(markdown, encoding="utf-8")
    (args.folder / "summary.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(markdown)
    print(f"fleet_summary.py: {len(doc['phones'])} phones: {args.folder / 'summary.md'}, {args.folder / 'summary.json'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
