"""The public tier's rules on hand-built tables, with the expected output worked out."""
import math

import pandas as pd
import pytest

from publication.disclosure import DisclosureSettings, public_crosswalk, public_kpi_values

C, D = "COUNTY", "DISTRICT"
E = "E10000028"
A, B, X = "E07000192", "E07000193", "E07000194"


def published(table: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()) -> dict:
    """kpi_id -> (value or None if withheld) of each one-row KPI."""
    public = public_kpi_values(table, settings)
    assert (public.suppressed == public.value.isna()).all()
    return {r.kpi_id: None if r.suppressed else r.value for r in public.itertuples()}


def test_small_counts_withheld_zero_kept_others_rounded_to_5(counts):
    # one county TOTAL row per KPI, so no secondary suppression: 0 stays, 1..7 are withheld,
    # 8 -> 10, 12 -> 10, 13 -> 15, 250 stays.
    table = pd.concat([counts((C, E, "TOTAL", "TOTAL", n), kpi_id=f"n{n}") for n in (0, 1, 7, 8, 12, 13, 250)])
    assert published(table) == {"n0": 0, "n1": None, "n7": None, "n8": 10, "n12": 10, "n13": 15, "n250": 250}
    public = public_kpi_values(table)
    withheld = public[public.suppressed]
    assert withheld[["value", "numerator", "denominator"]].isna().all().all()  # empty, never 0
    assert public.loc[public.kpi_id == "n13", "numerator"].item() == 15
    assert list(public.columns) == list(table.columns) and len(public) == len(table)


def test_stricter_settings_change_the_outcome(counts):
    # threshold 10 / base 10: 9 is now withheld (was 10), 23 -> 20 (was 25), 15 -> 20 (half up; was 15).
    table = pd.concat([counts((C, E, "TOTAL", "TOTAL", n), kpi_id=f"n{n}") for n in (9, 15, 23)])
    assert published(table) == {"n9": 10, "n15": 15, "n23": 25}
    assert published(table, DisclosureSettings(threshold=10, rounding_base=10)) == {
        "n9": None, "n15": 20, "n23": 20}


def test_settings_that_would_publish_a_count_as_zero_are_refused():
    with pytest.raises(ValueError, match="published as 0"):
        DisclosureSettings(threshold=1, rounding_base=10)  # 2 would round to 0


def test_percentages_withheld_with_their_numerator_else_from_the_rounded_counts(kpi_table, row):
    # Share of 37 plans by primary need: the numerators 12 + 20 + 5 add up to the TOTAL's 37
    # (the denominators, all 37, do not add up). VI (5) is withheld; it would be 37 - 12 - 20,
    # so the next smallest need, ASD (12), is withheld too. SLCN is published as 20 / 35 (37 rounded)
    # and its value is computed from those: 57.142...% -> 57.1 (never the exact 54.054...%).
    table = kpi_table([
        (C, E, "TOTAL", "TOTAL", 37, 37, 100.0),
        (C, E, "PRIMARY_NEED", "ASD", 12, 37, 100 * 12 / 37),
        (C, E, "PRIMARY_NEED", "SLCN", 20, 37, 100 * 20 / 37),
        (C, E, "PRIMARY_NEED", "VI", 5, 37, 100 * 5 / 37),
    ], kpi_id="share", unit="percent")
    rate = kpi_table([(C, E, "TOTAL", "TOTAL", 30, 6, 5000.0)], kpi_id="rate", unit="per_1000")
    public = public_kpi_values(pd.concat([table, rate], ignore_index=True))
    assert row(public, breakdown="PRIMARY_NEED", value="VI").suppressed
    assert row(public, breakdown="PRIMARY_NEED", value="ASD").suppressed
    slcn = row(public, breakdown="PRIMARY_NEED", value="SLCN")
    assert not slcn.suppressed and slcn.value == 57.1 and slcn.status == "available"
    assert (slcn.numerator, slcn.denominator) == (20, 35)
    total = row(public, kpi_id="share")
    assert (total.value, total.numerator, total.denominator) == (100.0, 35, 35)
    assert row(public, kpi_id="rate").suppressed  # a rate on a denominator of 6


def test_medians_need_more_than_threshold_values(kpi_table, row):
    # The denominator of a median is the number of values: 7 -> withheld; 8 -> the median 19.5
    # is published in whole days (20, halves up), its denominator 8 -> 10; no values -> no median
    # (not_applicable), and the 0 is published.
    table = pd.concat([
        kpi_table([(C, E, "TOTAL", "TOTAL", None, 7, 19.0)], kpi_id="m7", unit="days"),
        kpi_table([(C, E, "TOTAL", "TOTAL", None, 8, 19.5)], kpi_id="m8", unit="days"),
        kpi_table([(C, E, "TOTAL", "TOTAL", None, 0, None)], kpi_id="m0", unit="days"),
    ], ignore_index=True)
    public = public_kpi_values(table)
    assert row(public, kpi_id="m7").suppressed and math.isnan(row(public, kpi_id="m7").denominator)
    m8 = row(public, kpi_id="m8")
    assert not m8.suppressed and (m8.value, m8.denominator, m8.status) == (20, 10, "available")
    m0 = row(public, kpi_id="m0")
    assert not m0.suppressed and m0.denominator == 0 and math.isnan(m0.value) and m0.status == "not_applicable"
    assert row(public, kpi_id="m7").status == "suppressed"


def test_lone_withheld_child_takes_the_next_smallest_with_it(counts, row):
    # TOTAL 37 = ASD 12 + SLCN 20 + VI 5: VI withheld, ASD (next smallest) too; SLCN 20, TOTAL 37 -> 35.
    table = counts((C, E, "TOTAL", "TOTAL", 37), (C, E, "PRIMARY_NEED", "ASD", 12),
                   (C, E, "PRIMARY_NEED", "SLCN", 20), (C, E, "PRIMARY_NEED", "VI", 5))
    public = public_kpi_values(table)
    assert list(public.suppressed) == [False, True, False, True]
    assert list(public.value[~public.suppressed]) == [35, 20]
    assert row(public, breakdown="PRIMARY_NEED", value="SLCN").value == 20


def test_lone_withheld_district_takes_the_next_smallest_district_with_it(counts, crosswalk):
    # County 120 = A 20 + B 5 + X 95 (DIRECT): B withheld, A (next smallest) too; X 95, county 120.
    rows = ((C, E, "TOTAL", "TOTAL", 120), (D, A, "TOTAL", "TOTAL", 20),
            (D, B, "TOTAL", "TOTAL", 5), (D, X, "TOTAL", "TOTAL", 95))
    public = public_kpi_values(counts(*rows))
    assert list(public.suppressed) == [False, True, True, False]
    assert list(public.value.fillna(-1)) == [120, -1, -1, 95]
    # Apportioned districts do not add up to the county exactly: only B is withheld.
    apportioned = public_kpi_values(counts(*rows, method="APPORTIONED"), crosswalk=crosswalk)
    assert list(apportioned.suppressed) == [False, False, True, False]


def test_suppression_spreads_between_groups_until_stable(counts):
    #            TOTAL   F    M
    # district A   25    3   22     A: F (3) withheld, lone in A -> M (22) withheld;
    # district B   40   15   25     county F: A's F lone among districts -> B's F (15) withheld;
    # county       65   18   47     county M: A's M lone -> B's M (25) withheld. Then every
    # relation has two unknowns or none, and they form a cycle: nothing can be solved for.
    table = counts(
        (C, E, "TOTAL", "TOTAL", 65), (C, E, "SEX", "F", 18), (C, E, "SEX", "M", 47),
        (D, A, "TOTAL", "TOTAL", 25), (D, A, "SEX", "F", 3), (D, A, "SEX", "M", 22),
        (D, B, "TOTAL", "TOTAL", 40), (D, B, "SEX", "F", 15), (D, B, "SEX", "M", 25),
    )
    public = public_kpi_values(table)
    assert list(public.suppressed) == [False, False, False, False, True, True, False, True, True]
    assert list(public.value.dropna()) == [65, 20, 45, 25, 40]


def test_a_count_that_follows_from_a_chain_of_totals_is_protected(counts, row):
    # Needs W..Z by districts P..S; every small cell (1..7) is withheld:
    #        W   X   Y   Z  TOTAL
    #   P    2   3  20  30    55     Every row and column holds 0 or >= 2 withheld cells, yet Q-Y
    #   Q    4   5   6  40    55     can be solved for from the published figures:
    #   R   25  35   2   3    65     P-W + P-X = 55 - 20 - 30 = 5, P-W + Q-W = 76 - 25 - 45 = 6,
    #   S   45  50   4   5   104     P-X + Q-X = 93 - 35 - 50 = 8, so Q-W + Q-X = 6 + 8 - 5 = 9
    # county 76 93  32  78   279     and Q-Y = 55 - 40 - 9 = 6. The smallest published cell of the
    # relations that give it away is P-Y (20): withheld too, it puts Q-Y on a cycle (P-Y, Q-Y, Q-W, P-W).
    grid = {"P": (2, 3, 20, 30), "Q": (4, 5, 6, 40), "R": (25, 35, 2, 3), "S": (45, 50, 4, 5)}
    code = dict(zip(grid, ("E07000192", "E07000193", "E07000194", "E07000195")))  # four of the county's districts
    rows = []
    for district, cells in grid.items():
        rows += [(D, code[district], "PRIMARY_NEED", need, n) for need, n in zip("WXYZ", cells)]
        rows.append((D, code[district], "TOTAL", "TOTAL", sum(cells)))
    columns = [sum(cells[i] for cells in grid.values()) for i in range(4)]
    rows += [(C, E, "PRIMARY_NEED", need, n) for need, n in zip("WXYZ", columns)]
    rows.append((C, E, "TOTAL", "TOTAL", sum(columns)))
    public = public_kpi_values(counts(*rows))
    withheld = {(r.geography_code, r.breakdown_value) for r in public.itertuples() if r.suppressed}
    small = {(code[d], need) for d, cells in grid.items() for need, n in zip("WXYZ", cells) if n <= 7}
    assert withheld == small | {(code["P"], "Y")}


def test_withheld_children_that_can_only_be_ones_are_protected(counts):
    # County 30 = A 1 + B 1 + X 28: A and B are withheld but sum to 30 - 28 = 2, and a withheld
    # count is at least 1 (zeros are shown), so both would be known to be 1: X is withheld too.
    public = public_kpi_values(counts((C, E, "TOTAL", "TOTAL", 30), (D, A, "TOTAL", "TOTAL", 1),
                                      (D, B, "TOTAL", "TOTAL", 1), (D, X, "TOTAL", "TOTAL", 28)))
    assert list(public.suppressed) == [False, True, True, True]
    assert public.value[0] == 30


def test_cross_tabulation_cells_add_up_to_the_one_way_breakdown(counts):
    # TOTAL 40 = F 20 + M 20; F|ASD 4 + F|SLCN 16 = F and M|ASD 5 + M|SLCN 15 = M. Against the
    # TOTAL the two small cells are not alone, but F|ASD would be F - F|SLCN = 20 - 16: both
    # SLCN cells are withheld too.
    public = public_kpi_values(counts(
        (C, E, "TOTAL", "TOTAL", 40), (C, E, "SEX", "F", 20), (C, E, "SEX", "M", 20),
        (C, E, "SEX|PRIMARY_NEED", "F|ASD", 4), (C, E, "SEX|PRIMARY_NEED", "F|SLCN", 16),
        (C, E, "SEX|PRIMARY_NEED", "M|ASD", 5), (C, E, "SEX|PRIMARY_NEED", "M|SLCN", 15)))
    assert list(public.suppressed) == [False, False, False, True, True, True, True]


def test_unknown_units_are_refused(kpi_table):
    with pytest.raises(ValueError, match="ratio"):
        public_kpi_values(kpi_table([(C, E, "TOTAL", "TOTAL", 3, 4, 0.75)], unit="ratio"))


def test_crosswalk_populations_and_weights(crosswalk):
    # 04Y: 800 + 195 + 5 = 1000: 5 withheld, with its weight (0.005 x 1000 gives it back); alone it
    #      would be 1000 - 800 - 195, so 195 and its weight are withheld too. 800 and 1000 stay.
    # 05D: 6 + 0 = 6: 6 and the sub-ICB population 6 withheld; the 0 row and its weight 0 stay.
    # 05W: 400 + 0: published as is.
    public = public_crosswalk(crosswalk)
    assert list(public.population.fillna(-1)) == [800, -1, -1, -1, 0, 400, 0]
    assert list(public.weight.fillna(-1)) == [0.8, -1, -1, -1, 0.0, 1.0, 0.0]
    assert list(public.sub_icb_population.fillna(-1)) == [1000, 1000, 1000, -1, -1, 400, 400]
    assert list(public.columns) == list(crosswalk.columns)
    assert list(public.status) == ["available", *["suppressed"] * 4, "available", "available"]
    rounded = public_crosswalk(crosswalk.assign(population=crosswalk.population + 3,
                                                sub_icb_population=crosswalk.sub_icb_population + 9))
    assert rounded.population[0] == 805 and rounded.sub_icb_population[0] == 1010  # 803 -> 805, 1009 -> 1010
