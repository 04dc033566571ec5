"""The governance board report: readable, accessible, and free of identifiers."""
import re
from datetime import date

from expectations.runner import validate
from reporting.board_report import build_report

NHS_LIKE = "943 476 5919"  # shaped like an NHS number: must never reach the report
HELD_BACK = "The mpft speech and language therapy file was rejected: a required column is missing."


def validate_kpis(con, run_id):
    return validate(con, "kpi_values", run_id=run_id, asset_key="kpi_values")


def test_first_refresh_held_back_before_the_marts_exist(con, tmp_path, reporting_date):
    path = build_report(con, tmp_path / "reports", reporting_date, published=False, reasons=[HELD_BACK])
    html = path.read_text()
    assert re.fullmatch(r"data-quality-2025-07-31-\d{8}T\d{6}Z\.html", path.name)
    assert '<html lang="en-GB">' in html
    assert "Held back" in html and HELD_BACK in html
    assert "first refresh with recorded checks" in html
    assert "<img" not in html
    assert "required column referral_date is missing" in html  # the rejected file and why
    assert "ehcp start date: a required value is empty (10 rows)" in html
    assert "not received" in html and "out of date" in html  # missing extracts; SLT data 122 days old


def test_report_with_history_shows_trends_changes_and_no_identifiers(con, kpi_mart, tmp_path, reporting_date):
    kpi_mart()
    validate_kpis(con, "run-1")
    build_report(con, tmp_path, date(2025, 6, 30), published=True, reasons=[])
    kpi_mart(breakdown_value=NHS_LIKE)
    validate_kpis(con, "run-2")
    html = build_report(con, tmp_path, reporting_date, published=True, reasons=[]).read_text()

    assert "Published" in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    assert all(re.search(r'alt="[^"]{20,}"', img) for img in images)
    assert "Newly failing" in html and "looks like an NHS number" in html
    assert "90.0%" in html  # linkage rate from the KPI table
    assert NHS_LIKE not in html and NHS_LIKE.replace(" ", "") not in html


def test_tables_have_header_scopes(con, tmp_path, reporting_date):
    html = build_report(con, tmp_path, reporting_date, published=False, reasons=[HELD_BACK]).read_text()
    assert re.findall(r"<th>", html) == []
    assert '<th scope="col">' in html and '<th scope="row">' in html


def test_the_scorecard_shows_linkage_to_health_records(con, tmp_path, reporting_date):
    con.execute("""
        create schema intermediate;
        create table intermediate.int_linkage_summary as select * from (values
          ('council_person', 'health_linked', 180), ('council_person', 'no_health_link', 20),
          ('nhs_number', 'nhs_number', 150), ('nhs_number', 'demographic', 30),
          ('nhs_number', 'demographic_ambiguous', 2), ('upn', 'la_child_id_ambiguous', 1),
          ('nhs_number', 'self', 400)
        ) v(identifier_type, link_rule, key_count)
    """)
    html = build_report(con, tmp_path, reporting_date, published=True, reasons=[]).read_text()
    assert "180 of the 200 children and young people known to the council (90.0%) are linked" in html
    assert "150 by NHS number, 30 by date of birth, sex and postcode" in html
    assert "3 records could not be linked" in html


def test_before_the_linkage_is_built_the_report_says_nothing_about_it(con, tmp_path, reporting_date):
    html = build_report(con, tmp_path, reporting_date, published=False, reasons=[HELD_BACK]).read_text()
    assert "Linkage to health records" not in html
