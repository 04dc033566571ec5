"""Expectation parameters read from their owners, bound to ``{"$PARAMETER": name}`` in any suite.

A suite never copies a code list another file owns: the KPI ids come from the KPI registry
(``kpis/registry.yml``), read when a suite is validated.
"""
from __future__ import annotations

from kpis import registry


def reference_parameters() -> dict[str, list[str]]:
    """The parameters every suite may use, by name."""
    return {"catalogue_kpi_ids": list(registry().ids)}
