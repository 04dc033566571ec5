"""The attack of disclosure.md on small hand-built tables designed to be hard: it recovers
nothing from the public tier, and recovers counts once a protection is taken away."""
import numpy as np
import pandas as pd
import pytest

import publication.disclosure as disclosure
from publication.disclosure import DisclosureSettings, public_kpi_values
from tests.publication.attacker import attack, recovered_pairs
from tests.publication.random_tables import kpis, random_cells, table_and_relations

TABLES = 60
EXACT = object.__new__(DisclosureSettings)  # counts published as they are, which the settings refuse
object.__setattr__(EXACT, "threshold", 7)
object.__setattr__(EXACT, "rounding_base", 1)


def hard_tables(count: int = TABLES):
    for seed in range(count):
        table, _ = table_and_relations(random_cells(np.random.default_rng(seed)))
        yield seed, kpis(table)


@pytest.mark.parametrize("settings", [DisclosureSettings(), DisclosureSettings(threshold=7, rounding_base=2),
                                      DisclosureSettings(threshold=10, rounding_base=10)],
                         ids=["7-and-5", "7-and-2", "10-and-10"])
def test_no_count_is_recovered_from_hard_tables(settings):
    for seed, restricted in hard_tables():
        public = public_kpi_values(restricted, settings)
        assert attack(public, restricted, settings=settings) == [], f"seed {seed}"


def test_counts_published_exactly_are_refused_since_bounds_would_pin_withheld_ones():
    with pytest.raises(ValueError, match="rounding_base >= 2"):
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
