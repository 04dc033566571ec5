"""The board report's comparators: each KPI the DfE also publishes, county vs region vs England,
the January reconciliation of the warehouse's plan count with the DfE's, and the calendar-year
measures beside the DfE's (marts ``kpi_comparators``, ``ehcp_reconciliation`` and
``ehcp_flow_reconciliation``; nothing is shown before they are built)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from reporting.figures import table_exists

# The board report's comparator columns, in order, with their headings.
COMPARATORS = {
    "WAREHOUSE": "Staffordshire (local data)",
    "STAFFORDSHIRE": "Staffordshire (DfE)",
    "REGION": "West Midlands (DfE)",
    "ENGLAND": "England (DfE)",
}
# A published row's status when it has no value, in the board's words (kpi_values' status).
STATUS_TEXT = {"suppressed": "withheld to protect small numbers", "not_applicable": "cannot be calculated",
               "not_available": "not available from the source"}


@dataclass(frozen=True)
class Figure:
    """One comparator's value of a KPI row, ready to show."""

    text: str  # e.g. "8,461" or "36.3%", or why it is missing
    period: str
    missing: bool = False


@dataclass(frozen=True)
class Comparison:
    """One KPI row: its name, the four comparators and Staffordshire's ranks."""

    name: str
    breakdown_value: str | None  # None for the KPI's total
    figures: dict[str, Figure] = field(default_factory=dict)
    neighbour_rank: str | None = None  # "3rd of 11"
    england_rank: str | None = None


@dataclass(frozen=True)
class Reconciliation:
    census_date: date
    period_label: str
    warehouse_ehcp_count: float
    dfe_ehcp_count: float | None
    difference: float | None
    difference_percent: float | None
    dfe_missing_reason: str | None


@dataclass(frozen=True)
class FlowReconciliation:
    """A calendar-year measure: the warehouse's figure from the SEN2 return beside the DfE's."""

    name: str
    period_label: str
    warehouse: Figure
    dfe: Figure
    difference: str  # "+3" plans or "-1.2 points", or "–" when either figure is missing


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _shown(value: float | None, unit: str, missing_reason: str | None) -> tuple[str, bool]:
    if value is None:
        return missing_reason or "not published", True
    return (f"{value:,.0f}" if unit == "count" else f"{value:.1f}%"), False


def comparisons(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """The KPI rows of kpi_comparators in catalogue order, totals before their breakdowns."""
    if not (table_exists(con, "marts.kpi_comparators") and table_exists(con, "marts.kpi_catalogue")):
        return []
    cursor = con.execute("""
        select b.kpi_id, c.name, b.breakdown, b.breakdown_value, b.unit, b.comparator, b.value,
               b.missing_reason, b.period_label, b.neighbour_rank, b.neighbour_areas, b.england_rank,
               b.england_areas, b.status, c.kpi_order
        from marts.kpi_comparators b
        join (select kpi_id, name, row_number() over () as kpi_order from marts.kpi_catalogue) c using (kpi_id)
        where list_contains(?, b.comparator)
        order by c.kpi_order, b.breakdown != 'TOTAL', b.breakdown_value
    """, [list(COMPARATORS)])
    names = [d[0] for d in cursor.description]
    rows: dict[tuple, Comparison] = {}
    for record in (dict(zip(names, r)) for r in cursor.fetchall()):
        key = (record["kpi_id"], record["breakdown"], record["breakdown_value"])
        comparison = rows.setdefault(key, Comparison(
            record["name"], None if record["breakdown"] == "TOTAL" else record["breakdown_value"]))
        # a public warehouse row withheld by disclosure control has a status and no missing_reason
        text, missing = _shown(record["value"], record["unit"],
                               record["missing_reason"] or STATUS_TEXT.get(record["status"]))
        comparison.figures[record["comparator"]] = Figure(text, record["period_label"], missing)
        if record["comparator"] == "STAFFORDSHIRE" and record["neighbour_rank"] is not None:
            rows[key] = Comparison(
                comparison.name, comparison.breakdown_value, comparison.figures,
                f"{_ordinal(record['neighbour_rank'])} of {record['neighbour_areas']}",
                f"{_ordinal(record['england_rank'])} of {record['england_areas']}")
    return list(rows.values())


def reconciliations(con: duckdb.DuckDBPyConnection) -> list[Reconciliation]:
    if not table_exists(con, "marts.ehcp_reconciliation"):
        return []
    cursor = con.execute("""
        select census_date, period_label, warehouse_ehcp_count, dfe_ehcp_count,
               difference, difference_percent, dfe_missing_reason
        from marts.ehcp_reconciliation order by census_date desc
    """)
    return [Reconciliation(*r) for r in cursor.fetchall()]


def flow_reconciliations(con: duckdb.DuckDBPyConnection) -> list[FlowReconciliation]:
    """The calendar-year measures, newest year first, in catalogue order within a year."""
    if not (table_exists(con, "marts.ehcp_flow_reconciliation") and table_exists(con, "marts.kpi_catalogue")):
        return []
    cursor = con.execute("""
        select c.name, r.period_label, r.unit, r.warehouse_value, r.status, r.dfe_value, r.dfe_missing_reason,
               r.difference
        from marts.ehcp_flow_reconciliation r
        join (select kpi_id, name, row_number() over () as kpi_order from marts.kpi_catalogue) c using (kpi_id)
        order by r.period_end desc, c.kpi_order
    """)
    found = []
    for name, period, unit, warehouse, status, dfe, missing_reason, difference in cursor.fetchall():
        shown = [_shown(warehouse, unit, status.replace("_", " ")), _shown(dfe, unit, missing_reason)]
        if difference is None:
            change = "–"
        else:
            change = f"{difference:+,.0f}" if unit == "count" else f"{difference:+.1f} points"
        found.append(FlowReconciliation(name, period, *(Figure(text, period, missing) for text, missing in shown),
                                        change))
    return found
