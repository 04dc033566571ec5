"""At county scale the extracts reproduce the published figures (computed from the files)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sample_data
from tests.sample_data.sen2_files import active_plans, is_yes, sen2, sen2_date

TARGET_ACTIVE_PLANS = 9182          # July 2025 (kpis.md)
REFERENCE = Path(sample_data.__file__).with_name("reference")


@pytest.fixture(scope="module")
def county(county_drop):
    lookup = county_drop.csv("icb", "lsoa_lookup")
    return set(lookup.lsoa_code[lookup.lad_code.str.startswith("E07")])


def normal_postcode(series: pd.Series) -> pd.Series:
    compact = series.str.upper().str.replace(" ", "")
    return compact.str[:-3] + " " + compact.str[-3:]


@pytest.fixture(scope="module")
def active(county_drop, county):
    """Active plans of county residents: the SEN2 person's postcode placed in its LSOA by the
    postcodes the GP registrations and the census give with an LSOA."""
    located = pd.concat([county_drop.csv(*extract)[["postcode", "lsoa_code"]]
                         for extract in (("icb", "gp_registered_population"), ("council", "school_census"))])
    located = located.dropna().assign(postcode=lambda f: normal_postcode(f.postcode)).drop_duplicates()
    assert located.postcode.is_unique
    plans = active_plans(county_drop)
    lsoa = normal_postcode(plans.postcode).map(dict(zip(located.postcode, located.lsoa_code)))
    assert lsoa.notna().mean() > 0.99
    return plans[lsoa.isin(county)]


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


def test_placement_shares(active, county_drop):
    """The rank-1 placement's GIAS establishment: special (state or independent), or mainstream
    (a primary, secondary or all-through school, not its resourced provision)."""
    placements = sen2(county_drop, "placementdetail")
    placements = placements[placements.placementrank == "1"]
    gias = county_drop.path("council", "establishments")
    gias = pd.read_csv(gias, dtype=str, keep_default_na=False, na_values=[""], encoding="cp1252")
    placed = (active.merge(placements, on="activeplanstableid", how="left", validate="one_to_one")
              .merge(gias, left_on="urn", right_on="URN", how="left"))
    special = placed["TypeOfEstablishment (name)"].str.contains("special school", case=False, na=False)
    mainstream = (placed["PhaseOfEducation (name)"].isin(["Primary", "Secondary", "All-through"])
                  & ~is_yes(placed.resourcedprovisionindicator))
    assert abs(special.mean() - 0.45) < 0.04
    assert abs(mainstream.mean() - 0.31) < 0.04


def test_school_census_sen_support_and_fsm(county_drop):
    census = county_drop.csv("council", "school_census")
    assert abs(len(census) / 125_000 - 1) < 0.05
    assert abs((census.sen_provision == "K").mean() - 0.13) < 0.015
    send = census.sen_provision != "N"
    assert abs(send[census.fsm_eligible == "Y"].mean() - 0.29) < 0.02
    assert abs(send[census.fsm_eligible == "N"].mean() - 0.14) < 0.02


def test_assessment_requests_in_the_last_year(county_drop):
    """SEN2 requests received (and decided) in the 12 months to the as-at date; historical (H)
    requests, recorded for older plans and transfers in, are not requests of the period."""
    requests = sen2(county_drop, "requests")
    requests = requests[requests.requestoutcome != "H"]
    start = pd.Timestamp("2024-08-01")
    received = requests[sen2_date(requests.receiveddate) >= start]
    decided = requests[sen2_date(requests.requestoutcomedate) >= start]
    assert abs(len(received) / 2030 - 1) < 0.10
    assert abs((decided.requestoutcome == "N").mean() - 0.44) < 0.04


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
