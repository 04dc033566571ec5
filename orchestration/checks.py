"""Great Expectations suites as blocking Dagster asset checks.

One check per landed extract (``clean/<partner>__<extract>``) and per published mart. A
failed critical expectation fails the check with ERROR severity, which stops the assets
downstream of it in the same run; failed warnings give a WARN result and block nothing.
Outcomes are stored in ``quality.validation_results`` for the board report, and the reduced
GX results for the data engineers' Data Docs.
"""

from datetime import date

import dagster as dg
import duckdb

from connectors.contracts import all_contracts
from connectors.current_files import current_files
from expectations.results import Outcome, SuiteResult
from expectations.runner import validate
from orchestration.resources import Warehouse

CHECK_NAME = "quality_suite"
MART_SUITES = ("mart_send_cohort", "kpi_values", "sub_icb_district_crosswalk")


def current_delivery_date(con: duckdb.DuckDBPyConnection, partner: str, extract: str) -> date | None:
    """As-at date of the extract's newest current delivery (``connectors.current_files``)."""
    current = current_files(con).get((partner, extract))
    return current and current[1]


def _failure_row(outcome: Outcome) -> str:
    def shown(value, fmt):
        return "" if value is None else fmt.format(value)

    description = outcome.description.replace("|", "\\|")
    return (f"| {outcome.severity} | {description} | {outcome.column_name or ''} "
            f"| {shown(outcome.unexpected_count, '{:,}')} | {shown(outcome.unexpected_percent, '{:.1f}')} "
            f"| {shown(outcome.observed_value, '{:g}')} |")


def check_result(result: SuiteResult) -> dg.AssetCheckResult:
    """The Dagster result of a suite run: ERROR if a critical expectation failed, else WARN."""
    critical, warning = result.failed_with("critical"), result.failed_with("warning")
    table = "\n".join([
        "| severity | what should be true | column | rows failing | % failing | observed |",
        "|---|---|---|---|---|---|",
        *(_failure_row(o) for o in critical + warning),
    ])
    return dg.AssetCheckResult(
        passed=not result.failed,
        severity=dg.AssetCheckSeverity.ERROR if critical else dg.AssetCheckSeverity.WARN,
        description=(f"{len(result.outcomes) - len(result.failed)} of {len(result.outcomes)} expectations met; "
                     f"{len(critical)} critical and {len(warning)} warning failed."),
        metadata={
            "suite": result.suite,
            "rows_validated": result.rows_validated,
            "expectations": len(result.outcomes),
            "failed_critical": len(critical),
            "failed_warning": len(warning),
            "failed_expectations": dg.MetadataValue.md(table if result.failed else "None."),
        },
    )


def _no_delivery_result(partner: str, extract: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"No accepted {partner}/{extract} delivery has landed.",
    )


def build_quality_check(
    suite_name: str, asset_key: dg.AssetKey, partner: str | None = None, extract: str | None = None
) -> dg.AssetChecksDefinition:
    """A blocking asset check running ``suite_name``; an extract's check sees its current delivery."""

    @dg.asset_check(
        asset=asset_key,
        name=CHECK_NAME,
        blocking=True,
        description=f"Great Expectations suite {suite_name} (critical failures block publication).",
    )
    def _quality_check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            extract_date = current_delivery_date(con, partner, extract) if partner else None
            if partner and extract_date is None:
                return _no_delivery_result(partner, extract)
            result = validate(
                con, suite_name, run_id=context.run.run_id, asset_key=asset_key.to_user_string(),
                partner=partner, extract=extract, extract_date=extract_date, data_docs=warehouse.data_docs,
            )
        return check_result(result)

    return _quality_check


def build_quality_checks() -> list[dg.AssetChecksDefinition]:
    """One check per extract contract and per published mart."""
    extract_checks = [
        build_quality_check(f"clean__{c.name}", dg.AssetKey(["clean", c.name]), c.partner, c.extract)
        for c in all_contracts()
    ]
    mart_checks = [build_quality_check(name, dg.AssetKey([name])) for name in MART_SUITES]
    return extract_checks + mart_checks


quality_checks: list[dg.AssetChecksDefinition] = build_quality_checks()
