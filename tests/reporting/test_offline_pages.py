"""Every page under HOME/reports loads with no request off the machine and passes axe-core's
WCAG 2.2 AA audit, in headless Chromium with the network cut (see tests/browser.py)."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from expectations.data_docs import DataDocs
from expectations.runner import validate
from reporting.board_report import build_report
from reporting.figures import FileCheckFailure
from tests.browser import CHROMIUM, Chromium, axe_script

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

PUBLICATION = {"publication_id": "2025-06-30_20250705T060000Z_abcd1234", "reporting_date": "2025-06-30",
               "run_id": "run-1", "published_at": "2025-07-05T06:00:00+00:00",
               "settings": {"threshold": 7, "rounding_base": 5},
               "disclosure": {"threshold": 7, "rounding_base": 5, "primary_suppressed": 30,
                              "secondary_suppressed": 12,
                              "cells": {"available": 900, "suppressed": 42, "not_applicable": 3,
                                        "not_available": 1}}}
REJECTED = FileCheckFailure("Speech and language therapy referrals (MPFT)",
                            "The extract's newest delivery was accepted.",
                            ("slt_referrals_20250731.csv: required column referral_date is missing",))


@pytest.fixture(scope="module")
def axe() -> str:
    script = axe_script()
    if script is None:
        pytest.skip("axe-core could not be fetched with npm and is not in the test cache")
    return script


@pytest.fixture
def browser(tmp_path):
    with Chromium(tmp_path / "profile") as chromium:
        yield chromium


@pytest.fixture
def reports(con, kpi_mart, tmp_path) -> Path:
    """HOME/reports after two months of refreshes, the second held back, with the Data Docs."""
    home = tmp_path / "home"
    docs = DataDocs(store_dir=home / "quality" / "gx", site_dir=home / "reports" / "data-docs")
    kpi_mart()
    validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values", data_docs=docs)
    docs.build("run-1")
    build_report(con, home / "reports", date(2025, 6, 30), published=True, reasons=[], run_id="run-1",
                 publication=PUBLICATION)
    kpi_mart(breakdown_value="943 476 5919")
    validate(con, "kpi_values", run_id="run-2", asset_key="kpi_values", data_docs=docs)
    docs.build("run-2")
    build_report(con, home / "reports", date(2025, 7, 31), published=False, run_id="run-2",
                 reasons=["The speech and language therapy file was rejected."], file_failures=[REJECTED],
                 publication=PUBLICATION)
    return home / "reports"


def test_every_page_loads_with_only_local_requests_and_no_wcag_violation(reports, browser, axe):
    pages = sorted(reports.rglob("*.html"))
    assert {"index.html", "data-docs/index.html"} <= {p.relative_to(reports).as_posix() for p in pages}
    assert len(pages) >= 5  # two reports, the index, the Data Docs index and a run's page
    for page in pages:
        visit = browser.visit(page.as_uri(), axe=axe)
        assert visit.requests[0] == page.as_uri()  # the requests were really recorded
        assert visit.non_local_requests == [], page
        assert visit.violations == [], page


def test_the_check_catches_a_cdn_script_a_beacon_and_an_inaccessible_page(tmp_path, browser, axe):
    page = tmp_path / "phones-home.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title>'
                    '<script src="https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js"></script></head>'
                    '<body><img src="https://storage.googleapis.com/logo.png?id=context-id">'
                    '<p style="color:#bbb">faint</p></body></html>')
    visit = browser.visit(page.as_uri(), axe=axe)
    assert set(visit.non_local_requests) == {"https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js",
                                             "https://storage.googleapis.com/logo.png?id=context-id"}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= {v["id"] for v in visit.violations}


def test_great_expectations_own_data_docs_would_fail(tmp_path, browser):
    """The site GX 1.24 builds (what HOME/reports/data-docs used to be) phones home."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults

    site = tmp_path / "gx-site"
    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
        data_docs_sites={"site": {"class_name": "SiteBuilder", "store_backend": {
            "class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)}}}))
    context.build_data_docs(site_names=["site"])
    visit = browser.visit((site / "index.html").as_uri())
    assert visit.non_local_requests  # CDN scripts and styles, and the logo with the context's id
