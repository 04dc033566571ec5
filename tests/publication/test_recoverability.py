"""Property: over many random tables, no withheld count can be worked out from the public tier.

What a reader has: every published count, taken as exact (rounding does not hide counts,
since percentages are published from the unrounded figures); the knowledge that a withheld
count is at least 1 (zeros are shown); and the relations between rows (district cells add up
to the county, breakdown cells to their TOTAL, cross-tabulation cells to each one-way row).
A withheld count is recovered exactly when

- it is the only unknown of a relation (a lone withheld child; a withheld total whose
  children are all published) — so every relation holds 0 or >= 2 withheld cells;
- it is among the withheld children of a published total that can only be 1 each;
- it follows from the relations together: its unit vector lies in the row space of the
  relations restricted to the withheld cells (checked here by matrix rank).

The relations are built here from the table's shape, independently of the module.
"""
import numpy as np
import pytest

from publication.disclosure import DisclosureSettings, public_kpi_values
from tests.publication.random_tables import kpis, random_cells, table_and_relations

TABLES = 300


def recoverable(relations: list[tuple], truth: dict, withheld: set) -> set:
    """The withheld keys that follow from the relations and the published counts."""
    found = set()
    unknowns = sorted(withheld)
    column = {key: j for j, key in enumerate(unknowns)}
    matrix = np.zeros((len(relations), len(unknowns)))
    for i, (total, children) in enumerate(relations):
        cells = [(total, 1)] + [(child, -1) for child in children]
        hidden = [(key, sign) for key, sign in cells if key in withheld]
        if len(hidden) == 1:
            found.add(hidden[0][0])
        if total not in withheld and hidden and all(truth[key] == 1 for key, _ in hidden):
            found.update(key for key, _ in hidden)
        for key, sign in hidden:
            matrix[i, column[key]] = sign
    rank = np.linalg.matrix_rank(matrix)
    for key, j in column.items():
        unit = np.zeros((1, len(unknowns)))
        unit[0, j] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(key)
    return found


@pytest.mark.parametrize("settings", [DisclosureSettings(), DisclosureSettings(threshold=10, rounding_base=10)],
                         ids=["7-and-5", "10-and-10"])
def test_no_withheld_count_can_be_recovered(settings):
    secondary = 0
    for seed in range(TABLES):
        table, relations = table_and_relations(random_cells(np.random.default_rng(seed)))
        public = public_kpi_values(kpis(table), settings)
        keys = list(zip(table.geography_level, table.geography_code, table.breakdown, table.breakdown_value))
        truth = dict(zip(keys, table.n))
        withheld = {key for key, hidden in zip(keys, public.suppressed) if hidden}

        small = {key for key, n in truth.items() if 1 <= n <= settings.threshold}
        assert small <= withheld, f"seed {seed}: a small count is published"
        assert all(truth[key] > 0 for key in withheld), f"seed {seed}: a zero is withheld"
        shown = public[~public.suppressed]
        assert (shown.value % settings.rounding_base == 0).all()
        assert (abs(shown.value - table.n[~public.suppressed]) <= settings.rounding_base / 2).all()
        assert public.value[public.suppressed].isna().all()
        for total, children in relations:
            hidden = sum(key in withheld for key in (total, *children))
            assert hidden != 1, f"seed {seed}: {total} and its children have one withheld cell"
        assert not recoverable(relations, truth, withheld), f"seed {seed}"
        secondary += len(withheld - small)
    assert secondary > TABLES  # the tables do exercise secondary suppression
