"""The attacker of disclosure.md: the public ``kpi_values`` rows, the code and the tables' shape.

Every count of a row (``value`` of a count, else ``numerator`` and ``denominator``) is an
unknown. A published count pins its unknown to the counts that round to it and are not
small (or to 0); a withheld one is only known to be 0 or more (at least 1 where it is the
row's only count). The relations are the sums the tables publish, each given by the
``relations`` argument as (total row, child rows, whether the children cover the total
exactly): breakdown cells and their TOTAL, cross-tabulation cells and their margins, the
areas of a geography and the whole it lies in, and each apportioned district row to the
sub-ICB rows it was apportioned from, each times its crosswalk weight (rule 6; the attacker
is assumed to know the exact weights). That relation is there to recover sub-ICB counts: an
apportioned figure is the sub-ICBs' counts times public weights, an estimate rather than a
count of people, so it is attacked through the other relations only. Where a breakdown's cells
add up to more than their total (a person can be in several: reasonable-adjustment impairments, or
shares that all carry the total's denominator), each cell is at most the total. Across reporting
dates (``history_relations``), a cell's count of events in a period (``period_start`` before
``period_end``: the 12 months to the date) is the sum of the spans of days between the periods'
bounds, hidden counts that no table publishes: this month's 12 months minus last month's is the
month that came in minus the month that left. Later geographies add relations, not a new attack.

``reconciliation_counts`` and ``crosswalk_counts`` turn the other public tables that carry
counts into such rows, so the same attack reads them. Any published count that only small
counts round to is a failure of primary suppression.

For every withheld count the attacker solves two linear programmes over the relations that
reach it through withheld counts (the published counts in them free within their rounding
intervals): its least and greatest value. A count whose range holds a single whole number
above 0 is recovered; where the relaxation leaves less than two whole numbers the integer
programme decides.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from publication.disclosure import DisclosureSettings, apportioned_from, apportionment_weights
from publication.geographies import whole_of_area

KEY = ["geography_level", "geography_code", "breakdown", "breakdown_value"]
TOTAL = "TOTAL"


@dataclass(frozen=True)
class Relation:
    """Rows of one table: the ``children`` (times ``weights``, all 1 if None) add up to the ``total``
    (``exact``), or to at most it."""

    total: int
    children: tuple[int, ...]
    exact: bool
    weights: tuple[float, ...] | None = None

    def coefficients(self) -> np.ndarray:
        return np.ones(len(self.children)) if self.weights is None else np.array(self.weights)


@dataclass(frozen=True)
class Recovery:
    """A withheld count the attacker pinned down (``low == high``)."""

    kpi_id: str
    key: tuple
    measure: str
    low: float
    high: float
    reporting_date: str = ""


def shape_relations(rows: pd.DataFrame, whole_of: dict[tuple[str, str], tuple[str, str]],
                    weights: dict[str, dict[str, float]] | None = None) -> list[Relation]:
    """The sums a table of one KPI and date publishes: a breakdown's cells to its TOTAL, a
    cross-tabulation's cells to each margin, the ``DIRECT`` rows of the areas in
    ``whole_of`` (area -> whole) to the whole's row of the same breakdown value, and each
    ``APPORTIONED`` row to its sub-ICB rows times ``weights`` (district -> sub-ICB -> weight).
    Whether a sum is exact is left to ``exactness``."""
    keys = [tuple(k) for k in rows[KEY].itertuples(index=False)]
    position = {key: i for i, key in enumerate(keys)}
    children = defaultdict(list)
    apportioned = []
    for i, (level, code, breakdown, value) in enumerate(keys):
        sources = apportioned_from(level, code, breakdown, value, rows["method"].iat[i], weights or {})
        if sources and all(source in position for source, _ in sources):
            apportioned.append(Relation(i, tuple(position[source] for source, _ in sources), exact=True,
                                        weights=tuple(weight for _, weight in sources)))
        if breakdown != TOTAL:
            children[(level, code, TOTAL, TOTAL), breakdown].append(i)
            parts, values = breakdown.split("|"), value.split("|")
            for drop in range(len(parts) if len(parts) > 1 else 0):
                margin = "|".join(parts[:drop] + parts[drop + 1:]), "|".join(values[:drop] + values[drop + 1:])
                children[(level, code, *margin), breakdown, drop].append(i)
        if rows["method"].iat[i] == "DIRECT" and (level, code) in whole_of:
            children[(*whole_of[level, code], breakdown, value), level].append(i)
    return [Relation(position[parent], tuple(rows_), exact=True)
            for (parent, *_), rows_ in children.items() if parent in position] + apportioned


def measures(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """(public column, name) of the counts each unit has."""
    return [("value", "count")] if rows["unit"].iat[0] == "count" else [("numerator", "numerator"),
                                                                         ("denominator", "denominator")]


def attack(public: pd.DataFrame, restricted: pd.DataFrame,
           whole_of: dict[tuple[str, str], tuple[str, str]] | None = None,
           settings: DisclosureSettings = DisclosureSettings(), crosswalk: pd.DataFrame | None = None
           ) -> list[Recovery]:
    """Every withheld count of ``public`` (one or more reporting dates) the attacker pins down.
    ``restricted`` (same rows) only says which sums hold and which counts exist — the shape a reader
    knows from the spec. ``crosswalk`` (its exact weights) gives the apportioned rows' relations;
    needed when there are any."""
    whole_of = whole_of_area() if whole_of is None else whole_of
    assert crosswalk is not None or not (public["method"] == "APPORTIONED").any(), "apportioned rows need weights"
    weights = apportionment_weights(crosswalk)
    found = _published_small_counts(public, settings)
    for kpi_id, rows in public.groupby("kpi_id", sort=False):
        truth = restricted.loc[rows.index]
        for relations, unknowns, frame in _blocks(rows.reset_index(drop=True), truth.reset_index(drop=True),
                                                  whole_of, weights):
            # a count of people through every relation; an apportioned estimate (sub-ICB counts times
            # public weights) through the relations other than the one it is made by
            found += _attack_block(kpi_id, frame, relations, unknowns, settings, "DIRECT")
            found += _attack_block(kpi_id, frame, [r for r in relations if r.weights is None], unknowns, settings,
                                   "APPORTIONED")
    return found


def history_relations(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[list[Relation]]]:
    """The sums across reporting dates of one KPI's rows: per cell (geography and breakdown), its
    direct rows counting a period (``period_start`` before ``period_end``), where the cell has
    several, are sums of hidden counts, one per span of days between the periods' bounds. Returns
    ``rows`` with a ``hidden`` row appended per span, and each cell's relations."""
    if not {"period_start", "period_end"} <= set(rows.columns):
        return rows, []
    start, end = (pd.to_datetime(rows[column]) for column in ("period_start", "period_end"))
    periods = rows[(start < end) & (rows["method"] == "DIRECT")]
    hidden, series = [], []
    for key, cell in periods.groupby(KEY, sort=False):
        if len(cell) < 2:
            continue
        bounds = sorted({*start[cell.index], *(end[cell.index] + pd.Timedelta(days=1))})
        first = len(rows) + len(hidden)
        spans = list(zip(bounds, bounds[1:]))
        hidden += [dict(zip(KEY, key), kpi_id=cell["kpi_id"].iat[0], unit=cell["unit"].iat[0], method="DIRECT",
                        status="hidden", reporting_date=f"{a.date()}..{b.date()}") for a, b in spans]
        series.append([Relation(int(i), tuple(first + k for k, (a, b) in enumerate(spans)
                                              if a >= start[i] and b <= end[i] + pd.Timedelta(days=1)), exact=True)
                       for i in cell.index])
    if not hidden:
        return rows, []
    return pd.concat([rows, pd.DataFrame.from_records(hidden)], ignore_index=True), series


def _published_small_counts(public: pd.DataFrame, settings: DisclosureSettings) -> list[Recovery]:
    """Published counts that only small counts (1 to the threshold) round to: primary suppression's failures."""
    found = []
    half = settings.rounding_base / 2
    for i in range(len(public)):
        row = public.iloc[i]
        for column, name in measures(public.iloc[[i]]):
            published = row[column]
            if (row["status"] != "suppressed" and not pd.isna(published) and published > 0
                    and published + half <= settings.threshold + 1):
                found.append(Recovery(row["kpi_id"], tuple(row[KEY]), name, max(published - half, 0.0),
                                      published + half))
    return found


def reconciliation_counts(reconciliation: pd.DataFrame, county: tuple[str, str]) -> pd.DataFrame:
    """``ehcp_reconciliation`` as count rows the attack reads: per census day, the plans the council
    maintains (TOTAL)."""
    rows = [{"kpi_id": "ehcp_reconciliation", "reporting_date": r.census_date, "geography_level": county[0],
             "geography_code": county[1], "breakdown": "TOTAL", "breakdown_value": "TOTAL",
             "value": r.warehouse_ehcp_count, "numerator": r.warehouse_ehcp_count, "denominator": np.nan,
             "unit": "count", "method": "DIRECT", "status": r.status} for r in reconciliation.itertuples()]
    return pd.DataFrame.from_records(rows)


def crosswalk_counts(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """``sub_icb_district_crosswalk`` as count rows the attack reads: each sub-ICB's population
    (TOTAL) and its populations by destination (LAD), which add up to it. A weight is the ratio
    of the published populations, so it tells nothing more; a count is withheld where it is empty."""
    rows = []
    for sub_icb, block in crosswalk.groupby("sub_icb_code", sort=False):
        cells = [("TOTAL", "TOTAL", block["sub_icb_population"].iat[0])]
        cells += list(zip(["LAD"] * len(block), block["lad_code"], block["population"]))
        rows += [{"kpi_id": "sub_icb_district_crosswalk", "reporting_date": "", "geography_level": "SUB_ICB",
                  "geography_code": sub_icb, "breakdown": breakdown, "breakdown_value": value, "value": count,
                  "numerator": count, "denominator": np.nan, "unit": "count", "method": "DIRECT",
                  "status": "suppressed" if pd.isna(count) else "available"} for breakdown, value, count in cells]
    return pd.DataFrame.from_records(rows)


def _blocks(rows, truth, whole_of, weights) -> Iterator[tuple[list, list, pd.DataFrame]]:
    """Per unit of a KPI (rows of one unit share the sums), the relations per measure, the unknowns
    and the rows they are positions in (the unit's rows, then the hidden ones)."""
    for _, unit_rows in rows.groupby("unit", sort=False):
        local = unit_rows.reset_index(drop=True)
        shape = [replace(r, total=int(day.index[r.total]), children=tuple(int(day.index[c]) for c in r.children))
                 for _, day in local.groupby("reporting_date", sort=False)
                 for r in shape_relations(day.reset_index(drop=True), whole_of, weights)]
        frame, history = history_relations(local)
        for column, name in measures(local):
            values = np.full(len(frame), np.nan)
            values[: len(local)] = truth.loc[unit_rows.index, column].to_numpy(dtype="float64", na_value=np.nan)
            relations = [held for r in shape for held in _held(r, values)]
            relations += [r for cell in history for r in _holding(cell, values)]
            yield relations, [(i, column, name) for i in range(len(frame))
                              if i >= len(local) or not math.isnan(values[i])], frame


def _held(relation: Relation, values: np.ndarray) -> list[Relation]:
    """The relation as the restricted figures hold it: exact, or at most; where the children exceed
    the total (a person in several cells), each unweighted child at most the total."""
    total, children = values[relation.total], values[list(relation.children)] @ relation.coefficients()
    tolerance = 1e-9 * max(1.0, abs(total))
    if math.isnan(total) or math.isnan(children):
        return []
    if children > total + tolerance:
        return [] if relation.weights is not None else [
            Relation(relation.total, (child,), exact=False) for child in relation.children
            if values[child] <= total + tolerance]
    return [replace(relation, exact=bool(abs(children - total) < tolerance))]


def _holding(cell: list[Relation], values: np.ndarray) -> list[Relation]:
    """A cell's sums across reporting dates, where its restricted counts can be such sums (hidden
    counts of 0 or more exist that give every one of them); else none."""
    cell = [r for r in cell if not math.isnan(values[r.total])]
    if not cell:
        return []
    spans = sorted({child for r in cell for child in r.children})
    column = {span: j for j, span in enumerate(spans)}
    matrix = np.zeros((len(cell), len(spans)))
    for i, r in enumerate(cell):
        matrix[i, [column[child] for child in r.children]] = 1.0
    feasible = linprog(np.zeros(len(spans)), A_eq=matrix, b_eq=values[[r.total for r in cell]],
                       bounds=(0, None), method="highs")
    return cell if feasible.status == 0 else []


def _attack_block(kpi_id, rows, relations, unknowns, settings, method) -> list[Recovery]:
    """The recovered withheld counts of the rows of ``method``."""
    withheld = {u for u in unknowns if rows["status"].iat[u[0]] in ("suppressed", "hidden")}
    targets = {u for u in withheld if rows["status"].iat[u[0]] == "suppressed" and rows["method"].iat[u[0]] == method}
    if not targets:
        return []
    variable = {u[0]: j for j, u in enumerate(unknowns)}
    bounds = [_bounds(rows, row, column, settings) for row, column, _ in unknowns]
    integral = [rows["method"].iat[row] == "DIRECT" for row, _, _ in unknowns]
    by_row = defaultdict(list)
    for r in relations:
        if any(variable.get(row) is not None and unknowns[variable[row]] in withheld
               for row in (r.total, *r.children)):
            for row in (r.total, *r.children):
                by_row[row].append(r)
    found = []
    for component in _components(withheld, by_row):
        if targets.isdisjoint(component):
            continue
        comp_relations = list({id(r): r for u in component for r in by_row[u[0]]}.values())
        rows_in = sorted({row for r in comp_relations for row in (r.total, *r.children)} | {u[0] for u in component})
        local = {row: k for k, row in enumerate(rows_in)}
        matrix = np.zeros((len(comp_relations), len(rows_in)))
        for i, r in enumerate(comp_relations):
            matrix[i, local[r.total]] = 1.0
            for child, weight in zip(r.children, r.coefficients()):
                matrix[i, local[child]] -= weight
        lower = np.zeros(len(comp_relations))
        upper = np.array([0.0 if r.exact else np.inf for r in comp_relations])
        low_b = np.array([bounds[variable[row]][0] for row in rows_in])
        high_b = np.array([bounds[variable[row]][1] for row in rows_in])
        kinds = np.array([integral[variable[row]] for row in rows_in], dtype=int)
        for unknown in sorted(targets.intersection(component)):
            k = local[unknown[0]]
            low, high = (_optimum(matrix, lower, upper, low_b, high_b, kinds, k, sense) for sense in (1, -1))
            if kinds[k] and math.isfinite(high) and (math.floor(high + 1e-6) - math.ceil(low - 1e-6)) < 1:
                low, high = (_optimum(matrix, lower, upper, low_b, high_b, kinds, k, sense, whole=True)
                             for sense in (1, -1))
            if high - low < 1e-6 and high > 1e-6:
                found.append(Recovery(kpi_id, tuple(rows.loc[unknown[0], KEY]), unknown[2], low, high,
                                      str(rows.loc[unknown[0], "reporting_date"])))
    return found


def _components(withheld: set, by_row: dict) -> Iterator[list]:
    """Withheld counts linked through relations that hold withheld counts."""
    rows = {u[0]: u for u in withheld}
    seen = set()
    for start in sorted(rows):
        if start in seen:
            continue
        component, stack = [], [start]
        seen.add(start)
        while stack:
            row = stack.pop()
            component.append(rows[row])
            for r in by_row[row]:
                for other in (r.total, *r.children):
                    if other in rows and other not in seen:
                        seen.add(other)
                        stack.append(other)
        yield component


def _bounds(rows, row, column, settings) -> tuple[float, float]:
    """What the public row says of its count: the rounding interval above the threshold, 0, or 0 and
    up; a hidden count (a span of days across reporting dates) is 0 or more."""
    if rows["status"].iat[row] == "hidden":
        return 0.0, np.inf
    published = rows[column].iat[row]
    if rows["status"].iat[row] == "suppressed" or pd.isna(published):
        alone = len(measures(rows)) == 1
        return (1.0 if alone and rows["method"].iat[row] == "DIRECT" else 0.0), np.inf
    if published == 0:
        return 0.0, 0.0
    half = settings.rounding_base / 2  # the counts that round to it: [published - half, published + half)
    low = max(published - half, settings.threshold + 1)
    if rows["method"].iat[row] == "DIRECT":
        return math.ceil(low), math.ceil(published + half) - 1
    return low, published + half - 1e-9


def _optimum(matrix, lower, upper, low_b, high_b, kinds, k, sense, whole=False) -> float:
    cost = np.zeros(matrix.shape[1])
    cost[k] = sense
    if whole:
        result = milp(cost, constraints=LinearConstraint(matrix, lower, upper), integrality=kinds,
                      bounds=Bounds(low_b, high_b))
    else:
        finite = np.isfinite(upper)
        a_ub = np.vstack([matrix[finite], -matrix]) if finite.any() else -matrix
        b_ub = np.concatenate([upper[finite], -lower]) if finite.any() else -lower
        result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=list(zip(low_b, high_b)), method="highs")
    if result.status == 3:  # unbounded
        return -np.inf if sense == 1 else np.inf
    assert result.success, f"the public figures admit no restricted figures at all: {result.message}"
    return sense * result.fun


def recovered_pairs(public: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings(),
                    decimals: Iterable[int] = (1,)) -> list[tuple[int, tuple[int, int]]]:
    """The row attack of the v1 leak: for each public percentage row, the (numerator,
    denominator) pairs that round to its published counts and whose exact percentage gives its
    published value; the rows where exactly one pair is left, with that pair."""
    found = []
    half = settings.rounding_base // 2
    for i, row in public[(public.unit == "percent") & (public.status == "available")].iterrows():
        if not (row.numerator > 0 and row.denominator > 0):
            continue
        pairs = [(n, d) for n in range(int(row.numerator) - half, int(row.numerator) + half + 1)
                 for d in range(int(row.denominator) - half, int(row.denominator) + half + 1)
                 if 0 < n <= d and any(math.isclose(round(100 * n / d, places), row.value, abs_tol=1e-9)
                                       for places in decimals)]
        if len(pairs) == 1:
            found.append((i, pairs[0]))
    return found
