"""The attack of disclosure.md on small hand-built tables designed to be hard: it recovers
nothing from the public tier, and recovers counts once a protection is taken away."""
import numpy as np
import pandas as pd
import pytest

import publication.comparators as comparators
import publication.disclosure as disclosure
from publication.comparators import as_kpi_rows, public_flow_reconciliation, public_reconciliation
from publication.disclosure import DisclosureSettings, public_crosswalk, public_kpi_values
from publication.geographies import whole_of_area
from tests.publication import attacker
from tests.publication.attacker import Relation, attack, crosswalk_counts, reconciliation_counts, recovered_pairs
from tests.publication.random_tables import SEXES, kpis, random_cells, table_and_relations

TABLES = 60
COUNTY = ("COUNTY", "E10000028")


def refused_settings(threshold: int, rounding_base: int) -> DisclosureSettings:
    """Settings the project refuses, to show what they would give away."""
    settings = object.__new__(DisclosureSettings)
    object.__setattr__(settings, "threshold", threshold)
    object.__setattr__(settings, "rounding_base", rounding_base)
    return settings


EXACT = refused_settings(7, 1)  # counts published as they are


def hard_tables(count: int = TABLES):
    for seed in range(count):
        table, _ = table_and_relations(random_cells(np.random.default_rng(seed)))
        yield seed, kpis(table)


@pytest.mark.parametrize("settings", [DisclosureSettings(), DisclosureSettings(threshold=7, rounding_base=3),
                                      DisclosureSettings(threshold=10, rounding_base=10)],
                         ids=["7-and-5", "7-and-3", "10-and-10"])
def test_no_count_is_recovered_from_hard_tables(settings):
    for seed, restricted in hard_tables():
        public = public_kpi_values(restricted, settings)
        assert attack(public, restricted, settings=settings) == [], f"seed {seed}"


def test_counts_published_exactly_are_refused_since_bounds_would_pin_withheld_ones():
    with pytest.raises(ValueError, match="rounding_base >= 3"):
        DisclosureSettings(rounding_base=1)
    pinned = [seed for seed, restricted in hard_tables()
              if attack(public_kpi_values(restricted, EXACT), restricted, settings=EXACT)]
    assert pinned  # why: secondary suppression alone does not hold against the bounds


def test_without_secondary_suppression_the_attack_recovers_small_counts(monkeypatch):
    monkeypatch.setattr(disclosure, "protect", lambda counts, suppressed, relations: suppressed)
    recovered = 0
    for _, restricted in hard_tables():
        public = public_kpi_values(restricted, EXACT)
        found = attack(public, restricted, settings=EXACT)
        truth = restricted.set_index(["geography_level", "geography_code", "breakdown", "breakdown_value"]).value
        assert all(f.low == truth[f.key] for f in found)  # what it recovers is the true count
        recovered += sum(1 <= f.low <= 7 for f in found)
    assert recovered > TABLES


def test_a_lone_small_cell_beside_its_total_is_pinned_by_the_attack_once_rounding_and_suppression_go(
        monkeypatch, counts):
    restricted = counts(("COUNTY", "E10000028", "TOTAL", "TOTAL", 40), ("COUNTY", "E10000028", "SEX", "F", 37),
                        ("COUNTY", "E10000028", "SEX", "M", 3))
    public = public_kpi_values(restricted)
    assert attack(public, restricted, {}) == []
    monkeypatch.setattr(disclosure, "protect", lambda counts, suppressed, relations: suppressed)
    (found,) = attack(public_kpi_values(restricted, EXACT), restricted, {}, EXACT)
    assert (found.key, found.low, found.high) == (("COUNTY", "E10000028", "SEX", "M"), 3, 3)


def percent_row(kpi_table, numerator: int, denominator: int) -> pd.DataFrame:
    return kpi_table([("DISTRICT", "E07000199", "TOTAL", "TOTAL", numerator, denominator,
                       100 * numerator / denominator)], unit="percent", method="DIRECT")


def test_the_v1_one_row_leak_is_closed(kpi_table):
    """Tamworth, early-years marker, THINK2: public 10 / 150 with v1's value 5.369127516778524 is
    exactly 8 / 149; v2 publishes the percentage of the published counts, 6.7, which many pairs give."""
    restricted = percent_row(kpi_table, 8, 149)
    v1 = restricted.assign(numerator=10.0, denominator=150.0)  # v1: rounded counts, the exact value
    assert recovered_pairs(v1, decimals=(15,)) == [(0, (8, 149))]
    public = public_kpi_values(restricted)
    assert (public.numerator.iat[0], public.denominator.iat[0], public.value.iat[0]) == (10, 150, 6.7)
    assert recovered_pairs(public) == []


# Rule 6: apportioned district figures. A hand-built crosswalk (sub-ICB -> district, weight):
# Cannock Chase, East Staffordshire and Stafford each have one sub-ICB; Lichfield has most of 05Q
# and half of 05G; Tamworth the rest of 05Q; Newcastle part of 05W (Stoke-on-Trent, outside the county).
CROSSWALK = pd.DataFrame.from_records([
    ("04Y", "E07000192", 1.0), ("05D", "E07000193", 1.0), ("05V", "E07000197", 1.0),
    ("05Q", "E07000194", 0.9), ("05Q", "E07000199", 0.1), ("05G", "E07000194", 0.5), ("05G", "E07000198", 0.5),
    ("05W", "E07000195", 0.3), ("05W", "E06000021", 0.7),
], columns=["sub_icb_code", "lad_code", "weight"])


def apportioned_table(counts, sub_icbs: dict[str, int], breakdown: tuple[str, str] = ("TOTAL", "TOTAL")):
    """A health count as kpi_rows makes it: the county (its five sub-ICBs), the six sub-ICBs, and
    every district of the county apportioned from them with CROSSWALK's weights."""
    county = sum(n for code, n in sub_icbs.items() if ("SUB_ICB", code) in whole_of_area())
    rows = [("COUNTY", "E10000028", *breakdown, county)]
    rows += [("SUB_ICB", code, *breakdown, n) for code, n in sub_icbs.items()]
    for _, district in sorted(area for area in whole_of_area() if area[0] == "DISTRICT"):
        feeds = CROSSWALK[CROSSWALK.lad_code == district]
        rows.append(("DISTRICT", district, *breakdown, sum(w * sub_icbs[s] for s, w in zip(feeds.sub_icb_code,
                                                                                             feeds.weight))))
    return counts(*rows, method="APPORTIONED")


def without_apportionment_in_secondary_suppression(monkeypatch):
    """Secondary suppression no longer knows that apportioned rows are made from sub-ICB rows
    (the attacker still does: it imported the relation before)."""
    monkeypatch.setattr(disclosure, "apportioned_from", lambda *key_and_weights: [])


HARD_APPORTIONED = {
    # a sub-ICB with a tiny count (4) apportioned over two districts: Lichfield 0.9 x 4 + 0.5 x 30 = 18.6
    # is published, Tamworth's 0.4 is not; exactly published, Lichfield alone would give 0.9 x 4 back
    "tiny sub-ICB": {"04Y": 40, "05D": 30, "05G": 30, "05Q": 4, "05V": 20, "05W": 50},
    # a withheld direct sub-ICB count (05D, 5) beside apportioned districts: the county relation
    # withholds 05V (20), which Stafford (all of 05V) would publish again
    "suppressed direct cell": {"04Y": 40, "05D": 5, "05G": 30, "05Q": 25, "05V": 20, "05W": 50},
}


@pytest.mark.parametrize("case", HARD_APPORTIONED)
@pytest.mark.parametrize("settings", [DisclosureSettings(), EXACT], ids=["7-and-5", "exact"])
def test_no_withheld_count_is_recovered_from_apportioned_figures(counts, case, settings):
    restricted = apportioned_table(counts, HARD_APPORTIONED[case])
    public = public_kpi_values(restricted, settings, crosswalk=CROSSWALK)
    assert public.suppressed.sum() >= 3  # the case does exercise suppression
    assert attack(public, restricted, settings=settings, crosswalk=CROSSWALK) == []


@pytest.mark.parametrize("case, recovered", [("tiny sub-ICB", ("SUB_ICB", "05Q", 4)),
                                             ("suppressed direct cell", ("SUB_ICB", "05D", 5))])
def test_without_the_apportionment_relation_the_attack_recovers_the_withheld_sub_icb(
        monkeypatch, counts, case, recovered):
    restricted = apportioned_table(counts, HARD_APPORTIONED[case])
    without_apportionment_in_secondary_suppression(monkeypatch)
    public = public_kpi_values(restricted, EXACT, crosswalk=CROSSWALK)
    found = {(f.key[0], f.key[1], f.low) for f in attack(public, restricted, settings=EXACT, crosswalk=CROSSWALK)}
    assert recovered in found


def test_apportioned_breakdown_cells_protect_the_sub_icb_cells_they_come_from(monkeypatch, counts):
    """PROVIDER cells: 05Q's MPFT cell of 4, Lichfield's apportioned MPFT cell 0.9 x 4 + 0.5 x 30."""
    restricted = pd.concat([apportioned_table(counts, HARD_APPORTIONED["tiny sub-ICB"], ("PROVIDER", "MPFT")),
                            apportioned_table(counts, HARD_APPORTIONED["suppressed direct cell"],
                                              ("PROVIDER", "OTHER"))], ignore_index=True)
    totals = restricted.groupby(["geography_level", "geography_code"], sort=False, as_index=False).value.sum()
    restricted = pd.concat([restricted, counts(*[(r.geography_level, r.geography_code, "TOTAL", "TOTAL", r.value)
                                                 for r in totals.itertuples()], method="APPORTIONED")],
                           ignore_index=True)
    for settings in (DisclosureSettings(), EXACT):
        assert attack(public_kpi_values(restricted, settings, crosswalk=CROSSWALK), restricted,
                      settings=settings, crosswalk=CROSSWALK) == []
    without_apportionment_in_secondary_suppression(monkeypatch)
    found = attack(public_kpi_values(restricted, EXACT, crosswalk=CROSSWALK), restricted, settings=EXACT,
                   crosswalk=CROSSWALK)
    assert any(f.key[0] == "SUB_ICB" and 1 <= f.low <= 7 for f in found)


def test_apportioned_rows_without_their_crosswalk_are_refused(counts):
    restricted = apportioned_table(counts, HARD_APPORTIONED["tiny sub-ICB"])
    with pytest.raises(ValueError, match="needs the crosswalk"):
        public_kpi_values(restricted)


# The other public tables that carry counts, read by the same attack.
def reconciliation(*counts: float) -> pd.DataFrame:
    """January rows of warehouse_ehcp_count beside a DfE figure."""
    return pd.DataFrame({
        "census_date": [f"{2023 + i}-01-18" for i in range(len(counts))],
        "warehouse_ehcp_count": [float(c) for c in counts],
        "dfe_ehcp_count": 8461.0, "difference": [c - 8461.0 for c in counts],
        "difference_percent": [100 * (c - 8461.0) / 8461.0 for c in counts], "suppressed": False,
        "status": "available", "dfe_status": "available"})


def test_no_council_count_is_recovered_from_the_reconciliation(monkeypatch):
    # 5 plans, 3 plans, 7488 plans
    restricted = reconciliation(5, 3, 7488)
    public = public_reconciliation(restricted, DisclosureSettings())
    as_counts = (reconciliation_counts(public, COUNTY), reconciliation_counts(restricted, COUNTY))
    assert attack(*as_counts, {}) == []
    monkeypatch.setattr(comparators, "reconciliation_primary_suppression",
                        lambda frame, settings: np.zeros(len(frame), dtype=bool))
    public = public_reconciliation(restricted, DisclosureSettings())
    found = attack(reconciliation_counts(public, COUNTY), as_counts[1], {})
    assert {(f.key[2], f.low, f.high) for f in found} == {("TOTAL", 2.5, 7.5)} and len(found) >= 2


def test_no_count_is_recovered_from_the_calendar_year_reconciliation(monkeypatch):
    """A year's tribunals (6 of 2022 requests) and its requests: the public rows read as kpi_values rows."""
    restricted = pd.DataFrame({
        "kpi_id": ["ehcna_requests", "tribunal_rate"], "unit": ["count", "percent"],
        "warehouse_numerator": [2022.0, 6.0], "warehouse_denominator": [np.nan, 2022.0],
        "warehouse_value": [2022.0, 600 / 2022], "dfe_value": [2030.0, 0.3], "period_end": "2024-12-31",
        "status": "available"})
    public = public_flow_reconciliation(restricted, DisclosureSettings())
    assert attack(as_kpi_rows(public), as_kpi_rows(restricted), {}) == []
    monkeypatch.setattr(disclosure, "primary_suppression", lambda kpis, settings: np.zeros(len(kpis), dtype=bool))
    public = public_flow_reconciliation(restricted, DisclosureSettings())
    found = attack(as_kpi_rows(public), as_kpi_rows(restricted), {})
    assert {f.kpi_id for f in found} == {"tribunal_rate"}


def test_no_population_is_recovered_from_the_public_crosswalk(monkeypatch, crosswalk):
    # 04Y: 800 + 195 + 5 = 1000; 05D: 6 + 0 = 6 (crosswalk fixture)
    restricted = crosswalk_counts(crosswalk)
    for settings in (DisclosureSettings(), EXACT):
        assert attack(crosswalk_counts(public_crosswalk(crosswalk, settings)), restricted, {}, settings) == []
    monkeypatch.setattr(disclosure, "protect", lambda counts, suppressed, relations: suppressed)
    found = attack(crosswalk_counts(public_crosswalk(crosswalk, EXACT)), restricted, {}, EXACT)
    assert ("SUB_ICB", "04Y", "LAD", "E07000197") in {f.key for f in found if f.low == f.high == 5}


def test_a_small_apportioned_share_does_not_withhold_the_sub_icb_it_comes_from(counts, row):
    """Tamworth gets 0.1 of 05Q's 25: 2.5 is withheld, but it is 05Q's published count times a
    public weight, an estimate rather than a count of people, so 05Q's 25 stays published."""
    public = public_kpi_values(apportioned_table(counts, HARD_APPORTIONED["suppressed direct cell"]),
                               crosswalk=CROSSWALK)
    assert row(public, level="DISTRICT", code="E07000199").status == "suppressed"
    assert (row(public, level="SUB_ICB", code="05Q").status, row(public, level="SUB_ICB", code="05Q").value) == (
        "available", 25)


# Breakdowns whose cells add up to more than their total: a person can have several impairments.
def test_cells_that_add_up_to_more_than_their_total_are_each_at_most_it(counts):
    """TOTAL 40 flagged people; impairments 30 + 25 + 3 = 58 (people with several): the 3 is
    withheld, and at most 40 is all the attacker learns of it."""
    restricted = counts(("COUNTY", "E10000028", "TOTAL", "TOTAL", 40), ("COUNTY", "E10000028", "IMPAIRMENT", "A", 30),
                        ("COUNTY", "E10000028", "IMPAIRMENT", "B", 25), ("COUNTY", "E10000028", "IMPAIRMENT", "C", 3))
    for settings in (DisclosureSettings(), EXACT):
        public = public_kpi_values(restricted, settings)
        assert list(public.status) == ["available", "available", "available", "suppressed"]
        ((relations, _, _),) = attacker._blocks(public, restricted, {}, {})
        assert relations == [Relation(0, (child,), exact=False) for child in (1, 2, 3)]
        assert attack(public, restricted, {}, settings) == []


# History: a 12-month count this month minus last month's is the month that came in minus the one that left.
def rolling_year(flows: dict[str, list[int]], first_month: str = "2021-02") -> pd.DataFrame:
    """Count rows of each SEX cell's 12-month sums of monthly ``flows`` (and of their TOTAL), at every
    month end from the twelfth month on, with the periods kpi_rows gives them."""
    months = pd.period_range(first_month, periods=len(next(iter(flows.values()))), freq="M")
    cells = {**flows, "TOTAL": list(np.sum(list(flows.values()), axis=0))}
    rows = []
    for last in range(11, len(months)):
        end = months[last].end_time.normalize()
        for cell, series in cells.items():
            breakdown = ("TOTAL", "TOTAL") if cell == "TOTAL" else ("SEX", cell)
            rows.append({"kpi_id": "slt_referrals", "reporting_date": end.date(),
                         "period_start": (end - pd.DateOffset(months=12) + pd.Timedelta(days=1)).date(),
                         "period_end": end.date(), "geography_level": "COUNTY", "geography_code": "E10000028",
                         "breakdown": breakdown[0], "breakdown_value": breakdown[1],
                         "value": float(sum(series[last - 11: last + 1])), "denominator": np.nan, "unit": "count",
                         "method": "DIRECT", "suppressed": False, "status": "available"})
    frame = pd.DataFrame.from_records(rows)
    return frame.assign(numerator=frame.value)


def test_no_count_is_recovered_across_two_years_of_sparse_monthly_flows():
    """Referrals by sex over 36 months (24 month ends), most months 0, the rest 1-3: many
    12-month counts of 1-7, and their totals, beside each other in time."""
    for seed in range(12):
        rng = np.random.default_rng(seed)
        flows = {sex: list(np.where(rng.random(35) < 0.7, 0, rng.integers(1, 4, 35))) for sex in SEXES}
        restricted = rolling_year(flows)
        for settings in (DisclosureSettings(), DisclosureSettings(threshold=7, rounding_base=3)):
            public = public_kpi_values(restricted, settings)
            assert public.suppressed.sum() >= 5, f"seed {seed}"  # the series does exercise suppression
            assert attack(public, restricted, {}, settings) == [], f"seed {seed}"


# February 2021: 3 referrals; none in the 12 months before; one a month from March 2021 to January
# 2022; none from February 2022. Exactly published, January 2022's 14 minus February 2022's 11 is
# February 2021's 3 (February 2022 has none, known from January 2023's 0), so February 2021's withheld
# 12-month count of 3 is pinned; rounded to 5 it is anything from 1 to 9. Rounded to 2, the 8 of
# June 2022 is published exactly (7 is withheld), and the months around it pin its neighbours.
PINNED_BY_HISTORY = {"F": [0] * 11 + [0, 3] + [1] * 11 + [0] * 12}


def test_history_relations_pin_withheld_months_at_the_rounding_bases_the_settings_refuse(monkeypatch):
    restricted = rolling_year(PINNED_BY_HISTORY, first_month="2020-02")
    february = ("COUNTY", "E10000028", "TOTAL", "TOTAL")
    for settings in (DisclosureSettings(), DisclosureSettings(threshold=7, rounding_base=3)):
        assert attack(public_kpi_values(restricted, settings), restricted, {}, settings) == []
    with pytest.raises(ValueError, match="rounding_base >= 3"):
        DisclosureSettings(rounding_base=2)
    base_2 = refused_settings(7, 2)
    found = attack(public_kpi_values(restricted, base_2), restricted, {}, base_2)
    assert {(f.reporting_date, f.low) for f in found if f.key == february} == {
        ("2021-05-31", 6), ("2022-07-31", 6), ("2022-12-31", 1)}
    public = public_kpi_values(restricted, EXACT)
    found = {(f.reporting_date, f.key, f.low) for f in attack(public, restricted, {}, EXACT)}
    assert ("2021-02-28", february, 3) in found
    monkeypatch.setattr(attacker, "history_relations", lambda rows: (rows, []))
    assert attack(public_kpi_values(restricted, base_2), restricted, {}, base_2) == []
    assert ("2021-02-28", february, 3) not in {(f.reporting_date, f.key, f.low)
                                               for f in attack(public, restricted, {}, EXACT)}
