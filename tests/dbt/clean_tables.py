"""Build a small warehouse DuckDB file with landing.files and the clean.* tables.

Column layout: docs/architecture.md ("clean column rules"). Types follow from the names:
dates -> DATE, counts/sessions -> INTEGER, hours_taken -> DOUBLE, everything else VARCHAR.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from connectors.contracts import all_contracts
from connectors.dfe_release import dfe_contracts

CLEAN_COLUMNS: dict[str, list[str]] = {
    "council__school_census": [
        "upn_pseudo", "la_child_id_pseudo", "census_date", "school_urn", "school_type", "year_group",
        "date_of_birth", "sex", "ethnicity", "postcode_pseudo", "lsoa_code", "sen_provision",
        "primary_need", "fsm_eligible", "sessions_possible", "sessions_missed", "suspensions",
        "permanent_exclusion",
    ],
    "council__eapdr_requests": [
        "request_id", "upn_pseudo", "la_child_id_pseudo", "hub_district", "request_date",
        "support_type", "status", "outcome",
    ],
    "council__early_years_entitlements": [
        "child_id_pseudo", "la_child_id_pseudo", "date_of_birth", "sex", "term", "entitlement",
        "send_marker", "send_marker_source", "hours_taken", "postcode_pseudo", "lsoa_code",
    ],
    "council__post16_activity": [
        "ccis_id_pseudo", "la_child_id_pseudo", "upn_pseudo", "date_of_birth", "postcode_pseudo", "lsoa_code",
        "sen_status", "activity", "activity_month",
    ],
    "icb__gp_registered_population": [
        "nhs_number_pseudo", "date_of_birth", "sex", "postcode_pseudo", "lsoa_code", "practice_code",
        "registration_date", "learning_disability_register", "autism_diagnosis",
        "annual_health_check_date",
    ],
    "icb__gp_practices": ["practice_code", "practice_name", "sub_icb_code", "postcode_pseudo", "lsoa_code"],
    "icb__lsoa_lookup": ["lsoa_code", "lsoa_name", "lad_code", "lad_name", "sub_icb_code", "sub_icb_name"],
    "mpft__slt_referrals": [
        "referral_id", "nhs_number_pseudo", "date_of_birth", "referral_date", "referral_source",
        "sub_icb_code", "first_assessment_date", "discharge_date",
    ],
    "mpft__camhs_referrals": [
        "referral_id", "nhs_number_pseudo", "date_of_birth", "referral_date", "service_line",
        "sub_icb_code", "first_contact_date", "second_contact_date", "treatment_start_date",
        "closed_date",
    ],
    "mpft__reasonable_adjustment_flags": [
        "flag_id", "nhs_number_pseudo", "status", "consent", "recorded_date", "last_reviewed_date",
        "recorded_by", "impairments", "adjustment_categories", "adjustments",
    ],
    "mpft__epr_send_markers": ["nhs_number_pseudo", "marker_date", "marker_source"],
}
CLEAN_COLUMNS["nscht__camhs_referrals"] = CLEAN_COLUMNS["mpft__camhs_referrals"]
CLEAN_COLUMNS["nscht__reasonable_adjustment_flags"] = CLEAN_COLUMNS["mpft__reasonable_adjustment_flags"]
# The DfE release files: every column text, as landed (figures are numbers or symbols such as x).
CLEAN_COLUMNS.update({c.name: [col.clean_name for col in c.columns] for c in dfe_contracts()})
# The SEN2 modules and GIAS establishments (national-formats.md v2): their contracts' clean columns.
CLEAN_COLUMNS.update({c.name: [col.clean_name for col in c.clean_columns] for c in all_contracts()
                      if c.group == "sen2" or c.extract == "establishments"})

INTEGER_COLUMNS = {"sessions_possible", "sessions_missed", "suspensions"}
# Dates the national formats name without a _date suffix (startdate, personbirthdate, lastreview ...).
CONTRACT_DATES = {col.clean_name for c in all_contracts() for col in c.clean_columns
                  if col.type in ("date", "date_of_birth")}


def column_type(name: str) -> str:
    if name.endswith("_date") or name == "date_of_birth" or name in CONTRACT_DATES:
        return "DATE"
    if name in INTEGER_COLUMNS:
        return "INTEGER"
    if name == "hours_taken":
        return "DOUBLE"
    return "VARCHAR"


LANDING_FILES_DDL = """
create table landing.files (
    file_id integer, partner varchar, "extract" varchar, as_at date, file_name varchar,
    source varchar, sha256 varchar, size_bytes bigint, rows_received integer,
    rows_accepted integer, rows_quarantined integer, received_at timestamp, status varchar,
    message varchar
)
"""


def build_warehouse(path: Path, files: list[dict], rows: dict[tuple[str, int], list[dict]],
                    without: tuple[str, ...] = ()) -> None:
    """Create landing.files (one row per entry of ``files``: file_id, partner, extract, as_at,
    status) and every clean table but those named in ``without``; ``rows[(table, file_id)]``
    are that file's clean rows (columns not given are null)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema landing")
        con.execute("create schema clean")
        con.execute(LANDING_FILES_DDL)
        for f in files:
            con.execute(
                "insert into landing.files (file_id, partner, \"extract\", as_at, file_name, status, received_at)"
                " values (?, ?, ?, ?, ?, ?, cast(? as date))",
                [f["file_id"], f["partner"], f["extract"], f["as_at"],
                 f"{f['extract']}_{f['as_at'].replace('-', '')}.csv", f["status"], f["as_at"]],
            )
        for table, columns in CLEAN_COLUMNS.items():
            if table in without:
                continue
            ddl = ", ".join(f"{c} {column_type(c)}" for c in columns)
            con.execute(f"create table clean.{table} ({ddl}, _file_id integer, _row_number integer, _as_at date)")
        as_at = {f["file_id"]: f["as_at"] for f in files}
        for (table, file_id), table_rows in rows.items():
            columns = CLEAN_COLUMNS[table]
            placeholders = ", ".join("?" for _ in columns)
            for number, row in enumerate(table_rows, start=2):
                unknown = set(row) - set(columns)
                assert not unknown, f"{table}: unknown columns {unknown}"
                con.execute(
                    f"insert into clean.{table} ({', '.join(columns)}, _file_id, _row_number, _as_at)"
                    f" values ({placeholders}, ?, ?, ?)",
                    [row.get(c) for c in columns] + [file_id, number, as_at[file_id]],
                )
    finally:
        con.close()
