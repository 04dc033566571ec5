"""The DfE's published rules for Explore Education Statistics data files, as checks.

Written from the DfE's guidance and its data screener (dfe-analytical-services/eesyscreener), on
purpose independently of ``publication.ees``: ``problems`` of a data file and its meta file is
empty when the pair follows the rules, else one line per broken rule naming file, rule and where.
The meta file is checked once the data file's columns, times and areas are right, and the
indicators and filter matrix once the meta file is (they are read from it).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

REQUIRED_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TERMS = ("Spring term", "Autumn term", "Summer term")
WEEKS = tuple(f"Week {n}" for n in range(1, 53))
FINANCIAL_QUARTERS = tuple(f"Financial year Q{n}" for n in range(1, 5))
FINANCIAL_HALVES = ("Part 1 (April to September)", "Part 2 (October to March)")
# a file holds one family of time identifiers
TIME_FAMILIES = (("Autumn and spring term",), ("Calendar year",), ("Financial year",), ("Academic year",),
                 ("Tax year",), ("Reporting year",), TERMS, WEEKS, MONTHS, FINANCIAL_QUARTERS, FINANCIAL_HALVES)
FOUR_DIGIT = {"Calendar year", "Reporting year", *WEEKS, *MONTHS}
# accepted geographic levels -> the columns a row of the level fills (its code, name and secondary code)
LEVELS = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name", "old_la_code"),
    "Local authority district": ("lad_code", "lad_name"),
    "RSC region": ("rsc_region_lead_name",),
    "Parliamentary constituency": ("pcon_code", "pcon_name"),
    "Local skills improvement plan area": ("lsip_code", "lsip_name"),
    "Local enterprise partnership": ("local_enterprise_partnership_code", "local_enterprise_partnership_name"),
    "English devolved area": ("english_devolved_area_code", "english_devolved_area_name"),
    "Opportunity area": ("opportunity_area_code", "opportunity_area_name"),
    "Ward": ("ward_code", "ward_name"),
    "MAT": ("trust_id", "trust_name"),
    "Sponsor": ("sponsor_id", "sponsor_name"),
    "School": ("school_urn", "school_name", "school_laestab"),
    "Provider": ("provider_ukprn", "provider_name"),
    "Institution": ("institution_id", "institution_name"),
    "Planning area": ("planning_area_code", "planning_area_name"),
    "Police force area": ("pfa_code", "pfa_name"),
}
# the levels whose rows also fill their parents' columns (an LA row its region's)
PARENTS = {"Local authority": ("Regional",), "Local authority district": ()}
# where a level's columns may be filled: the level and the levels within it (the standard hierarchy)
FILLED_AT = {"Regional": {"Regional", "Local authority", "Local authority district"},
             "Local authority": {"Local authority", "Local authority district"},
             "Local authority district": {"Local authority district"}}
SYMBOLS = {"c", "z", "x"}
TOTAL = "Total"
META_COLUMNS = ("col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                "filter_hint", "filter_grouping_column")
INDICATOR_UNITS = {"", "%", "pp", "£", "£m", "numberstring"}
NUMBER = re.compile(r"-?\d+(\.\d+)?")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")


def problems(data_path: Path, meta_path: Path,
             other_levels: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Every broken rule of the data file and its meta file. ``other_levels`` (level -> its columns) are
    levels outside the DfE's list that the file may hold (a file of the same conventions for them)."""
    data = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    meta = pd.read_csv(meta_path, dtype=str, keep_default_na=False)
    levels = LEVELS | (other_levels or {})
    found = [*_columns(data), *_time(data), *_geography(data, levels)]
    if not found:
        found += _meta(meta, data, levels)
    if not found:
        filters = list(meta.loc[meta.col_type == "Filter", "col_name"])
        indicators = list(meta.loc[meta.col_type == "Indicator", "col_name"])
        found += [*_indicators(data, indicators), *_filter_matrix(data, filters, levels)]
    return [f"{data_path.name}: {problem}" for problem in found]


def _columns(data: pd.DataFrame) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    bad = [c for c in data.columns if not SNAKE_CASE.fullmatch(c)]
    return ([f"required column(s) missing: {missing}"] if missing else []) + (
        [f"column name(s) not snake_case: {bad}"] if bad else [])


def _time(data: pd.DataFrame) -> list[str]:
    found = []
    identifiers = set(data["time_identifier"])
    families = {family for family in TIME_FAMILIES if identifiers & set(family)}
    unknown = sorted(identifiers - {i for family in TIME_FAMILIES for i in family})
    if unknown:
        found.append(f"time_identifier not accepted: {unknown}")
    if len(families) > 1:
        found.append(f"time identifiers of more than one family in one file: {sorted(identifiers)}")
    for n, (period, identifier) in enumerate(zip(data["time_period"], data["time_identifier"]), start=2):
        four = identifier in FOUR_DIGIT
        if not (re.fullmatch(r"\d{4}", period) if four else _six_digit(period)):
            found.append(f"row {n}: time_period {period!r} is not a {'four' if four else 'six'}-digit period "
                         f"for {identifier!r}")
            break
    return found


def _six_digit(period: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", period)) and (int(period[:4]) + 1) % 100 == int(period[4:])


def _geography(data: pd.DataFrame, levels: dict[str, tuple[str, ...]]) -> list[str]:
    found = []
    unknown = sorted(set(data["geographic_level"]) - set(levels))
    if unknown:
        return [f"geographic_level not accepted: {unknown}"]
    for level in sorted(set(data["geographic_level"])):
        rows = data[data["geographic_level"] == level]
        needed = [*LEVELS["National"], *levels[level], *(c for p in PARENTS.get(level, ()) for c in LEVELS[p])]
        missing = [c for c in needed if c not in data.columns]
        if missing:
            found.append(f"{level} rows need column(s) {missing}")
            continue
        blank = [c for c in needed if (rows[c] == "").any()]
        if blank:
            found.append(f"{level} rows (first row {rows.index[0] + 2}) have blank {blank}")
    for level, allowed in FILLED_AT.items():
        outside = data[~data["geographic_level"].isin(allowed)]
        filled = [c for c in LEVELS[level] if c in data.columns and (outside[c] != "").any()]
        if filled:
            found.append(f"{level} column(s) {filled} filled on rows of another level")
    return found


def _meta(meta: pd.DataFrame, data: pd.DataFrame, levels: dict[str, tuple[str, ...]]) -> list[str]:
    if tuple(meta.columns) != META_COLUMNS:
        return [f"meta file columns {list(meta.columns)}, not {list(META_COLUMNS)}"]
    found = []
    units = {"time_period", "time_identifier", "geographic_level", *(c for cs in levels.values() for c in cs)}
    expected = [c for c in data.columns if c not in units]
    listed = list(meta["col_name"])
    if sorted(listed) != sorted(expected):
        found.append(f"meta file lists {sorted(set(listed) - set(expected))} not in the data file and misses "
                     f"{sorted(set(expected) - set(listed))}" + (" (or lists one twice)"
                                                                  if len(set(listed)) < len(listed) else ""))
    bad_types = sorted(set(meta["col_type"]) - {"Filter", "Indicator"})
    if bad_types:
        found.append(f"meta col_type not Filter or Indicator: {bad_types}")
    labels = meta["label"]
    if (labels == "").any() or labels.duplicated().any():
        found.append("meta labels must be filled and unique")
    indicators, filters = meta[meta.col_type == "Indicator"], meta[meta.col_type == "Filter"]
    if not set(indicators["indicator_unit"]) <= INDICATOR_UNITS:
        found.append(f"indicator_unit not accepted: {sorted(set(indicators['indicator_unit']) - INDICATOR_UNITS)}")
    if not indicators["indicator_dp"].map(lambda dp: dp == "" or dp.isdigit()).all():
        found.append("indicator_dp must be blank or a whole number")
    if (indicators[["filter_hint", "filter_grouping_column"]] != "").any().any():
        found.append("indicator rows fill filter_hint or filter_grouping_column")
    if (filters[["indicator_grouping", "indicator_unit", "indicator_dp"]] != "").any().any():
        found.append("filter rows fill indicator_grouping, indicator_unit or indicator_dp")
    groups = set(filters["filter_grouping_column"]) - {""}
    if not groups <= set(data.columns):
        found.append(f"filter_grouping_column(s) {sorted(groups - set(data.columns))} not in the data file")
    return found


def _indicators(data: pd.DataFrame, indicators: list[str]) -> list[str]:
    found = []
    for column in indicators:
        bad = data[column][~data[column].map(lambda v: v in SYMBOLS or bool(NUMBER.fullmatch(v)))]
        if len(bad):
            found.append(f"indicator {column} row {bad.index[0] + 2}: {bad.iloc[0]!r} is neither a number "
                         f"nor one of the symbols {sorted(SYMBOLS)}")
    return found


def _filter_matrix(data: pd.DataFrame, filters: list[str], levels: dict[str, tuple[str, ...]]) -> list[str]:
    """Filters are filled and have a Total; every time period and area holds the same combinations of
    filters, each with all its totals (any of its filters set to Total), once."""
    found = [f"filter {f} has blank cells" for f in filters if (data[f] == "").any()]
    found += [f"filter {f} has no {TOTAL}" for f in filters if TOTAL not in set(data[f])]
    place_columns = ["time_period", "time_identifier", "geographic_level",
                     *(c for cs in levels.values() for c in cs if c in data.columns)]
    keys = data[place_columns + filters]
    if keys.duplicated().any():
        found.append(f"row {keys.index[keys.duplicated()][0] + 2}: a second row of the same time, area and filters")
    combinations = {tuple(r) for r in data[filters].itertuples(index=False)}
    for combination in combinations:
        for i, value in enumerate(combination):
            total = (*combination[:i], TOTAL, *combination[i + 1:])
            if value != TOTAL and total not in combinations:
                found.append(f"filters {dict(zip(filters, combination))} have no total row {dict(zip(filters, total))}")
    for place, rows in data.groupby(place_columns, sort=False):
        held = {tuple(r) for r in rows[filters].itertuples(index=False)}
        if held != combinations:
            missing = sorted(combinations - held)[:3]
            found.append(f"{dict(zip(place_columns, place))} lacks filter combination(s) {missing}")
            break
    return found
