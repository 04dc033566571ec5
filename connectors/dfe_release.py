"""The bundled subset of the DfE "Education, health and care plans" release files.

The warehouse carries a copy of the release's underlying data files in
``reference/dfe/<extract>_<published YYYYMMDD>.csv``: for each file with a contract under
``contracts/dfe/``, the total rows (``breakdown`` equal to ``breakdown_topic``) of England,
every region and every local authority, and the contract's columns only. A new reporting
year (same layout) is brought in with::

    python -m connectors.dfe_release RELEASE_FOLDER --published 2026-06-25

where RELEASE_FOLDER holds the release's ``data/*.csv`` as downloaded. Refreshes never read
the release folder: they land the bundled copy (see ``connectors.drop.delivery_folder``).
"""
from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

from connectors.contracts import REFERENCE_DIR, Contract, all_contracts

PARTNER = "dfe"


def dfe_contracts() -> list[Contract]:
    return [c for c in all_contracts() if c.partner == PARTNER]


def subset_file(source: Path, contract: Contract, target: Path) -> int:
    """Writes the total rows and contract columns of one release file; returns the rows written."""
    with source.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = [c.source_header for c in contract.columns]
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{source}: the release file lacks the contract's column(s) {missing}")
        rows = [[row[c] for c in columns] for row in reader if row["breakdown"] == row["breakdown_topic"]]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return len(rows)


def subset_release(release: Path, published: date, out: Path = REFERENCE_DIR / PARTNER) -> dict[str, int]:
    """Subsets every contracted file of a release folder into ``out``; rows written per file."""
    return {
        contract.extract: subset_file(release / "data" / f"{contract.extract}.csv", contract,
                                      out / f"{contract.extract}_{published:%Y%m%d}.csv")
        for contract in dfe_contracts()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", type=Path, help="the release folder (with data/*.csv)")
    parser.add_argument("--published", type=date.fromisoformat, required=True,
                        help="the release's publication date, YYYY-MM-DD (the files' as-at date)")
    args = parser.parse_args()
    for extract, rows in subset_release(args.release, args.published).items():
        print(f"{extract}: {rows} rows")


if __name__ == "__main__":
    main()
