"""Shared generated drops: a small one for shape and validity, a county-scale one for
calibration (of the files and of the published KPIs). Each is generated once per test process.

``make test`` runs the files on every core (pytest-xdist, a file to a process): the dbt manifest
is parsed once before the processes start, and the slow files are handed out first."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from publication.dbt_manifest import manifest
from sample_data.generator import generate_drop

# An xdist worker's __main__ (execnet's `python -c`) has neither __file__ nor __spec__, which
# PySpark's connect check (imported by Great Expectations) takes for a doctest run and exits.
if os.environ.get("PYTEST_XDIST_WORKER") and not hasattr(sys.modules["__main__"], "__file__"):
    sys.modules["__main__"].__file__ = "<pytest-xdist worker>"

AS_AT = date(2025, 7, 31)
STAMP = f"{AS_AT:%Y%m%d}"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process: the workers then find the manifest written
        manifest()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with slow or Spark tests first, so that no process is left with a long file at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("spark")}
    items.sort(key=lambda item: item.path not in slow)


class Drop:
    """A generated drop folder and readers for its extracts (all values as text)."""

    as_at = AS_AT
    stamp = STAMP

    def __init__(self, root: Path, paths: list[Path]):
        self.root, self.paths = root, paths

    def path(self, partner: str, extract: str) -> Path:
        ext = "xlsx" if partner == "nscht" else "csv"
        return self.root / partner / f"{extract}_{STAMP}.{ext}"

    def csv(self, partner: str, extract: str) -> pd.DataFrame:
        return pd.read_csv(self.path(partner, extract), dtype=str, keep_default_na=False,
                           na_values=[""])

    def xlsx(self, extract: str) -> pd.DataFrame:
        return pd.read_excel(self.path("nscht", extract), dtype=object)


@pytest.fixture(scope="session")
def small_drop(tmp_path_factory) -> Drop:
    root = tmp_path_factory.mktemp("small_drop")
    return Drop(root, generate_drop(root, as_at=AS_AT, scale=0.02, seed=7))


@pytest.fixture(scope="session")
def county_drop(tmp_path_factory) -> Drop:
    root = tmp_path_factory.mktemp("county_drop")
    return Drop(root, generate_drop(root, as_at=AS_AT, scale=1.0, seed=42))
