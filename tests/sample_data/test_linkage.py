"""The same synthetic child appears across partners with the same identifiers."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.sample_data.sen2_files import sen2_date


def normal_postcode(series: pd.Series) -> pd.Series:
    compact = series.str.upper().str.replace(" ", "")
    return compact.str[:-3] + " " + compact.str[-3:]


@pytest.fixture(scope="module")
def person(county_drop):
    person = county_drop.csv("council", "sen2_person")
    return person.assign(date_of_birth=sen2_date(person.personbirthdate).dt.strftime("%Y-%m-%d"),
                         postcode=normal_postcode(person.postcode))


@pytest.fixture(scope="module")
def linked(county_drop, person):
    """SEN2 people joined to GP registrations on (date of birth, sex, postcode), a key unique on
    both sides (the SEN2 return has no NHS number)."""
    gp = county_drop.csv("icb", "gp_registered_population")
    key = ["date_of_birth", "sex", "postcode"]
    unique = [frame[~frame.duplicated(key, keep=False)] for frame in (person, gp)]
    return unique[0].merge(unique[1], on=key, suffixes=("", "_gp"), validate="one_to_one")


def test_most_sen2_people_link_to_a_gp_registration_of_the_same_person(person, linked):
    assert not person.duplicated(["date_of_birth", "sex", "postcode"]).any()
    assert len(linked) / len(person) > 0.85
    assert linked.nhs_number.is_unique


def test_some_people_moved_between_council_and_gp_records(person, linked):
    """An older council address (or no GP registration) leaves a few people unlinked."""
    unlinked = ~person.persontableid.isin(linked.persontableid)
    assert 0.005 < unlinked.mean() < 0.10


def test_sen2_people_and_census_share_ids_upn_date_of_birth_and_sex(county_drop, person):
    census = county_drop.csv("council", "school_census")
    joined = person.merge(census, left_on="persontableid", right_on="la_child_id", suffixes=("", "_census"))
    assert len(joined) > 0.5 * (census.sen_provision == "E").sum()
    assert (joined.date_of_birth == joined.date_of_birth_census).all()
    assert (joined.sex == joined.sex_census).all()
    assert (joined.postcode == normal_postcode(joined.postcode_census)).all()
    same_upn = joined.upn == joined.upn_census
    temporary = joined.upn.str[-1].str.isalpha() & (joined.upn.str[:-1] == joined.upn_census.str[:-1])
    assert (same_upn | temporary).all() and 0 < temporary.mean() < 0.05
    on_plan = census[census.sen_provision == "E"]
    assert on_plan.la_child_id.isin(person.persontableid).all()


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
