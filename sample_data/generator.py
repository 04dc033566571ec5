"""Generate a complete synthetic partner drop (all 15 extracts of the specification)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sample_data import writers
from sample_data.extracts import all_extracts
from sample_data.world import simulate


def generate_drop(out_dir: Path, as_at: date = date(2025, 7, 31), scale: float = 1.0,
                  seed: int = 42) -> list[Path]:
    """Write `<out_dir>/<partner>/<extract>_<YYYYMMDD>.<csv|xlsx>` for every extract.

    One synthetic population (scale 1.0 = Staffordshire's real size, calibrated to the
    figures in `calibration.yml`) feeds every partner's records. The output is
    deterministic for a given (as_at, scale, seed). Returns the written paths.
    """
    world = simulate(as_at, scale, seed)
    out_dir = Path(out_dir)
    return [writers.write(extract, out_dir / extract.partner
                          / f"{extract.name}_{as_at:%Y%m%d}.{extract.extension}")
            for extract in all_extracts(world)]
