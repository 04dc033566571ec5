"""Disclosure control of the public tier (NHS England small-number practice for health statistics).

The counts of a ``kpi_values`` row are its ``value`` where ``unit = count``, and its
``numerator`` and ``denominator`` whatever the unit. The ``denominator`` of a median
row (``unit = days``) is the number of values the median is taken over.

- Primary suppression: a row is withheld where any of its counts is small, i.e. above 0
  and below ``threshold + 1`` (1 to ``threshold``; apportioned counts are fractional,
  so 0.4 and 7.6 are small too). This withholds small counts, percentages and rates
  whose numerator or denominator is small, and medians with 1 to ``threshold`` values
  behind them. Zeros are published: a median over no values has no value to withhold,
  and its 0 stands.
- Secondary suppression (``publication.secondary``) along the rows that add up, within
  one KPI and reporting date: the values of a breakdown to the ``TOTAL`` row of their
  geography; the cells of a cross-tabulation (``SEX|PRIMARY_NEED``) to the one-way
  breakdown rows of the same geography (``SEX = F`` sums ``F|*``); and the ``DIRECT``
  rows of the districts, and of the five county sub-ICBs, to the county row of the same
  breakdown value (apportioned districts do not add up exactly). A count published by
  two KPIs (``ehcp_count`` and the numerators of ``ehcp_rate_0_25``) is protected within
  each KPI, not across them.
- Published: a withheld row has ``suppressed = true`` and empty ``value``, ``numerator``
  and ``denominator``. Every other count is rounded to the nearest ``rounding_base``
  (halves up); percentages, rates and medians keep the value computed from the
  unrounded figures.
"""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from publication.secondary import Relation, protect

UNITS = frozenset({"count", "percent", "per_1000", "per_100", "days"})
COUNTY_CODE = "E10000028"
COUNTY_SUB_ICBS = frozenset({"04Y", "05D", "05G", "05Q", "05V"})  # 05W (Stoke-on-Trent) is not in the county
TOTAL = "TOTAL"


@dataclass(frozen=True)
class DisclosureSettings:
    """Counts from 1 to ``threshold`` are withheld; the others are rounded to the nearest ``rounding_base``."""

    threshold: int = 7
    rounding_base: int = 5

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding_base < 1:
            raise ValueError(f"invalid disclosure settings {self}: threshold >= 0 and rounding_base >= 1")
        if self.rounded(np.array([self.threshold + 1.0]))[0] == 0:
            raise ValueError(f"invalid disclosure settings {self}: a count above the threshold would be published as 0")

    def is_small(self, counts: np.ndarray) -> np.ndarray:
        """Counts to withhold (NaN is not small)."""
        return (counts > 0) & (counts < self.threshold + 1)

    def rounded(self, counts: np.ndarray) -> np.ndarray:
        """Counts rounded to the nearest multiple of the base, halves up (NaN stays NaN)."""
        return np.floor(counts / self.rounding_base + 0.5) * self.rounding_base


def public_kpi_values(kpis: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()) -> pd.DataFrame:
    """The public tier of a ``kpi_values`` table: same rows, columns and order, disclosure control applied."""
    unknown_units = set(kpis["unit"]) - UNITS
    if unknown_units:
        raise ValueError(f"kpi_values has units without a disclosure rule: {sorted(map(str, unknown_units))}")
    is_count = (kpis["unit"] == "count").to_numpy()
    value, numerator, denominator = (_floats(kpis[column]) for column in ("value", "numerator", "denominator"))
    counts = np.column_stack([np.where(is_count, value, numerator), denominator])
    suppressed = settings.is_small(counts).any(axis=1)
    for rows in kpis.groupby(["kpi_id", "reporting_date"], sort=False, dropna=False).indices.values():
        suppressed[rows] = protect(counts[rows], suppressed[rows], _kpi_relations(kpis.iloc[rows]))
    public = kpis.copy()
    public["value"] = _withheld(np.where(is_count, settings.rounded(value), value), suppressed)
    public["numerator"] = _withheld(settings.rounded(numerator), suppressed)
    public["denominator"] = _withheld(settings.rounded(denominator), suppressed)
    public["suppressed"] = suppressed
    return public


def public_crosswalk(crosswalk: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()) -> pd.DataFrame:
    """The public ``sub_icb_district_crosswalk``: same rows, columns and order, disclosure control applied.

    ``population`` and ``sub_icb_population`` are counts, and a sub-ICB's populations add
    up to its ``sub_icb_population`` (its weights sum to 1 over every destination). A
    withheld population or sub-ICB population is empty. ``weight`` is published only where
    ``population`` is, since a weight is population / sub-ICB population and would give a
    withheld population back; published weights are unrounded, like percentages.
    """
    population = _floats(crosswalk["population"])
    sub_icb = crosswalk.groupby("sub_icb_code", sort=False, dropna=False).ngroup().to_numpy()
    members = [np.flatnonzero(sub_icb == group) for group in range(sub_icb.max(initial=-1) + 1)]
    sub_icb_population = _floats(crosswalk["sub_icb_population"])
    counts = np.concatenate([population, [sub_icb_population[rows[0]] for rows in members]])
    total_of_row = len(population) + sub_icb
    relations = [Relation(total, rows) for total, rows in enumerate(members, start=len(population))]
    suppressed = protect(counts[:, None], settings.is_small(counts), relations)
    withheld = suppressed[: len(population)]
    public = crosswalk.copy()
    public["population"] = _withheld(settings.rounded(population), withheld)
    public["weight"] = _withheld(_floats(crosswalk["weight"]), withheld)
    public["sub_icb_population"] = _withheld(settings.rounded(counts[total_of_row]), suppressed[total_of_row])
    return public


def _floats(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _withheld(values: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    return np.where(suppressed, np.nan, values)


def _kpi_relations(block: pd.DataFrame) -> list[Relation]:
    """The relations between the rows of one KPI and reporting date (positions within ``block``)."""
    keys = list(zip(block["geography_level"], block["geography_code"], block["breakdown"], block["breakdown_value"]))
    position = {key: i for i, key in enumerate(keys)}
    children = defaultdict(list)
    for i, (key, method) in enumerate(zip(keys, block["method"])):
        for parent, kind in _parents(*key, method):
            children[parent, kind].append(i)
    return [Relation(position[parent], np.array(rows)) for (parent, _), rows in children.items() if parent in position]


def _parents(level: str, code: str, breakdown: str, value: str, method: str) -> Iterator[tuple[tuple, tuple]]:
    """The keys of the rows this row adds up to, each with the kind of relation."""
    if breakdown != TOTAL:
        yield (level, code, TOTAL, TOTAL), ("breakdown", breakdown)
        parts, values = breakdown.split("|"), value.split("|")
        if len(parts) > 1 and len(parts) == len(values):
            for i in range(len(parts)):
                margin = "|".join(parts[:i] + parts[i + 1:]), "|".join(values[:i] + values[i + 1:])
                yield (level, code, *margin), ("margin", breakdown, i)
    if method == "DIRECT" and (level == "DISTRICT" or (level == "SUB_ICB" and code in COUNTY_SUB_ICBS)):
        yield ("COUNTY", COUNTY_CODE, breakdown, value), ("geography", level)
