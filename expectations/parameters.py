"""Expectation parameters read from their owners, bound to ``{"$PARAMETER": name}`` in any suite.

A suite never copies a code list another file owns: the KPI ids come from the dbt seed
``kpi_catalogue.csv`` (the KPI catalogue), read when a suite is validated.
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

KPI_CATALOGUE = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "kpi_catalogue.csv"


@cache
def catalogue_kpi_ids() -> tuple[str, ...]:
    """Every KPI id of the catalogue, in its order."""
    with KPI_CATALOGUE.open(newline="", encoding="utf-8") as rows:
        return tuple(row["kpi_id"] for row in csv.DictReader(rows))


def reference_parameters() -> dict[str, list[str]]:
    """The parameters every suite may use, by name."""
    return {"catalogue_kpi_ids": list(catalogue_kpi_ids())}
