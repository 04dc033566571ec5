"""What landed, as ``send-warehouse status --json`` shows it, and extract freshness."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from connectors.status import stale_extracts, write_status_file
from orchestration.cli import main
from tests.connectors.conftest import contract, csv_bytes, extract_bytes, new_warehouse, valid_rows

SLT, EAPDR = "mpft__slt_referrals", "council__eapdr_requests"
FILE_KEYS = ["partner", "extract", "as_at", "file_name", "status", "rows_received", "rows_accepted",
             "rows_quarantined", "quarantine_reasons", "message"]


def test_status_json_lists_every_file_with_counts_reasons_and_messages(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir()
    wh = new_warehouse(tmp_path, database=str(home / "warehouse.duckdb"))
    rows = valid_rows(SLT)
    rows[0]["nhs_number"] = "9434765918"
    rows[1]["referral_source"] = "X"
    wh.put_rows("icb__lsoa_lookup")
    wh.put_rows(SLT, rows)
    census = [c.name for c in contract("council__school_census").columns if c.name != "census_date"]
    wh.put("council", "school_census_20250731.csv", csv_bytes(census, [["x"] * len(census)]))
    wh.put("council", "notes.txt", b"call Sam")
    wh.land_drop()
    wh.assert_no_row_lost()
    write_status_file(home, wh.con, "landing gate")
    stale = stale_extracts(wh.con, date.today())
    wh.con.close()

    with writer_holding(home / "warehouse.duckdb"):
        assert main(["status", "--home", str(home), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)

    assert list(document) == ["files", "stale_extracts", "publication", "recorded_at", "stage"]
    assert document["stale_extracts"] == stale
    assert (document["publication"], document["stage"]) == (None, "landing gate")
    assert [list(f) for f in document["files"]] == [FILE_KEYS] * 4
    common = {"as_at": "2025-07-31", "rows_received": 0, "rows_accepted": 0, "rows_quarantined": 0,
              "quarantine_reasons": {}, "message": None}
    assert document["files"] == [
        {**common, "partner": "icb", "extract": "lsoa_lookup", "file_name": "lsoa_lookup_20250731.csv",
         "status": "accepted", "rows_received": 3, "rows_accepted": 3},
        {**common, "partner": "council", "extract": "school_census", "file_name": "school_census_20250731.csv",
         "status": "rejected",
         "message": "school_census_20250731.csv: missing required column(s) 'census_date'"},
        {**common, "partner": "mpft", "extract": "slt_referrals", "file_name": "slt_referrals_20250731.csv",
         "status": "accepted", "rows_received": 3, "rows_accepted": 2, "rows_quarantined": 1,
         "quarantine_reasons": {"CODE_NOT_IN_LIST": 1, "INVALID_NHS_NUMBER": 1}},
        {**common, "partner": "council", "extract": None, "as_at": None, "file_name": "council/notes.txt",
         "status": "rejected",
         "message": "council/notes.txt: not a recognised extract file name "
                    "(<partner>/<extract>_<YYYYMMDD>.<ext>, see the extract specification)"},
    ]


class writer_holding:
    """Another process holding the DuckDB file open for writing, as a running refresh does."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(self.path)!r}); "
             "print('ready', flush=True); sys.stdin.read()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline() == "ready\n"
        # the lock a reader of the warehouse file would hit
        with pytest.raises(duckdb.IOException, match="Could not set lock on file"):
            duckdb.connect(str(self.path), read_only=True)
        return self

    def __exit__(self, *exc):
        self.process.communicate("")


def test_status_reads_the_status_file_not_the_warehouse_a_refresh_writes(tmp_path, capsys):
    """The status shown is the run's status file, even while a writer holds the warehouse."""
    home = tmp_path / "home"
    home.mkdir()
    wh = new_warehouse(tmp_path, database=str(home / "warehouse.duckdb"))
    wh.land_one("icb__lsoa_lookup")
    write_status_file(home, wh.con, "landed icb/lsoa_lookup")
    wh.land_one(EAPDR)  # landed after the run last wrote its status: not shown yet
    wh.con.close()

    with writer_holding(home / "warehouse.duckdb"):
        assert main(["status", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert "(landed icb/lsoa_lookup); published: nothing yet" in out.splitlines()[0]
    assert "lsoa_lookup_20250731.csv" in out and "eapdr_requests" not in out


def test_status_before_any_run_is_a_usage_error(tmp_path, capsys):
    assert main(["status", "--home", str(tmp_path), "--json"]) == 2
    assert capsys.readouterr().err == (f"send-warehouse status: no status at {tmp_path / 'status.json'}: "
                                       "run send-warehouse refresh on this home first\n")


def test_an_extract_older_than_its_cadence_is_stale_with_its_age(wh):
    for name in (EAPDR, "council__school_census"):
        wh.land_one(name)

    assert stale_extracts(wh.con, date(2025, 9, 14)) == []  # 45 days: monthly still fresh
    assert stale_extracts(wh.con, date(2025, 9, 15)) == [
        {"partner": "council", "extract": "eapdr_requests", "as_at": "2025-07-31", "age_days": 46,
         "cadence": "monthly", "max_age_days": 45}]
    assert stale_extracts(wh.con, date(2025, 12, 14)) == [
        {"partner": "council", "extract": "eapdr_requests", "as_at": "2025-07-31", "age_days": 136,
         "cadence": "monthly", "max_age_days": 45},
        {"partner": "council", "extract": "school_census", "as_at": "2025-07-31", "age_days": 136,
         "cadence": "termly", "max_age_days": 135}]


def test_a_newer_delivery_makes_the_extract_fresh_again(wh):
    wh.land_one(EAPDR)
    wh.put("council", "eapdr_requests_20250831.csv", extract_bytes(EAPDR, valid_rows(EAPDR)[:2]))
    wh.land(EAPDR, today=date(2025, 9, 2))

    assert stale_extracts(wh.con, date(2025, 9, 20)) == []
    assert [s["as_at"] for s in stale_extracts(wh.con, date(2025, 10, 16))] == ["2025-08-31"]
