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
    reason_code: str = "BAD_FILE_NAME"  # of ``problem``
    readable: bool = True  # False for a drop entry that must not be read (a link, not a file)


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
    """Files in the drop folder whose names start with the extract's name, oldest first.

    Only regular files (or links to one inside the drop) are offered; other entries are strays.
    """
    folder = drop / contract.partner
    found = []
    for path in sorted(folder.glob(f"{contract.extract}_*")) if folder.is_dir() else []:
        if _entry_problem(path, drop) is None:
            found.append(_delivery(contract, path, today))
    return sorted(found, key=lambda d: (d.as_at or date.min, d.path.stat().st_mtime, d.name))


def _entry_problem(path: Path, drop: Path) -> tuple[str, str] | None:
    """Why a drop entry is not read as a delivery (reason code, what is wrong), or None."""
    if path.is_symlink():
        if not path.exists():
            return "BROKEN_LINK", "a link to a file that does not exist: not read; put the file itself in the drop"
        if not path.resolve().is_relative_to(drop.resolve()):
            return "OUTSIDE_DROP", "a link to a file outside the drop folder: not read; put the file itself in the drop"
    if path.name.startswith(".") or "\\" in path.name:
        looks = "looks like a path" if ".." in path.name or "\\" in path.name else "is hidden (starts with '.')"
        return "BAD_FILE_NAME", f"the file name {looks}: not read; name it <extract>_<YYYYMMDD>.<ext>"
    if not path.is_file():
        return "NOT_A_FILE", "not a regular file (a folder link or a device): not read"
    return None


def drop_entries(drop: Path) -> list[Path]:
    """Every entry of the drop folder but its folders (links included); hidden folders (a file
    share's ``.snapshot``) are not searched."""
    entries = []
    for folder, folders, files in os.walk(drop):
        entries += [Path(folder, name) for name in files]
        entries += [Path(folder, name) for name in folders if Path(folder, name).is_symlink()]
        folders[:] = [f for f in folders if not f.startswith(".") and not Path(folder, f).is_symlink()]
    return sorted(entries)


def _delivery(contract: Contract, path: Path, today: date) -> Delivery:
    match = re.fullmatch(rf"{contract.extract}_([0-9]{{8}})\.([A-Za-z]+)", path.name)
    as_at = _parse_as_at(match.group(1)) if match else None
    problem = None
    if match is None or as_at is None:
        problem = (f"{path.name}: file name not of the form {contract.extract}_YYYYMMDD.{contract.format} "
                   "with a real date")
    elif match.group(2).lower() != contract.format:
        problem = (f"{path.name}: {contract.partner} sends {contract.extract} as .{contract.format}, "
                   f"not .{match.group(2)}")
    elif as_at > today:
        problem = f"{path.name}: as-at date {as_at} is in the future"
    return Delivery(contract.partner, contract.extract, path.name, as_at, path, problem)


def unrecognised_files(drop: Path) -> list[Delivery]:
    """Every drop entry no contract lands: an unknown partner folder or extract name, a hidden or
    path-like name, a broken link, a link out of the drop, or not a file."""
    claimed = {(c.partner, c.extract) for c in all_contracts() if not c.bundled}
    stray = []
    for path in drop_entries(drop) if drop.is_dir() else []:
        rel = path.relative_to(drop)
        partner = rel.parts[0] if len(rel.parts) == 2 else "(drop folder)"
        problem = _entry_problem(path, drop)
        if problem is None:
            if any(p == partner and path.name.startswith(f"{e}_") for p, e in claimed):
                continue
            problem = ("BAD_FILE_NAME", "not a recognised extract file name "
                                        "(<partner>/<extract>_<YYYYMMDD>.<ext>, see the extract specification)")
        reason, message = problem
        stray.append(Delivery(partner, None, str(rel), None, path, f"{rel}: {message}",
                              reason_code=reason, readable=path.is_file() and reason == "BAD_FILE_NAME"))
    return stray


def database_sources() -> dict[tuple[str, str], DatabaseSource]:
    """Extracts configured to come from a database: YAML named by ``SEND_WAREHOUSE_SOURCES``.

    ``council/school_census: {url_env: COUNCIL_DB_URL, table: v_school_census, as_at: 2025-07-31}``
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
