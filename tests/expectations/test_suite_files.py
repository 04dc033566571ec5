"""The suite files: one per extract contract and per mart, each expectation with severity and description."""
import pytest

from connectors.contracts import all_contracts
from expectations.suite_files import SEVERITIES, load_suite, suite_names
from orchestration.checks import MART_SUITES

CLEAN_METADATA_COLUMNS = {"_file_id", "_row_number", "_as_at"}


def test_there_is_a_suite_for_every_extract_and_mart():
    expected = {f"clean__{c.name}" for c in all_contracts()} | set(MART_SUITES)
    assert set(suite_names()) == expected
    assert len(expected) == 23  # 15 partner extracts, 5 DfE release files, 3 marts


@pytest.mark.parametrize("name", suite_names())
def test_every_expectation_says_how_serious_it_is_and_what_it_means(name):
    suite = load_suite(name)
    for expectation in suite.expectations + suite.each_text_column:
        assert expectation["meta"]["severity"] in SEVERITIES
        assert len(expectation["meta"]["description"]) > 20


@pytest.mark.parametrize("contract", all_contracts(), ids=lambda c: c.name)
def test_clean_suites_expect_exactly_the_contract_columns(contract):
    suite = load_suite(f"clean__{contract.name}")
    (schema_check,) = [e for e in suite.expectations if e["type"] == "expect_table_columns_to_match_set"]
    expected = {c.clean_name for c in contract.columns} | CLEAN_METADATA_COLUMNS
    assert set(schema_check["kwargs"]["column_set"]) == expected
    assert schema_check["kwargs"]["exact_match"] is True


@pytest.mark.parametrize("name", MART_SUITES)
def test_mart_suites_scan_every_text_column_for_identifiers(name):
    templates = load_suite(name).each_text_column
    assert {t["meta"]["severity"] for t in templates} == {"critical"}
    assert len(templates) == 3  # NHS number, pupil number, postcode
