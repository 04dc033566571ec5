"""End to end: the real Dagster graph, through the CLI, on a small generated drop."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from connectors.contracts import all_contracts
from connectors.drop import deliveries_for
from publication.disclosure import public_kpi_values
from reporting.register import load as load_register
from sample_data.generator import generate_drop
from tests.publication.attacker import attack, crosswalk_counts, reconciliation_counts

AS_AT = date(2025, 7, 31)
COUNTY = "E10000028"
pytestmark = pytest.mark.slow


def refresh(drop: Path, home: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEND_WAREHOUSE_PSEUDO_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh", "--demo", "--drop", str(drop),
         "--home", str(home), *extra],
        capture_output=True, text=True, env=env, timeout=900,
    )


def kpi(path: Path, kpi_id: str, breakdown: str = "TOTAL", value: str = "TOTAL",
        level: str = "COUNTY") -> dict:
    with path.open() as f:
        rows = [r for r in csv.DictReader(f) if r["kpi_id"] == kpi_id and r["breakdown"] == breakdown
                and r["breakdown_value"] == value and r["geography_level"] == level]
    assert len(rows) == 1, f"{kpi_id} {breakdown}={value} at {level}: {len(rows)} rows"
    return rows[0]


def sen2_dates(values: pd.Series) -> pd.Series:
    """SEN2 dates in either of the export's forms: 2025-01-16 or 2025-Jan-16 00:00:00."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(values, format="%Y-%b-%d %H:%M:%S", errors="coerce"))


def expected_ehcp_count(drop: Path) -> int:
    """The SEN2 named plans active at the as-at date (maintained through their cease date),
    straight from the file: every plan the council maintains, as the DfE counts them."""
    plans = pd.read_csv(drop / "council" / f"sen2_namedplan_{AS_AT:%Y%m%d}.csv", dtype=str)
    start, cease = sen2_dates(plans.startdate), sen2_dates(plans.ceasedate)
    return int(((start <= pd.Timestamp(AS_AT)) & (cease.isna() | (cease >= pd.Timestamp(AS_AT)))).sum())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    drop, home = root / "drop", root / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.02, seed=7)
    result = refresh(drop, home)
    assert result.returncode == 0, result.stdout + result.stderr
    return drop, home


def test_refresh_publishes_the_ehcp_kpis(published):
    drop, home = published
    restricted = home / "publish" / "restricted" / "kpi_values.csv"
    count = kpi(restricted, "ehcp_count")
    assert int(float(count["value"])) == expected_ehcp_count(drop)
    assert count["reporting_date"] == AS_AT.isoformat()
    shares = [float(kpi(restricted, "ehcp_primary_need_share", "PRIMARY_NEED", need)["value"])
              for need in ("ASD", "SLCN", "SEMH")]
    assert all(0 < s < 100 for s in shares)
    public = home / "publish" / "public" / "kpi_values.csv"
    public_count = kpi(public, "ehcp_count")
    assert int(float(public_count["value"])) % 5 == 0
    assert list((home / "reports").glob("data-quality-*.html"))


def extract_path(drop: Path, partner: str, extract: str) -> Path:
    return drop / partner / f"{extract}_{AS_AT:%Y%m%d}.csv"


def drop_required_column(drop: Path) -> None:
    """A correction of the school census that has lost a required column: rejected at landing."""
    path = extract_path(drop, "council", "school_census")
    pd.read_csv(path, dtype=str).drop(columns=["sen_provision"]).to_csv(path, index=False)


def first_contacts_before_referrals(drop: Path) -> None:
    """A correction of MPFT's CAMHS referrals with the referral and first-contact dates swapped:
    the extract passes its critical checks, but the median wait for a first contact comes out
    negative, which the published KPI table must never show."""
    path = extract_path(drop, "mpft", "camhs_referrals")
    referrals = pd.read_csv(path, dtype=str)
    contacted = referrals.first_contact_date.notna()
    referrals.loc[contacted, ["referral_date", "first_contact_date"]] = (
        referrals.loc[contacted, ["first_contact_date", "referral_date"]].to_numpy())
    referrals.to_csv(path, index=False)


def mistype_nhs_numbers(drop: Path) -> set[str]:
    """A correction of MPFT's SLT referrals with 3 in 10 NHS numbers mistyped (a wrong check
    digit); returns the mistyped numbers."""
    path = extract_path(drop, "mpft", "slt_referrals")
    referrals = pd.read_csv(path, dtype=str)
    present = referrals.index[referrals.nhs_number.notna()]
    mistyped = present[np.arange(len(present)) % 10 < 3]
    numbers = referrals.loc[mistyped, "nhs_number"]
    referrals.loc[mistyped, "nhs_number"] = numbers.str[:-1] + numbers.str[-1].map(lambda d: str((int(d) + 1) % 10))
    referrals.to_csv(path, index=False)
    return set(referrals.loc[mistyped, "nhs_number"])


@dataclass
class HeldBack:
    result: subprocess.CompletedProcess
    home: Path
    publication_before: str
    kpis_before: str

    @property
    def report_path(self) -> Path:
        """This refresh's report: the newest in the register."""
        return self.home / "reports" / load_register(self.home / "reports")[-1].file

    @property
    def report(self) -> str:
        return self.report_path.read_text()

    def report_text(self) -> str:
        """The report's words, without markup."""
        return unescape(" ".join(re.sub(r"<[^>]+>", " ", self.report).split()))


def refresh_with_faults(published, root: Path, *faults) -> HeldBack:
    """Refresh a copy of the published home on a copy of its drop with ``faults`` applied."""
    drop, home = published
    faulty_drop, faulty_home = root / "drop", root / "home"
    subprocess.run(["cp", "-a", str(drop), str(faulty_drop)], check=True)
    subprocess.run(["cp", "-a", str(home), str(faulty_home)], check=True)
    for fault in faults:
        fault(faulty_drop)
    before = os.readlink(faulty_home / "publish")
    kpis = (faulty_home / "publish" / "restricted" / "kpi_values.csv").read_text()
    return HeldBack(refresh(faulty_drop, faulty_home), faulty_home, before, kpis)


@pytest.fixture(scope="module")
def missing_column_and_kpi_out_of_range(published, tmp_path_factory) -> HeldBack:
    return refresh_with_faults(published, tmp_path_factory.mktemp("faults"),
                               drop_required_column, first_contacts_before_referrals)


@pytest.fixture(scope="module")
def mistyped_nhs_numbers(published, tmp_path_factory) -> tuple[HeldBack, set[str]]:
    mistyped: set[str] = set()
    held = refresh_with_faults(published, tmp_path_factory.mktemp("nhs"),
                               lambda drop: mistyped.update(mistype_nhs_numbers(drop)))
    return held, mistyped


def assert_held_back_with_the_previous_publication(held: HeldBack) -> None:
    assert held.result.returncode == 1, held.result.stdout + held.result.stderr
    assert os.readlink(held.home / "publish") == held.publication_before
    assert (held.home / "publish" / "restricted" / "kpi_values.csv").read_text() == held.kpis_before
    assert "Held back" in held.report


def test_a_missing_column_and_a_kpi_out_of_range_hold_publication_back(missing_column_and_kpi_out_of_range):
    held = missing_column_and_kpi_out_of_range
    assert_held_back_with_the_previous_publication(held)
    assert "sen_provision" in held.result.stderr
    text = held.report_text()
    # The rejected file and why, and the failed check on the published KPI table, in plain words.
    assert f"school_census_{AS_AT:%Y%m%d}.csv" in text and "sen_provision" in text
    assert "Critical (blocks publication) Published KPI table No KPI value is negative." in text
    assert "The first contact date is never before the referral date." in text  # the extract's warning
    # The headline says why in the board's words: no asset keys or check names.
    assert re.search(r"Why: .*Published KPI table: \d+ critical checks? failed", text)
    assert "quality_suite" not in text and "clean/" not in text


def test_many_mistyped_nhs_numbers_hold_publication_back(mistyped_nhs_numbers):
    held, mistyped = mistyped_nhs_numbers
    assert_held_back_with_the_previous_publication(held)
    assert len(mistyped) > 20  # 3 in 10 of the referrals
    text = held.report_text()
    assert "No more than 10% of the rows received have an NHS number that fails its check digit" in text
    assert ("speech and language therapy referrals, county-wide (Midlands Partnership University NHS FT): "
            "1 critical") in text
    reports = [held.report, *(p.read_text() for p in (held.home / "reports" / "data-docs").rglob("*.html"))]
    assert not [n for n in mistyped for page in reports if n in page or n.replace(" ", "") in page]


def test_history_survives_refreshes_and_the_report_shows_the_trend(missing_column_and_kpi_out_of_range):
    held = missing_column_and_kpi_out_of_range
    with duckdb.connect(str(held.home / "warehouse.duckdb"), read_only=True) as con:
        runs = [r for (r,) in con.execute(
            "select run_id from quality.validation_results group by run_id order by min(validated_at)").fetchall()]
    assert len(runs) == 2  # the published refresh and the one held back
    # Both refreshes are of the same reporting month: the trends plot months, so one point, no chart yet.
    assert "<img" not in held.report and "at least two reporting months" in held.report
    assert "Newly failing" in held.report
    assert held.report_path.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    data_docs = (held.home / "reports" / "data-docs" / "index.html").read_text()
    assert all(run in data_docs for run in runs)


def test_a_held_back_refresh_keeps_the_months_published_report_and_the_index_names_the_current_one(
        missing_column_and_kpi_out_of_range):
    held = missing_column_and_kpi_out_of_range
    reports = held.home / "reports"
    first, second = load_register(reports)
    assert (first.reporting_date, first.published) == (AS_AT, True)
    assert (second.reporting_date, second.published) == (AS_AT, False)
    current = Path(held.publication_before).name  # the publication id
    published_report = (reports / first.file).read_text()
    assert "Published: this refresh published" in published_report and current in published_report
    assert (reports / first.pdf).read_bytes().startswith(b"%PDF")
    text = held.report_text()
    assert f"Current publication: {current} , reporting date {AS_AT:%d %B %Y}" in text
    assert "Its figures for this month still stand." in text and "has not been published" not in text
    # The rejected school census fails its delivery check and the landing gate: both critical, both new.
    critical = int(re.search(r"<dt>Critical checks failed</dt><dd>(\d+)</dd>", held.report).group(1))
    assert critical >= 2 and critical == second.failed_critical and first.failed_critical == 0
    changed = re.search(r'<h2 id="changes">.*?</section>', held.report, re.S).group()
    assert "the landing gate" in changed and "No check changed result" not in changed
    index = (reports / "index.html").read_text()
    assert re.findall(r'href="(data-quality-[^"]+\.html)"', index) == [second.file, first.file]
    assert current in index and re.findall(r"(Published|Held back)</span>", index) == ["Held back", "Published"]


def drop_identifiers(drop: Path) -> set[str]:
    """Every clear NHS number, UPN, postcode and council id the drop sent (CSV extracts)."""
    values: set[str] = set()
    for contract in all_contracts():
        for delivery in deliveries_for(contract, drop, AS_AT):
            if contract.format == "csv":
                frame = pd.read_csv(delivery.path, dtype=str, encoding=contract.encoding)
                for column in ("nhs_number", "upn", "postcode", "la_child_id", "child_id"):
                    if column in frame:
                        values.update(v.strip() for v in frame[column].dropna())
    return values


def test_no_clear_identifier_reaches_a_table_outside_landing_or_any_published_file(published):
    """Scans every value of every warehouse table outside the restricted landing rows, and
    every published or reported file, for the identifiers the drop sent."""
    drop, home = published
    sent = {compact(value) for value in drop_identifiers(drop)}
    assert len(sent) > 1000
    leaks = []
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        con.execute("create temp table sent as select unnest(?::varchar[]) as value", [sorted(sent)])
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and (table_schema not in ('landing', 'temp') "
            "or table_name in ('files', 'row_issues'))").fetchall()
        assert {schema for schema, _, _ in columns} >= {"clean", "staging", "intermediate", "marts", "quality"}
        for schema, table, column in columns:
            found = con.execute(
                f'select count(*) from "{schema}"."{table}" t '
                f"join sent on upper(replace(t.\"{column}\"::varchar, ' ', '')) = sent.value"
            ).fetchone()[0]
            if found:
                leaks.append(f"{schema}.{table}.{column}: {found}")
    for path in [*(home / "publish").resolve().rglob("*.csv"), *(home / "reports").rglob("*.html")]:
        leaks.extend(f"{path.name}: {value}" for value in identifier_shaped(path.read_text(encoding="utf-8")) & sent)
    assert not leaks, leaks[:20]


def compact(value: str) -> str:
    return "".join(value.split()).upper()


def identifier_shaped(text: str) -> set[str]:
    """Every word, run of spaced digits and postcode-shaped value in ``text``, compacted."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    spaced_digits = re.findall(r"\d[\d ]*\d", text)
    postcodes = re.findall(r"[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}", text)
    return {compact(value) for value in (*words, *spaced_digits, *postcodes)}


def comparison(path: Path, kpi_id: str, comparator: str, breakdown_value: str = "TOTAL") -> dict:
    with path.open() as f:
        rows = [r for r in csv.DictReader(f) if (r["kpi_id"], r["breakdown_value"], r["comparator"])
                == (kpi_id, breakdown_value, comparator)]
    assert len(rows) == 1, f"{kpi_id} {breakdown_value} {comparator}: {len(rows)} rows"
    return rows[0]


def test_refresh_publishes_the_dfe_comparators_in_both_tiers(published):
    """The bundled DfE release lands with the partners' extracts; kpi_comparators and the January
    reconciliation are published in both tiers and the board report reads them."""
    _, home = published
    for tier in ("restricted", "public"):
        path = home / "publish" / tier / "kpi_comparators.csv"
        staffordshire = comparison(path, "ehcp_count", "STAFFORDSHIRE")
        assert (staffordshire["value"], staffordshire["period_label"]) == ("8461", "January 2025")
        assert comparison(path, "ehcp_count", "ENGLAND")["value"] == "638745"
        assert comparison(path, "ehcp_count", "REGION")["geography_name"] == "West Midlands"
        assert comparison(path, "ehcp_issued_20_weeks", "STAFFORDSHIRE")["value"] == str(100 * 319 / 879)
        local = comparison(path, "ehcp_count", "WAREHOUSE")
        assert local["value"] == kpi(home / "publish" / tier / "kpi_values.csv", "ehcp_count")["value"]
        with (home / "publish" / tier / "ehcp_reconciliation.csv").open() as f:
            januaries = {r["census_date"]: r for r in csv.DictReader(f)}
        assert januaries["2024-01-18"]["dfe_ehcp_count"] == "7490"
        assert januaries["2025-01-16"]["dfe_ehcp_count"] == "8461"
    assert int(januaries["2025-01-16"]["warehouse_ehcp_count"]) % 5 == 0  # public: rounded
    (report,) = (home / "reports").glob("data-quality-*.html")
    html = report.read_text(encoding="utf-8")
    assert "How Staffordshire compares" in html and "638,745" in html and "8,461" in html


def test_the_attacker_recovers_no_count_from_the_public_tier_of_the_sample_drop(published):
    _, home = published
    public = pd.read_parquet(home / "publish" / "public" / "kpi_values.parquet")
    restricted = pd.read_parquet(home / "publish" / "restricted" / "kpi_values.parquet")
    crosswalk = pd.read_parquet(home / "publish" / "restricted" / "sub_icb_district_crosswalk.parquet")
    key = ["kpi_id", "reporting_date", "geography_level", "geography_code", "breakdown", "breakdown_value"]
    assert public[key].equals(restricted[key])
    assert (public.status == "suppressed").sum() > 100  # the drop does exercise suppression
    assert (public.method == "APPORTIONED").any()  # and apportioned figures (rule 6)
    assert attack(public, restricted, crosswalk=crosswalk) == []
    history = {tier: pd.read_parquet(home / "publish" / tier / "kpi_history.parquet")
               for tier in ("public", "restricted")}
    assert attack(history["public"], history["restricted"], crosswalk=crosswalk) == []
    # the public tier is a function of the restricted
    assert_frame_equal(public_kpi_values(restricted, crosswalk=crosswalk), public)
    # the other public tables with counts: the crosswalk's populations, the council's January counts
    walk = {tier: pd.read_parquet(home / "publish" / tier / "sub_icb_district_crosswalk.parquet")
            for tier in ("public", "restricted")}
    assert attack(crosswalk_counts(walk["public"]), crosswalk_counts(walk["restricted"]), {}) == []
    januaries = {tier: reconciliation_counts(pd.read_parquet(home / "publish" / tier / "ehcp_reconciliation.parquet"),
                                             ("COUNTY", "E10000028")) for tier in ("public", "restricted")}
    assert len(januaries["public"]) > 0 and attack(januaries["public"], januaries["restricted"], {}) == []
    for table in ("kpi_values", "sub_icb_district_crosswalk", "kpi_comparators", "ehcp_reconciliation"):
        frame = pd.read_parquet(home / "publish" / "public" / f"{table}.parquet")
        assert set(frame.status) <= {"available", "suppressed", "not_applicable", "not_available"}, table
        if "suppressed" in frame:
            assert (frame.suppressed == (frame.status == "suppressed")).all(), table
