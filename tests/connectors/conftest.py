"""Builders for the connector tests: hand-written extract files, a drop folder and a warehouse.

Every test that lands through the ``wh`` fixture is also checked, after it ran, for lost rows:
each file's counts must reconcile and equal the rows actually in ``landing``, ``clean`` and
quarantine.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from connectors.contracts import Contract, all_contracts, contract_for
from connectors.drop import deliveries_for, unrecognised_files
from connectors.landing import LandingOutcome, land, prepare, record_unrecognised
from connectors.returns import depth

AS_AT = date(2025, 7, 31)
TODAY = date(2025, 8, 4)
KEY = b"connector-test-key"

# Clear identifiers used by the builders (NHS numbers all pass the modulus-11 check).
NHS = ("9434765919", "9876543210", "4010232137", "9434765870")
UPN = ("A123456789012", "B234567890123", "C34567890123D")  # the last is a temporary UPN
LA_CHILD = ("LA100001", "LA100002", "LA100003")
EY_CHILD = ("EY500001", "EY500002", "EY500003")
CCIS = ("CC700001", "CC700002", "CC700003")
POSTCODE = ("ST16 2AB", "ST5 1AA", "WS11 1DB")
LSOA = ("E01029001", "E01029002", "E01029003")
ULN = ("1234567890", "2345678901")
NAMES = ("Okonkwo", "Amara", "Whitmore", "Zoë", "Hargreaves", "Ellis")  # SEN2 surnames and forenames
CLEAR_IDENTIFIERS = (*NHS, *UPN, *LA_CHILD, *EY_CHILD, *CCIS, *POSTCODE, *(p.replace(" ", "") for p in POSTCODE),
                     *ULN)

# 3 valid rows of every extract, values in contract column order.
VALID_ROWS: dict[str, list[tuple[str | date | None, ...]]] = {
    # One SEN2 delivery: three children, each with a request, assessment, named plan and active plan.
    "council__sen2_header": [
        ("SEN2", "2025", "2025-01-16", "860", "BLADE", "1.0", serial, "2025-Jan-16 09:30:00", "Y", "Y")
        for serial in ("1", "2", "3")
    ],
    "council__sen2_person": [
        (LA_CHILD[0], NAMES[0], NAMES[1], "2012-03-04", "M", "WBRI", POSTCODE[0], UPN[0], None, None),
        (LA_CHILD[1], NAMES[2], NAMES[3], "2008-Nov-30 00:00:00", "F", "APKN", POSTCODE[1], UPN[1], ULN[0], None),
        (LA_CHILD[2], NAMES[4], NAMES[5], "2016-01-15", "U", "NOBT", POSTCODE[2], None, None, "UN2"),
    ],
    "council__sen2_requests": [
        ("REQ-1", LA_CHILD[0], "2024-01-10", "1", "0", "2024-02-20", "Y", "0", "0", "Y"),
        ("REQ-2", LA_CHILD[1], "2024-Jun-03 00:00:00", "2", "false", "2024-07-15", "Y", "N", "true", None),
        ("REQ-3", LA_CHILD[2], "2025-01-06", "3", "N", "2025-02-14", "Y", "0", "0", "N"),
    ],
    "council__sen2_assessment": [
        ("ASM-1", "REQ-1", "Y", "2024-05-01", "0", "0", "0", "0", "0"),
        ("ASM-2", "REQ-2", "Y", "2024-Oct-21 00:00:00", "1", "0", "0", "0", "1"),
        ("ASM-3", "REQ-3", "Y", "2025-05-20", "0", "0", "0", "0", "0"),
    ],
    "council__sen2_namedplan": [
        ("NP-1", "ASM-1", "2024-05-01", "LA", "1", "0", "0", None, None, None),
        ("NP-2", "ASM-2", "2024-10-21", None, None, "1", "1", "PB", "2025-07-19", "2"),
        ("NP-3", "ASM-3", "2025-May-20 00:00:00", None, None, "0", "0", None, None, None),
    ],
    "council__sen2_plandetail": [
        ("PD-1", "NP-1", "124001", "10012345", None, None, "1", "0", "0"),
        ("PD-2", "NP-2", None, None, "EHE", None, "1", "0", "0"),
        ("PD-3", "NP-3", "124003", None, None, None, "1", "1", "0"),
    ],
    "council__sen2_activeplans": [
        ("AP-1", "REQ-1", None, "2025-04-28", "M", "2025-05-09", None, None, None),
        ("AP-2", "REQ-2", "861", "2025-Mar-03 00:00:00", "C", "2025-03-20", None, "2025-02-15", "2025-03-15"),
        ("AP-3", "REQ-3", None, None, None, None, None, None, None),
    ],
    "council__sen2_placementdetail": [
        ("PL-1", "AP-1", "124001", None, None, None, "1", "2021-09-01", None, "0", "0", None, None),
        ("PL-2", "AP-2", None, None, "EHE", None, "1", "2024-Oct-21 00:00:00", "2025-07-19", "0", "0", "R", "W"),
        ("PL-3", "AP-3", "124003", None, None, None, "1", "2025-06-01", None, "1", "0", None, None),
    ],
    "council__sen2_senneed": [
        ("SN-1", "AP-1", "ASD", "1"),
        ("SN-2", "AP-2", "SEMH", "1"),
        ("SN-3", "AP-3", "DS", "1"),
    ],
    "council__establishments": [
        ("124001", "860", "Staffordshire", "2001", "Rising Brook Primary School", "Community school",
         "Local authority maintained schools", "Open", "Primary", "10012345", POSTCODE[0]),
        ("124002", "860", "Staffordshire", "7001", "Horton Lodge Community Special School", "Community special school",
         "Special schools", "Open", "Not applicable", None, POSTCODE[1]),
        ("124003", "860", "Staffordshire", "2003", "Sainte-Thérèse Catholic Academy", "Academy converter",
         "Academies", "Open", "Primary", "10067890", POSTCODE[2]),
    ],
    "council__school_census": [
        (UPN[0], LA_CHILD[0], "2025-05-15", "124001", "PRIMARY", "6", "2014-03-04", "M", "WBRI",
         POSTCODE[0], LSOA[0], "E", "ASD", "N", "300", "12", "0", "N"),
        (UPN[1], None, "2025-05-15", "124002", "SECONDARY", "10", "2010-11-30", "F", "MWBC",
         POSTCODE[1], LSOA[1], "K", "SPLD", "Y", "310", "40", "2", "N"),
        (UPN[2], None, "2025-05-15", "124003", "SPECIAL", "R", "2020-01-15", "U", "NOBT",
         POSTCODE[2], LSOA[2], "N", None, "N", "280", "0", "0", "N"),
    ],
    "council__eapdr_requests": [
        ("EAP-001", UPN[0], LA_CHILD[0], "E07000197", "2025-01-13", "SEDIS", "OPEN", None),
        ("EAP-002", UPN[1], None, "E07000192", "2024-10-02", "EDUCATIONAL_PSYCHOLOGY", "CLOSED",
         "NEEDS_MET_IN_SETTING"),
        ("EAP-003", None, LA_CHILD[2], "E07000199", "2024-12-09", "AUTISM_INCLUSION", "CLOSED",
         "ESCALATED_TO_EHCNA"),
    ],
    "council__early_years_entitlements": [
        (EY_CHILD[0], None, "2022-05-01", "F", "2025-SUMMER", "UNIVERSAL_3_4", "N", None, "15", POSTCODE[0], LSOA[0]),
        (EY_CHILD[1], LA_CHILD[2], "2021-09-09", "M", "2025-SUMMER", "WP_3_4", "Y", "SENIF", "30", POSTCODE[1],
         LSOA[1]),
        (EY_CHILD[2], None, "2023-02-14", "U", "2025-SPRING", "THINK2", "Y", "DAF", "12.5", POSTCODE[2], LSOA[2]),
    ],
    "council__post16_activity": [
        (CCIS[0], LA_CHILD[0], UPN[0], "2007-03-04", POSTCODE[0], LSOA[0], "EHCP", "EET", "2025-06"),
        (CCIS[1], None, UPN[1], "2005-11-30", POSTCODE[1], LSOA[1], "SEN_SUPPORT", "NEET", "2025-06"),
        (CCIS[2], None, None, "2001-01-15", None, None, "NONE", "NOT_KNOWN", "2025-07"),
    ],
    "icb__gp_registered_population": [
        (NHS[0], "2012-03-04", "M", POSTCODE[0], LSOA[0], "M83001", "2012-03-20", "N", "Y", None),
        (NHS[1], "2008-11-30", "F", POSTCODE[1], LSOA[1], "M83002", "2015-06-01", "Y", "N", "2025-02-11"),
        (NHS[2], "2016-01-15", "U", POSTCODE[2], LSOA[2], "M83001", "2016-02-01", "N", "N", None),
    ],
    "icb__gp_practices": [
        ("M83001", "Rising Brook Surgery", "05V", POSTCODE[0], LSOA[0]),
        ("M83002", "Wolstanton Medical Centre", "05G", POSTCODE[1], LSOA[1]),
        ("M83003", "Cannock Road Practice", "04Y", POSTCODE[2], LSOA[2]),
    ],
    "icb__lsoa_lookup": [
        (LSOA[0], "Stafford 001A", "E07000197", "Stafford", "05V", "Stafford and Surrounds"),
        (LSOA[1], "Newcastle-under-Lyme 002B", "E07000195", "Newcastle-under-Lyme", "05G", "North Staffordshire"),
        (LSOA[2], "Cannock Chase 003C", "E07000192", "Cannock Chase", "04Y", "Cannock Chase"),
    ],
    "mpft__slt_referrals": [
        ("SLT-001", NHS[0], "2021-03-04", "2024-09-02", "HEALTH_VISITOR", "05V", "2024-10-14", None),
        ("SLT-002", NHS[1], "2019-11-30", "2024-11-20", "SCHOOL", "04Y", "2025-01-06", "2025-06-30"),
        ("SLT-003", None, "2022-01-15", "2025-05-12", "EARLY_YEARS", "05Q", None, None),
    ],
    "mpft__camhs_referrals": [
        ("CAM-001", NHS[0], "2010-03-04", "2024-09-02", "CORE_CAMHS", "05Q", "2024-09-30", "2024-10-21",
         "2024-11-04", None),
        ("CAM-002", NHS[1], "2008-11-30", "2025-01-20", "AUTISM_ASSESSMENT", "05V", "2025-03-03", None, None, None),
        ("CAM-003", NHS[2], "2013-01-15", "2025-04-07", "MHST", "04Y", None, None, None, None),
    ],
    "mpft__reasonable_adjustment_flags": [
        ("RAF-001", NHS[0], "active", "RACONSENT", "2024-02-01", "2025-02-01", "RRE", "9|2", "001|009",
         "441092009|719369003"),
        ("RAF-002", NHS[1], "inactive", "RACONSENT", "2023-05-10", None, "RRE", "5", "008", "225861007"),
        ("RAF-003", NHS[2], "entered-in-error", "RADISSENT", "2025-03-03", None, "RRE01", "10", "011", None),
    ],
    "mpft__epr_send_markers": [
        (NHS[0], "2024-03-01", "EHCP_NOTIFIED"),
        (NHS[1], "2023-10-12", "CLINICIAN"),
        (NHS[2], "2025-01-30", "SCHOOL_NURSE"),
    ],
    "nscht__camhs_referrals": [
        ("NS-001", NHS[3], date(2011, 6, 7), date(2024, 10, 1), "CORE_CAMHS", "05G", date(2024, 11, 4),
         None, None, None),
        ("NS-002", NHS[2], "07/06/2009", "15/01/2025", "GETTING_ADVICE", "05W", "03/02/2025", None, None,
         "30/06/2025"),
        ("NS-003", NHS[1], date(2014, 2, 28), "01/07/2025", "AUTISM_ASSESSMENT", "05G", None, None, None, None),
    ],
    "nscht__reasonable_adjustment_flags": [
        ("NF-001", NHS[3], "active", "RACONSENT", date(2024, 4, 1), None, "RLY", "7", "007", "1082681000000103"),
        ("NF-002", NHS[2], "active", "RAREVOKED", "12/12/2024", "12/06/2025", "RLY", "9", "009|003",
         "957371000000106"),
        ("NF-003", NHS[1], "inactive", "RACONSENT", date(2022, 1, 5), None, "RLY", "3", "009", None),
    ],
}


def contract(name: str) -> Contract:
    return contract_for(*name.split("__"))


def valid_rows(name: str) -> list[dict]:
    """The builder's valid rows of an extract as {canonical column: value}."""
    columns = [c.name for c in contract(name).columns]
    return [dict(zip(columns, values)) for values in VALID_ROWS[name]]


def csv_bytes(header: list[str], rows: list[list], *, newline: str = "\n", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([header, *rows])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)  # date values become Excel date cells
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def extract_bytes(name: str, rows: list[dict]) -> bytes:
    """A file of ``rows`` in the partner's format, headers as the partner writes them."""
    c = contract(name)
    header = [col.source_header for col in c.columns]
    values = [[row.get(col.name) for col in c.columns] for row in rows]
    if c.format == "xlsx":
        return xlsx_bytes(header, values)
    data = csv_bytes(header, values)
    return data.decode().encode(c.encoding)  # GIAS exports Windows-1252


def file_name(name: str) -> str:
    c = contract(name)
    return f"{c.extract}_{AS_AT:%Y%m%d}.{c.format}"


class Warehouse:
    """A drop folder and a warehouse landing it the way the landing assets do."""

    def __init__(self, root: Path, con: duckdb.DuckDBPyConnection):
        self.drop, self.landing_dir, self.con = root / "drop", root / "landed_files", con

    def put(self, partner: str, name: str, data: bytes, siblings: bool = True) -> None:
        """Write a drop file; a module of a multi-file return gets its sibling modules of the same
        date too (the builder's valid rows) unless they are there or ``siblings`` is False."""
        path = self.drop / partner / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        module = next((c for c in all_contracts() if c.partner == partner and c.group
                       and name.startswith(f"{c.extract}_")), None)
        stamp = name.removeprefix(f"{module.extract}_").removesuffix(".csv") if module else ""
        if siblings and module and stamp.isdigit():
            for other in all_contracts():
                sibling = self.drop / partner / f"{other.extract}_{stamp}.csv"
                if other.group == module.group and other.partner == partner and not sibling.exists():
                    sibling.write_bytes(extract_bytes(other.name, valid_rows(other.name)))

    def put_rows(self, name: str, rows: list[dict] | None = None) -> None:
        """Write an extract file as at ``AS_AT`` (of the builder's valid rows by default)."""
        self.put(name.split("__")[0], file_name(name),
                 extract_bytes(name, valid_rows(name) if rows is None else rows))

    def land(self, name: str, today: date = TODAY) -> list[LandingOutcome | None]:
        """Land the extract's files in the drop (a return's parent modules first, as the assets do)."""
        c = contract(name)
        if c.parent:
            self.land(f"{c.partner}__{c.parent[0]}", today)
        return [land(self.con, c, d, self.landing_dir) for d in deliveries_for(c, self.drop, today)]

    def land_one(self, name: str, rows: list[dict] | None = None) -> LandingOutcome:
        """Write one file of ``rows`` and land it (the only file of that extract in the drop)."""
        self.put_rows(name, rows)
        (outcome,) = self.land(name)
        return outcome

    def land_drop(self, today: date = TODAY) -> None:
        """Every partner extract, the LSOA lookup first, then the files no contract claims."""
        partner_contracts = [c for c in all_contracts() if not c.bundled]
        for c in sorted(partner_contracts, key=lambda c: (c.name != "icb__lsoa_lookup", depth(c))):
            self.land(c.name, today)
        for stray in unrecognised_files(self.drop):
            record_unrecognised(self.con, stray)

    def query(self, sql: str, params: list | None = None) -> list[dict]:
        result = self.con.execute(sql, params or [])
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row)) for row in result.fetchall()]

    def file(self, file_id: int) -> dict:
        (row,) = self.query("select * exclude (received_at) from landing.files where file_id = ?", [file_id])
        return row

    def issues(self, file_id: int) -> list[tuple]:
        """(row, field, reason, action, message) of a file, in row then field order."""
        return self.con.execute(
            "select row_number, field, reason_code, action, message from landing.row_issues "
            "where file_id = ? order by row_number, field, reason_code", [file_id],
        ).fetchall()

    def rows(self, schema: str, name: str, file_id: int) -> list[dict]:
        return self.query(f"select * exclude (_file_id) from {schema}.{name} where _file_id = ? "
                          "order by _row_number", [file_id])

    def assert_no_row_lost(self) -> None:
        """Every file reconciles, and its counts are the rows actually landed, clean and quarantined."""
        tables = {t for (t,) in self.con.execute(
            "select schema_name || '.' || table_name from duckdb_tables()").fetchall()}
        for f in self.query("select * from landing.files"):
            name = f"{f['partner']}__{f['extract']}"
            actual = {"rows_received": 0, "rows_accepted": 0, "rows_quarantined": 0}
            if f"landing.{name}" in tables:
                actual["rows_received"] = self._count(f"landing.{name} where _file_id = ?", f["file_id"])
            if f"clean.{name}" in tables:
                actual["rows_accepted"] = self._count(f"clean.{name} where _file_id = ?", f["file_id"])
            actual["rows_quarantined"] = self._count(
                "(select distinct row_number from landing.row_issues "
                "where file_id = ? and action = 'quarantined')", f["file_id"])
            recorded = {k: f[k] for k in actual}
            assert recorded == actual, f["file_name"]
            assert f["rows_received"] == f["rows_accepted"] + f["rows_quarantined"], f["file_name"]

    def _count(self, relation: str, file_id: int) -> int:
        return self.con.execute(f"select count(*) from {relation}", [file_id]).fetchone()[0]


def new_warehouse(root: Path, key: bytes = KEY, database: str = ":memory:") -> Warehouse:
    """A warehouse (in memory unless a DuckDB file is named) prepared with ``key``."""
    con = duckdb.connect(database)
    prepare(con, key)
    return Warehouse(root, con)


@pytest.fixture
def empty_wh(tmp_path):
    """A warehouse with nothing landed; checked for lost rows after the test."""
    wh = new_warehouse(tmp_path)
    yield wh
    wh.assert_no_row_lost()
    wh.con.close()


@pytest.fixture
def wh(empty_wh):
    """A warehouse with the builder's LSOA lookup landed (other extracts check LSOA codes against it)."""
    assert empty_wh.land_one("icb__lsoa_lookup").status == "accepted"
    return empty_wh
