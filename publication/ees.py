"""The public KPI series in the layout of the DfE's Explore Education Statistics (EES) data files.

Made from the public ``kpi_history`` (already withheld and rounded) and the KPI catalogue, for
the public folder's ``ees/``: one data file per time-identifier family with its ``.meta.csv``.
A reporting date is a month: ``time_period`` its year, ``time_identifier`` its month's name (a
month with several reporting dates keeps the newest, the month's latest figures). Each row is a
month, an area and a combination of filters:

- geography: ``geographic_level`` with the DfE's columns (``country_*``, ``region_*``,
  ``new_la_code``, ``old_la_code``, ``la_name``; ``lad_code``, ``lad_name`` at district level),
  the county's codes from the geographies seed and its DfE codes from the bundled DfE release.
  Levels the DfE layout does not accept (``OTHER_LEVELS``) go in ``<file>_other_geographies.csv``,
  which follows the same conventions with its own ``<level>_code`` and ``<level>_name`` columns.
- filters: one column per breakdown (``sex``, ``primary_need``...), ``Total`` where a row is not
  broken down by it; every area and month holds every combination of the file, and every
  combination's totals, so the filter matrix is complete.
- indicators: per KPI its ``value`` (column ``<kpi_id>``), and ``<kpi_id>_numerator`` for rates
  and percentages and ``<kpi_id>_denominator`` for every KPI that has one. A figure the public
  tier withholds is ``c`` (suppressed), ``z`` (not applicable: a zero denominator, or a cell the
  KPI does not have, such as a breakdown or area it is not published for) or ``x`` (not available).
"""
from __future__ import annotations

import calendar
import itertools

import pandas as pd

from publication.disclosure import RATE_SCALES, TOTAL
from publication.geographies import DFE_LOCAL_AUTHORITY, dfe_areas, whole_of_area

FILE = "kpis_monthly"  # the only family: reporting dates are months
OTHER_FILE = f"{FILE}_other_geographies"
EES_LEVELS = {"COUNTY": "Local authority", "DISTRICT": "Local authority district"}
# level -> (geographic_level, prefix of its code and name columns)
OTHER_LEVELS = {"SUB_ICB": ("Sub-ICB location", "sub_icb")}
TIME_COLUMNS = ("time_period", "time_identifier", "geographic_level")
DISTRICT_COLUMNS = ("lad_code", "lad_name")
FILTER_TOTAL = "Total"
# a figure missing from its row, by the row's status (an available row lacks none the files publish)
SYMBOLS = {"suppressed": "c", "not_applicable": "z", "not_available": "x", "available": "x"}
NO_SUCH_CELL = "z"
META_COLUMNS = ("col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column")
UNIT_SYMBOLS = {"percent": "%"}


class EesLayoutError(ValueError):
    """The public KPI rows cannot be written in the DfE's layout."""


def ees_files(history: pd.DataFrame, catalogue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """File name -> rows of every EES file made from the public ``kpi_history``, with its meta file."""
    unknown = sorted(set(history["geography_level"]) - set(EES_LEVELS) - set(OTHER_LEVELS))
    if unknown:
        raise EesLayoutError(f"kpi_history: geography level(s) {unknown} have no place in the DfE layout "
                             "(publication.ees EES_LEVELS or OTHER_LEVELS)")
    dates = pd.Series(pd.to_datetime(history["reporting_date"]))
    history = history[dates.eq(dates.groupby(dates.dt.to_period("M")).transform("max")).to_numpy()]
    files = {}
    for name, levels in ((FILE, EES_LEVELS), (OTHER_FILE, OTHER_LEVELS)):
        rows = history[history["geography_level"].isin(levels)]
        if len(rows):
            files[f"{name}.csv"], files[f"{name}.meta.csv"] = _data_and_meta(rows, catalogue)
    return files


def _data_and_meta(rows: pd.DataFrame, catalogue: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One data file and its meta file."""
    breakdowns = list(dict.fromkeys(d for b in rows["breakdown"] if b != TOTAL for d in b.split("|")))
    dimensions = [breakdown.lower() for breakdown in breakdowns]
    indicators = _indicators(rows, catalogue)
    cells: dict[tuple, dict[str, object]] = {}
    places: dict[tuple, dict[str, str]] = {}
    for row in rows.itertuples(index=False):
        place = (row.reporting_date.year, row.reporting_date.month, row.geography_level, row.geography_code)
        if place not in places:
            places[place] = _geography(row)
        cell = cells.setdefault((place, _filters(row, breakdowns)), {})
        for column, source, *_ in indicators[row.kpi_id][1]:
            figure = getattr(row, source)
            cell[column] = SYMBOLS[row.status] if pd.isna(figure) else float(figure)
    combinations = sorted({total for _, filters in cells for total in _with_totals(filters)},
                          key=lambda filters: [(value != FILTER_TOTAL, value) for value in filters])
    columns = [column for _, kpi_columns in indicators.values() for column, *_ in kpi_columns]
    records = []
    for place, geography in sorted(places.items(), key=lambda item: _place_order(*item[0])):
        year, month, *_ = place
        for filters in combinations:
            cell = cells.get((place, filters), {})
            records.append({"time_period": str(year), "time_identifier": calendar.month_name[month], **geography,
                            **dict(zip(dimensions, filters)),
                            **{column: cell.get(column, NO_SUCH_CELL) for column in columns}})
    order = [*DFE_LOCAL_AUTHORITY, *DISTRICT_COLUMNS]
    geography_columns = sorted(dict.fromkeys(c for g in places.values() for c in g if c not in TIME_COLUMNS),
                               key=lambda c: order.index(c) if c in order else len(order))
    data = pd.DataFrame.from_records(records, columns=[*TIME_COLUMNS, *geography_columns, *dimensions, *columns])
    blank = dict.fromkeys(META_COLUMNS, "")
    meta = [blank | {"col_name": d, "col_type": "Filter", "label": d.replace("_", " ").capitalize()}
            for d in dimensions]
    meta += [blank | {"col_name": column, "col_type": "Indicator", "label": label, "indicator_grouping": name,
                      "indicator_unit": unit, "indicator_dp": str(dp)}
             for name, kpi_columns in indicators.values() for column, _, label, unit, dp in kpi_columns]
    return data.fillna(""), pd.DataFrame.from_records(meta, columns=list(META_COLUMNS))


def _indicators(rows: pd.DataFrame, catalogue: pd.DataFrame) -> dict[str, tuple[str, list[tuple]]]:
    """KPI id -> (its name, its indicator columns), in the order of ``rows``; a column is
    (name, kpi_history column, label, indicator_unit, indicator_dp)."""
    named = {entry.kpi_id: entry for entry in catalogue.itertuples(index=False)}
    units = dict(zip(rows["kpi_id"], rows["unit"]))
    missing = sorted(set(units) - set(named))
    if missing:
        raise EesLayoutError(f"kpi_history: KPI(s) {missing} are not in kpi_catalogue (the EES meta file's labels)")
    indicators = {}
    for kpi, unit in units.items():
        entry = named[kpi]
        columns = [(kpi, "value", entry.name, UNIT_SYMBOLS.get(unit, ""), 1 if unit in RATE_SCALES else 0)]
        if unit in RATE_SCALES:
            columns.append((f"{kpi}_numerator", "numerator", f"{entry.name}: numerator ({entry.numerator})", "", 0))
        if unit != "count":
            columns.append((f"{kpi}_denominator", "denominator",
                            f"{entry.name}: denominator ({entry.denominator})", "", 0))
        indicators[kpi] = entry.name, columns
    return indicators


def _filters(row, breakdowns: list[str]) -> tuple[str, ...]:
    """The row's value of every filter, ``Total`` for the filters it is not broken down by."""
    if row.breakdown == TOTAL:
        return (FILTER_TOTAL,) * len(breakdowns)
    names, values = row.breakdown.split("|"), row.breakdown_value.split("|")
    if len(names) != len(values):
        raise EesLayoutError(f"kpi_history: {row.kpi_id} {row.geography_code} breakdown {row.breakdown!r} "
                             f"has breakdown_value {row.breakdown_value!r}: not one value per breakdown")
    by_name = dict(zip(names, values))
    return tuple(by_name.get(b, FILTER_TOTAL) for b in breakdowns)


def _with_totals(filters: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The combination and every combination made from it by setting some of its filters to Total."""
    return list(itertools.product(*[(value, FILTER_TOTAL) if value != FILTER_TOTAL else (value,)
                                    for value in filters]))


def _geography(row) -> dict[str, str]:
    """The row's ``geographic_level`` and geography columns."""
    country, authorities = dfe_areas()
    level, code, name = row.geography_level, row.geography_code, row.geography_name
    if level in OTHER_LEVELS:
        label, prefix = OTHER_LEVELS[level]
        return {"geographic_level": label, **country, f"{prefix}_code": code, f"{prefix}_name": name}
    if level == "COUNTY":
        if code not in authorities:
            raise EesLayoutError(f"kpi_history: local authority {code} is not in the bundled DfE release "
                                 "(reference/dfe/), which gives its region and DfE LA code")
        return {"geographic_level": EES_LEVELS[level], **authorities[code]}
    _, authority = whole_of_area().get((level, code), (None, None))  # a district: its authority's columns too
    return {"geographic_level": EES_LEVELS[level], **authorities.get(authority, country),
            **dict(zip(DISTRICT_COLUMNS, (code, name)))}


def _place_order(year: int, month: int, level: str, code: str) -> tuple:
    return year, month, [*EES_LEVELS, *OTHER_LEVELS].index(level), code
