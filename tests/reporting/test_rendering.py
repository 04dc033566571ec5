"""The board report as its readers get it: rendered by headless Chromium, and its PDF as page images.

Needs Debian's ``chromium`` and ``poppler-utils`` (``.ci/run`` installs them); each test skips,
saying which, when its program is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from connectors.contracts import all_contracts
from expectations.runner import validate
from reporting.board_report import build_report

CHROMIUM = shutil.which("chromium")
PDFTOPPM, PDFTOTEXT = shutil.which("pdftoppm"), shutil.which("pdftotext")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
needs_poppler = pytest.mark.skipif(PDFTOPPM is None or PDFTOTEXT is None,
                                   reason="pdftoppm/pdftotext are not installed (apt-get install poppler-utils)")

# Added to a copy of the report only: once the page has loaded, record what the browser drew
# (each chart's decoded width) and the worst text contrast (WCAG 2 ratio against the nearest
# opaque background).
MEASURE = """<script>
window.addEventListener('load', () => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const luminance = c => c.slice(0, 3).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                          .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  let worst = 21;
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
    worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  document.body.dataset.worstContrast = worst.toFixed(2);
  document.body.dataset.chartWidths = [...document.images].map(i => i.naturalWidth).join(' ');
});
</script>"""


@pytest.fixture
def report(con, kpi_mart, tmp_path, reporting_date) -> Path:
    """A report with two reporting months of history (so with charts), the second with a failed check."""
    kpi_mart()
    validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values")
    build_report(con, tmp_path / "reports", date(2025, 6, 30), published=True, reasons=[])
    kpi_mart(breakdown_value="943 476 5919")
    validate(con, "kpi_values", run_id="run-2", asset_key="kpi_values")
    return build_report(con, tmp_path / "reports", reporting_date, published=False,
                        reasons=["A check on the published KPI table failed."])


def chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *arguments],
        capture_output=True, text=True, timeout=180, check=True,
    )


@needs_chromium
def test_chromium_draws_the_scorecard_and_the_charts_with_readable_contrast(report, tmp_path):
    measured = tmp_path / "measured.html"
    measured.write_text(report.read_text().replace("</body>", MEASURE + "\n</body>"))
    dom = chromium("--dump-dom", measured.as_uri(), profile=tmp_path / "profile").stdout

    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", dom)]
    assert levels[0] == 1 and levels.count(1) == 1  # one title, then sections
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # no heading level skipped
    scorecard = re.search(r"<caption>Deliveries, rows and checks for each extract</caption>.*?</table>", dom, re.S)
    assert scorecard and len(re.findall(r"<tr>", scorecard.group())) == 1 + len(all_contracts())  # header, extracts
    assert "Pupils on roll at the latest school census" in scorecard.group()
    charts = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', dom)
    assert len(charts) == 2 and all(len(alt) > 40 for alt in charts)
    widths = re.search(r'data-chart-widths="([\d ]+)"', dom).group(1).split()
    assert len(widths) == 2 and all(int(w) > 300 for w in widths)  # decoded and drawn, not broken images
    assert float(re.search(r'data-worst-contrast="([\d.]+)"', dom).group(1)) >= 4.5  # WCAG AA body text


@needs_poppler
def test_the_pdf_is_the_same_report_and_converts_to_page_images(report, tmp_path):
    pdf = report.with_suffix(".pdf")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "SEND data quality report" in text and "Held back" in text
    assert "Scorecard by partner and extract" in text and "Trends by reporting month" in text
    assert "943 476 5919" not in text and "9434765919" not in text
    subprocess.run([PDFTOPPM, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 1
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
