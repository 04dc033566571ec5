"""The suites as blocking Dagster asset checks: a critical failure stops downstream assets."""
import dagster as dg
import pytest

from expectations.results import Outcome, SuiteResult
from orchestration.checks import build_quality_check, check_result, quality_checks
from orchestration.resources import Warehouse

GP_KEY = dg.AssetKey(["clean", "icb__gp_registered_population"])


def outcome(severity: str, success: bool) -> Outcome:
    return Outcome(
        suite="s", expectation="expect_column_values_to_be_in_set", column_name="sex", asset="a",
        partner=None, extract=None, extract_date=None, observed_value=None, unexpected_count=2,
        unexpected_percent=4.0, success=success, severity=severity,
        description="Every sex is M, F or U | a pipe", run_id="r", validated_at=None,
    )


def run_graph(tmp_path, as_at, build_upstream, partner="icb", extract="gp_registered_population"):
    """Materialise a tiny upstream extract asset, its quality check and one downstream asset."""
    key = dg.AssetKey(["clean", f"{partner}__{extract}"])

    @dg.asset(key=key)
    def landed_extract() -> None:
        build_upstream()

    @dg.asset(deps=[key])
    def downstream_kpis() -> None:
        pass

    check = build_quality_check(f"clean__{partner}__{extract}", key, partner, extract)
    warehouse = Warehouse(home=str(tmp_path))
    return dg.materialize([landed_extract, downstream_kpis, check],
                          resources={"warehouse": warehouse}, raise_on_error=False)


def materialised(result) -> set[dg.AssetKey]:
    return {event.asset_key for event in result.get_asset_materialization_events()}


def test_every_extract_and_mart_has_a_blocking_check():
    specs = [spec for checks in quality_checks for spec in checks.check_specs]
    assert len(specs) == 31  # 23 partner extracts (SEN2: 9 modules), 5 DfE release files, 3 marts
    assert all(spec.blocking for spec in specs)
    assert dg.AssetKey(["kpi_values"]) in {spec.asset_key for spec in specs}


@pytest.mark.parametrize(("outcomes", "passed", "severity"), [
    ([outcome("critical", False), outcome("warning", False)], False, dg.AssetCheckSeverity.ERROR),
    ([outcome("critical", True), outcome("warning", False)], False, dg.AssetCheckSeverity.WARN),
    ([outcome("critical", True)], True, dg.AssetCheckSeverity.WARN),
])
def test_check_severity_follows_the_worst_failure(outcomes, passed, severity):
    result = check_result(SuiteResult("s", "a", rows_validated=50, outcomes=tuple(outcomes)))
    assert (result.passed, result.severity) == (passed, severity)


def test_failed_expectations_are_listed_with_descriptions_and_counts():
    result = check_result(SuiteResult("s", "a", 50, (outcome("critical", False),)))
    assert result.metadata["failed_critical"].value == 1
    table = result.metadata["failed_expectations"].value
    assert "Every sex is M, F or U \\| a pipe" in table and "| 2 | 4.0 |" in table


def test_a_critical_failure_blocks_downstream_assets(tmp_path, as_at, registrations_warehouse):
    result = run_graph(tmp_path, as_at, lambda: registrations_warehouse(sex="'X'"))
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.metadata["failed_critical"].value == 1
    assert materialised(result) == {GP_KEY}
    assert not result.success


def test_warnings_alone_let_downstream_assets_run(tmp_path, as_at, registrations_warehouse):
    result = run_graph(tmp_path, as_at, lambda: registrations_warehouse(postcode_pseudo="null::varchar"))
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert materialised(result) == {GP_KEY, dg.AssetKey(["downstream_kpis"])}


def test_an_extract_never_delivered_fails_the_check(tmp_path, as_at, registrations_warehouse):
    result = run_graph(tmp_path, as_at, registrations_warehouse, partner="mpft", extract="slt_referrals")
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert dg.AssetKey(["downstream_kpis"]) not in materialised(result)
