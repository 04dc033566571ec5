"""Compare two warehouse homes' current publications: ``python -m publication.compare HOME_A HOME_B``.

Every file under ``HOME/publish/{public,restricted}`` must exist in both; every Parquet table must
hold the same rows in the same order, all columns but those that name the run (``refreshed_at``,
publication and run ids), floats equal to a relative 1e-9. Prints each difference; exits 1 if any.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pyarrow.parquet as pq

TIERS = ("public", "restricted")
RUN_COLUMNS = frozenset({"refreshed_at", "publication_id", "run_id"})
RELATIVE_TOLERANCE = 1e-9
SHOWN_PER_TABLE = 10


def _files(home: Path) -> set[str]:
    root = home / "publish"
    return {str(p.relative_to(root)) for tier in TIERS for p in (root / tier).rglob("*") if p.is_file()}


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE)
    return a == b


def compare_tables(name: str, path_a: Path, path_b: Path) -> list[str]:
    """Differences between two Parquet tables: columns, row counts, then values row by row."""
    a, b = pq.read_table(path_a), pq.read_table(path_b)
    columns_a = [c for c in a.column_names if c not in RUN_COLUMNS]
    columns_b = [c for c in b.column_names if c not in RUN_COLUMNS]
    if columns_a != columns_b:
        return [f"{name}: columns differ: {columns_a} vs {columns_b}"]
    if a.num_rows != b.num_rows:
        return [f"{name}: {a.num_rows} rows vs {b.num_rows}"]
    differences = []
    for column in columns_a:
        for row, (x, y) in enumerate(zip(a.column(column).to_pylist(), b.column(column).to_pylist())):
            if not _same(x, y):
                differences.append(f"{name}: row {row}, {column}: {x!r} vs {y!r}")
    if len(differences) > SHOWN_PER_TABLE:
        differences = [*differences[:SHOWN_PER_TABLE],
                       f"{name}: ... {len(differences) - SHOWN_PER_TABLE} more differences"]
    return differences


def compare_homes(home_a: Path, home_b: Path) -> list[str]:
    """Every difference between the current publications of two homes, in plain words."""
    files_a, files_b = _files(home_a), _files(home_b)
    differences = [f"{name}: only in {home}"
                   for home, only in ((home_a, files_a - files_b), (home_b, files_b - files_a))
                   for name in sorted(only)]
    for name in sorted(files_a & files_b):
        if name.endswith(".parquet"):
            differences += compare_tables(name, home_a / "publish" / name, home_b / "publish" / name)
    return differences


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m publication.compare HOME_A HOME_B", file=sys.stderr)
        return 2
    home_a, home_b = map(Path, args)
    for home in (home_a, home_b):
        if not (home / "publish").is_dir():
            print(f"{home}: no current publication (no publish/ folder)", file=sys.stderr)
            return 2
    differences = compare_homes(home_a, home_b)
    for line in differences:
        print(line)
    tables = sum(name.endswith(".parquet") for name in _files(home_a))
    print(f"{len(differences)} differences" if differences else f"identical: {tables} tables compared")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
