"""The geographies seed (``dbt_project/seeds/geographies.csv``), the one owner of geography codes,
as disclosure control needs it: which areas add up to which whole; and the DfE's own geography of
England and its local authorities, as the bundled DfE release (``reference/dfe/``) gives it."""
from __future__ import annotations

import csv
from functools import cache

from connectors.contracts import REFERENCE_DIR
from publication.dbt_manifest import DBT_PROJECT_DIR

GEOGRAPHIES_SEED = DBT_PROJECT_DIR / "seeds" / "geographies.csv"
DFE_RELEASE_DIR = REFERENCE_DIR / "dfe"
# the geography columns of the DfE's data files, outermost first
DFE_COUNTRY = ("country_code", "country_name")
DFE_LOCAL_AUTHORITY = (*DFE_COUNTRY, "region_code", "region_name", "new_la_code", "old_la_code", "la_name")


@cache
def whole_of_area() -> dict[tuple[str, str], tuple[str, str]]:
    """(level, code) of every area in the county (its districts and sub-ICBs) -> (level, code) of the county."""
    with GEOGRAPHIES_SEED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    (county,) = [(r["geography_level"], r["geography_code"]) for r in rows if r["geography_level"] == "COUNTY"]
    return {(r["geography_level"], r["geography_code"]): county for r in rows
            if r["geography_level"] != "COUNTY" and r["in_county"] == "true"}


@cache
def dfe_areas() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """England's ``DFE_COUNTRY`` columns, and each local authority's ``DFE_LOCAL_AUTHORITY`` columns by its
    ``new_la_code``, as the newest bundled DfE release file has them (its latest period wins)."""
    newest = max(DFE_RELEASE_DIR.glob("*.csv"), key=lambda path: (path.stem.rsplit("_", 1)[-1], path.name))
    with newest.open(encoding="utf-8-sig", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda row: row["time_period"])
    (country,) = {tuple(row[c] for c in DFE_COUNTRY) for row in rows if row["geographic_level"] == "National"}
    authorities = {row["new_la_code"]: {c: row[c] for c in DFE_LOCAL_AUTHORITY}
                   for row in rows if row["geographic_level"] == "Local authority"}
    return dict(zip(DFE_COUNTRY, country)), authorities
