"""At county scale the published KPIs land near Staffordshire's published figures.

The real Dagster graph refreshes the county-scale sample drop (scale 1.0); every county
KPI with a published figure in the KPI catalogue (``kpis.md``, in brackets) must land
within 15% of it (counts, rates, days) or within 3 percentage points (percentages), and
district counts must add up to the county.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.test_refresh import refresh
from tests.publication.attacker import attack, crosswalk_counts, reconciliation_counts

COUNTY = ("COUNTY", "E10000028")

pytestmark = pytest.mark.slow

# (kpi_id, breakdown, breakdown values summed into one figure, published figure). Sources:
# kpis.md brackets (SEND JSNA April 2025; SEND and AP Strategy 2026-2029, July 2025 figures).
PUBLISHED = [
    ("ehcp_count", "TOTAL", ["TOTAL"], 9182),
    ("ehcp_rate_0_25", "TOTAL", ["TOTAL"], 33.5),                     # "about 30-37"
    ("ehcp_primary_need_share", "PRIMARY_NEED", ["ASD"], 25),
    ("ehcp_primary_need_share", "PRIMARY_NEED", ["SLCN"], 24),
    ("ehcp_primary_need_share", "PRIMARY_NEED", ["SEMH"], 20),
    ("ehcp_primary_need_share", "SEX|PRIMARY_NEED", ["M|ASD"], 28),
    ("ehcp_primary_need_share", "SEX|PRIMARY_NEED", ["F|SLCN"], 23),
    ("ehcp_placement_share", "PLACEMENT_TYPE", ["SPECIAL_STATE", "SPECIAL_INDEPENDENT"], 45),
    ("ehcp_placement_share", "PLACEMENT_TYPE", ["MAINSTREAM"], 31),
    ("sen_support_count", "TOTAL", ["TOTAL"], 16543),                  # January 2025
    ("sen_support_pct", "TOTAL", ["TOTAL"], 13),
    ("send_prevalence_by_fsm", "FSM", ["Y"], 29),
    ("send_prevalence_by_fsm", "FSM", ["N"], 14),
    ("ehcna_requests", "TOTAL", ["TOTAL"], 2030),
    ("ehcna_refusal_rate", "TOTAL", ["TOTAL"], 44),
    ("ehcna_issue_rate", "TOTAL", ["TOTAL"], 98),
    ("ehcp_issued_20_weeks", "TOTAL", ["TOTAL"], 31),
    ("mediation_rate", "TOTAL", ["TOTAL"], 6.2),
    ("tribunal_rate", "TOTAL", ["TOTAL"], 7.3),
    ("absence_rate", "SEN_STATUS", ["EHCP"], 11),
    ("absence_rate", "SEN_STATUS", ["SEN_SUPPORT"], 10),
    ("absence_rate", "SEN_STATUS", ["NONE"], 6),
    ("persistent_absence", "SEN_STATUS", ["EHCP"], 30),
    ("persistent_absence", "SEN_STATUS", ["SEN_SUPPORT"], 28),
    ("persistent_absence", "SEN_STATUS", ["NONE"], 16),
    ("severe_absence", "SEN_STATUS", ["EHCP"], 5),
    ("severe_absence", "SEN_STATUS", ["SEN_SUPPORT"], 4),
    ("severe_absence", "SEN_STATUS", ["NONE"], 1),
    ("neet_16_17", "SEN_STATUS", ["EHCP"], 10),
    ("neet_16_17", "SEN_STATUS", ["SEN_SUPPORT"], 8),
    ("neet_16_17", "TOTAL", ["TOTAL"], 4),
    ("activity_not_known_16_24_ehcp", "TOTAL", ["TOTAL"], 33),
    ("eapdr_requests", "TOTAL", ["TOTAL"], 797 * 12 / 15),             # 797 in the 15 months Jan 2024-Mar 2025
    ("early_years_send_marker_pct", "SERVICE_LINE", ["THINK2", "WP_UNDER3"], 4.6),  # 2-year-olds
    ("early_years_send_marker_pct", "SERVICE_LINE", ["UNIVERSAL_3_4", "WP_3_4"], 7.4),  # 3-4 year olds
    ("slt_referrals", "TOTAL", ["TOTAL"], 3400),
    ("slt_waiting", "TOTAL", ["TOTAL"], 650),
    ("slt_waiting_over_18_weeks", "TOTAL", ["TOTAL"], 12),
    ("camhs_referrals", "SERVICE_LINE", ["CORE_CAMHS"], 5500),
    ("camhs_median_wait_first_contact", "TOTAL", ["TOTAL"], 19),
    ("camhs_median_wait_still_waiting", "TOTAL", ["TOTAL"], 125),
    ("camhs_treatment_18_weeks", "PROVIDER", ["NSCHT"], 88),
    ("camhs_treatment_18_weeks", "PROVIDER", ["MPFT"], 94),
    ("ld_health_check_uptake", "TOTAL", ["TOTAL"], 73),
]


@pytest.fixture(scope="module")
def county_home(county_drop, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("county_home")
    result = refresh(county_drop.root, home)
    assert result.returncode == 0, result.stdout + result.stderr
    return home


@pytest.fixture(scope="module")
def kpis(county_home) -> pd.DataFrame:
    return pd.read_csv(county_home / "publish" / "restricted" / "kpi_values.csv", dtype={"breakdown_value": str})


def test_the_attacker_recovers_no_count_from_the_county_scale_public_tier(county_home):
    """disclosure.md's attack on the public files of the county-scale refresh: kpi_values and
    kpi_history (with their apportioned rows), the crosswalk's populations and the January counts."""
    publish = county_home / "publish"
    crosswalk = pd.read_parquet(publish / "restricted" / "sub_icb_district_crosswalk.parquet")
    for table in ("kpi_values", "kpi_history"):
        public, restricted = (pd.read_parquet(publish / tier / f"{table}.parquet") for tier in ("public", "restricted"))
        assert (public.status == "suppressed").sum() > 500  # the county does exercise suppression
        assert attack(public, restricted, crosswalk=crosswalk) == [], table
    walk = [crosswalk_counts(pd.read_parquet(publish / tier / "sub_icb_district_crosswalk.parquet"))
            for tier in ("public", "restricted")]
    assert attack(*walk, {}) == []
    januaries = [reconciliation_counts(pd.read_parquet(publish / tier / "ehcp_reconciliation.parquet"), COUNTY)
                 for tier in ("public", "restricted")]
    assert attack(*januaries, {}) == []


def county_figure(kpis: pd.DataFrame, kpi_id: str, breakdown: str, values: list[str]) -> tuple[float, str]:
    """The county figure; several values are combined from their numerators and denominators
    (shares of one total add their numerators over it, rates of separate groups pool both)."""
    rows = kpis[(kpis.kpi_id == kpi_id) & (kpis.geography_level == "COUNTY") & (kpis.breakdown == breakdown)
                & kpis.breakdown_value.isin(values)]
    assert len(rows) == len(values), f"{kpi_id} {breakdown} {values}: {len(rows)} county rows"
    unit = rows.unit.iloc[0]
    if len(rows) == 1:
        return float(rows.value.iloc[0]), unit
    scale = {"percent": 100, "per_1000": 1000, "per_100": 100}[unit]
    one_total = rows.denominator.nunique() == 1
    denominator = rows.denominator.iloc[0] if one_total else rows.denominator.sum()
    return scale * rows.numerator.sum() / denominator, unit


@pytest.mark.parametrize("kpi_id, breakdown, values, published", PUBLISHED,
                         ids=[f"{k}-{'+'.join(v)}" for k, _, v, _ in PUBLISHED])
def test_county_kpi_lands_near_the_published_figure(kpis, kpi_id, breakdown, values, published):
    got, unit = county_figure(kpis, kpi_id, breakdown, values)
    if unit == "percent":
        assert abs(got - published) <= 3, f"{kpi_id} {values}: {got:.1f}% against {published}%"
    else:
        assert abs(got / published - 1) <= 0.15, f"{kpi_id} {values}: {got:.1f} against {published}"


def test_eapdr_requests_are_highest_in_newcastle(kpis):
    rows = kpis[(kpis.kpi_id == "eapdr_requests") & (kpis.breakdown == "TOTAL")]
    county = rows[rows.geography_level == "COUNTY"].value.iloc[0]
    newcastle = rows[rows.geography_code == "E07000195"].value.iloc[0]
    assert newcastle / county > 0.20


# Counts whose people may have no district: the school census counts every pupil at COUNTY but only
# county residents in the districts; ehcp_count counts every plan the council maintains, and the
# cohort every county resident, at COUNTY, but a district only where the linkage places the person.
PARTLY_PLACED = {"sen_support_count", "ehcp_count", "cohort_size"}


def test_direct_district_counts_add_up_to_the_county(kpis):
    counts = kpis[(kpis.unit == "count") & (kpis.method == "DIRECT")
                  & kpis.geography_level.isin(["COUNTY", "DISTRICT"])]
    sums = counts.groupby(["kpi_id", "breakdown", "breakdown_value", "geography_level"]).value.sum()
    levels = sums.unstack("geography_level").dropna(subset=["DISTRICT"])  # county-only KPIs have none
    assert {"ehcp_count", "cohort_size", "eapdr_requests", "sen_support_count"} <= set(levels.index.get_level_values(0))
    for (kpi_id, breakdown, value), row in levels.iterrows():
        if kpi_id in PARTLY_PLACED:
            assert row.DISTRICT <= row.COUNTY, (kpi_id, breakdown, value)
            if breakdown == "TOTAL":  # a few people live outside the county or cannot be placed
                assert row.DISTRICT >= 0.9 * row.COUNTY, (kpi_id, row.DISTRICT, row.COUNTY)
        else:
            assert row.DISTRICT == row.COUNTY, (kpi_id, breakdown, value)


def test_apportioned_district_counts_add_up_to_the_county_share_of_the_sub_icbs(kpis):
    """Health counts are apportioned from sub-ICBs: the districts hold what the crosswalk sends them."""
    rows = kpis[(kpis.kpi_id == "slt_referrals") & (kpis.breakdown == "TOTAL")]
    districts = rows[rows.geography_level == "DISTRICT"]
    assert set(districts.method) == {"APPORTIONED"}
    assert districts.value.sum() == pytest.approx(rows[rows.geography_level == "COUNTY"].value.iloc[0], rel=0.10)
