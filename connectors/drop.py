"""The drop folder: ``<drop>/<partner>/<extract>_<YYYYMMDD>.<ext>``, and database sources."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from connectors.contracts import REFERENCE_DIR, Contract, all_contracts

SOURCES_ENV = "SEND_WAREHOUSE_SOURCES"


@dataclass(frozen=True)
class Delivery:
    """One file (or database read) offered for an extract, or a file no contract claims."""

    partner: str
    extract: str | None
    name: str
    as_at: date | None
    path: Path | None = None
    problem: str | None = None  # file-level rejection message found from the name alone
    database: DatabaseSource | None = None


@dataclass(frozen=True)
class DatabaseSource:
    """An extract read from a partner database table or view named in configuration."""

    url_env: str  # the environment variable holding the SQLAlchemy URL
    table: str
    as_at: date | None = None  # snapshot date; the day of the read when not given

    @property
    def url(self) -> str:
        url = os.environ.get(self.url_env)
        if not url:
            raise RuntimeError(f"database source {self.table}: environment variable {self.url_env} is not set")
        return url


def _parse_as_at(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def delivery_folder(contract: Contract, drop: Path) -> Path:
    """Where the extract's files are: the project's ``reference/`` for bundled published data, else the drop."""
    return REFERENCE_DIR if contract.bundled else drop


def deliveries_for(contract: Contract, drop: Path, today: date) -> list[Delivery]:
    """Files in the drop folder whose names start with the extract's name, oldest first."""
    folder = drop / contract.partner
    found = []
    for path in sorted(folder.glob(f"{contract.extract}_*")) if folder.is_dir() else []:
        if not path.is_file() or path.name.startswith("."):
            continue
        found.append(_delivery(contract, path, today))
    return sorted(found, key=lambda d: (d.as_at or date.min, d.path.stat().st_mtime, d.name))


def _delivery(contract: Contract, path: Path, today: date) -> Delivery:
    match = re.fullmatch(rf"{contract.extract}_([0-9]{{8}})\.([A-Za-z]+)", path.name)
    as_at = _parse_as_at(match.group(1)) if match else None
    problem = None
    if match is None or as_at is None:
        problem = (f"{path.name}: file name not of the form {contract.extract}_YYYYMMDD.{contract.format} "
                   "with a real date")
    elif match.group(2).lower() != contract.format:
        problem = f"{path.name}: {contract.partner} sends {contract.extract} as .{contract.format}, not .{match.group(2)}"
    elif as_at > today:
        problem = f"{path.name}: as-at date {as_at} is in the future"
    return Delivery(contract.partner, contract.extract, path.name, as_at, path, problem)


def unrecognised_files(drop: Path) -> list[Delivery]:
    """Files in the drop that no contract claims (unknown partner folder or extract name)."""
    claimed = {(c.partner, c.extract) for c in all_contracts() if not c.bundled}
    partners = {p for p, _ in claimed}
    stray = []
    for path in sorted(drop.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(drop).parts):
            continue
        rel = path.relative_to(drop).parts
        partner = rel[0] if len(rel) == 2 else "(drop folder)"
        if partner in partners and any(path.name.startswith(f"{e}_") for p, e in claimed if p == partner):
            continue
        stray.append(Delivery(partner, None, str(Path(*rel)), None, path,
                              f"{Path(*rel)}: not a recognised extract file name "
                              "(<partner>/<extract>_<YYYYMMDD>.<ext>, see the extract specification)"))
    return stray


def database_sources() -> dict[tuple[str, str], DatabaseSource]:
    """Extracts configured to come from a database: YAML named by ``SEND_WAREHOUSE_SOURCES``.

    ``council/ehcp_caseload: {url_env: COUNCIL_DB_URL, table: v_ehcp_caseload, as_at: 2025-07-31}``
    """
    config_path = os.environ.get(SOURCES_ENV)
    if not config_path:
        return {}
    config = yaml.safe_load(Path(config_path).read_text()) or {}
    sources = {}
    for name, spec in config.items():
        partner, extract = name.split("/")
        as_at = spec.get("as_at")  # a YAML date, or the same quoted as text
        sources[(partner, extract)] = DatabaseSource(
            spec["url_env"], spec["table"], date.fromisoformat(str(as_at)) if as_at else None)
    return sources


def database_delivery(contract: Contract, source: DatabaseSource, today: date) -> Delivery:
    as_at = source.as_at or today
    problem = f"db:{source.table}: as-at date {as_at} is in the future" if as_at > today else None
    return Delivery(contract.partner, contract.extract, f"db:{source.table}", as_at,
                    problem=problem, database=source)
