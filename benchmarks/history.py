"""Benchmark the history (issue 15): a 24-month backfill, a full month and an incremental month.

    .venv/bin/python -m benchmarks.history [--scale 1] [--months 24] [--as-at 2025-07-31]
                                           [--corrected 2025-01] [--label history] [--work var/bench-history]

Every command is the CLI a user runs, in its own process, sampled over its process tree
(``benchmarks.sampler``: wall, CPU, peak RSS):

1. *sample*: ``send-warehouse sample --scale S --months N --as-at D``, N monthly drops of one world;
2. *backfill*: ``send-warehouse refresh --demo`` on a new home, which builds all N months in one
   run (one ``dbt build`` a month, oldest first; the newest builds every model); per-month seconds
   are read off the dbt step's event log (an earlier month ends at its first partition
   materialisation, the newest at the end of the step);
3. *full month*: the newest month alone on a new home, from a drop holding only the files current
   on it (the newest of each extract): landing a month's files, every model, the checks,
   publication and the report, i.e. a month's complete refresh;
4. *incremental*: on the backfilled home, the ``--corrected`` month's MPFT CAMHS referrals file is
   resent with its last tenth of rows removed (as in ``tests/e2e/test_monthly_partitions.py``) and
   ``send-warehouse refresh --demo --months YYYY-MM`` re-runs that month alone.

Writes ``benchmarks/results/<label>/``: ``summary.md``, ``runs.csv`` (one row per command),
``stages.csv`` (per command and stage), ``months.csv`` (the backfill's per-month dbt seconds) and
``raw.json``. The target (issue 15) is the incremental month under 20% of a full month's refresh.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import dagster as dg
from dagster import DagsterEventType

from benchmarks.machine import describe
from benchmarks.report import GIB, MIB, _table, _write_csv
from benchmarks.run import (
    PYTHON, REPO, RESULTS, _measure, _process, _read_only, home_instance, refresh_stages,
)
from benchmarks.sampler import Measured
from benchmarks.stages import DBT_STEP, Interval, run_intervals

TARGET = 0.20  # issue 15: the incremental month in under 20% of a full month's refresh
CORRECTED = ("mpft", "camhs_referrals", "csv")


def _instance_runs(home: Path) -> list[dg.DagsterRun]:
    """Every run in the home's Dagster instance, oldest first."""
    with home_instance(home) as instance:
        return list(reversed(instance.get_runs()))


def _run_logs(home: Path, run_ids: list[str]) -> dict[str, list[dg.EventLogEntry]]:
    with home_instance(home) as instance:
        return {run_id: list(instance.all_logs(run_id)) for run_id in run_ids}


def _intervals(home: Path, run_ids: list[str]) -> list[Interval]:
    with home_instance(home) as instance:
        return [i for run_id in run_ids for i in run_intervals(instance, run_id)]


def month_boundaries(entries: list[dg.EventLogEntry], months: list[date]) -> list[tuple[date, float, float]]:
    """(month end, start, end) of each month's ``dbt build`` in the dbt step of one run's event log.

    The months are built oldest first; an earlier month's build yields its partition's
    materialisations when it has finished, so its end is the first of them; the newest month
    ends with the step."""
    start = end = None
    first_event: dict[str, float] = {}
    for entry in entries:
        event = entry.dagster_event
        if event is None or event.step_key != DBT_STEP:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            start = entry.timestamp
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            end = entry.timestamp
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION and event.partition:
            first_event.setdefault(event.partition, entry.timestamp)
    if start is None or end is None:
        return []
    rows, cursor = [], start
    for month in months[:-1]:
        key = month.replace(day=1).isoformat()
        if key not in first_event:
            return rows
        rows.append((month, cursor, first_event[key]))
        cursor = first_event[key]
    rows.append((months[-1], cursor, end))
    return rows


def _history_months(home: Path) -> list[date]:
    with _read_only(home / "warehouse.duckdb") as con:
        rows = con.execute("select distinct reporting_date from marts.kpi_history order by 1").fetchall()
    return [row[0] for row in rows]


def _revised(home: Path, month: date) -> dict:
    """How many of the month's kpi_history rows carry ``revised_at``, and how many of the other months' do."""
    with _read_only(home / "warehouse.duckdb") as con:
        revised, rows, others = con.execute(
            "select count(*) filter (where reporting_date = ? and revised_at is not null), "
            "count(*) filter (where reporting_date = ?), "
            "count(*) filter (where reporting_date <> ? and revised_at is not null) from marts.kpi_history",
            [month, month, month]).fetchone()
    return {"revised_rows": revised, "month_rows": rows, "other_months_revised_rows": others}


def current_files(drop: Path, month_end_: date) -> list[Path]:
    """The newest file of each extract of ``drop`` dated on or before ``month_end_``."""
    newest: dict[tuple[str, str], tuple[str, Path]] = {}
    for path in drop.glob("*/*"):
        name, _, stamp = path.stem.rpartition("_")
        if not (stamp.isdigit() and len(stamp) == 8) or stamp > f"{month_end_:%Y%m%d}":
            continue
        key = (path.parent.name, name)
        if key not in newest or stamp > newest[key][0]:
            newest[key] = (stamp, path)
    return sorted(path for _, path in newest.values())


def correct(drop: Path, month_end_: date) -> Path:
    """The partner resends the month's file with its last tenth of rows removed."""
    partner, extract, ext = CORRECTED
    path = drop / partner / f"{extract}_{month_end_:%Y%m%d}.{ext}"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    time.sleep(1)
    path.write_text("".join(lines[:-len(lines) // 10]), encoding="utf-8")
    return path


def _month_end(text: str) -> date:
    from orchestration.partitions import month_end
    return month_end(date.fromisoformat(f"{text}-01"))


def _refresh(scale: float, drop: Path, home: Path, log: Path, *extra: str
             ) -> tuple[dict, list[dict], list[str], Measured]:
    """One sampled ``send-warehouse refresh --demo``: its process figures, stages and new run ids."""
    before = {r.run_id for r in _instance_runs(home)} if (home / "dagster").exists() else set()
    measured, others = _measure([PYTHON, "-m", "orchestration.cli", "refresh", "--demo", "--drop", str(drop),
                                 "--home", str(home), *extra], log, ok=(0, 1))
    run_ids = [r.run_id for r in _instance_runs(home) if r.run_id not in before]
    process = {**_process(measured, others), "published": measured.returncode == 0,
               "stdout": log.read_text().splitlines()[:3]}
    return process, [vars(s) for s in refresh_stages(scale, measured, _intervals(home, run_ids))], run_ids, measured


def bench(scale: float, months: int, as_at: date, corrected: date, work: Path, resume: bool = False) -> dict:
    """The four commands; each phase's figures are saved to ``WORK/partial.json`` as it ends, and
    ``resume`` skips the phases found there (a crash after the backfill does not lose it)."""
    partial_path = work / "partial.json"
    partial = json.loads(partial_path.read_text()) if resume and partial_path.exists() else {}
    if not partial:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    partial.update(scale=scale, months=months, as_at=as_at.isoformat())

    def save() -> None:
        partial_path.write_text(json.dumps(partial, indent=2, default=str))

    drop, home = work / "drop", work / "home"
    if "sample" not in partial:
        print(f"sample: {months} months at scale {scale:g} to {as_at}", flush=True)
        sample, sample_others = _measure([PYTHON, "-m", "orchestration.cli", "sample", "--out", str(drop),
                                          "--scale", str(scale), "--months", str(months),
                                          "--as-at", as_at.isoformat()], work / "sample.log")
        partial.update(sample=_process(sample, sample_others), files=len(list(drop.glob("*/*"))))
        save()

    if "backfill" not in partial:
        print(f"backfill: {partial['files']} files", flush=True)
        backfill, backfill_stages, backfill_runs, measured = _refresh(scale, drop, home, work / "backfill.log")
        built = _history_months(home)
        logs = _run_logs(home, backfill_runs)
        per_month = []
        for run_id in backfill_runs:
            for month, a, b in month_boundaries(logs[run_id], built):
                cpu, peak = measured.samples.window(a, b)
                per_month.append({"month": month.isoformat(), "wall_seconds": b - a, "cpu_seconds": cpu,
                                  "peak_rss_bytes": peak, "full_build": month == built[-1]})
            if per_month:
                break
        partial["backfill"] = {**backfill, "months_built": [m.isoformat() for m in built],
                               "stages": backfill_stages, "per_month": per_month}
        save()

    if "incremental" not in partial:
        print(f"incremental: a corrected {'/'.join(CORRECTED[:2])} file for {corrected:%Y-%m}", flush=True)
        corrected_path = correct(drop, corrected)
        incremental, incremental_stages, _, _ = _refresh(scale, drop, home, work / "incremental.log",
                                                         "--months", f"{corrected:%Y-%m}")
        partial["incremental"] = {**incremental, "corrected_file": str(corrected_path.relative_to(work)),
                                  "month": corrected.isoformat(), "stages": incremental_stages,
                                  **_revised(home, corrected)}
        save()

    if "full_month" not in partial:
        print("full month: the newest month alone on a new home", flush=True)
        month_drop, month_home = work / "month-drop", work / "month-home"
        shutil.rmtree(month_drop, ignore_errors=True)
        shutil.rmtree(month_home, ignore_errors=True)
        for path in current_files(drop, as_at):
            (month_drop / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, month_drop / path.parent.name / path.name)
        full, full_stages, _, _ = _refresh(scale, month_drop, month_home, work / "full-month.log")
        partial["full_month"] = {**full, "files": len(list(month_drop.glob("*/*"))), "stages": full_stages}
        save()
    if "newest_rerun" not in partial:
        print(f"full month on the backfilled home: --months {as_at:%Y-%m} again", flush=True)
        rerun, rerun_stages, _, _ = _refresh(scale, drop, home, work / "newest-rerun.log", "--months", f"{as_at:%Y-%m}")
        partial["newest_rerun"] = {**rerun, "stages": rerun_stages}
        save()
    return partial


def ratios(result: dict) -> dict:
    """The incremental month against a full month's refresh (wall and CPU), and the backfill per month."""
    inc, full = result["incremental"], result["full_month"]
    months = result["backfill"]["per_month"]
    newest = next((m for m in months if m["full_build"]), None)
    earlier = [m for m in months if not m["full_build"]]
    return {
        "incremental_over_full_month_wall": inc["wall_seconds"] / full["wall_seconds"],
        "incremental_over_full_month_cpu": inc["cpu_seconds"] / full["cpu_seconds"],
        **({"incremental_over_newest_rerun_wall": inc["wall_seconds"] / result["newest_rerun"]["wall_seconds"],
            "incremental_over_newest_rerun_cpu": inc["cpu_seconds"] / result["newest_rerun"]["cpu_seconds"]}
           if "newest_rerun" in result else {}),
        "backfill_wall_per_month": result["backfill"]["wall_seconds"] / result["months"],
        "backfill_cpu_per_month": result["backfill"]["cpu_seconds"] / result["months"],
        "backfill_newest_month_dbt_seconds": newest["wall_seconds"] if newest else None,
        "backfill_earlier_month_dbt_seconds_mean": (sum(m["wall_seconds"] for m in earlier) / len(earlier)
                                                    if earlier else None),
    }


def markdown(machine: dict, result: dict) -> str:
    r = ratios(result)
    busy = lambda p: p["other_processes_cpu_seconds"] / p["wall_seconds"]  # noqa: E731
    runs = [("sample generation", result["sample"]), ("24-month backfill" if result["months"] == 24
            else f"{result['months']}-month backfill", result["backfill"]),
            ("full month (newest, new home)", result["full_month"]),
            (f"incremental month ({result['incremental']['month'][:7]}, one corrected file)", result["incremental"]),
            *([(f"newest month again on the backfilled home ({result['as_at'][:7]})", result["newest_rerun"])]
              if "newest_rerun" in result else [])]
    met = r["incremental_over_full_month_wall"] < TARGET
    inc = result["incremental"]
    lines = [
        "# History benchmark", "",
        "Produced by `python -m benchmarks.history` (`make bench-history`); method: `benchmarks/README.md`.", "",
        "## Machine", "", *_table(["what", "value"], [[k, v] for k, v in machine.items()]), "",
        f"## Scale {result['scale']:g}, {result['months']} months to {result['as_at']} ({result['files']} files)", "",
        *_table(["command", "wall s", "CPU s", "peak RSS MiB (tree)", "max process RSS MiB",
                 "other processes' cores busy", "published"],
                [[name, p["wall_seconds"], p["cpu_seconds"], p["peak_tree_rss_bytes"] / MIB,
                  p["max_rss_bytes"] / MIB, busy(p), p.get("published")] for name, p in runs]), "",
        "## Target", "",
        *_table(["target", "measured", "limit", "met"],
                [["incremental month ÷ full month's refresh, wall", f"{r['incremental_over_full_month_wall']:.1%}",
                  f"{TARGET:.0%}", met],
                 ["incremental month ÷ full month's refresh, CPU", f"{r['incremental_over_full_month_cpu']:.1%}",
                  f"{TARGET:.0%}", r["incremental_over_full_month_cpu"] < TARGET],
                 *([[f"incremental month ÷ newest month re-run on the backfilled home, {what}",
                     f"{r[f'incremental_over_newest_rerun_{what}']:.1%}", f"{TARGET:.0%}",
                     r[f"incremental_over_newest_rerun_{what}"] < TARGET] for what in ("wall", "cpu")]
                   if "newest_rerun" in result else [])]), "",
        "The full month is the newest month refreshed alone on a new home from the files current on it "
        f"({result['full_month']['files']} files): landing, every model, the checks, publication and the report. "
        f"The incremental month re-ran {inc['month'][:7]} alone after one corrected file "
        f"({inc['corrected_file']}); {inc['revised_rows']} of its {inc['month_rows']} kpi_history rows have "
        f"`revised_at`, {inc['other_months_revised_rows']} rows of the other months do. The newest month re-run "
        "(a second denominator) is `--months` of the newest month on the backfilled home: every model, with "
        "landing checking all the drop's files and publication writing the whole series, as the incremental "
        "month does.", "",
        "## Backfill per month (the dbt step)", "",
        *_table(["figure", "value"], [[k, v] for k, v in r.items() if k.startswith("backfill")]), "",
        *_table(["month", "wall s", "CPU s", "peak RSS MiB", "builds"],
                [[m["month"][:7], m["wall_seconds"], m["cpu_seconds"], m["peak_rss_bytes"] / MIB,
                  "every model" if m["full_build"] else "kpi_history's lineage"]
                 for m in result["backfill"]["per_month"]]), "",
        "## Stages", "",
        "As in `benchmarks.run`; the one dbt step is cut at its last event about a staging model, which in "
        "a run of several months comes in the newest month's build: the backfill's *staging* therefore holds "
        "the earlier months' builds as well (their seconds are in the per-month table above).", "",
    ]
    for name, key in (("backfill", "backfill"), ("full month", "full_month"), ("incremental month", "incremental"),
                      ("newest month re-run on the backfilled home", "newest_rerun")):
        if key not in result:
            continue
        lines += [f"### {name}", "",
                  *_table(["stage", "wall s", "CPU s", "peak RSS MiB", "steps"],
                          [[s["stage"], s["wall_seconds"], s["cpu_seconds"], s["peak_rss_bytes"] / MIB, s["steps"]]
                           for s in result[key]["stages"]]), ""]
    return "\n".join(lines)


def write(out: Path, machine: dict, result: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    names = {key: name for key, name in (("sample", "sample"), ("backfill", "backfill"), ("full_month", "full month"),
                                         ("incremental", "incremental"), ("newest_rerun", "newest month re-run"))
             if key in result}
    _write_csv(out / "runs.csv", [
        {"command": names[key], "wall_seconds": result[key]["wall_seconds"], "cpu_seconds": result[key]["cpu_seconds"],
         "peak_tree_rss_gib": result[key]["peak_tree_rss_bytes"] / GIB,
         "max_process_rss_gib": result[key]["max_rss_bytes"] / GIB,
         "other_processes_cores_busy": result[key]["other_processes_cpu_seconds"] / result[key]["wall_seconds"]}
        for key in names])
    _write_csv(out / "stages.csv", [{"command": names[key], **s, "peak_rss_mib": s["peak_rss_bytes"] / MIB}
                                    for key in names if key != "sample"
                                    for s in result[key]["stages"]])
    if result["backfill"]["per_month"]:
        _write_csv(out / "months.csv", result["backfill"]["per_month"])
    (out / "summary.md").write_text(markdown(machine, result))
    (out / "raw.json").write_text(json.dumps({"machine": machine, "result": result, "ratios": ratios(result)},
                                             indent=2, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--as-at", type=date.fromisoformat, default=date(2025, 7, 31))
    parser.add_argument("--corrected", type=_month_end, default=date(2025, 1, 31),
                        help="YYYY-MM: the past month whose CAMHS file is corrected (default 2025-01)")
    parser.add_argument("--label", default="history", help="results go to benchmarks/results/LABEL/")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench-history",
                        help="scratch folder for drops and warehouses (default var/bench-history)")
    parser.add_argument("--resume", action="store_true",
                        help="keep WORK and skip the commands already measured there (WORK/partial.json)")
    args = parser.parse_args(argv)
    machine = describe(REPO)
    result = bench(args.scale, args.months, args.as_at, args.corrected, args.work.resolve(), args.resume)
    out = RESULTS / args.label
    write(out, machine, result)
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
