"""The runner: GX outcomes as counts in quality.validation_results, never row values."""
from kpis import registry
from expectations.runner import validate
from expectations.suite_files import SUITES_DIR

NHS_LIKE = "943 476 5919"  # shaped like an NHS number: must never be stored
GP = dict(asset_key="clean/icb__gp_registered_population", partner="icb", extract="gp_registered_population")


def run_registrations(con, as_at):
    return validate(con, "clean__icb__gp_registered_population", run_id="run-1", extract_date=as_at, **GP)


def failed(result):
    return {(o.severity, o.expectation, o.column_name) for o in result.failed}


def stored_rows(con):
    return con.execute("select * from quality.validation_results").fetchall()


def test_a_good_delivery_passes_and_its_outcomes_are_stored(con, as_at, registrations_warehouse):
    registrations_warehouse()
    result = run_registrations(con, as_at)
    assert result.passed_critical
    assert result.failed == []
    assert result.rows_validated == 30  # the current delivery only, not the previous one
    assert len(stored_rows(con)) == len(result.outcomes)
    (row_count,) = con.execute(
        "select observed_value from quality.validation_results "
        "where expectation = 'expect_table_row_count_to_be_between'").fetchone()
    assert row_count == 30


def test_a_clear_nhs_number_is_a_critical_failure_stored_as_a_count_only(con, as_at, registrations_warehouse):
    registrations_warehouse(nhs_number_pseudo=f"case when i < 3 then '{NHS_LIKE}' else sha256('nhs' || i) end")
    result = run_registrations(con, as_at)
    assert not result.passed_critical
    assert ("critical", "expect_column_values_to_match_regex", "nhs_number_pseudo") in failed(result)
    (count, percent) = con.execute(
        "select unexpected_count, unexpected_percent from quality.validation_results "
        "where not success and column_name = 'nhs_number_pseudo'").fetchone()
    assert (count, percent) == (3, 10.0)
    stored = repr(stored_rows(con))
    assert NHS_LIKE not in stored and NHS_LIKE.replace(" ", "") not in stored


def test_warnings_alone_do_not_fail_the_critical_gate(con, as_at, registrations_warehouse):
    registrations_warehouse(postcode_pseudo="null::varchar", lsoa_code="null::varchar")
    result = run_registrations(con, as_at)
    assert result.passed_critical
    assert failed(result) == {
        ("warning", "expect_column_values_to_not_be_null", "postcode_pseudo"),
        ("warning", "expect_column_values_to_not_be_null", "lsoa_code"),
    }


def test_codes_dates_and_columns_are_checked(con, as_at, registrations_warehouse):
    registrations_warehouse(sex="'X'", registration_date="date '2025-09-01'", nhs_number="'in clear'")
    problems = failed(run_registrations(con, as_at))
    assert ("critical", "expect_column_values_to_be_in_set", "sex") in problems
    assert ("critical", "expect_column_values_to_be_between", "registration_date") in problems
    assert ("critical", "expect_table_columns_to_match_set", None) in problems


def test_a_jump_in_delivery_size_is_a_warning(con, as_at, registrations_warehouse):
    registrations_warehouse()
    con.execute("update landing.files set rows_received = 60 where file_id = 'current'")
    result = run_registrations(con, as_at)
    (change,) = [o for o in result.failed if o.column_name == "change_percent"]
    assert (change.severity, change.observed_value) == ("warning", 100.0)


def test_identifier_shaped_values_in_a_mart_are_caught_without_storing_them(con, marts):
    marts(breakdown_value=NHS_LIKE)
    result = validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values")
    assert not result.passed_critical
    assert failed(result) == {("critical", "expect_column_values_to_not_match_regex", "breakdown_value")}
    assert NHS_LIKE not in repr(stored_rows(con))


def test_good_marts_pass_and_cross_row_checks_run_on_their_frames(con, marts):
    marts()
    for suite in ("mart_send_cohort", "kpi_values", "sub_icb_district_crosswalk"):
        result = validate(con, suite, run_id="run-1", asset_key=suite)
        assert result.failed == [], suite
    con.execute("update marts.sub_icb_district_crosswalk set weight = 0.5 where sub_icb_code = '05D'")
    result = validate(con, "sub_icb_district_crosswalk", run_id="run-2", asset_key="sub_icb_district_crosswalk")
    assert failed(result) == {("critical", "expect_column_values_to_be_between", "weight_total")}
    (totals,) = result.failed
    assert totals.unexpected_count == 1  # one sub-ICB's weights do not add up to 1


def test_district_counts_above_the_county_count_are_a_warning(con, marts):
    marts()
    con.execute("update marts.kpi_values set value = 500, numerator = 500 where geography_level = 'DISTRICT'")
    result = validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values")
    assert result.passed_critical
    assert failed(result) == {("warning", "expect_column_values_to_be_between", "district_excess")}


def test_many_invalid_nhs_numbers_are_a_critical_failure(con, as_at, registrations_warehouse):
    registrations_warehouse(invalid_nhs_rows=9)  # 30% of the delivery
    result = run_registrations(con, as_at)
    (invalid,) = [o for o in result.failed if o.column_name == "invalid_nhs_percent"]
    assert (invalid.severity, invalid.observed_value) == ("critical", 30.0)
    assert ("warning", "expect_column_values_to_not_be_null", "nhs_number_pseudo") in failed(result)


def test_the_usual_few_invalid_nhs_numbers_pass(con, as_at, registrations_warehouse):
    registrations_warehouse(invalid_nhs_rows=1)
    assert run_registrations(con, as_at).failed == []


def test_kpi_ids_are_checked_against_the_kpi_registry(con, marts):
    """The value set is the registry's (ehcp_issued_20_weeks_all was missing from a hard-coded copy)."""
    marts()
    suite_text = (SUITES_DIR / "kpi_values.json").read_text()
    assert "ehcp_issued_20_weeks_all" in registry().ids and "ehcp_issued_20_weeks_all" not in suite_text
    con.execute("update marts.kpi_values set kpi_id = 'ehcp_issued_20_weeks_all' where geography_level = 'DISTRICT'")
    assert validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values").failed == []
    con.execute("update marts.kpi_values set kpi_id = 'not_in_the_catalogue' where geography_level = 'DISTRICT'")
    result = validate(con, "kpi_values", run_id="run-2", asset_key="kpi_values")
    assert failed(result) == {("warning", "expect_column_values_to_be_in_set", "kpi_id")}
    (unknown,) = result.failed
    assert unknown.unexpected_count == 1
