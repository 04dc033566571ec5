"""The suite files: one per extract contract and per mart, each expectation with severity and description."""
import json

import pytest

from connectors.contracts import CONTRACTS_DIR, all_contracts, contract_for
from connectors.contracts import _code_lists as code_lists, _load as load_contract
from connectors.validation import column_format, row_checks
from expectations import suite_files
from expectations.contract_suites import structural_expectations
from expectations.suite_files import SEVERITIES, SuiteFileError, load_suite, suite_names
from orchestration.checks import MART_SUITES

CLEAN_METADATA_COLUMNS = {"_file_id", "_row_number", "_as_at"}


def test_there_is_a_suite_for_every_extract_and_mart():
    expected = {f"clean__{c.name}" for c in all_contracts()} | set(MART_SUITES)
    assert set(suite_names()) == expected
    assert len(expected) == 31  # 23 partner extracts (SEN2: 9 modules), 5 DfE release files, 3 marts


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
    expected = {c.clean_name for c in contract.columns if c.in_clean} | CLEAN_METADATA_COLUMNS
    assert set(schema_check["kwargs"]["column_set"]) == expected
    assert schema_check["kwargs"]["exact_match"] is True


@pytest.mark.parametrize("name", MART_SUITES)
def test_mart_suites_scan_every_text_column_for_identifiers(name):
    templates = load_suite(name).each_text_column
    assert {t["meta"]["severity"] for t in templates} == {"critical"}
    assert len(templates) == 3  # NHS number, pupil number, postcode


def _suites_in(monkeypatch, folder):
    monkeypatch.setattr(suite_files, "SUITES_DIR", folder)
    load_suite.cache_clear()


@pytest.fixture
def fresh_suites():
    load_suite.cache_clear()
    yield
    load_suite.cache_clear()


def test_every_contract_has_a_suite_without_a_file_of_its_own(monkeypatch, tmp_path, fresh_suites):
    _suites_in(monkeypatch, tmp_path)
    contract = contract_for("council", "sen2_requests")

    suite = load_suite(f"clean__{contract.name}")

    assert f"clean__{contract.name}" in suite_names()
    assert suite.table == "clean.council__sen2_requests" and suite.rows == "_file_id = $file_id"
    (codes,) = [e for e in suite.expectations
                if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "requestoutcome"]
    assert codes["kwargs"]["value_set"] == ["Y", "N", "A", "W", "H"] and codes["meta"]["severity"] == "critical"


def test_a_suite_file_repeating_a_contract_rule_is_refused(monkeypatch, tmp_path, fresh_suites):
    _suites_in(monkeypatch, tmp_path)
    repeated = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "requeststableid"},
                "meta": {"severity": "critical", "description": "Every request has its id, written again."}}
    (tmp_path / "clean__council__sen2_requests.json").write_text(
        json.dumps({"name": "clean__council__sen2_requests", "expectations": [repeated], "meta": {}}))

    with pytest.raises(SuiteFileError, match="repeats the extract contract"):
        load_suite("clean__council__sen2_requests")


def test_a_code_added_to_a_contract_flows_to_its_suite_and_to_landing(tmp_path):
    """One line in the contract: the suite's code list and landing's row check both follow it."""
    path = tmp_path / "council" / "sen2_requests.yml"
    path.parent.mkdir()
    path.write_text((CONTRACTS_DIR / "council" / "sen2_requests.yml").read_text()
                    .replace("codes: [Y, N, A, W, H]", "codes: [Y, N, A, W, H, TRANSFERRED_IN]"))
    contract = load_contract(path, code_lists())

    (codes,) = [e for e in structural_expectations(contract)
                if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "requestoutcome"]
    (check,) = [c for c in row_checks(contract.column("requestoutcome"), contract, None)
                if c.reason == "CODE_NOT_IN_LIST"]
    assert "TRANSFERRED_IN" in codes["kwargs"]["value_set"]
    assert "'TRANSFERRED_IN'" in check.condition


def test_a_format_the_contract_gives_is_the_one_landing_checks():
    contract = contract_for("icb", "lsoa_lookup")
    (check,) = [e for e in structural_expectations(contract)
                if e["type"] == "expect_column_values_to_match_regex" and e["kwargs"]["column"] == "sub_icb_code"]
    assert check["kwargs"]["regex"] == column_format(contract.column("sub_icb_code"))
