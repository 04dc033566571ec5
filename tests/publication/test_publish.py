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
from publication import data_dictionary
from publication.data_dictionary import UndocumentedColumnError
from publication.publish import MartMissingError, current_publication, publish
from tests.kpi_columns import KPI_COLUMNS
from tests.publication.ees_rules import problems

REPORTING_DATE = date(2025, 7, 31)
TABLES = {
    "restricted": {"kpi_values": 6, "kpi_history": 12, "sub_icb_district_crosswalk": 4, "send_cohort": 10,
                   "kpi_catalogue": 2, "kpi_comparators": 2, "ehcp_reconciliation": 1, "ehcp_flow_reconciliation": 2},
    "public": {"kpi_values": 6, "kpi_history": 12, "sub_icb_district_crosswalk": 4, "kpi_catalogue": 2,
               "kpi_comparators": 2, "ehcp_reconciliation": 1, "ehcp_flow_reconciliation": 2},
}
FILES = tuple(f"{tier}/{table}.{kind}" for tier, tables in TABLES.items()
              for table in [*tables, "data_dictionary"] for kind in ("csv", "parquet")) + (
    "restricted/published.duckdb", "public/published.duckdb", "public/ees/kpis_monthly.csv",
    "public/ees/kpis_monthly.meta.csv")
COUNT_COLUMNS = ("numerator", "denominator", "population", "sub_icb_population")


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("""
        create schema marts;
        create table marts.mart_send_cohort as
        select 'P' || i as person_id, ['EHCP', 'SEN_SUPPORT'][1 + i % 2] as sen_status,
               'E07000192' as residence_district_code, i % 3 = 0 as has_reasonable_adjustment_flag,
               'council|icb' as contributing_partners from range(10) t(i);
        create table marts.kpi_catalogue as select * from (values
          ('ehcp_count', 'Active EHC plans', 'Active EHC plans at the reporting date', 'Active EHC plans', null,
           'count', 'TOTAL; SEX', 'COUNTY; DISTRICT', 'council/school_census', 'monthly'),
          ('sen_support_pct', 'SEN support', 'Pupils on SEN support', 'Pupils on SEN support', 'Pupils',
           'percent', 'TOTAL', 'COUNTY; DISTRICT', 'council/school_census', 'termly')
        ) v(kpi_id, name, definition, numerator, denominator, unit, breakdowns, geography_levels, source,
            refresh_cadence);
        create table marts.kpi_values as
        select kpi_id, date '2025-07-31' as reporting_date, date '2024-08-01' as period_start,
               date '2025-07-31' as period_end, geography_level, geography_code, geography_name,
               breakdown, breakdown_value, numerator, denominator, value, unit,
               'DIRECT' as method, false as suppressed, 'available' as status,
               timestamp '2025-08-02 10:00' as refreshed_at,
               'council/school_census/2025-07-31' as source_extracts
        from (values
          ('ehcp_count', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 'TOTAL', 123, null, 123.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000192', 'Cannock Chase', 'TOTAL', 'TOTAL', 5, null, 5.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000193', 'East Staffordshire', 'TOTAL', 'TOTAL', 21, null, 21.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000194', 'Lichfield', 'TOTAL', 'TOTAL', 97, null, 97.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000195', 'Newcastle-under-Lyme', 'TOTAL', 'TOTAL', 0, null, 0.0, 'count'),
          ('sen_support_pct', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 'TOTAL', 132, 1000, 13.2, 'percent')
        ) v(kpi_id, geography_level, geography_code, geography_name, breakdown, breakdown_value,
            numerator, denominator, value, unit);
        -- the same figures a month earlier (Lichfield 4, not 97, in June), and July itself
        create table marts.kpi_history as
        select * replace (date '2025-06-30' as reporting_date, date '2025-06-30' as period_end,
                          case when geography_code = 'E07000194' then 4 else numerator end as numerator,
                          case when geography_code = 'E07000194' then 4 else value end as value),
               timestamp '2025-08-02 10:00' as revised_at
        from marts.kpi_values
        union all
        select *, null as revised_at from marts.kpi_values;
        create table marts.sub_icb_district_crosswalk as select * from (values
          ('04Y', 'E07000192', 0.8, 800, 1000), ('04Y', 'E07000196', 0.195, 195, 1000),
          ('04Y', 'E07000197', 0.005, 5, 1000), ('05W', 'E06000021', 1.0, 400, 400)
        ) v(sub_icb_code, lad_code, weight, population, sub_icb_population), (select 'available' as status);
        create table marts.kpi_comparators as
        select 'ehcp_count' as kpi_id, 'TOTAL' as breakdown, 'TOTAL' as breakdown_value, 'count' as unit,
               date '2025-07-31' as reporting_date, comparator, source, geography_level, geography_code,
               geography_name, period_start, period_end, period_label, numerator, null::double as denominator,
               numerator as value, null as missing_reason, null::integer as neighbour_rank,
               null::integer as neighbour_areas, null::integer as england_rank, null::integer as england_areas,
               false as suppressed, 'available' as status, source_files
        from (values
          ('WAREHOUSE', 'warehouse', 'COUNTY', 'E10000028', 'Staffordshire', date '2025-07-31', date '2025-07-31',
           'As at 2025-07-31', 123.0, 'council/school_census/2025-07-31'),
          ('ENGLAND', 'dfe', 'ENGLAND', 'E92000001', 'England', date '2025-01-16', date '2025-01-16',
           'January 2025', 638745.0, 'dfe/caseload/2025-06-26')
        ) v(comparator, source, geography_level, geography_code, geography_name, period_start, period_end,
            period_label, numerator, source_files);
        create table marts.ehcp_reconciliation as
        select date '2025-07-31' as reporting_date, date '2025-01-16' as census_date, 'January 2025' as period_label,
               '202425' as dfe_time_period, 118.0 as warehouse_ehcp_count,
               8461.0 as dfe_ehcp_count, null as dfe_missing_reason, -8343.0 as difference,
               -98.6 as difference_percent, false as suppressed, 'available' as status, 'available' as dfe_status,
               'council/sen2_namedplan/2025-07-31' as return_file, 'dfe/caseload/2025-06-26' as release_file;
        create table marts.ehcp_flow_reconciliation as
        select date '2025-07-31' as reporting_date, kpi_id, unit, '2024' as dfe_time_period,
               'Calendar year 2024' as period_label, date '2024-01-01' as period_start, date '2024-12-31' as period_end,
               warehouse_numerator, warehouse_denominator, warehouse_value, dfe_value, null as dfe_missing_reason,
               warehouse_value - dfe_value as difference, false as suppressed, 'available' as status,
               'available' as dfe_status, 'council/sen2_requests/2025-07-31' as return_file,
               'dfe/requests/2025-06-26' as release_file
        from (values ('ehcna_requests', 'count', 2031.0, null::double, 2031.0, 2022.0),
                     ('tribunal_rate', 'percent', 3.0, 2031.0, 300 / 2031.0, 0.2)
        ) v(kpi_id, unit, warehouse_numerator, warehouse_denominator, warehouse_value, dfe_value);
    """)
    yield connection
    connection.close()


def run(con, home, run_id="0123456789abcdef"):
    return publish(con, home, reporting_date=REPORTING_DATE, run_id=run_id,
                   source_extracts=["council/school_census/2025-07-31"], settings=DisclosureSettings())


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
    assert manifest["source_extracts"] == ["council/school_census/2025-07-31"]
    assert manifest["settings"] == {"threshold": 7, "rounding_base": 5}
    counts = manifest["row_counts"]
    for tier, tables in TABLES.items():
        for table, rows in tables.items():
            assert counts[f"{tier}/{table}.csv"] == counts[f"{tier}/{table}.parquet"] == rows

    restricted = read(home / "publish/restricted/kpi_values.csv")
    assert list(restricted[0]) == list(KPI_COLUMNS)
    first = restricted[0]  # ordered by kpi, date, level, code, breakdown
    assert (first["kpi_id"], first["geography_level"], first["value"], first["denominator"]) == (
        "ehcp_count", "COUNTY", "123", "")
    assert (first["reporting_date"], first["suppressed"], first["refreshed_at"]) == (
        "2025-07-31", "false", "2025-08-02T10:00:00")
    cohort = pd.read_parquet(home / "publish/restricted/send_cohort.parquet")
    assert len(cohort) == 10 and cohort.contributing_partners[0] == "council|icb"
    assert not (home / "publish/public/send_cohort.csv").exists()


def test_every_table_is_the_same_in_csv_parquet_and_duckdb(con, tmp_path):
    home = tmp_path / "home"
    run(con, home)
    for tier, tables in TABLES.items():
        folder = home / "publish" / tier
        with duckdb.connect(str(folder / "published.duckdb"), read_only=True) as published:
            assert {name for (name,) in published.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()} == {
                *tables, "data_dictionary"}
            for table in [*tables, "data_dictionary"]:
                from_csv = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
                from_parquet = pd.read_parquet(folder / f"{table}.parquet")
                from_duckdb = published.execute(f"select * from marts.{table}").df()
                assert list(from_parquet.columns) == list(from_duckdb.columns) == list(from_csv.columns)
                assert len(from_parquet) == len(from_duckdb) == len(from_csv) > 0
            types = dict(published.execute("select column_name, data_type from information_schema.columns "
                                           "where table_name = 'kpi_values'").fetchall())
    assert types == dict(con.execute("select column_name, data_type from information_schema.columns "
                                     "where table_name = 'kpi_values'").fetchall())
    assert (types["reporting_date"], types["suppressed"]) == ("DATE", "BOOLEAN")
    public = pd.read_parquet(home / "publish/public/kpi_values.parquet")
    assert public.loc[public.suppressed, "value"].isna().all() and public.suppressed.any()


def test_the_data_dictionary_describes_every_column_of_every_table(con, tmp_path):
    home = tmp_path / "home"
    run(con, home)
    for tier, tables in TABLES.items():
        dictionary = read(home / "publish" / tier / "data_dictionary.csv")
        described = {(r["table"], r["column"]): r for r in dictionary}
        published = {(table, column) for table in [*tables, "data_dictionary"]
                     for column in ["", *read(home / "publish" / tier / f"{table}.csv")[0]]}
        assert set(described) == published  # each table's own row (column empty) and its columns
        assert all(r["type"] and len(r["description"]) > 10 for r in dictionary)
        # every table of figures has a status column; the others say why they need none
        for table in [*tables, "data_dictionary"]:
            assert (table, "status") in described or "no status column" in described[table, ""]["description"]
    assert described["kpi_values", "suppressed"]["type"] == "BOOLEAN"
    assert described["kpi_catalogue", ""]["type"] == "TABLE"
    assert {table for table, column in described if column == "status"} == {
        "kpi_values", "kpi_history", "sub_icb_district_crosswalk", "kpi_comparators", "ehcp_reconciliation",
        "ehcp_flow_reconciliation"}
    catalogue = read(home / "publish/public/kpi_catalogue.csv")
    assert [r["kpi_id"] for r in catalogue] == ["ehcp_count", "sen_support_pct"]
    assert catalogue[1]["refresh_cadence"] == "termly"


def test_a_table_without_status_that_does_not_say_why_is_not_published(con, tmp_path, monkeypatch):
    described = data_dictionary.table_descriptions()
    monkeypatch.setattr(data_dictionary, "table_descriptions",
                        lambda: {**described, "kpi_catalogue": "One row per KPI id."})
    with pytest.raises(data_dictionary.UndocumentedStatusError, match="kpi_catalogue"):
        run(con, tmp_path / "home")


def test_an_undocumented_column_is_not_published(con, tmp_path):
    home = tmp_path / "home"
    first = run(con, home)
    con.execute("alter table marts.sub_icb_district_crosswalk add column note varchar")
    with pytest.raises(UndocumentedColumnError, match="note of sub_icb_district_crosswalk"):
        run(con, home, run_id="bbbbbbbb-2")
    assert (home / "publish").resolve() == first.resolve()


def test_the_leftovers_of_a_killed_publication_are_removed_by_the_next(con, tmp_path):
    home = tmp_path / "home"
    run(con, home, run_id="aaaaaaaa-1")
    (home / "publications" / ".2025-07-31_x_killed.tmp" / "restricted").mkdir(parents=True)
    os.symlink("publications/nowhere", home / ".publish.killed.tmp")
    second = run(con, home, run_id="bbbbbbbb-2")
    assert sorted(p.name for p in home.iterdir()) == ["publications", "publish"]
    assert not [p for p in (home / "publications").iterdir() if p.name.startswith(".")]
    assert (home / "publish").resolve() == second.resolve()


def test_public_tier_holds_no_count_from_1_to_7(con, tmp_path):
    home = tmp_path / "home"
    run(con, home)
    public = read(home / "publish/public/kpi_values.csv")
    by_district = {r["geography_code"]: r for r in public if r["kpi_id"] == "ehcp_count"}
    # County 123 = 5 + 21 + 97 + 0: 5 withheld, 21 with it (next smallest non-zero); 0 stays.
    assert [(r["value"], r["suppressed"]) for r in by_district.values()] == [
        ("125", "false"), ("", "true"), ("", "true"), ("95", "false"), ("0", "false")]
    rate = next(r for r in public if r["kpi_id"] == "sen_support_pct")
    # 132 / 1000 published as 130 / 1000, and its value computed from those: 13.0 (never the exact 13.2)
    assert (rate["value"], rate["numerator"], rate["denominator"], rate["status"]) == ("13", "130", "1000",
                                                                                       "available")
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

    monkeypatch.setattr(publish_module, "write_parquet", broken_disk)  # after the first CSV file
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


def test_kpi_history_gets_kpi_values_disclosure_control_month_by_month(con, tmp_path, monkeypatch):
    home = tmp_path / "home"
    run(con, home)
    public = read(home / "publish/public/kpi_history.csv")
    restricted = read(home / "publish/restricted/kpi_history.csv")
    assert list(public[0]) == [*KPI_COLUMNS, "revised_at"]
    july = [{k: v for k, v in r.items() if k != "revised_at"} for r in public if r["reporting_date"] == "2025-07-31"]
    assert sorted(july, key=str) == sorted(read(home / "publish/public/kpi_values.csv"), key=str)
    june = {r["geography_code"]: r for r in public
            if r["reporting_date"] == "2025-06-30" and r["kpi_id"] == "ehcp_count"}
    # June: Lichfield's 4 is withheld, and Cannock's 5 (the smallest other) with it; July's 97 does not protect it
    assert [(code, r["value"], r["status"]) for code, r in june.items()] == [
        ("E10000028", "125", "available"), ("E07000192", "", "suppressed"), ("E07000193", "20", "available"),
        ("E07000194", "", "suppressed"), ("E07000195", "0", "available")]
    assert {r["revised_at"] for r in public if r["reporting_date"] == "2025-06-30"} == {"2025-08-02T10:00:00"}
    assert [r["value"] for r in restricted if r["reporting_date"] == "2025-06-30"][:5] == ["123", "5", "21", "4", "0"]
    # without the public form, the restricted figures (the 4) would be published
    monkeypatch.setitem(publish_module.FORMS, "kpi_history", publish_module.Form(
        publish_module.HISTORY_ORDER, lambda frame, settings: frame))
    run(con, home, run_id="cccccccc-3")
    assert "4" in [r["value"] for r in read(home / "publish/public/kpi_history.csv")]
    assert "4" in [r["ehcp_count"] for r in read(home / "publish/public/ees/kpis_monthly.csv")]


def test_the_public_kpi_series_is_also_published_in_the_dfe_layout(con, tmp_path):
    home = tmp_path / "home"
    run(con, home)
    folder = home / "publish/public/ees"
    assert sorted(p.name for p in folder.iterdir()) == ["kpis_monthly.csv", "kpis_monthly.meta.csv"]
    assert problems(folder / "kpis_monthly.csv", folder / "kpis_monthly.meta.csv") == []
    rows = read(folder / "kpis_monthly.csv")
    assert current_publication(home)["row_counts"]["public/ees/kpis_monthly.csv"] == len(rows) == 10
    # the public tier's figures: June's Lichfield 4 and Cannock Chase 5 withheld, 21 rounded to 20
    june = {r["lad_code"] or r["new_la_code"]: r["ehcp_count"] for r in rows if r["time_identifier"] == "June"}
    assert june == {"E10000028": "125", "E07000192": "c", "E07000193": "20", "E07000194": "c", "E07000195": "0"}
    figures = [r[c] for r in rows for c in ("ehcp_count", "sen_support_pct_numerator") if r[c] not in {"c", "z", "x"}]
    assert figures and not [f for f in figures if 1 <= float(f) <= 7]
