"""The crosswalk the warehouse computes from a generated drop matches the real ONS shares.

The sample generator places people in the real LSOAs by the ONS 0-25 population, so each
sub-ICB's registered population should split across districts as the ONS population does
(``sample_data/reference/lad_by_subicb_population2020_age0_25.csv``). Only the ICB's three
extracts are landed and only the crosswalk and what it reads are built; scale 0.1 gives
about 33,000 registrations, enough for every weight to settle well within 0.05.
"""
from __future__ import annotations

import os
from datetime import date

import duckdb
import pandas as pd
import pytest

from connectors.contracts import contract_for
from connectors.drop import deliveries_for
from connectors.landing import land, prepare
from sample_data.generator import generate_drop
from sample_data.geography import REFERENCE
from tests.dbt.conftest import run_dbt

AS_AT = date(2025, 7, 31)
TOLERANCE = 0.05
ONS_SHARES = REFERENCE / "lad_by_subicb_population2020_age0_25.csv"


@pytest.fixture(scope="module")
def crosswalk(tmp_path_factory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("crosswalk")
    drop, warehouse = root / "drop", root / "warehouse.duckdb"
    generate_drop(drop, as_at=AS_AT, scale=0.1, seed=11)
    with duckdb.connect(str(warehouse)) as con:
        prepare(con, b"crosswalk-test-key")
        for extract in ("lsoa_lookup", "gp_practices", "gp_registered_population"):
            contract = contract_for("icb", extract)
            for delivery in deliveries_for(contract, drop, AS_AT):
                outcome = land(con, contract, delivery, root / "landing")
                assert outcome.status == "accepted", outcome.message
    previous = os.environ.get("SEND_WAREHOUSE_DUCKDB")
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(warehouse)
    try:
        run_dbt(["build", "--select", "+sub_icb_district_crosswalk", "--indirect-selection", "cautious"],
                root / "target")
    finally:
        if previous is None:
            os.environ.pop("SEND_WAREHOUSE_DUCKDB")
        else:
            os.environ["SEND_WAREHOUSE_DUCKDB"] = previous
    with duckdb.connect(str(warehouse)) as con:
        return con.sql("select sub_icb_code, lad_code, weight from marts.sub_icb_district_crosswalk").df()


def test_every_crosswalk_weight_is_within_tolerance_of_the_ons_share(crosswalk):
    ons = pd.read_csv(ONS_SHARES, dtype={"sicbl22_code_h": str, "ltla22_code": str}).rename(
        columns={"sicbl22_code_h": "sub_icb_code", "ltla22_code": "lad_code", "share_of_sicbl_0_25": "share"})
    compared = crosswalk.merge(ons[["sub_icb_code", "lad_code", "share"]], how="outer",
                               on=["sub_icb_code", "lad_code"]).fillna({"weight": 0.0, "share": 0.0})
    assert set(crosswalk["sub_icb_code"]) == set(ons["sub_icb_code"])
    off = compared[(compared["weight"] - compared["share"]).abs() > TOLERANCE]
    assert off.empty, f"crosswalk weights more than {TOLERANCE} from the ONS share:\n{off}"
