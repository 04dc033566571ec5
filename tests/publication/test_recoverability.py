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
import itertools

import numpy as np
import pandas as pd
import pytest

from publication.disclosure import DisclosureSettings, public_kpi_values

SEXES = ("F", "M")
NEEDS = ("ASD", "SLCN", "SEMH", "MLD")
TABLES = 300


def random_cells(rng: np.random.Generator) -> np.ndarray:
    """Counts by district x sex x need: a quarter zeros, a third small, the rest 8 to 60."""
    shape = (int(rng.integers(2, 6)), len(SEXES), int(rng.integers(2, len(NEEDS) + 1)))
    kind = rng.choice(3, size=shape, p=[0.25, 0.35, 0.40])
    return np.choose(kind, [np.zeros(shape, int), rng.integers(1, 8, shape), rng.integers(8, 61, shape)])


def table_and_relations(cells: np.ndarray) -> tuple[pd.DataFrame, list[tuple]]:
    """The count rows of every geography, and the relations (total key, child keys) between them."""
    geographies = {("DISTRICT", f"D{d}"): cells[d] for d in range(cells.shape[0])}
    geographies["COUNTY", "E10000028"] = cells.sum(axis=0)
    needs = NEEDS[: cells.shape[2]]
    rows, relations = [], []
    for (level, code), grid in geographies.items():
        def key(breakdown, value, level=level, code=code):
            return level, code, breakdown, value
        rows.append((*key("TOTAL", "TOTAL"), grid.sum()))
        rows += [(*key("SEX", s), grid[i].sum()) for i, s in enumerate(SEXES)]
        rows += [(*key("PRIMARY_NEED", n), grid[:, j].sum()) for j, n in enumerate(needs)]
        rows += [(*key("SEX|PRIMARY_NEED", f"{s}|{n}"), grid[i, j])
                 for (i, s), (j, n) in itertools.product(enumerate(SEXES), enumerate(needs))]
        total = key("TOTAL", "TOTAL")
        relations += [(total, [key("SEX", s) for s in SEXES]), (total, [key("PRIMARY_NEED", n) for n in needs]),
                      (total, [key("SEX|PRIMARY_NEED", f"{s}|{n}") for s in SEXES for n in needs])]
        relations += [(key("SEX", s), [key("SEX|PRIMARY_NEED", f"{s}|{n}") for n in needs]) for s in SEXES]
        relations += [(key("PRIMARY_NEED", n), [key("SEX|PRIMARY_NEED", f"{s}|{n}") for s in SEXES]) for n in needs]
    districts = [code for level, code in geographies if level == "DISTRICT"]
    for level, _, breakdown, value, _ in rows:
        if level == "COUNTY":
            relations.append((("COUNTY", "E10000028", breakdown, value),
                              [("DISTRICT", d, breakdown, value) for d in districts]))
    columns = ["geography_level", "geography_code", "breakdown", "breakdown_value", "n"]
    return pd.DataFrame(rows, columns=columns), relations


def kpis(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(kpi_id="ehcp_count", reporting_date="2025-07-31", numerator=table.n, denominator=np.nan,
                        value=table.n.astype(float), unit="count", method="DIRECT", suppressed=False,
                        status="available").drop(columns="n")


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
