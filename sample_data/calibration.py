"""Loading `calibration.yml` and the targets derived from it."""
from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

CALIBRATION_FILE = Path(__file__).with_name("calibration.yml")


@cache
def load() -> dict:
    """The calibration targets and assumptions (see the comments in the YAML file)."""
    with CALIBRATION_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def active_plan_target(as_at: date, calibration: dict) -> float:
    """Active EHC plans of county residents on `as_at`: linear through the published
    counts, extended along the nearest segment outside them."""
    points = sorted((p["date"], p["count"]) for p in calibration["ehcp"]["active_plans"])
    segment = next((i for i in range(len(points) - 1) if as_at <= points[i + 1][0]),
                   len(points) - 2)
    (d0, c0), (d1, c1) = points[segment], points[segment + 1]
    slope = (c1 - c0) / (d1 - d0).days
    return max(c0 + slope * (as_at - d0).days, 0.0)
