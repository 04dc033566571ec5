"""The expectation suites under ``suites/``: one GX 1.x ExpectationSuite JSON file per asset.

Besides GX's own fields, a suite's ``meta`` tells the runner what to read:

- ``table``: the DuckDB table the suite validates;
- ``rows`` (optional): a SQL condition selecting the rows under check, e.g. one delivery's
  ``_file_id = $file_id`` (``$name`` parameters are bound by the runner);
- ``frames`` (optional): named SQL queries for checks across rows or tables, which GX's
  pandas engine cannot express; an expectation with ``meta.frame`` runs against that frame;
- ``each_text_column`` (optional): expectations applied to every text column of the table,
  with ``{column}`` in their description standing for the column's name.

A ``clean__<partner>__<extract>`` suite is generated from its extract contract
(``contract_suites``: columns, codes, formats, required values, date bounds, the key) plus
what its file adds; the file is optional and must not repeat a generated rule.

Every expectation's ``meta`` has ``severity`` (``critical`` blocks publication, ``warning``
does not) and a ``description`` a governance board member can read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from connectors.contracts import Contract, all_contracts
from expectations.contract_suites import structural_expectations, table_frames

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


# Generated types a suite file may still use on the same columns, to add a bound the contract lacks.
_REFINABLE_TYPES = {"expect_column_values_to_be_between", "expect_column_pair_values_a_to_be_greater_than_b"}


def _contract(name: str) -> Contract | None:
    return next((c for c in all_contracts() if f"clean__{c.name}" == name), None)


def _with_contract(name: str, spec: dict, contract: Contract) -> dict:
    """A clean suite: the contract's generated expectations, then the file's own."""
    generated = structural_expectations(contract)
    covered = {(e["type"], tuple(columns_named_by(e))) for e in generated}
    for expectation in spec["expectations"]:
        repeated = (expectation["type"], tuple(columns_named_by(expectation)))
        if (repeated in covered and expectation["type"] not in _REFINABLE_TYPES
                and "mostly" not in expectation["kwargs"] and "row_condition" not in expectation["kwargs"]):
            raise SuiteFileError(f"{name}: {repeated[0]} on {list(repeated[1])} repeats the extract contract "
                                 f"(generated, see expectations/contract_suites.py): remove it from the file")
    meta = spec.get("meta", {})
    return {**spec, "name": name, "expectations": generated + spec["expectations"], "meta": {
        "description": f"{contract.title} ({contract.partner}): the cleaned rows of one delivery.",
        "table": f"clean.{contract.name}", "rows": "_file_id = $file_id",
        **meta, "frames": {**table_frames(contract), **meta.get("frames", {})}}}


@cache
def load_suite(name: str) -> SuiteFile:
    """Read and check ``suites/<name>.json`` (with a contract's generated expectations for a clean suite)."""
    path = SUITES_DIR / f"{name}.json"
    contract = _contract(name)
    if path.exists():
        spec = json.loads(path.read_text())
        if spec.get("name") != name:
            raise SuiteFileError(f"{path}: name {spec.get('name')!r} differs from the file name")
    elif contract is not None:
        spec = {"name": name, "expectations": []}
    else:
        raise SuiteFileError(f"{path}: no such suite file and no extract contract {name!r}")
    if contract is not None:
        spec = _with_contract(name, spec, contract)
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
    """Every suite: one per extract contract (a file optional) and one per other suite file."""
    files = {path.stem for path in SUITES_DIR.glob("*.json")}
    return sorted(files | {f"clean__{c.name}" for c in all_contracts()})
