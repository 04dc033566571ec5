"""Benchmark a full refresh at several scales against the direct-DuckDB limits.

    .venv/bin/python -m benchmarks.run [--scales 1 10] [--label NAME] [--work var/bench]

For each scale: generate a drop (``send-warehouse sample``), refresh it with the CLI exactly as
a user would (``send-warehouse refresh --demo``: the real Dagster jobs, in their own process),
then run the direct limits (``benchmarks.direct``). Writes ``benchmarks/results/<label>/``:
``stages.csv`` (one row per scale and stage), ``comparisons.csv``, ``summary.md`` and ``raw.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from benchmarks import report
from benchmarks.machine import busy_cpu_seconds, describe
from benchmarks.sampler import Measured, run_sampled
from benchmarks.stages import (
    LANDING, ORCHESTRATION, SAMPLE, STAGES, Interval, run_intervals,
)
from publication import run_parameters

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
PYTHON = sys.executable
REFRESHED_AT = "2025-08-05 06:00:00"


@dataclass
class Stage:
    scale: float
    stage: str
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    steps: int


def _environment(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SEND_WAREHOUSE_PSEUDO_KEY"}
    env.update(GX_ANALYTICS_ENABLED="false", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               DAGSTER_DISABLE_TELEMETRY="true")
    if home is not None:
        env["SEND_WAREHOUSE_DUCKDB"] = str(home / "warehouse.duckdb")
    return env


def _measure(command: list[str], log: Path, env: dict[str, str] | None = None,
             ok: tuple[int, ...] = (0,)) -> tuple[Measured, float]:
    """Run and sample ``command``; also the CPU seconds other processes of the machine used meanwhile."""
    busy = busy_cpu_seconds()
    measured = run_sampled(command, cwd=REPO, env=env or _environment(), log=log)
    others = busy_cpu_seconds() - busy - measured.cpu_seconds
    if measured.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({measured.returncode}): see {log}")
    return measured, max(others, 0.0)


def _gaps(intervals: list[Interval], start: float, end: float) -> list[tuple[float, float]]:
    """The parts of [start, end] in no step: process start-up, run set-up and hand-overs."""
    gaps, cursor = [], start
    for interval in sorted(intervals, key=lambda i: i.start):
        if interval.start > cursor:
            gaps.append((cursor, interval.start))
        cursor = max(cursor, interval.end)
    if end > cursor:
        gaps.append((cursor, end))
    return gaps


def stage_rows(scale: float, sample: Measured, refresh: Measured, intervals: list[Interval]) -> list[Stage]:
    """Wall, CPU and peak memory of the sample generation and of every stage of the refresh."""
    return [Stage(scale, SAMPLE, sample.wall_seconds, sample.cpu_seconds, sample.peak_tree_rss_bytes, 1),
            *refresh_stages(scale, refresh, intervals)]


def refresh_stages(scale: float, refresh: Measured, intervals: list[Interval]) -> list[Stage]:
    """Wall, CPU and peak memory of every stage of one refresh command, read off its process's samples."""
    windows = {stage: [(i.start, i.end) for i in intervals if i.stage == stage] for stage in STAGES}
    windows[ORCHESTRATION] = _gaps(intervals, refresh.started, refresh.ended)
    rows = []
    for stage in STAGES[1:]:
        measured = [refresh.samples.window(a, b) for a, b in windows[stage]]
        rows.append(Stage(scale, stage, sum(b - a for a, b in windows[stage]),
                          sum(cpu for cpu, _ in measured), max((peak for _, peak in measured), default=0),
                          len(windows[stage])))
    return rows


@contextmanager
def home_instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """The Dagster instance of a warehouse home (its runs and event logs), as the CLI configures it."""
    os.environ["SEND_WAREHOUSE_DAGSTER_STORAGE"] = str(home / "dagster")
    os.environ["SEND_WAREHOUSE_DAGSTER_LOGS"] = str(home / "dagster" / "logs")
    with dg.DagsterInstance.from_config(str(REPO)) as instance:
        yield instance


def _read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The refreshed warehouse, once the last writer has let go of it (a failed dbt step can outlive its run)."""
    for _ in range(120):
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            time.sleep(0.5)
    return duckdb.connect(str(path), read_only=True)


def _landing_files(drop: Path, home: Path, intervals: list[Interval]) -> list[dict]:
    """Rows received and landing-step seconds of each file of the drop (one file per extract)."""
    seconds = {i.step_key: i.seconds for i in intervals if i.stage == LANDING}
    in_drop = {f"{path.parent.name}/{path.name}" for path in drop.glob("*/*")}
    with _read_only(home / "warehouse.duckdb") as con:
        files = con.execute("select partner, extract, file_name, rows_received from landing.files "
                            "where status = 'accepted' order by file_id").fetchall()
    return [{"file": f"{p}/{name}", "rows": rows, "seconds": seconds[f"clean__{p}__{e}"]}
            for p, e, name, rows in files if f"{p}/{name}" in in_drop]


def _reporting_date(home: Path) -> str:
    with _read_only(home / "warehouse.duckdb") as con:
        return con.execute("select max(as_at) from landing.files where status = 'accepted'").fetchone()[0].isoformat()


def _direct(work: Path, drop: Path, home: Path) -> dict:
    """The direct limits: CSV load, and the compiled dbt SQL on a copy of the refreshed warehouse."""
    direct = work / "direct"
    direct.mkdir()
    load, load_others = _measure([PYTHON, "-m", "benchmarks.direct", "load", str(drop),
                                  str(direct / "load.duckdb"), str(direct / "load.json")], direct / "load.log")
    copy = direct / "warehouse" / "warehouse.duckdb"  # same file name: same catalog name in the SQL
    copy.parent.mkdir()
    shutil.copy(home / "warehouse.duckdb", copy)
    run_parameters.write_duckdb_file(copy, _reporting_date(home), REFRESHED_AT)  # what the SQL reads
    dbt = Path(PYTHON).with_name("dbt")
    target = direct / "target"
    env = {**_environment(copy.parent), "DBT_LOG_PATH": str(target)}
    compile_, _ = _measure([str(dbt), "compile", "--project-dir", str(REPO / "dbt_project"), "--profiles-dir",
                            str(REPO / "dbt_project"), "--target-path", str(target)],
                           direct / "compile.log", env)
    transform, transform_others = _measure(
        [PYTHON, "-m", "benchmarks.direct", "transform", str(copy), str(target), str(direct / "transform.json")],
        direct / "transform.log")
    return {
        "load": {**json.loads((direct / "load.json").read_text()), "process": _process(load, load_others)},
        "compile": _process(compile_, 0.0),
        "transform": {**json.loads((direct / "transform.json").read_text()),
                      "process": _process(transform, transform_others)},
    }


def _process(measured: Measured, others_cpu: float) -> dict:
    return {"wall_seconds": measured.wall_seconds, "cpu_seconds": measured.cpu_seconds,
            "peak_tree_rss_bytes": measured.peak_tree_rss_bytes, "max_rss_bytes": measured.max_rss_bytes,
            "other_processes_cpu_seconds": others_cpu, "returncode": measured.returncode}


def bench_scale(scale: float, work_root: Path) -> dict:
    """Generate, refresh and compare at one scale; the raw figures."""
    work = work_root / f"scale-{scale:g}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    drop, home = work / "drop", work / "home"
    print(f"scale {scale:g}: generating the drop", flush=True)
    sample, sample_others = _measure([PYTHON, "-m", "orchestration.cli", "sample", "--out", str(drop),
                                      "--scale", str(scale)], work / "sample.log")
    print(f"scale {scale:g}: refreshing", flush=True)
    refresh, refresh_others = _measure([PYTHON, "-m", "orchestration.cli", "refresh", "--demo",
                                        "--drop", str(drop), "--home", str(home)], work / "refresh.log",
                                       ok=(0, 1))  # 1: held back, still a full refresh to time
    with home_instance(home) as instance:
        intervals = [i for run in instance.get_runs() for i in run_intervals(instance, run.run_id)]
    print(f"scale {scale:g}: direct limits", flush=True)
    return {
        "scale": scale,
        "published": refresh.returncode == 0,
        "sample": _process(sample, sample_others),
        "refresh": _process(refresh, refresh_others),
        "stages": [vars(s) for s in stage_rows(scale, sample, refresh, intervals)],
        "steps": [{"stage": i.stage, "step_key": i.step_key, "seconds": i.seconds} for i in intervals],
        "landing_files": _landing_files(drop, home, intervals),
        "direct": _direct(work, drop, home),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--label", default="latest", help="results go to benchmarks/results/LABEL/")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench",
                        help="scratch folder for drops and warehouses (default var/bench)")
    args = parser.parse_args(argv)
    machine = describe(REPO)
    scales = [bench_scale(scale, args.work.resolve()) for scale in args.scales]
    out = RESULTS / args.label
    report.write(out, machine, scales)
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
