"""The expectation suites under ``suites/``: one GX 1.x ExpectationSuite JSON file per asset.

Besides GX's own fields, a suite's ``meta`` tells the runner what to read:

- ``table``: the DuckDB table the suite validates;
- ``rows`` (optional): a SQL condition selecting the rows under check, e.g. one delivery's
  ``_file_id = $file_id`` (``$name`` parameters are bound by the runner);
- ``frames`` (optional): named SQL queries for checks across rows or tables, which GX's
  pandas engine cannot express; an expectation with ``meta.frame`` runs against that frame;
- ``each_text_column`` (optional): expectations applied to every text column of the table,
  with ``{column}`` in their description standing for the column's name.

Every expectation's ``meta`` has ``severity`` (``critical`` blocks publication, ``warning``
does not) and a ``description`` a governance board member can read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SUITES_DIR = Path(__file__).parent / "suites"
SEVERITIES = ("critical", "warning")
# Expectation arguments that name columns of the frame.
COLUMN_ARGUMENTS = ("column", "column_A", "column_B", "column_list", "column_set")


class SuiteFileError(ValueError):
    """A suite file does not follow the conventions above."""


@dataclass(frozen=True)
class SuiteFile:
    name: str
    description: str
    table: str
    rows: str | None
    frames: dict[str, str]
    expectations: tuple[dict, ...]
    each_text_column: tuple[dict, ...] = field(default=())

    def expectations_for(self, frame: str | None) -> list[dict]:
        """The suite's fixed expectations that run against ``frame`` (None: the table rows)."""
        return [e for e in self.expectations if e["meta"].get("frame") == frame]


def columns_named_by(expectation: dict) -> list[str]:
    """The frame columns an expectation reads, in argument order."""
    columns: list[str] = []
    for argument in COLUMN_ARGUMENTS:
        value = expectation["kwargs"].get(argument)
        if isinstance(value, str):
            columns.append(value)
        elif value:
            columns.extend(value)
    return columns


def columns_in_condition(condition: dict | None) -> list[str]:
    """The columns a GX row condition (``comparison``, ``and``, ``or`` objects) reads."""
    if not condition:
        return []
    if "conditions" in condition:
        return [c for part in condition["conditions"] for c in columns_in_condition(part)]
    return [condition["column"]["name"]]


def _check(name: str, spec: dict) -> None:
    meta = spec.get("meta", {})
    if "table" not in meta:
        raise SuiteFileError(f"{name}: meta.table is missing")
    frames = meta.get("frames", {})
    for i, expectation in enumerate(spec["expectations"] + meta.get("each_text_column", [])):
        exp_meta = expectation.get("meta", {})
        where = f"{name}: expectation {i} ({expectation.get('type')})"
        if exp_meta.get("severity") not in SEVERITIES:
            raise SuiteFileError(f"{where}: meta.severity must be one of {SEVERITIES}")
        if not exp_meta.get("description"):
            raise SuiteFileError(f"{where}: meta.description is missing")
        if exp_meta.get("frame") is not None and exp_meta["frame"] not in frames:
            raise SuiteFileError(f"{where}: frame {exp_meta['frame']!r} is not in meta.frames")


@cache
def load_suite(name: str) -> SuiteFile:
    """Read and check ``suites/<name>.json``."""
    path = SUITES_DIR / f"{name}.json"
    spec = json.loads(path.read_text())
    if spec.get("name") != name:
        raise SuiteFileError(f"{path}: name {spec.get('name')!r} differs from the file name")
    _check(name, spec)
    meta = spec["meta"]
    return SuiteFile(
        name=name,
        description=meta.get("description", ""),
        table=meta["table"],
        rows=meta.get("rows"),
        frames=meta.get("frames", {}),
        expectations=tuple(spec["expectations"]),
        each_text_column=tuple(meta.get("each_text_column", ())),
    )


def suite_names() -> list[str]:
    return sorted(path.stem for path in SUITES_DIR.glob("*.json"))
