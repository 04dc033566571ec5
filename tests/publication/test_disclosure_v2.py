"""Disclosure control v2 (disclosure.md): public rates from the rounded counts at fixed precision,
the status column, and the edge cases of the issue, each with its public row worked out by hand."""
import math
from decimal import ROUND_HALF_UP, Decimal
from itertools import product

import pandas as pd
import pytest

from publication.disclosure import (
    DisclosureSettings,
    crosswalk_primary_suppression,
    disclosure_summary,
    primary_suppression,
    public_crosswalk,
    public_kpi_values,
)

C, D = "COUNTY", "DISTRICT"
E, TAMWORTH, A = "E10000028", "E07000199", "E07000192"
DECIMALS = {"percent": 1, "per_100": 1, "per_1000": 1, "days": 0}
SCALE = {"percent": 100, "per_100": 100, "per_1000": 1000}


def recomputed(row) -> float:
    """A public rate worked out by a reader from the row's own published numerator and denominator."""
    exact = Decimal(SCALE[row.unit]) * Decimal(int(row.numerator)) / Decimal(int(row.denominator))
    return float(exact.quantize(Decimal(1).scaleb(-DECIMALS[row.unit]), rounding=ROUND_HALF_UP))


def candidates(public_row, value_from_exact_counts: bool) -> set[tuple[int, int]]:
    """Every restricted (numerator, denominator) pair a reader cannot rule out from one public row:
    counts that round to the published ones and, where the value was computed from the exact counts
    at full precision (v1), give exactly the published value."""
    def interval(published):
        return range(max(0, int(published) - 2), int(published) + 3)
    return {(n, d) for n, d in product(interval(public_row.numerator), interval(public_row.denominator))
            if d > 0 and (not value_from_exact_counts or 100 * n / d == public_row.value)}


def test_tamworth_think2_row_no_longer_gives_its_exact_counts_away(kpi_table, row):
    # The regression of issue 11: early-years SEND marker, Tamworth, THINK2 was 8 / 149. v1 published
    # 10 / 150 with the value 5.369127516778524 = 100 * 8 / 149, which only (8, 149) gives. v2 publishes
    # 10 / 150 and 6.7 = 100 * 10 / 150: all 25 pairs that round to 10 / 150 stay possible.
    table = kpi_table([(D, TAMWORTH, "SERVICE_LINE", "THINK2", 8, 149, 100 * 8 / 149)],
                      kpi_id="early_years_send_marker_pct", unit="percent")
    public = row(public_kpi_values(table), level=D, breakdown="SERVICE_LINE", value="THINK2")
    assert (public.numerator, public.denominator, public.value, public.status) == (10, 150, 6.7, "available")
    assert len(candidates(public, value_from_exact_counts=False)) == 25
    # The attack is real: with the v1 value (exact counts, full precision) the pair is pinned down.
    v1 = public.copy()
    v1["value"] = table.value.iloc[0]
    assert candidates(v1, value_from_exact_counts=True) == {(8, 149)}


def test_v1_values_fail_the_recompute_check(kpi_table):
    # The check below is real: a public row whose rate comes from the unrounded counts (v1) fails it.
    table = kpi_table([(C, E, "TOTAL", "TOTAL", 132, 1000, 13.2)], kpi_id="p", unit="percent")
    v1_like = public_kpi_values(table).assign(value=13.2)
    assert recomputed(v1_like.iloc[0]) != v1_like.value.iloc[0]


def test_every_public_value_recomputes_from_its_own_row(kpi_table):
    table = pd.concat([
        kpi_table([(C, E, "TOTAL", "TOTAL", 1234, 4321, 100 * 1234 / 4321)], kpi_id="p", unit="percent"),
        kpi_table([(C, E, "TOTAL", "TOTAL", 9182, 290000, 1000 * 9182 / 290000)], kpi_id="r", unit="per_1000"),
        kpi_table([(C, E, "TOTAL", "TOTAL", 47, 1316, 100 * 47 / 1316)], kpi_id="s", unit="per_100"),
        kpi_table([(C, E, "TOTAL", "TOTAL", 23, 47, 100 * 23 / 47)], kpi_id="h", unit="percent"),  # 25 / 45
    ], ignore_index=True)
    public = public_kpi_values(table)
    assert [recomputed(r) for r in public.itertuples()] == list(public.value)
    assert list(public.value) == [28.6, 31.7, 3.4, 55.6]  # 1235/4320, 9180/290000, 45/1315, 25/45


def test_a_kpi_whose_every_cell_is_small(counts):
    # TOTAL 7 = F 3 + M 4: every count is 1..7, so every row is withheld, status suppressed, all empty.
    public = public_kpi_values(counts((C, E, "TOTAL", "TOTAL", 7), (C, E, "SEX", "F", 3), (C, E, "SEX", "M", 4)))
    assert list(public.status) == ["suppressed"] * 3 and public.suppressed.all()
    assert public[["value", "numerator", "denominator"]].isna().all().all()


def test_a_zero_denominator_is_not_applicable(kpi_table):
    # 0 of 0: no rate exists. Public row: numerator 0, denominator 0, value empty, not_applicable.
    public = public_kpi_values(kpi_table([(C, E, "TOTAL", "TOTAL", 0, 0, None)], kpi_id="p", unit="percent"))
    only = public.iloc[0]
    assert (only.numerator, only.denominator, only.status, bool(only.suppressed)) == (0, 0, "not_applicable", False)
    assert math.isnan(only.value)


@pytest.mark.parametrize(("values", "expected"), [(8, (20.0, 10, "available")), (7, (None, None, "suppressed"))])
def test_a_median_of_exactly_8_values_is_published_and_of_7_withheld(kpi_table, values, expected):
    # A median of 19.5 days over 8 values: 20 days (whole days, halves up), 8 values -> 10. Over 7: withheld.
    public = public_kpi_values(kpi_table([(C, E, "TOTAL", "TOTAL", None, values, 19.5)], kpi_id="m", unit="days"))
    only = public.iloc[0]
    shown = (None if math.isnan(only.value) else only.value, None if math.isnan(only.denominator) else only.denominator)
    assert (*shown, only.status) == expected


def test_a_total_that_is_itself_suppressed(counts):
    # TOTAL 6 = F 6 + M 0: the TOTAL (6) and F (6) are small; M's 0 is published (a zero gives nothing away).
    public = public_kpi_values(counts((C, E, "TOTAL", "TOTAL", 6), (C, E, "SEX", "F", 6), (C, E, "SEX", "M", 0)))
    assert list(public.status) == ["suppressed", "suppressed", "available"]
    assert list(public.value.fillna(-1)) == [-1, -1, 0]


def test_a_breakdown_with_a_single_non_zero_cell(counts):
    # TOTAL 40 = ASD 40 + SLCN 0 + VI 0: nothing small, so every row is published, rounded: 40, 40, 0, 0.
    # With TOTAL 5 = ASD 5 + SLCN 0: both withheld (the 0 stays: it reveals nothing about the 5).
    public = public_kpi_values(counts((C, E, "TOTAL", "TOTAL", 40), (C, E, "PRIMARY_NEED", "ASD", 40),
                                      (C, E, "PRIMARY_NEED", "SLCN", 0), (C, E, "PRIMARY_NEED", "VI", 0)))
    assert list(public.value) == [40, 40, 0, 0] and (public.status == "available").all()
    small = public_kpi_values(counts((C, E, "TOTAL", "TOTAL", 5), (C, E, "PRIMARY_NEED", "ASD", 5),
                                     (C, E, "PRIMARY_NEED", "SLCN", 0), kpi_id="small"))
    assert list(small.status) == ["suppressed", "suppressed", "available"]


def test_the_summary_counts_primary_and_secondary_suppression(counts):
    # TOTAL 37 = ASD 12 + SLCN 20 + VI 5: VI withheld for itself (primary), ASD to protect it (secondary).
    table = counts((C, E, "TOTAL", "TOTAL", 37), (C, E, "PRIMARY_NEED", "ASD", 12),
                   (C, E, "PRIMARY_NEED", "SLCN", 20), (C, E, "PRIMARY_NEED", "VI", 5))
    settings = DisclosureSettings()
    summary = disclosure_summary({"kpi_values": (primary_suppression(table, settings),
                                                 public_kpi_values(table, settings))}, settings)
    cells = {"available": 2, "suppressed": 2, "not_applicable": 0, "not_available": 0}
    assert summary == {"threshold": 7, "rounding_base": 5, "primary_suppressed": 1, "secondary_suppressed": 1,
                       "cells": cells, "withheld_by_table": {"kpi_values": 2}, "tables": {"kpi_values": cells}}


def test_the_summary_adds_up_every_controlled_table_but_not_repeated_rows(counts, crosswalk):
    # kpi_values: VI (5) and ASD withheld as above; the crosswalk: 04Y's 5 withheld and 195 with it
    # (its population 1000 is published), 05D's 6 and 0 beside its total 6 withheld;
    # kpi_comparators' rows repeat kpi_values rows: listed, not added again.
    table = counts((C, E, "TOTAL", "TOTAL", 37), (C, E, "PRIMARY_NEED", "ASD", 12),
                   (C, E, "PRIMARY_NEED", "SLCN", 20), (C, E, "PRIMARY_NEED", "VI", 5))
    settings = DisclosureSettings()
    public = public_kpi_values(table, settings)
    public_walk = public_crosswalk(crosswalk, settings)
    summary = disclosure_summary({"kpi_values": (primary_suppression(table, settings), public),
                                  "sub_icb_district_crosswalk": (crosswalk_primary_suppression(crosswalk, settings),
                                                                 public_walk)},
                                 settings, {"kpi_comparators": public.head(1)})
    assert summary["tables"]["sub_icb_district_crosswalk"]["suppressed"] == 4
    assert summary["tables"]["kpi_comparators"] == {"available": 1, "suppressed": 0, "not_applicable": 0,
                                                   "not_available": 0}
    assert summary["cells"]["suppressed"] == 2 + 4
    assert (summary["primary_suppressed"], summary["secondary_suppressed"]) == (1 + 3, 1 + 1)
