"""The geographies seed (``dbt_project/seeds/geographies.csv``), the one owner of geography codes,
as disclosure control needs it: which areas add up to which whole."""
from __future__ import annotations

import csv
from functools import cache

from publication.dbt_manifest import DBT_PROJECT_DIR

GEOGRAPHIES_SEED = DBT_PROJECT_DIR / "seeds" / "geographies.csv"


@cache
def whole_of_area() -> dict[tuple[str, str], tuple[str, str]]:
    """(level, code) of every area in the county (its districts and sub-ICBs) -> (level, code) of the county."""
    with GEOGRAPHIES_SEED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    (county,) = [(r["geography_level"], r["geography_code"]) for r in rows if r["geography_level"] == "COUNTY"]
    return {(r["geography_level"], r["geography_code"]): county for r in rows
            if r["geography_level"] != "COUNTY" and r["in_county"] == "true"}
