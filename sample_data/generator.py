"""Generate synthetic partner drops (all the extracts of the specification), one month or a history."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sample_data import writers
from sample_data.early_years import latest_terms
from sample_data.extracts import all_extracts
from sample_data.history import month_ends, worlds
from sample_data.schools import census_date

# Termly extracts: written in the first month and whenever a new census or term begins.
TERMLY = {"school_census": census_date, "early_years_entitlements": lambda as_at: latest_terms(as_at, 1)}


def generate_drop(out_dir: Path, as_at: date = date(2025, 7, 31), scale: float = 1.0,
                  seed: int = 42, months: int = 1) -> list[Path]:
    """Write `<out_dir>/<partner>/<extract>_<YYYYMMDD>.<csv|xlsx>` for every extract, for
    each of the `months` month ends up to `as_at` (one consistent world; see `history`).

    One synthetic population (scale 1.0 = Staffordshire's real size, calibrated to the
    figures in `calibration.yml`) feeds every partner's records. The output is
    deterministic for a given (as_at, scale, seed, months). Returns the written paths.
    """
    out_dir, paths, previous = Path(out_dir), [], None
    for world in worlds(month_ends(as_at, months), scale, seed):
        for extract in all_extracts(world):
            stamp = TERMLY.get(extract.name)
            if previous is None or stamp is None or stamp(world.as_at) != stamp(previous):
                paths.append(writers.write(extract, out_dir / extract.partner
                                           / f"{extract.name}_{world.as_at:%Y%m%d}.{extract.extension}"))
        previous = world.as_at
    return paths
