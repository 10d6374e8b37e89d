#!/usr/bin/env python3
"""Plots qgemv-bench JSON results (schema_version 1 or 2) as PNGs.

    plot_results.py RESULTS.json [RESULTS.json ...] -o DIR

Per input file it writes <stem>-gbps.png, <stem>-roofline.png and <stem>-speedup.png; with several
files it also writes compare-gbps.png, compare-roofline.png and compare-speedup.png, one subplot
column per file on a shared y axis. Only results with status "ok" are plotted. Error bars show the
spread of the repetitions (the median's confidence interval where the file has one, else one
standard deviation); the y axis is logarithmic where the values span a factor of 10 or more.
Exit codes: 0 written, 2 bad usage, an input that is not a results file, or matplotlib missing.
"""
import argparse
import json
import math
import sys
from pathlib import Path

try:
    import matplotlib

    matplotlib.use("Agg")  # Before pyplot: CI machines and containers have no display.
    import matplotlib.pyplot as plt
except ImportError as e:
    sys.stderr.write(f"plot_results: matplotlib is not available to {sys.executable} ({e}): install Debian's "
                     "python3-matplotlib (apt-get install python3-matplotlib) and run this script with "
                     "/usr/bin/python3\n")
    sys.exit(2)

SCHEMA_VERSIONS = (1, 2)
REQUIRED_RESULT_KEYS = ("shape", "kernel", "dtype", "storage", "status")


class InputError(Exception):
    """An input file the script cannot plot; main() turns it into exit code 2."""


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from e
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON: {e}") from e
    if not isinstance(doc, dict):
        raise InputError(f"{path}: not a qgemv-bench results object")
    if doc.get("schema_version") not in SCHEMA_VERSIONS:
        raise InputError(f"{path}: schema_version {doc.get('schema_version')!r}, expected one of "
                         f"{', '.join(map(str, SCHEMA_VERSIONS))}")
    results = doc.get("results")
    if not isinstance(results, list) or not all(
            isinstance(r, dict) and all(k in r for k in REQUIRED_RESULT_KEYS) for r in results):
        raise InputError(f"{path}: 'results' must be a list of objects with {', '.join(REQUIRED_RESULT_KEYS)}")
    return doc


def number(value):
    """The value if it is a real number; JSON null, strings and booleans are 'no value'."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def variant(r):
    return f"{r['kernel']} {r['dtype']} {r['storage']}"


def shape_key(r):
    # The name alone may repeat across group sizes, so the key carries the sizes too.
    return (r["shape"], r.get("n"), r.get("k"), r.get("group_size"))


def shape_label(key):
    name, n, k, _ = key
    return f"{name} {n}x{k}" if n is not None and k is not None else str(name)


def describe(doc):
    ctx = doc.get("context") or {}
    device = (ctx.get("device") or {}).get("name") or "unknown device"
    shapes = (doc.get("settings") or {}).get("shapes_file") or "unknown shapes"
    return device, str(ctx.get("date") or "unknown date"), shapes


def ok_results(path, doc):
    """The results to plot; prints one line naming those left out, because a bar silently
    missing from a plot reads as a zero."""
    left_out = [f"{r['shape']}/{variant(r).replace(' ', '/')} ({r['status']})"
                for r in doc["results"] if r["status"] != "ok"]
    if left_out:
        print(f"note: {path}: left out {len(left_out)} not-ok result(s): {', '.join(left_out)}")
    return [r for r in doc["results"] if r["status"] == "ok"]


# What each plot shows: field, y label, reference line, y limits, and which results take part.
METRICS = {
    "gbps": dict(field="gbps", ylabel="GB/s (bytes moved / median time)", line=None, ylim=None,
                 keep=lambda r: True, title="GEMV bandwidth"),
    "roofline": dict(field="roofline_fraction", ylabel="fraction of read bandwidth", line=1.0,
                     ylim=(0, 1.05), keep=lambda r: True, title="Roofline fraction"),
    # Legacy's speedup over itself is always 1.0, so its bars carry no information.
    "speedup": dict(field="speedup_vs_legacy", ylabel="speedup vs legacy (x)", line=1.0, ylim=None,
                    keep=lambda r: r["kernel"] != "legacy", title="Speedup over legacy"),
}


def time_summary(r):
    """The timing summary of a result: schema 2 nests it under "summary", schema 1 has it flat."""
    timing = r.get("timing")
    if not isinstance(timing, dict):
        return {}
    summary = timing.get("summary")
    return summary if isinstance(summary, dict) else timing


def relative_bounds(summary):
    """(low, high) of the time as fractions of the median: the median's confidence interval when the
    file has one, else median -/+ one standard deviation; None without a spread."""
    median = number(summary.get("median"))
    if not median or median <= 0:
        return None
    low, high = number(summary.get("ci_low")), number(summary.get("ci_high"))
    if low is not None and high is not None and 0 < low <= median <= high:
        return low / median, high / median
    stddev = number(summary.get("stddev"))
    if stddev is None or number(summary.get("count")) == 1:
        return None
    return max(1 - stddev / median, 1e-3), 1 + stddev / median


def baseline_of(r, results):
    """The baseline kernel's result of the same shape, dtype and storage, if present: schema 2 names
    the baseline in the speedup record, schema 1's is legacy."""
    speedup = r.get("speedup")
    name = speedup.get("baseline") if isinstance(speedup, dict) and speedup.get("baseline") else "legacy"
    for b in results:
        if b["kernel"] == name and shape_key(b) == shape_key(r) and b["dtype"] == r["dtype"] \
                and b["storage"] == r["storage"]:
            return b
    return None


def error_bounds(r, results, metric, value):
    """(value - low, high - value) for the metric's error bar, or None."""
    if metric == "speedup":
        speedup = r.get("speedup")  # schema 2: the paired ratios' own summary
        if isinstance(speedup, dict) and isinstance(speedup.get("summary"), dict):
            bounds = relative_bounds(speedup["summary"])
            if bounds is None:
                return None
            return value - value * bounds[0], value * bounds[1] - value
        base = baseline_of(r, results)
        own, other = relative_bounds(time_summary(r)), base and relative_bounds(time_summary(base))
        if not own or not other:
            return None
        # Relative spreads of a ratio of independent times add in quadrature.
        rel = math.hypot(max(own[1] - 1, 1 - own[0]), max(other[1] - 1, 1 - other[0]))
        return value * min(rel, 0.999), value * rel
    bounds = relative_bounds(time_summary(r))
    if bounds is None:
        return None
    # GB/s and the roofline fraction are inversely proportional to the time.
    return value - value / bounds[1], value / bounds[0] - value


def series(results, metric):
    """{variant: {shape key: (value, error bounds or None)}} for the results that take part in the
    metric and have a value."""
    spec, out = METRICS[metric], {}
    for r in results:
        value = number(r.get(spec["field"]))
        if spec["keep"](r) and value is not None:
            out.setdefault(variant(r), {})[shape_key(r)] = (value, error_bounds(r, results, metric, value))
    return out


def spans_decades(per_entry):
    """Whether the positive values to draw span a factor of 10 or more: a linear axis would then
    flatten the small shapes to nothing."""
    values = [value for data in per_entry for by_shape in data.values() for value, _ in by_shape.values()
              if value > 0]
    return bool(values) and max(values) >= 10 * min(values)


def ordered_union(lists):
    seen = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def draw_bars(ax, data, shapes, variants, colors, metric, log):
    """Grouped bars: one group per shape, one bar per variant; a missing value leaves a gap."""
    spec = METRICS[metric]
    width = 0.8 / max(len(variants), 1)
    for i, v in enumerate(variants):
        xs = [j + (i - (len(variants) - 1) / 2) * width for j, s in enumerate(shapes) if s in data.get(v, {})]
        points = [data[v][s] for s in shapes if s in data.get(v, {})]
        ys = [value for value, _ in points]
        yerr = [[err[0] if err else 0 for _, err in points], [err[1] if err else 0 for _, err in points]]
        has_err = any(err for _, err in points)
        bars = ax.bar(xs, ys, width, label=v, color=colors[v], yerr=yerr if has_err else None,
                      error_kw=dict(elinewidth=0.8, capsize=2, ecolor="black"))
        if metric == "speedup" and len(shapes) * len(variants) <= 40:
            # The exact factor is what people quote; reading it off the axis is too coarse.
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
            ax.margins(y=0.08)  # Room above the tallest bar for its label.
    if spec["line"] is not None:
        ax.axhline(spec["line"], color="black", linestyle="--", linewidth=1)
    if log:
        ax.set_yscale("log")
        if spec["ylim"]:
            ax.set_ylim(top=spec["ylim"][1])
    elif spec["ylim"]:
        ax.set_ylim(*spec["ylim"])
    if not data:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center", color="grey")
    ax.set_xticks(range(len(shapes)))
    # Rotated so long sweep names like sweep_1024x4096 do not run into each other.
    ax.set_xticklabels([shape_label(s) for s in shapes], rotation=35, ha="right",
                       rotation_mode="anchor", fontsize=8)
    ax.set_xlim(-0.6, max(len(shapes), 1) - 0.4)
    ax.grid(axis="y", alpha=0.3)


def plot(entries, metric, out_path, suptitle):
    """entries: [(panel title, results)]; one subplot column per entry, y axis shared."""
    per_entry = [series(results, metric) for _, results in entries]
    # Each panel shows the shapes of its own file; files of one shapes file line up anyway.
    shapes_per_entry = [ordered_union([[shape_key(r) for r in results]]) for _, results in entries]
    # Colours come from every ok variant, not just this metric's, so a kernel keeps its colour
    # across panels and across the three plots (speedup leaves legacy out).
    every = ordered_union([[variant(r) for r in results] for _, results in entries])
    colors = {v: plt.get_cmap("tab10")(i % 10) for i, v in enumerate(every)}
    variants = [v for v in every if any(v in data for data in per_entry)]
    # Wide enough that each bar stays visible; capped so a big sweep still makes a sane file.
    most_shapes = max(len(s) for s in shapes_per_entry)
    column = max(5.0, 0.35 * most_shapes * max(len(variants), 1) + 1.5)
    fig, axes = plt.subplots(1, len(entries), figsize=(min(column * len(entries), 30), 5),
                             sharey=True, squeeze=False)
    log = spans_decades(per_entry)
    for ax, (title, _), data, own_shapes in zip(axes[0], entries, per_entry, shapes_per_entry):
        draw_bars(ax, data, own_shapes, variants, colors, metric, log)
        ax.set_title(title, fontsize=9)
    axes[0][0].set_ylabel(METRICS[metric]["ylabel"] + (", log scale" if log else ""))
    if variants:
        axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle(f"{METRICS[metric]['title']}: {suptitle}", fontsize=11)
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    print(f"wrote {out_path}")


def has_roofline(results):
    return any(number(r.get("roofline_fraction")) is not None for r in results)


def gbps_text(value):
    # Whole GB/s for GPUs; lavapipe's ~1 GB/s needs its decimals.
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def roofline_note(doc):
    roof = doc.get("roofline") or {}
    read, copy = number(roof.get("read_gbps")), number(roof.get("copy_gbps"))
    parts = [f"read {gbps_text(read)} GB/s" if read is not None else None,
             f"copy {gbps_text(copy)} GB/s" if copy is not None else None]
    return ", ".join(p for p in parts if p)


def plot_file(path, doc, results, out_dir, stem):
    device, date, shapes = describe(doc)
    title = f"{shapes} on {device}"
    for metric in METRICS:
        if metric == "roofline" and not has_roofline(results):
            print(f"note: {path}: no numeric roofline_fraction, {stem}-roofline.png not written")
            continue
        panel = date if metric != "roofline" or not roofline_note(doc) else f"{date}; {roofline_note(doc)}"
        plot([(panel, results)], metric, out_dir / f"{stem}-{metric}.png", title)


def plot_compare(docs, out_dir):
    shapes = ", ".join(ordered_union([[describe(doc)[2]] for _, doc, _ in docs]))
    devices = ", ".join(ordered_union([[describe(doc)[0]] for _, doc, _ in docs]))
    for metric in METRICS:
        if metric == "roofline" and not any(has_roofline(results) for _, _, results in docs):
            print("note: no input has a numeric roofline_fraction, compare-roofline.png not written")
            continue
        entries = [(f"{describe(doc)[0]}\n{describe(doc)[1]}", results) for _, doc, results in docs]
        plot(entries, metric, out_dir / f"compare-{metric}.png", f"{shapes} on {devices}")


def unique_stems(paths):
    """File stems, with -2, -3 ... added where two inputs share one (run1/a.json, run2/a.json)."""
    stems, counts = [], {}
    for p in paths:
        stem = Path(p).stem
        counts[stem] = counts.get(stem, 0) + 1
        stems.append(stem if counts[stem] == 1 else f"{stem}-{counts[stem]}")
    return stems


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plot qgemv-bench JSON results as PNGs.")
    parser.add_argument("inputs", nargs="+", metavar="RESULTS.json")
    parser.add_argument("-o", "--out-dir", required=True, type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    try:
        docs = [(p, d) for p in args.inputs for d in [load(p)]]
    except InputError as e:
        print(f"plot_results: {e}", file=sys.stderr)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    docs = [(p, d, ok_results(p, d)) for p, d in docs]
    for (path, doc, results), stem in zip(docs, unique_stems(args.inputs)):
        plot_file(path, doc, results, args.out_dir, stem)
    if len(docs) > 1:
        plot_compare(docs, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
