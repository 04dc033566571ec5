"""Declarative extract contracts: one YAML file per partner extract under ``contracts/``."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CONTRACTS_DIR = Path(__file__).parent / "contracts"
# Reference data the project ships (``delivery: bundled`` contracts): <REFERENCE_DIR>/<partner>/.
REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"

# Column types a contract may use. Identifier-like types are pseudonymised at landing.
COLUMN_TYPES = {
    "text", "code", "code_list", "date", "date_of_birth", "integer", "decimal",
    "month", "term", "nhs_number", "upn", "identifier", "postcode", "lsoa",
    "practice_code", "sub_icb_code", "statistic", "yes_no", "name",
    "snomed_list",  # |-separated SNOMED CT ids: Verhoeff-checked, then looked up in a value set
}
PSEUDONYMISED_TYPES = {"nhs_number", "upn", "identifier", "postcode"}
DATE_TYPES = {"date", "date_of_birth"}
# Kept only in the restricted ``landing`` rows: never in ``clean`` (nor the clean zone) or after.
LANDING_ONLY_TYPES = {"name"}
# Date forms a contract may accept besides ISO ``YYYY-MM-DD`` (``date_forms:``): the SEN2 export's
# ``YYYY-Mon-DD HH:MM:SS`` (national-formats.md v2).
DATE_FORMS = ("iso", "sen2_export")
# Text encodings a CSV contract may declare (``encoding:``); utf-8 is the default.
ENCODINGS = ("utf-8", "cp1252")
# What a date bound (``not_before`` / ``not_after``) may name besides another date column of the row.
AS_AT = "as_at"
# How old an extract may be before it is reported stale, by cadence.
CADENCE_MAX_AGE_DAYS = {"monthly": 45, "termly": 135, "yearly": 400}
# Where an extract's files come from: the partners' drop folder, or the project's reference/ folder.
DELIVERIES = ("drop", "bundled")
MAX_AGE_YEARS = 25


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    codes: tuple[str, ...] = ()
    header: str | None = None  # the partner's header when it differs from the name
    pattern: str | None = None
    check_lookup: bool = True  # lsoa columns: must be in the current lsoa_lookup
    # Date bounds: ``as_at`` (the file's as-at date) or another date column of the same row.
    not_before: str | None = None
    not_after: str | None = None
    # Another extract of the partner whose current file's key the value must be (a kept row issue
    # ``<COLUMN>_NOT_IN_<EXTRACT>`` otherwise, e.g. a placement URN not in the establishments file).
    lookup: str | None = None

    @property
    def source_header(self) -> str:
        return self.header or self.name

    @property
    def pseudonymised(self) -> bool:
        return self.type in PSEUDONYMISED_TYPES

    @property
    def in_clean(self) -> bool:
        """False for names: kept in the restricted landing rows only."""
        return self.type not in LANDING_ONLY_TYPES

    @property
    def clean_name(self) -> str:
        """Name in the ``clean`` schema: identifiers become ``<name>_pseudo``."""
        return f"{self.name}_pseudo" if self.pseudonymised else self.name


@dataclass(frozen=True)
class Quality:
    """Delivery-level thresholds (defaults in ``contracts/_quality.yml``)."""

    max_quarantined_share: float
    min_volume_ratio: float


@dataclass(frozen=True)
class Contract:
    partner: str
    extract: str
    title: str
    cadence: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    quality: Quality
    format: str = "csv"
    delivery: str = "drop"
    date_forms: tuple[str, ...] = ("iso",)
    encoding: str = "utf-8"
    # A module of a multi-file return (``group: sen2``): every module file of one date is one delivery.
    group: str | None = None
    # (parent extract, column): each row's id of its parent record in the same delivery.
    parent: tuple[str, str] | None = None
    # (column, value, reason): at most one row per parent id has this value; every row of a parent
    # with more is kept with the reason (SEN2: one need of rank 1 per active plan).
    one_per_parent: tuple[str, str, str] | None = None

    @property
    def clean_columns(self) -> tuple[Column, ...]:
        """The columns written to ``clean`` (all but the landing-only ones)."""
        return tuple(c for c in self.columns if c.in_clean)

    @property
    def bundled(self) -> bool:
        """Published reference data shipped with the project, landed from ``reference/<partner>/``."""
        return self.delivery == "bundled"

    @property
    def name(self) -> str:
        """``<partner>__<extract>``: the table name in ``landing`` and ``clean``."""
        return f"{self.partner}__{self.extract}"

    @property
    def max_age_days(self) -> int:
        return CADENCE_MAX_AGE_DAYS[self.cadence]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def has_lsoa(self) -> bool:
        return any(c.type == "lsoa" and c.check_lookup for c in self.columns)

    @property
    def lookups(self) -> tuple[str, ...]:
        """The partner's extracts this one's values are checked against (landed first)."""
        return tuple(sorted({c.lookup for c in self.columns if c.lookup}))


@dataclass(frozen=True)
class ContractError(Exception):
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _code_lists() -> dict[str, list[str]]:
    """The named code lists: listed in ``_code_lists.yml``, or read from a bundled file it names
    (``{file: <path under reference/>, column: <code column>}``), distinct codes in file order."""
    return {name: _code_file(codes) if isinstance(codes, dict) else codes
            for name, codes in yaml.safe_load((CONTRACTS_DIR / "_code_lists.yml").read_text()).items()}


def _code_file(source: dict) -> list[str]:
    with (REFERENCE_DIR / source["file"]).open(encoding="utf-8", newline="") as f:
        return list(dict.fromkeys(row[source["column"]] for row in csv.DictReader(f)))


def _quality_defaults() -> dict[str, float]:
    return yaml.safe_load((CONTRACTS_DIR / "_quality.yml").read_text())


def _quality(path: Path, spec: dict, defaults: dict[str, float]) -> Quality:
    settings = {**defaults, **spec.get("quality", {})}
    unknown = set(settings) - set(Quality.__dataclass_fields__)
    if unknown:
        raise ContractError(path, f"unknown quality setting(s) {sorted(unknown)}")
    for name, value in settings.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ContractError(path, f"quality.{name} must be a number from 0 to 1")
    return Quality(**settings)


def _load(path: Path, code_lists: dict[str, list[str]], quality_defaults: dict[str, float] | None = None) -> Contract:
    spec = yaml.safe_load(path.read_text())
    columns = []
    for name, col in spec["columns"].items():
        if col["type"] not in COLUMN_TYPES:
            raise ContractError(path, f"column {name}: unknown type {col['type']!r}")
        codes = col.get("codes", [])
        if isinstance(codes, str):
            codes = code_lists[codes]
        if any(isinstance(c, bool) for c in codes):
            raise ContractError(path, f"column {name}: a code was read as a boolean (YES/NO/ON/OFF): quote it")
        columns.append(Column(
            name=name, type=col["type"], required=col.get("required", False),
            codes=tuple(str(c) for c in codes), header=col.get("header"),
            pattern=col.get("pattern"), check_lookup=col.get("check_lookup", True),
            not_before=col.get("not_before"), not_after=col.get("not_after"), lookup=col.get("lookup"),
        ))
    names = {c.name for c in columns}
    dates = {c.name for c in columns if c.type in DATE_TYPES}
    for c in columns:
        for bound, other in (("not_before", c.not_before), ("not_after", c.not_after)):
            if other is None:
                continue
            if c.type not in (*DATE_TYPES, "month") or c.type == "month" and other != AS_AT:
                raise ContractError(path, f"column {c.name}: {bound} applies to a date (or a month, as_at only)")
            if other not in dates and (other, bound) != (AS_AT, "not_after"):
                raise ContractError(path, f"column {c.name}: {bound} must name a date column"
                                          f"{' or as_at' if bound == 'not_after' else ''}, not {other!r}")
    missing_key = [k for k in spec["key"] if k not in names]
    if missing_key:
        raise ContractError(path, f"key columns {missing_key} are not columns")
    if spec["cadence"] not in CADENCE_MAX_AGE_DAYS:
        raise ContractError(path, f"unknown cadence {spec['cadence']!r}")
    if spec.get("delivery", "drop") not in DELIVERIES:
        raise ContractError(path, f"unknown delivery {spec['delivery']!r}")
    date_forms = tuple(spec.get("date_forms", ["iso"]))
    if "iso" not in date_forms or set(date_forms) - set(DATE_FORMS):
        raise ContractError(path, f"date_forms must include iso and be among {list(DATE_FORMS)}")
    if spec.get("encoding", "utf-8") not in ENCODINGS:
        raise ContractError(path, f"unknown encoding {spec['encoding']!r}")
    parent = spec.get("parent")
    if parent is not None and (set(parent) != {"extract", "column"} or parent["column"] not in names):
        raise ContractError(path, "parent must be {extract: <module>, column: <a column of this contract>}")
    one = spec.get("one_per_parent")
    if one is not None and (parent is None or set(one) != {"column", "value", "reason"} or one["column"] not in names):
        raise ContractError(path, "one_per_parent must be {column: <a column>, value: <code>, reason: <REASON>} "
                                  "and needs a parent")
    return Contract(
        partner=path.parent.name, extract=path.stem, title=spec["title"],
        cadence=spec["cadence"], key=tuple(spec["key"]), columns=tuple(columns),
        quality=_quality(path, spec, quality_defaults or _quality_defaults()), format=spec.get("format", "csv"),
        delivery=spec.get("delivery", "drop"), date_forms=date_forms,
        encoding=spec.get("encoding", "utf-8"), group=spec.get("group"),
        parent=(parent["extract"], parent["column"]) if parent else None,
        one_per_parent=(one["column"], str(one["value"]), one["reason"]) if one else None,
    )


@cache
def all_contracts() -> tuple[Contract, ...]:
    """Every extract contract, ordered by partner then extract."""
    code_lists, quality_defaults = _code_lists(), _quality_defaults()
    return tuple(
        _load(path, code_lists, quality_defaults)
        for path in sorted(CONTRACTS_DIR.glob("*/*.yml"))
    )


def contract_for(partner: str, extract: str) -> Contract:
    for contract in all_contracts():
        if (contract.partner, contract.extract) == (partner, extract):
            return contract
    raise KeyError(f"no contract for {partner}/{extract}")
