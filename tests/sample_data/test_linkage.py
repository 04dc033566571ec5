"""The same synthetic child appears across partners with the same identifiers."""
from __future__ import annotations

import pandas as pd
import pytest


def normal_postcode(series: pd.Series) -> pd.Series:
    compact = series.str.upper().str.replace(" ", "")
    return compact.str[:-3] + " " + compact.str[-3:]


@pytest.fixture(scope="module")
def linked(county_drop):
    plans = county_drop.csv("council", "ehcp_caseload")
    gp = county_drop.csv("icb", "gp_registered_population")
    plans["nhs"] = plans.nhs_number.str.replace(" ", "")
    return plans, gp, plans.merge(gp, left_on="nhs", right_on="nhs_number", suffixes=("", "_gp"))


def test_most_plans_link_to_a_gp_registration_with_the_same_person(linked):
    plans, _, joined = linked
    assert 0.05 < plans.nhs_number.isna().mean() < 0.15
    assert len(joined) / len(plans) > 0.85
    assert (joined.date_of_birth == joined.date_of_birth_gp).all()
    assert (joined.sex == joined.sex_gp).all()


def test_some_people_moved_between_council_and_gp_records(linked):
    _, _, joined = linked
    moved = normal_postcode(joined.postcode) != joined.postcode_gp
    assert 0.005 < moved.mean() < 0.10


def test_plans_and_census_share_upn_date_of_birth_and_sex(county_drop):
    plans = county_drop.csv("council", "ehcp_caseload")
    census = county_drop.csv("council", "school_census")
    joined = plans.dropna(subset=["upn"]).merge(census, on="upn", suffixes=("", "_census"))
    assert len(joined) > 0.5 * (census.sen_provision == "E").sum()
    assert (joined.date_of_birth == joined.date_of_birth_census).all()
    assert (joined.la_child_id == joined.la_child_id_census).all()
    on_plan = census[census.sen_provision == "E"]
    assert on_plan.upn.isin(plans.upn).all()


def test_some_county_pupils_live_in_stoke_on_trent(county_drop):
    lookup = county_drop.csv("icb", "lsoa_lookup")
    census = county_drop.csv("council", "school_census")
    stoke = set(lookup.lsoa_code[lookup.lad_code == "E06000021"])
    assert 0.002 < census.lsoa_code.isin(stoke).mean() < 0.05


def test_trust_records_name_registered_patients(county_drop):
    gp = set(county_drop.csv("icb", "gp_registered_population").nhs_number)
    for extract in ("slt_referrals", "camhs_referrals", "epr_send_markers"):
        numbers = county_drop.csv("mpft", extract).nhs_number.dropna().str.replace(" ", "")
        assert numbers.isin(gp).mean() > 0.97, extract
