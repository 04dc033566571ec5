"""The board report's figures, read from landing figures and the validation history.

Only counts, percentages, dates, file names and plain-English messages are read here:
never a value from a data row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb

from connectors.contracts import Contract, all_contracts
from connectors.current_files import current_files
from expectations.results import RESULTS_TABLE

PARTNER_NAMES = {
    "council": "Staffordshire County Council",
    "icb": "NHS Staffordshire and Stoke-on-Trent ICB",
    "mpft": "Midlands Partnership University NHS FT",
    "nscht": "North Staffordshire Combined Healthcare NHS Trust",
    "dfe": "Department for Education (published statistics)",
}
MART_NAMES = {
    "mart_send_cohort": "SEND cohort",
    "kpi_values": "Published KPI table",
    "sub_icb_district_crosswalk": "Sub-ICB to district crosswalk",
    "landing_gate": "All partner deliveries (the landing gate)",
}
# Why rows were quarantined, in the board's words (reason codes of connectors/validation.py
# and landing's duplicate-key check); other codes are shown as their name.
QUARANTINE_REASONS = {
    "MISSING_VALUE": "a required value is empty",
    "WRONG_TYPE": "not a valid date or number",
    "DATE_OUT_OF_RANGE": "a date before 1990 or after the extract was taken",
    "AGE_OVER_25": "the person is over 25 (out of scope)",
    "VALUE_OUT_OF_RANGE": "a negative number",
    "CODE_NOT_IN_LIST": "not one of the agreed codes",
    "WRONG_FORMAT": "not in the agreed format",
    "DUPLICATE_KEY": "repeats a record already in the file",
    "DATE_ORDER": "a date before the date it cannot precede (e.g. a referral before the birth)",
    "EMPTY_ROW": "an empty row",
    "FORMULA_WITHOUT_VALUE": "a spreadsheet formula without a saved value",
}
TOP_REASONS = 3


@dataclass(frozen=True)
class CheckOutcome:
    """One stored expectation outcome, as the report shows it."""

    suite: str
    expectation: str
    partner: str | None
    extract: str | None
    column_name: str | None
    severity: str
    success: bool
    description: str
    unexpected_count: int | None
    unexpected_percent: float | None
    observed_value: float | None
    rows_checked: int | None = None

    @property
    def dataset(self) -> str:
        return dataset_name(f"clean/{self.partner}__{self.extract}" if self.partner and self.extract else self.suite)

    @property
    def key(self) -> tuple:
        return self.suite, self.column_name, self.description


@dataclass(frozen=True)
class ExtractScore:
    """One row of the scorecard: a partner's extract as at the reporting date."""

    contract: Contract
    as_at: date | None
    age_days: int | None
    rows_received: int | None
    rows_accepted: int | None
    rows_quarantined: int | None
    rejected_since: str | None  # why a newer file was rejected, if one was
    top_reasons: list[str]
    completeness: list[str]
    passed: int
    failed_critical: int
    failed_warning: int

    @property
    def partner_name(self) -> str:
        return PARTNER_NAMES[self.contract.partner]

    @property
    def checked(self) -> bool:
        return self.passed + self.failed_critical + self.failed_warning > 0

    @property
    def stale(self) -> bool:
        return self.age_days is not None and self.age_days > self.contract.max_age_days


@dataclass(frozen=True)
class RejectedFile:
    partner: str
    extract: str | None  # None when the file name could not be read
    file_name: str
    message: str

    @property
    def partner_name(self) -> str:
        return PARTNER_NAMES.get(self.partner, self.partner)


@dataclass(frozen=True)
class FileCheckFailure:
    """A failed blocking check on files rather than rows: a delivery rejected or missing, the landing gate."""

    dataset: str
    description: str
    problems: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.dataset}: {self.description}"


@dataclass(frozen=True)
class Changes:
    """How the checks moved between each suite's latest run and the one before, and the file checks
    between this refresh's report and the previous one."""

    newly_failing: list[CheckOutcome]
    fixed: list[CheckOutcome]
    compared: bool  # False on the first refresh: nothing to compare with
    newly_failing_files: list[FileCheckFailure] = field(default_factory=list)
    fixed_files: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.newly_failing or self.fixed or self.newly_failing_files or self.fixed_files)


def _contract(partner: str, extract: str) -> Contract:
    return next(c for c in all_contracts() if (c.partner, c.extract) == (partner, extract))


def dataset_name(asset_key: str) -> str:
    """The board's name for an asset: a landed extract (``clean/<partner>__<extract>``) or a mart."""
    partner, _, extract = asset_key.removeprefix("clean/").partition("__")
    if asset_key.startswith("clean/"):
        return f"{_contract(partner, extract).title} ({PARTNER_NAMES[partner]})"
    return MART_NAMES.get(asset_key, asset_key)


def table_exists(con: duckdb.DuckDBPyConnection, qualified_name: str) -> bool:
    schema, name = qualified_name.split(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()[0] > 0


def _records(con, sql: str, parameters: list | None = None) -> list[dict]:
    cursor = con.execute(sql, parameters or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def check_outcomes(con: duckdb.DuckDBPyConnection) -> tuple[list[CheckOutcome], list[CheckOutcome]]:
    """Outcomes of each suite's latest run, and of the run before it (empty on a first refresh)."""
    if not table_exists(con, RESULTS_TABLE):
        return [], []
    rows = _records(con, f"""
        with runs as (
            select suite, run_id, max(validated_at) as finished from {RESULTS_TABLE} group by all
        ), ranked as (
            select suite, run_id, row_number() over (partition by suite order by finished desc) as age
            from runs
        )
        select r.age, v.suite, v.expectation, v.partner, v.extract, v.column_name, v.severity, v.success,
               v.description, v.unexpected_count, v.unexpected_percent, v.observed_value, v.rows_checked
        from {RESULTS_TABLE} v join ranked r using (suite, run_id)
        where r.age <= 2
        order by v.suite, v.severity, v.description
    """)
    latest, previous = [], []
    for row in rows:
        (latest if row.pop("age") == 1 else previous).append(CheckOutcome(**row))
    return latest, previous


def changes(latest: list[CheckOutcome], previous: list[CheckOutcome],
            file_failures: list[FileCheckFailure] = (), previous_file_failures: list[str] | None = None
            ) -> Changes:
    """``previous_file_failures``: the keys of the file checks failing at the previous refresh
    (None when there was no previous refresh to compare with)."""
    before = {o.key: o.success for o in previous}
    compared_suites = {o.suite for o in previous}
    comparable = [o for o in latest if o.suite in compared_suites]
    failing_before = set(previous_file_failures or ())
    failing_now = {f.key for f in file_failures}
    files_compared = previous_file_failures is not None
    return Changes(
        newly_failing=[o for o in comparable if not o.success and before.get(o.key, True)],
        fixed=[o for o in comparable if o.success and before.get(o.key) is False],
        compared=bool(previous) or files_compared,
        newly_failing_files=[f for f in file_failures if files_compared and f.key not in failing_before],
        fixed_files=sorted(failing_before - failing_now),
    )


def _current_files(con, reporting_date: date) -> dict[tuple[str, str], dict]:
    """The landing.files row of each extract's current file (``connectors.current_files``)."""
    file_ids = [file_id for file_id, _ in current_files(con, reporting_date).values()]
    if not file_ids:
        return {}
    rows = _records(con, "select * from landing.files where list_contains(?, file_id)", [file_ids])
    return {(r["partner"], r["extract"]): r for r in rows}


def rejected_files(con: duckdb.DuckDBPyConnection) -> list[RejectedFile]:
    """Rejected files not followed by a later accepted delivery of the same extract."""
    rows = _records(con, """
        select partner, extract, file_name, coalesce(message, 'no reason recorded') as message
        from landing.files r
        where status = 'rejected' and not exists (
            select 1 from landing.files a
            where a.status = 'accepted' and a.partner = r.partner and a.extract = r.extract
              and a.received_at > r.received_at)
        order by partner, file_name, received_at
    """)
    return [RejectedFile(**r) for r in rows]


def _quarantine_reasons(con, file_ids: list) -> dict[object, list[str]]:
    if not file_ids or not table_exists(con, "landing.row_issues"):
        return {}
    rows = _records(con, """
        select file_id, field, reason_code, count(distinct row_number) as rows
        from landing.row_issues
        where action = 'quarantined' and file_id in (select unnest(?))
        group by file_id, field, reason_code
        order by file_id, rows desc, field
    """, [file_ids])
    reasons: dict[object, list[str]] = defaultdict(list)
    for r in rows:
        if len(reasons[r["file_id"]]) < TOP_REASONS:
            rows_text = f"{r['rows']:,} row{'s' if r['rows'] != 1 else ''}"
            reason = QUARANTINE_REASONS.get(r["reason_code"], _plain(r["reason_code"].lower()))
            reasons[r["file_id"]].append(f"{_plain(r['field'])}: {reason} ({rows_text})")
    return reasons


def _plain(column: str) -> str:
    return column.removesuffix("_pseudo").replace("_", " ")


def _completeness(outcomes: list[CheckOutcome]) -> list[str]:
    """Key-field completeness, from the warning-level not-null expectations."""
    return [
        f"{_plain(o.column_name)} {100 - o.unexpected_percent:.0f}%"
        for o in outcomes
        if o.expectation == "expect_column_values_to_not_be_null" and o.severity == "warning"
        and o.unexpected_percent is not None
    ]


def scorecard(con: duckdb.DuckDBPyConnection, reporting_date: date, latest: list[CheckOutcome],
              rejected: list[RejectedFile]) -> list[ExtractScore]:
    """One row per extract contract, received or not."""
    current = _current_files(con, reporting_date)
    rejected_reason = {(r.partner, r.extract): r.message for r in rejected}
    reasons = _quarantine_reasons(con, [f["file_id"] for f in current.values()])
    by_suite: dict[str, list[CheckOutcome]] = defaultdict(list)
    for outcome in latest:
        by_suite[outcome.suite].append(outcome)

    scores = []
    for contract in all_contracts():
        file = current.get((contract.partner, contract.extract), {})
        outcomes = by_suite.get(f"clean__{contract.name}", [])
        as_at = file.get("as_at")
        scores.append(ExtractScore(
            contract=contract,
            as_at=as_at,
            age_days=(reporting_date - as_at).days if as_at else None,
            rows_received=file.get("rows_received"),
            rows_accepted=file.get("rows_accepted"),
            rows_quarantined=file.get("rows_quarantined"),
            rejected_since=rejected_reason.get((contract.partner, contract.extract)),
            top_reasons=reasons.get(file.get("file_id"), []),
            completeness=_completeness(outcomes),
            passed=sum(o.success for o in outcomes),
            failed_critical=sum(not o.success and o.severity == "critical" for o in outcomes),
            failed_warning=sum(not o.success and o.severity == "warning" for o in outcomes),
        ))
    return scores


def passed_percent_by_partner(latest: list[CheckOutcome]) -> dict[str, float]:
    """Share of the latest checks met, per partner (the marts' checks under ``marts``)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for outcome in latest:
        groups[outcome.partner or "marts"].append(outcome.success)
    return {group: 100 * sum(results) / len(results) for group, results in sorted(groups.items())}


@dataclass(frozen=True)
class Linkage:
    """How the partners' records were joined up (counts of ``intermediate.int_linkage_summary``)."""

    council_people: int  # children and young people known to the council
    health_linked: int  # ... of whom linked to an NHS number in a health record
    by_nhs_number: int  # NHS numbers matched to a council record by NHS number
    by_demographics: int  # ... by date of birth, sex and postcode
    ambiguous: int  # keys shared by more than one person, so not linked

    @property
    def health_linked_percent(self) -> float | None:
        return 100 * self.health_linked / self.council_people if self.council_people else None


def linkage(con: duckdb.DuckDBPyConnection) -> Linkage | None:
    """The linkage counts of the latest build, once the intermediate models exist."""
    if not table_exists(con, "intermediate.int_linkage_summary"):
        return None
    counts = {(kind, rule): n for kind, rule, n in con.execute(
        "select identifier_type, link_rule, key_count from intermediate.int_linkage_summary").fetchall()}
    return Linkage(
        council_people=counts.get(("council_person", "health_linked"), 0)
        + counts.get(("council_person", "no_health_link"), 0),
        health_linked=counts.get(("council_person", "health_linked"), 0),
        by_nhs_number=counts.get(("nhs_number", "nhs_number"), 0),
        by_demographics=counts.get(("nhs_number", "demographic"), 0),
        ambiguous=sum(n for (_, rule), n in counts.items() if rule.endswith("_ambiguous")),
    )


def cohort_linkage_rate(con: duckdb.DuckDBPyConnection) -> float | None:
    """County share of EHCP holders linked to a GP registration, when the KPI table exists."""
    if not table_exists(con, "marts.kpi_values"):
        return None
    row = con.execute("""
        select value from marts.kpi_values
        where kpi_id = 'cohort_health_linkage_rate' and geography_level = 'COUNTY' and breakdown = 'TOTAL'
        order by reporting_date desc limit 1
    """).fetchone()
    return row[0] if row else None
