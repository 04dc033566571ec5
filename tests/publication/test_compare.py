"""publication.compare: two homes' current publications, row for row, run columns aside."""
from datetime import datetime
from pathlib import Path

import pandas as pd

from publication.compare import compare_homes, main


def _home(root: Path, values: list[float], refreshed_at: datetime, *, tier: str = "public") -> Path:
    folder = root / "publish" / tier
    folder.mkdir(parents=True)
    pd.DataFrame({"kpi_id": ["a", "b"], "value": values, "refreshed_at": [refreshed_at] * 2}).to_parquet(
        folder / "kpi_values.parquet")
    (folder / "kpi_values.csv").write_text("written at another time\n")
    return root


def test_homes_differing_only_in_refreshed_at_and_float_noise_are_identical(tmp_path, capsys):
    a = _home(tmp_path / "a", [1.0, 0.1 + 0.2], datetime(2025, 8, 1))
    b = _home(tmp_path / "b", [1.0, 0.3], datetime(2025, 8, 2))
    assert compare_homes(a, b) == []
    assert main([str(a), str(b)]) == 0
    assert "identical: 1 tables compared" in capsys.readouterr().out


def test_a_changed_figure_is_reported_and_exits_1(tmp_path, capsys):
    a = _home(tmp_path / "a", [1.0, 2.0], datetime(2025, 8, 1))
    b = _home(tmp_path / "b", [1.0, 2.0001], datetime(2025, 8, 1))
    assert compare_homes(a, b) == ["public/kpi_values.parquet: row 1, value: 2.0 vs 2.0001"]
    assert main([str(a), str(b)]) == 1
    assert "row 1, value" in capsys.readouterr().out


def test_a_file_in_one_publication_only_is_reported(tmp_path):
    a = _home(tmp_path / "a", [1.0, 2.0], datetime(2025, 8, 1))
    b = _home(tmp_path / "b", [1.0, 2.0], datetime(2025, 8, 1))
    (b / "publish" / "public" / "extra.parquet").write_bytes(b"")
    assert compare_homes(a, b) == [f"public/extra.parquet: only in {b}"]


def test_a_home_without_a_publication_is_a_usage_error(tmp_path):
    a = _home(tmp_path / "a", [1.0, 2.0], datetime(2025, 8, 1))
    assert main([str(a), str(tmp_path / "missing")]) == 2
