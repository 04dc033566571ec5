"""The DfE EHC plans release: the bundled copy lands whole, symbols stay symbols, published figures hold."""
from __future__ import annotations

from datetime import date

from connectors.contracts import REFERENCE_DIR, contract_for
from connectors.dfe_release import dfe_contracts, subset_file
from connectors.drop import deliveries_for, delivery_folder
from connectors.landing import land
from tests.connectors.conftest import new_warehouse

TODAY = date(2025, 8, 4)
STAFFORDSHIRE = "E10000028"


def _land_bundled(wh):
    outcomes = {}
    for contract in dfe_contracts():
        (delivery,) = deliveries_for(contract, delivery_folder(contract, wh.drop), TODAY)
        outcomes[contract.extract] = land(wh.con, contract, delivery, wh.landing_dir)
    return outcomes


def test_the_bundled_release_lands_every_row(tmp_path):
    wh = new_warehouse(tmp_path)
    outcomes = _land_bundled(wh)
    assert set(outcomes) == {"caseload", "sen_needs_all_plans", "requests", "assessments", "timeliness_20_week"}
    for extract, outcome in outcomes.items():
        assert outcome.status == "accepted", (extract, outcome.message)
        assert outcome.rows_quarantined == 0 and outcome.message is None, (extract, outcome.message)
        assert outcome.rows_accepted == outcome.rows_received > 150, extract
    wh.assert_no_row_lost()


def test_published_active_plan_counts(tmp_path):
    wh = new_warehouse(tmp_path)
    _land_bundled(wh)
    plans = dict(wh.con.execute(
        "select time_period || ' ' || coalesce(new_la_code, region_code, country_code) || ' ' || geographic_level, "
        "ehcplans from clean.dfe__caseload").fetchall())
    assert plans[f"202324 {STAFFORDSHIRE} Local authority"] == "7490"
    assert plans[f"202425 {STAFFORDSHIRE} Local authority"] == "8461"
    assert plans["202425 E92000001 National"] == "638745"
    assert plans["202324 E92000001 National"] == "576474"


def test_statistics_symbols_are_kept_as_symbols(tmp_path):
    """``x`` (unavailable) reaches clean unchanged: staging reads it as missing, never as 0."""
    wh = new_warehouse(tmp_path)
    _land_bundled(wh)
    (unavailable,) = wh.con.execute(
        "select count(*) from clean.dfe__requests where requests_decided_to_assess = 'x'").fetchone()
    assert unavailable > 0


def test_a_figure_that_is_neither_a_number_nor_a_symbol_is_quarantined(tmp_path):
    wh = new_warehouse(tmp_path)
    contract = contract_for("dfe", "assessments")
    row = {c.name: None for c in contract.columns} | {
        "time_period": "2024", "geographic_level": "Local authority", "country_code": "E92000001",
        "region_code": "E12000005", "new_la_code": STAFFORDSHIRE, "old_la_code": "860",
        "breakdown_topic": "All EHC needs assessments", "breakdown": "All EHC needs assessments"}
    rows = [row | {"new_la_code": code, "assess_in_year": value, "assess_issued": "c", "assess_not_issued": "z"}
            for code, value in (("E10000028", "1239"), ("E10000031", "n/a"), ("E10000034", "-4"),
                                ("E06000021", "low"))]
    wh.put_rows("dfe__assessments", rows)
    (outcome,) = wh.land("dfe__assessments", TODAY)
    assert (outcome.rows_accepted, outcome.rows_quarantined) == (2, 2)
    reasons = {(r[0], r[2]) for r in wh.issues(outcome.file_id)}
    assert reasons == {(3, "WRONG_TYPE"), (4, "VALUE_OUT_OF_RANGE")}
    wh.assert_no_row_lost()


def test_subsetting_a_release_keeps_total_rows_and_contract_columns(tmp_path):
    source = tmp_path / "data" / "assessments.csv"
    source.parent.mkdir()
    columns = [c.source_header for c in contract_for("dfe", "assessments").columns]
    header = columns + ["assess_withdrawn"]
    total = ["2024", "Calendar year", "National", "E92000001", "England", "", "", "", "", "",
             "All EHC needs assessments", "All EHC needs assessments", "105340", "98547", "6404", "327"]
    by_sex = total[:10] + ["Sex", "Female", "30000", "28000", "2000", "100"]
    source.write_text("\ufeff" + "\n".join(",".join(r) for r in (header, total, by_sex)) + "\n", encoding="utf-8")
    target = tmp_path / "out" / "assessments_20250626.csv"

    assert subset_file(source, contract_for("dfe", "assessments"), target) == 1
    assert target.read_text(encoding="utf-8").splitlines() == [",".join(columns), ",".join(total[:-1])]


def test_the_bundled_files_are_the_project_copy():
    for contract in dfe_contracts():
        assert contract.bundled
        assert delivery_folder(contract, REFERENCE_DIR.parent / "any-drop") == REFERENCE_DIR
        assert list((REFERENCE_DIR / "dfe").glob(f"{contract.extract}_2*.csv"))
