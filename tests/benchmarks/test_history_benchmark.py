"""The history benchmark's own logic: per-month seconds from the dbt step's events, the files
current on a month end, the corrected file."""
from __future__ import annotations

import time
from datetime import date

import dagster as dg

from benchmarks.history import correct, current_files, month_boundaries

MAY, JUNE, JULY = date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31)


@dg.op(name="warehouse_dbt_models")
def months_step():
    """Like the dbt step of a three-month run: the earlier months report their partitions when built."""
    for month in (MAY, JUNE):
        time.sleep(0.05)
        yield dg.AssetMaterialization(asset_key="kpi_history", partition=month.replace(day=1).isoformat())
        yield dg.AssetMaterialization(asset_key="int_send_cohort", partition=month.replace(day=1).isoformat())
    time.sleep(0.1)
    yield dg.AssetMaterialization(asset_key="kpi_values")
    yield dg.Output(None)


@dg.job(executor_def=dg.in_process_executor)
def backfill_like():
    months_step()


def test_each_month_of_a_backfill_runs_from_the_end_of_the_one_before():
    with dg.DagsterInstance.ephemeral() as instance:
        run = backfill_like.execute_in_process(instance=instance)
        rows = month_boundaries(list(instance.all_logs(run.run_id)), [MAY, JUNE, JULY])
    assert [month for month, _, _ in rows] == [MAY, JUNE, JULY]
    assert all(a[2] == b[1] for a, b in zip(rows, rows[1:]))
    seconds = [end - start for _, start, end in rows]
    assert seconds[0] >= 0.04 and seconds[1] >= 0.04 and seconds[2] >= 0.09


def test_a_month_without_its_materialisations_ends_the_per_month_figures():
    with dg.DagsterInstance.ephemeral() as instance:
        run = backfill_like.execute_in_process(instance=instance)
        rows = month_boundaries(list(instance.all_logs(run.run_id)), [date(2025, 4, 30), MAY, JULY])
    assert rows == []


def test_the_files_current_on_a_month_end_are_the_newest_of_each_extract_on_or_before_it(tmp_path):
    for name in ("council/school_census_20250131.csv", "council/school_census_20250430.csv",
                 "council/school_census_20250930.csv", "mpft/camhs_referrals_20250630.csv",
                 "mpft/camhs_referrals_20250731.csv", "nscht/camhs_referrals_20250731.xlsx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    current = [str(p.relative_to(tmp_path)) for p in current_files(tmp_path, JULY)]
    assert current == ["council/school_census_20250430.csv", "mpft/camhs_referrals_20250731.csv",
                       "nscht/camhs_referrals_20250731.xlsx"]
    assert [p.name for p in current_files(tmp_path, JUNE)] == ["school_census_20250430.csv",
                                                                "camhs_referrals_20250630.csv"]


def test_the_corrected_file_loses_its_last_tenth_of_rows(tmp_path):
    path = tmp_path / "mpft" / "camhs_referrals_20250630.csv"
    path.parent.mkdir()
    path.write_text("header\n" + "".join(f"row {i}\n" for i in range(19)), encoding="utf-8")
    assert correct(tmp_path, JUNE) == path
    assert path.read_text(encoding="utf-8").splitlines() == ["header", *(f"row {i}" for i in range(17))]
