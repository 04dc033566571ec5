"""The same (as_at, scale, seed) gives byte-identical CSV files."""
from __future__ import annotations

from datetime import date

from sample_data.generator import generate_drop


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    runs = {name: generate_drop(tmp_path / name, as_at=date(2025, 7, 31), scale=0.01, seed=seed)
            for name, seed in (("first", 3), ("second", 3), ("other", 4))}
    for first, second in zip(runs["first"], runs["second"]):
        if first.suffix == ".csv":
            assert first.read_bytes() == second.read_bytes(), first.name
    for module in ("sen2_person", "sen2_namedplan"):
        files = [p for p in runs["first"] + runs["other"] if p.name.startswith(f"{module}_")]
        assert len(files) == 2 and files[0].read_bytes() != files[1].read_bytes(), module


def test_the_as_at_date_names_and_bounds_the_drop(tmp_path):
    paths = generate_drop(tmp_path, as_at=date(2024, 1, 18), scale=0.005, seed=1)
    assert all(p.stem.endswith("_20240118") for p in paths)
    census = next(p for p in paths if p.name.startswith("school_census")).read_text().splitlines()
    assert census[1].split(",")[2] == "2024-01-18"   # spring census: third Thursday of January
