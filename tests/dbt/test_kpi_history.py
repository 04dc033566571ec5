"""kpi_history over three month ends of the hand-built drop (hand_built_people.py): each month's
figures come from the files current on its month end, a corrected file for an earlier month re-runs
that month alone and sets its revised_at, and a re-run that changes nothing is not a revision.

SEN2 named-plan files: 1 (2025-06-30, N91), 3 (2025-07-31, the hand-built people's plans), 4
(2025-08-31, N94); here the person, request and assessment modules also have a June delivery (a
copy of July's), so June's N91 (Amy's assessment) counts. Every other extract's files are dated on
or before 2025-07-31, so none is current in June.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from publication import run_parameters
from publication.disclosure import public_kpi_values
from tests.dbt import hand_built_dfe
from tests.dbt.clean_tables import build_warehouse
from tests.dbt.hand_built_people import FILES, ROWS, _file
from tests.dbt.conftest import DBT_PROJECT
from tests.publication.attacker import attack

MONTHS = ("2025-06-30", "2025-07-31", "2025-08-31")
COUNTY = "E10000028"
CORRECTION_FILE = 90
# The June delivery of the modules above the named plans: (file id, module, July's file id).
JUNE_MODULES = ((91, "person", 7), (92, "requests", 8), (93, "assessment", 9))
JUNE_FILES = [_file(file_id, f"council__sen2_{module}", "2025-06-30") for file_id, module, _ in JUNE_MODULES]
JUNE_ROWS = {(f"council__sen2_{module}", file_id): ROWS[(f"council__sen2_{module}", july)]
             for file_id, module, july in JUNE_MODULES}


def build_month(home: Path, reporting_date: str, refreshed_at: str, *, history_only: bool = False) -> None:
    """``dbt build`` for one month end: the whole project, or (a re-run of a past month) kpi_history
    and what it is made from."""
    selection = ["--select", "+kpi_history", "--indirect-selection", "cautious"] if history_only else []
    run_parameters.write_duckdb_file(os.environ["SEND_WAREHOUSE_DUCKDB"], reporting_date, refreshed_at)
    result = dbtRunner().invoke([
        "build", *selection, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(home / "target"), "--log-path", str(home / "target" / "logs"),
        "--no-send-anonymous-usage-stats",
    ])
    failed = [f"{r.node.name}: {r.message}" for r in getattr(result.result, "results", [])
              if str(r.status) in ("error", "fail")]
    assert result.success, f"dbt build for {reporting_date} failed: {result.exception or failed}"


def history(path: Path) -> dict[str, list[tuple]]:
    """Every kpi_history row by reporting date, in a fixed order."""
    with duckdb.connect(str(path)) as con:
        rows = con.execute("select * from marts.kpi_history order by all").fetchall()
    by_month: dict[str, list[tuple]] = {}
    for row in rows:
        by_month.setdefault(row[1].isoformat(), []).append(row)
    return by_month


def ehcp_count(path: Path, month: str) -> tuple:
    with duckdb.connect(str(path)) as con:
        return con.execute(
            "select value, source_extracts, revised_at from marts.kpi_history where kpi_id = 'ehcp_count' "
            "and geography_code = ? and breakdown = 'TOTAL' and reporting_date = ?", [COUNTY, month]).fetchone()


def plan_file(source_extracts: str) -> str:
    """The SEN2 named-plan file among a row's source extracts."""
    (plans,) = [name for name in source_extracts.split("; ") if name.startswith("council/sen2_namedplan/")]
    return plans


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The hand-built warehouse with kpi_history built for each month end in turn; each month's
    kpi_values as its build left it."""
    home = tmp_path_factory.mktemp("history")
    path = home / "warehouse.duckdb"
    build_warehouse(path, FILES + JUNE_FILES + hand_built_dfe.FILES, ROWS | JUNE_ROWS | hand_built_dfe.ROWS)
    previous = os.environ.get("SEND_WAREHOUSE_DUCKDB")
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(path)
    snapshots = {}
    try:
        for day, month in enumerate(MONTHS, start=1):
            build_month(home, month, f"2025-09-0{day} 06:00:00")
            with duckdb.connect(str(path)) as con:
                snapshots[month] = con.execute("select * from marts.kpi_values order by all").fetchall()
        yield home, path, snapshots
    finally:
        if previous is None:
            os.environ.pop("SEND_WAREHOUSE_DUCKDB")
        else:
            os.environ["SEND_WAREHOUSE_DUCKDB"] = previous


def test_every_month_is_kept_with_the_figures_of_its_current_files(built):
    _, path, snapshots = built
    months = history(path)
    assert sorted(months) == list(MONTHS)
    for month in MONTHS:  # a month's block is kpi_values as that month's build made it, never revised
        assert [row[:-1] for row in months[month]] == snapshots[month]
        assert {row[-1] for row in months[month]} == {None}
    # the newest accepted named-plan file dated on or before each month end: N91, the five plans, N94
    for month, plans in zip(MONTHS, (1, 5, 1)):
        value, source, _ = ehcp_count(path, month)
        assert (value, plan_file(source)) == (plans, f"council/sen2_namedplan/{month}")
    # no file of the school census is dated after 2025-05-15: every month counts that one
    assert {"council/school_census/2025-05-15" in ehcp_count(path, month)[1] for month in MONTHS} == {True}


def test_the_attacker_recovers_no_count_from_the_public_form_of_three_months(built):
    """The attack with its relations across reporting dates (a 12-month count this month minus last
    month's) on the three months' public kpi_history."""
    _, path, _ = built
    with duckdb.connect(str(path)) as con:
        restricted = con.execute("select * from marts.kpi_history order by all").df()
        crosswalk = con.execute("select * from marts.sub_icb_district_crosswalk").df()
    public = public_kpi_values(restricted, crosswalk=crosswalk)
    assert (public.status == "suppressed").any() and public.reporting_date.nunique() == len(MONTHS)
    assert attack(public, restricted, crosswalk=crosswalk) == []


def test_a_correction_re_runs_its_month_alone_and_records_the_revision(built):
    home, path, _ = built
    before = history(path)
    build_month(home, "2025-07-31", "2025-09-10 06:00:00", history_only=True)  # nothing changed: not a revision
    unchanged = history(path)
    assert [row[:16] + row[17:] for row in unchanged["2025-07-31"]] == [
        row[:16] + row[17:] for row in before["2025-07-31"]]  # refreshed_at (column 16) aside
    assert ehcp_count(path, "2025-07-31")[2] is None
    # a corrected June named-plan module: landing supersedes file 1 and accepts the correction, with a
    # second plan (for Ben's assessment)
    with duckdb.connect(str(path)) as con:
        con.execute("update landing.files set status = 'superseded' where file_id = 1")
        con.execute("insert into landing.files (file_id, partner, \"extract\", as_at, file_name, status, received_at) "
                    "values (?, 'council', 'sen2_namedplan', date '2025-06-30', 'sen2_namedplan_20250630.csv', "
                    "'accepted', timestamp '2025-07-20 09:00')", [CORRECTION_FILE])
        for number, (plan, assessment) in enumerate((("N91", "A01"), ("N96", "A02")), start=2):
            con.execute("insert into clean.council__sen2_namedplan (namedplantableid, assessmenttableid, startdate,"
                        " _file_id, _row_number, _as_at) values (?, ?, date '2020-01-01', ?, ?, date '2025-06-30')",
                        [plan, assessment, CORRECTION_FILE, number])
    build_month(home, "2025-06-30", "2025-09-11 06:00:00", history_only=True)
    after = history(path)
    value, source, revised_at = ehcp_count(path, "2025-06-30")
    assert (value, plan_file(source)) == (2, "council/sen2_namedplan/2025-06-30")
    assert str(revised_at) == "2025-09-11 06:00:00"
    assert {row[-1] for row in after["2025-06-30"]} == {revised_at}  # the whole month is marked
    assert after["2025-07-31"] == unchanged["2025-07-31"]  # later months: byte for byte what they were
    assert after["2025-08-31"] == before["2025-08-31"]
    # re-running the revised month again with the same files keeps its revision on record
    build_month(home, "2025-06-30", "2025-09-12 06:00:00", history_only=True)
    assert ehcp_count(path, "2025-06-30")[2] == revised_at
