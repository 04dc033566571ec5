"""Benchmark results as CSV and Markdown: stages, comparisons with the direct limits, targets."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from benchmarks.stages import EXPECTATIONS, MARTS, STAGES, STAGING

MIB = 1024 ** 2
GIB = 1024 ** 3


def exponent(scale_a: float, value_a: float, scale_b: float, value_b: float) -> float | None:
    """``k`` in value ∝ scale^k through two points: 1 is linear growth, below 1 sub-linear."""
    if min(scale_a, scale_b, value_a, value_b) <= 0 or scale_a == scale_b:
        return None
    return math.log(value_b / value_a) / math.log(scale_b / scale_a)


def _stage(result: dict, stage: str) -> dict:
    return next(s for s in result["stages"] if s["stage"] == stage)


def comparisons(result: dict) -> dict:
    """The ratios and rates of one scale (pipeline against the direct limits)."""
    csv_files = [f for f in result["landing_files"] if f["file"].endswith(".csv")]
    landing_rows = sum(f["rows"] for f in csv_files)
    landing_seconds = sum(f["seconds"] for f in csv_files)
    direct = result["direct"]
    transform = _stage(result, STAGING)["wall_seconds"] + _stage(result, MARTS)["wall_seconds"]
    direct_models = direct["transform"]["staging_seconds"] + direct["transform"]["marts_seconds"]
    direct_with_tests = direct_models + direct["transform"]["tests_seconds"]
    refresh = result["refresh"]
    return {
        "scale": result["scale"],
        "published": result["published"],
        "refresh_wall_seconds": refresh["wall_seconds"],
        "end_to_end_wall_seconds": refresh["wall_seconds"] + result["sample"]["wall_seconds"],
        "refresh_cpu_seconds": refresh["cpu_seconds"],
        "refresh_peak_tree_rss_gib": refresh["peak_tree_rss_bytes"] / GIB,
        "refresh_max_process_rss_gib": refresh["max_rss_bytes"] / GIB,
        "other_processes_cores_busy": refresh["other_processes_cpu_seconds"] / refresh["wall_seconds"],
        "landing_csv_rows": landing_rows,
        "landing_csv_seconds": landing_seconds,
        "landing_csv_rows_per_second": landing_rows / landing_seconds if landing_seconds else None,
        "direct_load_rows_per_second": direct["load"]["rows"] / direct["load"]["seconds"],
        "landing_over_direct_load": landing_seconds / direct["load"]["seconds"],
        "transform_seconds": transform,
        "direct_models_seconds": direct_models,
        "direct_models_and_tests_seconds": direct_with_tests,
        "transform_over_direct_models": transform / direct_models,
        "transform_over_direct_models_and_tests": transform / direct_with_tests,
        "cohort_and_marts_over_direct": _stage(result, MARTS)["wall_seconds"]
        / (direct["transform"]["marts_seconds"] + direct["transform"]["tests_seconds"]),
        "dbt_compile_seconds": direct["compile"]["wall_seconds"],
        "expectations_over_transform": _stage(result, EXPECTATIONS)["wall_seconds"] / transform,
    }


def targets(results: list[dict]) -> list[dict]:
    """Each target of issue 7 with the measured value and whether it is met."""
    by_scale = {r["scale"]: comparisons(r) for r in results}
    rows = []

    def add(target: str, value: float | None, limit: float, unit: str, higher_is_better: bool = False) -> None:
        if value is None:
            return
        met = value >= limit if higher_is_better else value <= limit
        rows.append({"target": target, "measured": value, "limit": limit, "unit": unit, "met": met,
                     "missed_by": None if met else abs(value - limit) / limit})

    if 1.0 in by_scale:
        add("scale 1 full refresh, wall", by_scale[1.0]["refresh_wall_seconds"], 90, "s")
    if 10.0 in by_scale:
        ten = by_scale[10.0]
        add("scale 10 full refresh, wall", ten["refresh_wall_seconds"], 600, "s")
        add("scale 10 peak memory (process tree)", ten["refresh_peak_tree_rss_gib"], 4, "GiB")
        add("scale 10 transform / direct SQL (models and tests)", ten["transform_over_direct_models_and_tests"],
            1.5, "x")
    for scale, c in by_scale.items():
        add(f"scale {scale:g} landing, CSV", c["landing_csv_rows_per_second"], 200_000, "rows/s", True)
        add(f"scale {scale:g} expectations / transform", c["expectations_over_transform"], 0.25, "x")
    if len(results) > 1:
        first, last = results[0], results[-1]
        value = exponent(first["scale"], first["refresh"]["wall_seconds"], last["scale"],
                         last["refresh"]["wall_seconds"])
        add(f"growth exponent of the refresh wall time, scale {first['scale']:g} to {last['scale']:g}",
            value, 1.0, "")
    return rows


def growth(results: list[dict]) -> dict[str, float | None]:
    """Wall-time exponent of every stage from the smallest to the largest scale."""
    if len(results) < 2:
        return {}
    first, last = results[0], results[-1]
    return {stage: exponent(first["scale"], _stage(first, stage)["wall_seconds"],
                            last["scale"], _stage(last, stage)["wall_seconds"]) for stage in STAGES}


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows)]


def markdown(machine: dict, results: list[dict]) -> str:
    lines = ["# Refresh benchmark", "",
             "Produced by `python -m benchmarks.run`; how each figure is measured: `benchmarks/README.md`.", "",
             "## Machine", "", *_table(["what", "value"], [[k, v] for k, v in machine.items()]), ""]
    for result in results:
        c = comparisons(result)
        lines += [f"## Scale {result['scale']:g}", "",
                  f"Refresh {'published' if result['published'] else 'held back'}; "
                  f"other processes kept {c['other_processes_cores_busy']:.2f} of the "
                  f"{machine['nproc']} cores busy on average during it.", "",
                  *_table(["stage", "wall s", "CPU s", "peak RSS MiB", "steps"],
                          [[s["stage"], s["wall_seconds"], s["cpu_seconds"], s["peak_rss_bytes"] / MIB, s["steps"]]
                           for s in result["stages"]]),
                  "", *_table(["comparison", "value"], [[k, v] for k, v in c.items() if k != "scale"]), ""]
    if len(results) > 1:
        lines += ["## Growth exponents (wall time)", "",
                  *_table(["stage", "exponent"], [[k, v] for k, v in growth(results).items()]), ""]
    lines += ["## Targets", "",
              *_table(["target", "measured", "limit", "unit", "met", "missed by"],
                      [[t["target"], t["measured"], t["limit"], t["unit"], t["met"],
                        None if t["missed_by"] is None else f"{t['missed_by']:.0%}"] for t in targets(results)]),
              ""]
    return "\n".join(lines)


def write(out: Path, machine: dict, results: list[dict]) -> None:
    """``stages.csv``, ``comparisons.csv``, ``targets.csv``, ``summary.md`` and ``raw.json`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / "stages.csv", [{**s, "peak_rss_mib": s["peak_rss_bytes"] / MIB}
                                    for r in results for s in r["stages"]])
    _write_csv(out / "comparisons.csv", [comparisons(r) for r in results])
    if rows := targets(results):
        _write_csv(out / "targets.csv", rows)
    (out / "summary.md").write_text(markdown(machine, results))
    (out / "raw.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2))


def before_after(before: list[dict], after: list[dict]) -> str:
    """Markdown: every stage's wall, CPU and peak memory in two result sets, scale by scale."""
    lines = []
    for b, a in zip(before, after):
        rows = []
        for stage in STAGES:
            sb, sa = _stage(b, stage), _stage(a, stage)
            rows.append([stage, sb["wall_seconds"], sa["wall_seconds"], sb["cpu_seconds"], sa["cpu_seconds"],
                         sa["cpu_seconds"] / sb["cpu_seconds"] if sb["cpu_seconds"] else None,
                         sb["peak_rss_bytes"] / MIB, sa["peak_rss_bytes"] / MIB])
        cb, ca = comparisons(b), comparisons(a)
        rows.append(["whole refresh", cb["refresh_wall_seconds"], ca["refresh_wall_seconds"],
                     cb["refresh_cpu_seconds"], ca["refresh_cpu_seconds"],
                     ca["refresh_cpu_seconds"] / cb["refresh_cpu_seconds"],
                     cb["refresh_peak_tree_rss_gib"] * 1024, ca["refresh_peak_tree_rss_gib"] * 1024])
        lines += [f"### Scale {b['scale']:g}", "",
                  f"Other processes kept {cb['other_processes_cores_busy']:.2f} (before) and "
                  f"{ca['other_processes_cores_busy']:.2f} (after) of the cores busy.", "",
                  *_table(["stage", "wall s before", "wall s after", "CPU s before", "CPU s after",
                           "CPU after / before", "peak MiB before", "peak MiB after"], rows), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    # python -m benchmarks.report DIR: re-render DIR from its raw.json;
    # python -m benchmarks.report BEFORE AFTER: the before/after table of two result folders.
    import sys

    raws = [json.loads((Path(folder) / "raw.json").read_text()) for folder in sys.argv[1:3]]
    if len(raws) == 1:
        write(Path(sys.argv[1]), raws[0]["machine"], raws[0]["results"])
    else:
        print(before_after(raws[0]["results"], raws[1]["results"]))
