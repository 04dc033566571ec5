"""The performance pack's targets (``reporting/targets.yml`` by default): one per KPI, checked against
the KPI registry, and the rating of a KPI against its target."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from kpis import Registry, registry

TARGETS_FILE = Path(__file__).resolve().parent / "targets.yml"
FIELDS = {"value", "direction", "date", "source", "note"}
DIRECTIONS = ("higher_is_better", "lower_is_better")
RULE = ("On track: the latest value has reached the target, or the target date has not passed and the value "
        "moved towards the target over the last 12 months. Off track: neither. No target: the KPI has no target "
        "with a value in the targets file. Not rated: there is a target but no published latest value to rate.")


class TargetsError(ValueError):
    """A targets file entry the KPI registry does not allow."""


@dataclass(frozen=True)
class Target:
    kpi_id: str
    value: float | None  # None: stated in words, no figure set
    direction: str
    date: date | None
    source: str
    note: str = ""


def load(path: Path = TARGETS_FILE, kpis: Registry | None = None) -> dict[str, Target]:
    """The file's targets by KPI id; a ``TargetsError`` names the file and entry of any problem."""
    kpis = kpis or registry()
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("targets") or {}
    targets = {}
    for kpi_id, entry in entries.items():
        problems = (_problems(kpi_id, entry, kpis) if isinstance(entry, dict)
                    else ["the entry is not a mapping of value, direction, date and source"])
        if problems:
            raise TargetsError(f"{path}: target {kpi_id}: {'; '.join(problems)}")
        targets[kpi_id] = Target(kpi_id, None if entry.get("value") is None else float(entry["value"]),
                                 entry["direction"], entry.get("date"), entry["source"], entry.get("note") or "")
    return targets


def _problems(kpi_id: str, entry: dict, kpis: Registry) -> list[str]:
    if kpi_id not in kpis.ids:
        return ["no KPI with this id in the KPI registry"]
    problems = [f"unknown field {name!r}" for name in sorted(set(entry) - FIELDS)]
    direction, registered = entry.get("direction"), kpis.kpi(kpi_id).direction
    if direction not in DIRECTIONS:
        problems.append(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    elif registered != "neither" and direction != registered:
        problems.append(f"direction {direction} contradicts the registry's {registered}")
    value = entry.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        problems.append(f"value {value!r} is not a number")
    if entry.get("date") is not None and not isinstance(entry["date"], date):
        problems.append(f"date {entry['date']!r} is not a date (YYYY-MM-DD)")
    if not entry.get("source"):
        problems.append("no source: say which document the target comes from")
    return problems


def rating(target: Target | None, latest: float | None, year_ago: float | None, on: date) -> str:
    """``on track``, ``off track``, ``no target`` or ``not rated`` (the rule is ``RULE``)."""
    if target is None or target.value is None:
        return "no target"
    if latest is None:
        return "not rated"
    better = 1 if target.direction == "higher_is_better" else -1
    if better * (latest - target.value) >= 0:
        return "on track"
    improving = year_ago is not None and better * (latest - year_ago) > 0
    return "on track" if improving and (target.date is None or on <= target.date) else "off track"
