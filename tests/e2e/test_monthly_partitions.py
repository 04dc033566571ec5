"""End to end: months as partitions. Two months refresh in one run; a corrected file for the
earlier month re-runs that month alone (decision 0030)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

import duckdb
import pandas as pd
import pytest

from sample_data.generator import generate_drop

JUNE, JULY = date(2025, 6, 30), date(2025, 7, 31)
pytestmark = pytest.mark.slow


def refresh(drop, home, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEND_WAREHOUSE_PSEUDO_KEY": "key of the e2e tests, thirty-two characters"}
    env.pop("SEND_WAREHOUSE_POSTGRES_URL", None)
    return subprocess.run([sys.executable, "-m", "orchestration.cli", "refresh", "--drop", str(drop),
                           "--home", str(home), *extra], capture_output=True, text=True, env=env, timeout=900)


def history(home) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.sql("select * from marts.kpi_history order by all").df()


def kpi_values(home) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.sql("select * from marts.kpi_values order by all").df()


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    root = tmp_path_factory.mktemp("months")
    drop, home = root / "drop", root / "home"
    for as_at in (JUNE, JULY):
        generate_drop(drop, as_at=as_at, scale=0.02, seed=5)
    result = refresh(drop, home)
    assert result.returncode == 0, result.stdout + result.stderr
    return drop, home, result.stdout


def test_a_new_home_builds_every_month_of_the_drop_in_one_run(two_months):
    _, home, stdout = two_months
    assert "refreshing reporting months 2025-06 to 2025-07 in one run" in stdout
    assert sorted(history(home)["reporting_date"].dt.date.unique()) == [JUNE, JULY]
    assert set(kpi_values(home)["reporting_date"].dt.date) == {JULY}


def dbt_invocations(home) -> list[str]:
    """The dbt log of every build of the home (they share one target folder, decision 0031), one
    entry per invocation, oldest first: dbt.log and the files it rotated to, dbt.log.1 (newer) ..."""
    (target,) = (home / "dbt").glob("target-*")
    rotated = sorted(target.glob("dbt.log.*"), key=lambda p: int(p.suffix[1:]), reverse=True)
    text = "".join(p.read_text(encoding="utf-8") for p in [*rotated, target / "dbt.log"])
    return text.split("Running with dbt=")[1:]


def test_the_months_of_a_run_after_the_first_do_not_parse_the_project_again(two_months):
    """dbt parses the whole project when its vars or profile differ from the last parse's: the
    month is in landing.run_parameters, not --vars, so every build after the first partial-parses
    with nothing changed (issue #17)."""
    _, home, _ = two_months
    invocations = dbt_invocations(home)
    assert len(invocations) >= 2  # June (kpi_history), July (every model)
    for later in invocations[1:]:
        assert "Unable to do partial parsing" not in later, later[:3000]
        assert "Partial parsing enabled, no changes found, skipping parsing" in later, later[:3000]


def test_a_corrected_file_for_a_past_month_re_runs_that_month_alone(two_months):
    drop, home, _ = two_months
    before, marts_before = history(home), kpi_values(home)
    june_file = drop / "mpft" / f"camhs_referrals_{JUNE:%Y%m%d}.csv"
    lines = june_file.read_text(encoding="utf-8").splitlines(keepends=True)
    time.sleep(1)
    june_file.write_text("".join(lines[:-len(lines) // 10]), encoding="utf-8")  # the partner resends June

    result = refresh(drop, home, "--months", "2025-06")
    assert result.returncode == 0, result.stdout + result.stderr

    after = history(home)
    july = lambda frame: frame[frame["reporting_date"].dt.date == JULY].reset_index(drop=True)  # noqa: E731
    june = after[after["reporting_date"].dt.date == JUNE]
    pd.testing.assert_frame_equal(july(after), july(before))  # byte for byte, refreshed_at included
    assert june["revised_at"].notna().all()
    june_before = before[before["reporting_date"].dt.date == JUNE]
    assert not june_before["value"].reset_index(drop=True).equals(june["value"].reset_index(drop=True))
    pd.testing.assert_frame_equal(kpi_values(home), marts_before)  # the marts stay the newest month's
