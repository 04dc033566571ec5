"""The landing gate in Dagster: a mostly quarantined delivery, and a key the warehouse was not built with."""
from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb
import pandas as pd

from orchestration.assets.landing import landing_assets, landing_gate
from orchestration.resources import DropFolder, Pseudonymiser, Warehouse
from sample_data.generator import generate_drop

AS_AT = date(2025, 7, 31)
KEY = "the key of the delivery gate tests, long enough"


def land_all(drop, home, key: str = KEY) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*landing_assets, landing_gate], raise_on_error=False,
        resources={"warehouse": Warehouse(home=str(home)), "drop": DropFolder(path=str(drop)),
                   "pseudonymiser": Pseudonymiser(key=key)},
    )


def gate_problems(result) -> str:
    (gate,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "every_extract_accepted"]
    return gate.metadata["problems"].value


def test_a_census_mostly_quarantined_fails_the_gate_and_another_key_lands_nothing(tmp_path):
    drop, home = tmp_path / "drop", tmp_path / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.01, seed=3)
    assert gate_problems(land_all(drop, home)) == "none"  # the generated month is within the thresholds

    census = pd.read_csv(drop / "council" / f"school_census_{AS_AT:%Y%m%d}.csv", dtype=str)
    broken = census.copy()
    broken.loc[broken.index[len(broken) // 10:], "sen_provision"] = "Z"  # 90% of rows with an unknown code
    broken.to_csv(drop / "council" / "school_census_20250831.csv", index=False)
    result = land_all(drop, home)
    quarantined = len(broken) - len(broken) // 10
    assert gate_problems(result) == (
        f"council/school_census_20250831.csv: {quarantined:,} of {len(broken):,} rows quarantined "
        f"({quarantined / len(broken):.1%}), more than the 10% allowed (quality.max_quarantined_share): "
        "ask the partner to correct the file and send it again\n"
        f"council/school_census_20250831.csv: {len(broken) // 10:,} rows accepted, "
        f"{(len(broken) // 10) / len(census):.1%} of the {len(census):,} of the previous delivery "
        f"school_census_{AS_AT:%Y%m%d}.csv, less than the 50% expected (quality.min_volume_ratio): check with "
        "the partner that the extract is complete and have it sent again (or, if the fall is real, lower the "
        "threshold in the extract's contract)")
    assert not result.success

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        files = con.execute("select count(*) from landing.files").fetchone()[0]
    broken.to_csv(drop / "council" / "school_census_20250930.csv", index=False)
    other = land_all(drop, home, key="another key of the delivery gate tests")
    failures = other.get_step_failure_events()
    # every landing step that ran refused the key; the ones after the LSOA lookup, and the gate, never ran
    assert "clean__icb__lsoa_lookup" in {e.step_key for e in failures} and len(failures) > 1
    assert "landing_gate" not in {e.step_key for e in other.get_step_success_events()}
    assert all("SEND_WAREHOUSE_PSEUDO_KEY is not the key this warehouse was built with"
               in e.step_failure_data.error.message for e in failures)
    assert not [e for e in other.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from landing.files").fetchone()[0] == files
