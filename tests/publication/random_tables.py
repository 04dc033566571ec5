"""Random hard tables for the disclosure tests: counts by district x sex x need (a quarter zeros,
a third small: cells of 1-8 beside their totals), every geography's rows and the sums between them."""
import itertools

import numpy as np
import pandas as pd

from publication.geographies import whole_of_area

SEXES = ("F", "M")
DISTRICTS = sorted(area for area in whole_of_area() if area[0] == "DISTRICT")  # the county's, from the seed
COUNTY = whole_of_area()[DISTRICTS[0]]
NEEDS = ("ASD", "SLCN", "SEMH", "MLD")


def random_cells(rng: np.random.Generator) -> np.ndarray:
    """Counts by district x sex x need: a quarter zeros, a third small, the rest 8 to 60."""
    shape = (int(rng.integers(2, 6)), len(SEXES), int(rng.integers(2, len(NEEDS) + 1)))
    kind = rng.choice(3, size=shape, p=[0.25, 0.35, 0.40])
    return np.choose(kind, [np.zeros(shape, int), rng.integers(1, 8, shape), rng.integers(8, 61, shape)])


def table_and_relations(cells: np.ndarray) -> tuple[pd.DataFrame, list[tuple]]:
    """The count rows of every geography, and the relations (total key, child keys) between them."""
    geographies = {district: cells[d] for d, district in enumerate(DISTRICTS[: cells.shape[0]])}
    geographies[COUNTY] = cells.sum(axis=0)
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
            relations.append(((*COUNTY, breakdown, value),
                              [("DISTRICT", d, breakdown, value) for d in districts]))
    columns = ["geography_level", "geography_code", "breakdown", "breakdown_value", "n"]
    return pd.DataFrame(rows, columns=columns), relations


def kpis(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(kpi_id="ehcp_count", reporting_date="2025-07-31", numerator=table.n, denominator=np.nan,
                        value=table.n.astype(float), unit="count", method="DIRECT", suppressed=False,
                        status="available").drop(columns="n")
