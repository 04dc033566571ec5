"""Publication: every file written, the symlink swapped atomically, the old publication kept on failure."""
import csv
import json
import os
from datetime import date

import duckdb
import pandas as pd
import pytest

import publication.publish as publish_module
from publication.disclosure import DisclosureSettings
from publication.publish import KPI_COLUMNS, MartMissingError, current_publication, publish

REPORTING_DATE = date(2025, 7, 31)
FILES = ("restricted/kpi_values.csv", "restricted/sub_icb_district_crosswalk.csv",
         "restricted/send_cohort.parquet", "public/kpi_values.csv", "public/sub_icb_district_crosswalk.csv")
COUNT_COLUMNS = ("numerator", "denominator", "population", "sub_icb_population")


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("""
        create schema marts;
        create table marts.mart_send_cohort as
        select 'P' || i as person_id, ['EHCP', 'SEN_SUPPORT'][1 + i % 2] as sen_status,
               'E07000192' as district_code, ['council', 'icb'] as sources from range(10) t(i);
        create table marts.kpi_values as
        select kpi_id, date '2025-07-31' as reporting_date, date '2024-08-01' as period_start,
               date '2025-07-31' as period_end, geography_level, geography_code, geography_name,
               breakdown, breakdown_value, numerator, denominator, value, unit,
               'DIRECT' as method, false as suppressed, timestamp '2025-08-02 10:00' as refreshed_at,
               'council/ehcp_caseload/2025-07-31' as source_extracts
        from (values
          ('ehcp_count', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 'TOTAL', 123, null, 123.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000192', 'Cannock Chase', 'TOTAL', 'TOTAL', 5, null, 5.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000193', 'East Staffordshire', 'TOTAL', 'TOTAL', 21, null, 21.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000194', 'Lichfield', 'TOTAL', 'TOTAL', 97, null, 97.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000195', 'Newcastle-under-Lyme', 'TOTAL', 'TOTAL', 0, null, 0.0, 'count'),
          ('sen_support_pct', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 'TOTAL', 132, 1000, 13.2, 'percent')
        ) v(kpi_id, geography_level, geography_code, geography_name, breakdown, breakdown_value,
            numerator, denominator, value, unit);
        create table marts.sub_icb_district_crosswalk as select * from (values
          ('04Y', 'E07000192', 0.8, 800, 1000), ('04Y', 'E07000196', 0.195, 195, 1000),
          ('04Y', 'E07000197', 0.005, 5, 1000), ('05W', 'E06000021', 1.0, 400, 400)
        ) v(sub_icb_code, lad_code, weight, population, sub_icb_population);
    """)
    yield connection
    connection.close()


def run(con, home, run_id="0123456789abcdef"):
    return publish(con, home, reporting_date=REPORTING_DATE, run_id=run_id,
                   source_extracts=["council/ehcp_caseload/2025-07-31"], settings=DisclosureSettings())


def read(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_publish_writes_both_tiers_and_points_publish_at_them(con, tmp_path):
    home = tmp_path / "home"
    folder = run(con, home)
    assert folder.parent == home / "publications"
    assert folder.name.startswith("2025-07-31_") and folder.name.endswith("_01234567")
    assert os.readlink(home / "publish") == os.path.join("publications", folder.name)
    for name in FILES:
        assert (home / "publish" / name).is_file(), name

    manifest = current_publication(home)
    assert manifest == json.loads((folder / "publication.json").read_text())
    assert manifest["publication_id"] == folder.name and manifest["run_id"] == "0123456789abcdef"
    assert manifest["reporting_date"] == "2025-07-31"
    assert manifest["source_extracts"] == ["council/ehcp_caseload/2025-07-31"]
    assert manifest["settings"] == {"threshold": 7, "rounding_base": 5}
    assert manifest["row_counts"] == {"restricted/kpi_values.csv": 6, "restricted/sub_icb_district_crosswalk.csv": 4,
                                      "public/kpi_values.csv": 6, "public/sub_icb_district_crosswalk.csv": 4,
                                      "restricted/send_cohort.parquet": 10}

    restricted = read(home / "publish/restricted/kpi_values.csv")
    assert list(restricted[0]) == list(KPI_COLUMNS)
    first = restricted[0]  # ordered by kpi, date, level, code, breakdown
    assert (first["kpi_id"], first["geography_level"], first["value"], first["denominator"]) == (
        "ehcp_count", "COUNTY", "123", "")
    assert (first["reporting_date"], first["suppressed"], first["refreshed_at"]) == (
        "2025-07-31", "false", "2025-08-02T10:00:00")
    cohort = pd.read_parquet(home / "publish/restricted/send_cohort.parquet")
    assert len(cohort) == 10 and list(cohort.sources[0]) == ["council", "icb"]


def test_public_tier_holds_no_count_from_1_to_7(con, tmp_path):
    home = tmp_path / "home"
    run(con, home)
    public = read(home / "publish/public/kpi_values.csv")
    by_district = {r["geography_code"]: r for r in public if r["kpi_id"] == "ehcp_count"}
    # County 123 = 5 + 21 + 97 + 0: 5 withheld, 21 with it (next smallest non-zero); 0 stays.
    assert [(r["value"], r["suppressed"]) for r in by_district.values()] == [
        ("125", "false"), ("", "true"), ("", "true"), ("95", "false"), ("0", "false")]
    rate = next(r for r in public if r["kpi_id"] == "sen_support_pct")
    assert (rate["value"], rate["numerator"], rate["denominator"]) == ("13.2", "130", "1000")
    tables = [public, read(home / "publish/public/sub_icb_district_crosswalk.csv")]
    cells = [r[c] for rows in tables for r in rows for c in COUNT_COLUMNS if r.get(c)]
    cells += [r["value"] for r in public if r["unit"] == "count" and r["value"]]
    assert cells and not [c for c in cells if 1 <= float(c) <= 7]


def test_newest_publication_wins_and_the_previous_one_stays(con, tmp_path):
    home = tmp_path / "home"
    first = run(con, home, run_id="aaaaaaaa-1")
    con.execute("update marts.kpi_values set value = 200, numerator = 200 where geography_level = 'COUNTY' "
                "and kpi_id = 'ehcp_count'")
    second = run(con, home, run_id="bbbbbbbb-2")
    assert first != second and first.is_dir()
    assert (home / "publish").resolve() == second.resolve()
    assert current_publication(home)["run_id"] == "bbbbbbbb-2"
    assert read(first / "restricted/kpi_values.csv")[0]["value"] == "123"
    assert read(home / "publish/restricted/kpi_values.csv")[0]["value"] == "200"


def test_a_failure_while_writing_leaves_the_previous_publication(con, tmp_path, monkeypatch):
    home = tmp_path / "home"
    first = run(con, home, run_id="aaaaaaaa-1")
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}

    def broken_disk(*args):
        raise OSError("disk full")

    monkeypatch.setattr(publish_module, "write_parquet", broken_disk)  # after the four CSV files
    with pytest.raises(OSError, match="disk full"):
        run(con, home, run_id="bbbbbbbb-2")
    assert (home / "publish").resolve() == first.resolve()
    assert current_publication(home)["run_id"] == "aaaaaaaa-1"
    assert {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()} == before
    assert [p.name for p in (home / "publications").iterdir()] == [first.name]  # no half-written folder
    assert sorted(p.name for p in home.iterdir()) == ["publications", "publish"]


def test_missing_mart_is_a_clear_error(con, tmp_path):
    con.execute("drop table marts.sub_icb_district_crosswalk")
    with pytest.raises(MartMissingError, match=r"marts\.sub_icb_district_crosswalk not built yet"):
        run(con, tmp_path / "home")
    assert not (tmp_path / "home").exists()
    assert current_publication(tmp_path / "home") is None
