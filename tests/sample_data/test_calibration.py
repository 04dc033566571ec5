"""At county scale the extracts reproduce the published figures (computed from the files)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sample_data

TARGET_ACTIVE_PLANS = 9182          # July 2025 (kpis.md)
REFERENCE = Path(sample_data.__file__).with_name("reference")


@pytest.fixture(scope="module")
def county(county_drop):
    lookup = county_drop.csv("icb", "lsoa_lookup")
    return set(lookup.lsoa_code[lookup.lad_code.str.startswith("E07")])


@pytest.fixture(scope="module")
def active(county_drop, county):
    plans = county_drop.csv("council", "ehcp_caseload")
    as_at = str(county_drop.as_at)
    is_active = ((plans.ehcp_status == "ACTIVE") & (plans.ehcp_start_date <= as_at)
                 & (plans.ehcp_end_date.isna() | (plans.ehcp_end_date > as_at)))
    return plans[is_active & plans.lsoa_code.isin(county)]


def test_active_plan_count_for_county_residents(active):
    assert abs(len(active) / TARGET_ACTIVE_PLANS - 1) < 0.10


@pytest.mark.parametrize("need, share", [("ASD", 0.25), ("SLCN", 0.24), ("SEMH", 0.20)])
def test_primary_need_shares(active, need, share):
    assert abs((active.primary_need == need).mean() / share - 1) < 0.10


def test_need_mix_differs_by_sex_as_published(active):
    male = active[active.sex == "M"].primary_need.value_counts(normalize=True)
    female = active[active.sex == "F"].primary_need.value_counts(normalize=True)
    assert male.index[0] == "ASD" and abs(male["ASD"] - 0.28) < 0.03
    assert abs(female["SLCN"] - 0.23) < 0.03 and abs(female["MLD"] - 0.23) < 0.03
    assert 0.68 < (active.sex == "M").mean() < 0.76


def test_placement_shares(active):
    share = active.placement_type.value_counts(normalize=True)
    assert abs(share["SPECIAL_STATE"] + share["SPECIAL_INDEPENDENT"] - 0.45) < 0.04
    assert abs(share["MAINSTREAM"] - 0.31) < 0.04


def test_school_census_sen_support_and_fsm(county_drop):
    census = county_drop.csv("council", "school_census")
    assert abs(len(census) / 125_000 - 1) < 0.05
    assert abs((census.sen_provision == "K").mean() - 0.13) < 0.015
    send = census.sen_provision != "N"
    assert abs(send[census.fsm_eligible == "Y"].mean() - 0.29) < 0.02
    assert abs(send[census.fsm_eligible == "N"].mean() - 0.14) < 0.02


def test_ehcna_requests_in_the_last_year(county_drop):
    requests = county_drop.csv("council", "ehcna_requests")
    start = "2024-08-01"
    received = requests[requests.request_date >= start]
    decided = requests[requests.decision_date >= start]
    assert abs(len(received) / 2030 - 1) < 0.10
    assert abs((decided.decision_to_assess == "NO").mean() - 0.44) < 0.04


def test_gp_registered_population_and_crosswalk(county_drop, county):
    gp = county_drop.csv("icb", "gp_registered_population")
    assert abs(gp.lsoa_code.isin(county).sum() / 246_000 - 1) < 0.05
    practices = county_drop.csv("icb", "gp_practices")
    lookup = county_drop.csv("icb", "lsoa_lookup")
    gp = gp.merge(practices[["practice_code", "sub_icb_code"]], on="practice_code")
    gp["lad_code"] = gp.lsoa_code.map(dict(zip(lookup.lsoa_code, lookup.lad_code)))
    share = gp.groupby(["sub_icb_code", "lad_code"]).size() / gp.groupby("sub_icb_code").size()
    reference = pd.read_csv(REFERENCE / "lad_by_subicb_population2020_age0_25.csv", dtype=str)
    for row in reference.itertuples():
        got = share.get((row.sicbl22_code_h, row.ltla22_code), 0.0)
        assert abs(got - float(row.share_of_sicbl_0_25)) < 0.05, (row.sicbl22_code_h, row.ltla22_code)
