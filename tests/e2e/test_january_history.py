"""At county scale, ``kpi_history`` for the Januaries reproduces the DfE series (history.md).

Staffordshire's active EHC plans were 6,830 (January 2023), 7,490 (January 2024) and 8,461
(January 2025). One county-scale world is simulated over the 25 month ends from January 2023 to
January 2025 (what ``send-warehouse sample --scale 1.0 --months 25 --as-at 2025-01-31`` does), but
only its three January drops are written (``january_drop``: the same files that command writes for
the Januaries, without the 22 months in between, which would only cost landing time). Each January
is then refreshed on its own, oldest first, as ``send-warehouse refresh --months YYYY-MM`` does, and
the county's ``ehcp_count`` for each must land within 15% of the series.

Cost: generating the three drops takes about 12 s (the 25-month CLI run about 90 s); the three
refreshes are the rest, 4 min 45 s in all on the project's 2-core machine with a load average
of about 2 (19 min when other engineers' runs kept it at 9-11).

Stoke-on-Trent's series (2,772, 2,970, 3,405) is not asserted: the warehouse is Staffordshire's,
and the sample puts only 1% of plans (out-of-county records) at a Stoke-on-Trent address.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from sample_data import world as simulation
from sample_data import writers
from sample_data.extracts import all_extracts
from sample_data.history import month_ends, restate
from tests.e2e.test_monthly_partitions import refresh

pytestmark = pytest.mark.slow

COUNTY = "E10000028"
SCALE, SEED = 1.0, 42
# history.md: Staffordshire active EHC plans (DfE, January census of plans)
JANUARY_SERIES = {date(2023, 1, 31): 6830, date(2024, 1, 31): 7490, date(2025, 1, 31): 8461}
TOLERANCE = 0.15


def january_drop(out: Path, januaries: list[date], scale: float = SCALE, seed: int = SEED) -> list[Path]:
    """The files ``generate_drop(out, as_at=januaries[-1], months=N)`` writes for ``januaries``, N being
    the months from the first January to the last: the world is simulated once over all N month ends
    (as the generator does) and restated on each January only. Every extract, termly ones included,
    has a file dated each January (a new census and a new early-years term begin in January)."""
    ends = month_ends(januaries[-1], (januaries[-1].year - januaries[0].year) * 12 + 1)
    assert ends[0] == januaries[0] and set(januaries) <= set(ends)
    base = simulation.simulate(ends[-1], scale, seed, ends)
    paths = []
    for january in januaries:
        world = restate(base, january, scale)  # as `history.worlds` does for every month of a history
        for extract in all_extracts(world):
            paths.append(writers.write(extract, out / extract.partner
                                       / f"{extract.name}_{january:%Y%m%d}.{extract.extension}"))
    return paths


def county_ehcp_counts(home: Path) -> dict[date, float]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select reporting_date, value from marts.kpi_history where kpi_id = 'ehcp_count' "
                           "and geography_level = 'COUNTY' and geography_code = ? and breakdown = 'TOTAL' "
                           "order by reporting_date", [COUNTY]).fetchall()
    return {reporting_date: value for reporting_date, value in rows}


def off_series(counts: dict[date, float], series: dict[date, int], tolerance: float = TOLERANCE) -> list[str]:
    """The Januaries of ``series`` whose count is missing or more than ``tolerance`` away from it."""
    return [f"{month:%Y-%m}: {counts.get(month)} against {expected} (±{tolerance:.0%})"
            for month, expected in series.items()
            if counts.get(month) is None or abs(counts[month] - expected) > tolerance * expected]


@pytest.fixture(scope="module")
def januaries_home(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("januaries")
    drop, home = root / "drop", root / "home"
    january_drop(drop, sorted(JANUARY_SERIES))
    for month in sorted(JANUARY_SERIES):  # oldest first: each January is then the newest, a full build
        result = refresh(drop, home, "--months", f"{month:%Y-%m}")
        assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_kpi_history_for_the_januaries_reproduces_the_dfe_series(januaries_home):
    counts = county_ehcp_counts(januaries_home)
    assert set(JANUARY_SERIES) <= set(counts), counts
    assert off_series(counts, JANUARY_SERIES) == []
    assert counts[date(2023, 1, 31)] < counts[date(2024, 1, 31)] < counts[date(2025, 1, 31)]  # the trend rises


def test_the_check_fails_on_a_series_the_history_does_not_reproduce():
    """``off_series`` flags a January more than 15% away, and a missing one."""
    counts = {date(2023, 1, 31): 6900.0, date(2024, 1, 31): 7400.0}
    assert off_series(counts, {date(2023, 1, 31): 6830, date(2024, 1, 31): 7490}) == []
    assert off_series(counts, {date(2023, 1, 31): 8200}) == ["2023-01: 6900.0 against 8200 (±15%)"]
    assert off_series(counts, {date(2025, 1, 31): 8461}) == ["2025-01: None against 8461 (±15%)"]
