"""The KPI registry (``kpis/registry.yml``): each KPI's id, name, definition, unit, breakdowns,
geography, period, direction, source and comparator, and the vocabularies they are drawn from.
Everything else that names a KPI is generated from it (``kpis.generate``) or reads it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).resolve().parent / "registry.yml"
BREAKDOWN_SEPARATOR = "|"


class RegistryError(ValueError):
    """A KPI entry the registry's vocabularies do not allow."""


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    definition: str
    numerator: str
    unit: str
    geography: str
    period: str
    direction: str
    source: str
    refresh_cadence: str
    denominator: str = ""
    breakdowns: tuple[str, ...] = ()
    dfe_comparator: str = ""


@dataclass(frozen=True)
class Registry:
    kpis: tuple[Kpi, ...]
    units: dict[str, float | None]
    geographies: dict[str, tuple[str, ...]]
    periods: tuple[str, ...]
    directions: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(kpi.id for kpi in self.kpis)

    @property
    def rate_scales(self) -> dict[str, float]:
        """Units that are rates, with their scale (value = scale x numerator / denominator)."""
        return {unit: float(scale) for unit, scale in self.units.items() if scale is not None}

    def kpi(self, kpi_id: str) -> Kpi:
        return next(kpi for kpi in self.kpis if kpi.id == kpi_id)

    def geography_levels(self, kpi: Kpi) -> tuple[str, ...]:
        """The levels a KPI is published at (apportioned districts only for figures that add up)."""
        levels = self.geographies[kpi.geography]
        return tuple(level for level in levels if not (kpi.geography == "sub_icb" and level == "DISTRICT"
                                                         and kpi.unit == "days"))


def parse(document: dict, origin: str = str(REGISTRY_FILE)) -> Registry:
    """The registry of a ``registry.yml`` document, every entry checked against the vocabularies."""
    registry = Registry(
        kpis=tuple(Kpi(**{**{k: v for k, v in entry.items() if k != "breakdowns"},
                          "breakdowns": tuple(entry.get("breakdowns", ()))}) for entry in document["kpis"]),
        units=dict(document["units"]), geographies={k: tuple(v) for k, v in document["geographies"].items()},
        periods=tuple(document["periods"]), directions=tuple(document["directions"]))
    seen = set()
    for kpi in registry.kpis:
        problems = [f"unknown {field} {value!r}" for field, value, allowed in (
            ("unit", kpi.unit, registry.units), ("geography", kpi.geography, registry.geographies),
            ("period", kpi.period, registry.periods), ("direction", kpi.direction, registry.directions))
            if value not in allowed]
        problems += [f"breakdown {b!r} is not upper-case words joined by {BREAKDOWN_SEPARATOR}"
                     for b in kpi.breakdowns if not all(part.replace("_", "").isalnum() and part.isupper()
                                                          for part in b.split(BREAKDOWN_SEPARATOR))]
        if not (kpi.id.replace("_", "").isalnum() and kpi.id.islower()):
            problems.append("the id is not lower-case words joined by _")
        problems += ["the id is repeated"] if kpi.id in seen else []
        problems += ["a rate needs a denominator"] if kpi.unit in registry.rate_scales and not kpi.denominator else []
        seen.add(kpi.id)
        if problems:
            raise RegistryError(f"{origin}: KPI {kpi.id}: {'; '.join(problems)}")
    return registry


@cache
def registry() -> Registry:
    return parse(yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8")))
