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
  rows of the county's districts and sub-ICBs (the geographies seed) to the county row of
  the same breakdown value (apportioned districts do not add up to the county exactly); and
  each ``APPORTIONED`` district row to the ``SUB_ICB`` rows of the same breakdown value it was
  apportioned from, each times the crosswalk weight of the district in that sub-ICB (rule 6:
  the reader is assumed to know the exact weights, more than the public crosswalk tells), so no
  withheld sub-ICB count follows from apportioned ones (an apportioned figure, published counts
  times public weights, is protected through its breakdown relations only). A count published by
  two KPIs (``ehcp_count`` and the numerators of ``ehcp_rate_0_25``) is protected within
  each KPI, not across them.
- Published (disclosure.md v2): a withheld row has ``status = suppressed`` (and
  ``suppressed = true``) and empty ``value``, ``numerator`` and ``denominator``. Every other
  count is rounded to the nearest ``rounding_base`` (halves up), and percentages and rates are
  computed from the published (rounded) numerator and denominator, so a reader can recompute
  ``value`` from the row itself and learns nothing more from it; ``percent``, ``per_100`` and
  ``per_1000`` to 1 decimal place, medians (``days``) to whole days, halves up. Rows the
  restricted tier marks ``not_applicable`` or ``not_available`` keep that status.
"""
import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpis import registry
from publication.geographies import whole_of_area
from publication.secondary import Relation, protect

WEIGHT_DECIMALS = 4
RATE_SCALES = registry().rate_scales  # the KPI registry's units (kpis/registry.yml)
UNITS = frozenset(registry().units)
TOTAL = "TOTAL"
APPORTIONED = "APPORTIONED"
STATUSES = ("available", "suppressed", "not_applicable", "not_available")
# Secondary suppression assumes a reader who knows published counts exactly, and guards against
# what several sums determine; with counts published exactly, the bounds of several sums
# (withheld counts are at least 1) can still pin a count down, and so can a month's 12-month count
# differenced with the months around it at a base of 2 (which publishes the count just above the
# threshold exactly). A base of 3 or more leaves each published count a range that no such bound
# closes (the attack of tests/publication/test_attack.py, decision 0008).
MINIMUM_ROUNDING_BASE = 3


@dataclass(frozen=True)
class DisclosureSettings:
    """Counts from 1 to ``threshold`` are withheld; the others are rounded to the nearest ``rounding_base``."""

    threshold: int = 7
    rounding_base: int = 5

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding_base < MINIMUM_ROUNDING_BASE:
            raise ValueError(f"invalid disclosure settings {self}: threshold >= 0 and rounding_base >= "
                             f"{MINIMUM_ROUNDING_BASE} (with a smaller base the bounds of several sums, "
                             "and of months differenced, pin withheld counts down)")
        if self.rounded(np.array([self.threshold + 1.0]))[0] == 0:
            raise ValueError(f"invalid disclosure settings {self}: a count above the threshold would be published as 0")

    def is_small(self, counts: np.ndarray) -> np.ndarray:
        """Counts to withhold (NaN is not small)."""
        return (counts > 0) & (counts < self.threshold + 1)

    def rounded(self, counts: np.ndarray) -> np.ndarray:
        """Counts rounded to the nearest multiple of the base, halves up (NaN stays NaN)."""
        return np.floor(counts / self.rounding_base + 0.5) * self.rounding_base


def public_kpi_values(kpis: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings(),
                      crosswalk: pd.DataFrame | None = None) -> pd.DataFrame:
    """The public tier of a ``kpi_values`` table: same rows, columns and order, disclosure control applied.
    ``crosswalk`` (the restricted ``sub_icb_district_crosswalk``) is needed when ``kpis`` has apportioned rows."""
    unknown_units = set(kpis["unit"]) - UNITS
    if unknown_units:
        raise ValueError(f"kpi_values has units without a disclosure rule: {sorted(map(str, unknown_units))}")
    if crosswalk is None and (kpis["method"] == APPORTIONED).any():
        raise ValueError("kpi_values has APPORTIONED rows: disclosure control needs the crosswalk they were "
                         "apportioned with (sub_icb_district_crosswalk)")
    weights = apportionment_weights(crosswalk)
    is_count = (kpis["unit"] == "count").to_numpy()
    value, numerator, denominator = (_floats(kpis[column]) for column in ("value", "numerator", "denominator"))
    counts = np.column_stack([np.where(is_count, value, numerator), denominator])
    suppressed = primary_suppression(kpis, settings)
    for rows in kpis.groupby(["kpi_id", "reporting_date"], sort=False, dropna=False).indices.values():
        suppressed[rows] = _protected_block(kpis.iloc[rows], counts[rows], suppressed[rows], weights)
    public = kpis.copy()
    numerator, denominator = settings.rounded(numerator), settings.rounded(denominator)
    scale = kpis["unit"].map(RATE_SCALES).to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = _half_up(scale * numerator / np.where(denominator > 0, denominator, np.nan), 1)
    values = np.select([is_count, kpis["unit"].to_numpy() == "days"], [settings.rounded(value), _half_up(value, 0)],
                       rates)
    public["value"] = _withheld(values, suppressed)
    public["numerator"] = _withheld(numerator, suppressed)
    public["denominator"] = _withheld(denominator, suppressed)
    public["suppressed"] = suppressed
    public["status"] = np.where(suppressed, "suppressed", kpis["status"].to_numpy(dtype=object))
    return public


def primary_suppression(kpis: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()) -> np.ndarray:
    """The rows withheld for a small count of their own (before secondary suppression)."""
    is_count = (kpis["unit"] == "count").to_numpy()
    value, numerator, denominator = (_floats(kpis[column]) for column in ("value", "numerator", "denominator"))
    return settings.is_small(np.column_stack([np.where(is_count, value, numerator), denominator])).any(axis=1)


def disclosure_summary(controlled: dict[str, tuple[np.ndarray, pd.DataFrame]], settings: DisclosureSettings,
                       repeated: dict[str, pd.DataFrame] | None = None) -> dict:
    """What disclosure control did, for publication.json: ``controlled`` maps each table whose
    counts it controls to (its primary suppressions, its public form); ``cells`` and the
    suppression counts add those tables up. ``repeated`` tables (kpi_comparators' warehouse rows
    are kpi_values rows) are listed by status in ``tables`` but not added again."""
    tables = {name: {status: int((public["status"] == status).sum()) for status in STATUSES}
              for name, (_, public) in {**controlled, **{n: (None, f) for n, f in (repeated or {}).items()}}.items()}
    primary = sum(int(mask.sum()) for mask, _ in controlled.values())
    withheld = sum(int((public["status"] == "suppressed").sum()) for _, public in controlled.values())
    return {
        "threshold": settings.threshold,
        "rounding_base": settings.rounding_base,
        "cells": {status: sum(tables[name][status] for name in controlled) for status in STATUSES},
        "primary_suppressed": primary,
        "secondary_suppressed": withheld - primary,
        "withheld_by_table": {name: tables[name]["suppressed"] for name in controlled},
        "tables": tables,
    }


def crosswalk_primary_suppression(crosswalk: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()
                                  ) -> np.ndarray:
    """The crosswalk rows withheld for a small population or sub-ICB population of their own."""
    return settings.is_small(np.column_stack([_floats(crosswalk[c]) for c in ("population", "sub_icb_population")])
                             ).any(axis=1)


def public_crosswalk(crosswalk: pd.DataFrame, settings: DisclosureSettings = DisclosureSettings()) -> pd.DataFrame:
    """The public ``sub_icb_district_crosswalk``: same rows, columns and order, disclosure control applied.

    ``population`` and ``sub_icb_population`` are counts, and a sub-ICB's populations add
    up to its ``sub_icb_population`` (its weights sum to 1 over every destination). A
    withheld population or sub-ICB population is empty. ``weight`` is published only where
    ``population`` and the sub-ICB population are, and is computed from the published (rounded)
    populations to ``WEIGHT_DECIMALS`` places, like public percentages. ``status`` is
    ``suppressed`` where any of the row's figures is withheld.
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
    rounded_population, rounded_sub_icb = settings.rounded(population), settings.rounded(counts[total_of_row])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = rounded_population / np.where(rounded_sub_icb > 0, rounded_sub_icb, np.nan)
    weight = np.where(rounded_population == 0, 0.0, _half_up(share, WEIGHT_DECIMALS))
    public["population"] = _withheld(rounded_population, withheld)
    # a published weight beside a withheld sub-ICB population would give the population back (unless it is 0)
    public["weight"] = _withheld(weight, withheld | (suppressed[total_of_row] & (rounded_population != 0)))
    public["sub_icb_population"] = _withheld(rounded_sub_icb, suppressed[total_of_row])
    withheld_any = public[["population", "weight", "sub_icb_population"]].isna().to_numpy().any(axis=1)
    public["status"] = np.where(withheld_any, "suppressed", crosswalk["status"].to_numpy(dtype=object))
    return public


def _half_up(values: np.ndarray, decimals: int) -> np.ndarray:
    """``values`` rounded to ``decimals`` places, halves up (NaN stays NaN); the small offset keeps
    binary fractions such as 12.45 (stored as 12.4499...) from rounding down."""
    factor = 10.0 ** decimals
    return np.floor(values * factor + 0.5 + 1e-9) / factor


def _floats(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _withheld(values: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    return np.where(suppressed, np.nan, values)


def apportionment_weights(crosswalk: pd.DataFrame | None) -> dict[str, dict[str, float]]:
    """District (``lad_code``) -> sub-ICB -> the crosswalk weight of the district in the sub-ICB (above 0)."""
    weights = defaultdict(dict)
    if crosswalk is not None:
        for sub_icb, district, weight in zip(crosswalk["sub_icb_code"], crosswalk["lad_code"], crosswalk["weight"]):
            if weight > 0:
                weights[district][sub_icb] = float(weight)
    return dict(weights)


def apportioned_from(level: str, code: str, breakdown: str, value: str, method: str,
                     weights: dict[str, dict[str, float]]) -> list[tuple[tuple, float]]:
    """The keys of the ``SUB_ICB`` rows an apportioned row was made from, each with its weight (rule 6)."""
    if method != APPORTIONED:
        return []
    return [(("SUB_ICB", sub_icb, breakdown, value), weight)
            for sub_icb, weight in sorted(weights.get(code, {}).items())]


_PROTECTED: dict[tuple, np.ndarray] = {}  # kpi_history's newest month repeats kpi_values' blocks
_PROTECTED_LIMIT = 10_000


def _protected_block(block: pd.DataFrame, counts: np.ndarray, primary: np.ndarray,
                     weights: dict[str, dict[str, float]]) -> np.ndarray:
    """``protect`` for the rows of one KPI and reporting date, remembered by exactly what it is
    given (the function, the counts, the primary suppression and the relations)."""
    relations = _kpi_relations(block, weights)
    key = (protect, hashlib.blake2b(pickle.dumps((counts, primary, relations))).digest())
    if key not in _PROTECTED:
        if len(_PROTECTED) >= _PROTECTED_LIMIT:
            _PROTECTED.clear()
        _PROTECTED[key] = protect(counts, primary, relations)
    return _PROTECTED[key]


def _kpi_relations(block: pd.DataFrame, weights: dict[str, dict[str, float]]) -> list[Relation]:
    """The relations between the rows of one KPI and reporting date (positions within ``block``)."""
    keys = list(zip(block["geography_level"], block["geography_code"], block["breakdown"], block["breakdown_value"]))
    position = {key: i for i, key in enumerate(keys)}
    children = defaultdict(list)
    relations = []
    for i, (key, method) in enumerate(zip(keys, block["method"])):
        for parent, kind in _parents(*key, method):
            children[parent, kind].append(i)
        sources = apportioned_from(*key, method, weights)
        if sources and all(source in position for source, _ in sources):
            relations.append(Relation(i, np.array([position[source] for source, _ in sources]),
                                      np.array([weight for _, weight in sources])))
    return [Relation(position[parent], np.array(rows)) for (parent, _), rows in children.items()
            if parent in position] + relations


def _parents(level: str, code: str, breakdown: str, value: str, method: str) -> Iterator[tuple[tuple, tuple]]:
    """The keys of the rows this row adds up to, each with the kind of relation."""
    if breakdown != TOTAL:
        yield (level, code, TOTAL, TOTAL), ("breakdown", breakdown)
        parts, values = breakdown.split("|"), value.split("|")
        if len(parts) > 1 and len(parts) == len(values):
            for i in range(len(parts)):
                margin = "|".join(parts[:i] + parts[i + 1:]), "|".join(values[:i] + values[i + 1:])
                yield (level, code, *margin), ("margin", breakdown, i)
    whole = whole_of_area().get((level, code))
    if method == "DIRECT" and whole is not None:
        yield (*whole, breakdown, value), ("geography", level)
