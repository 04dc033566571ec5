"""The open clean zone: clean tables and the manifest as partitioned Parquet, clear identifiers never."""
from __future__ import annotations

from pathlib import Path

import duckdb

from connectors.clean_zone import NULL_PARTITION, write_zone

CLEAR_NHS_NUMBER = "9434765919"


def warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema landing; create schema clean")
    con.execute("create table landing.files (file_id integer, partner varchar, extract varchar, as_at date,"
                " status varchar)")
    con.execute("insert into landing.files values (1, 'mpft', 'epr_send_markers', date '2025-06-30', 'accepted'),"
                " (2, 'mpft', 'epr_send_markers', date '2025-07-31', 'accepted')")
    con.execute(f"create table landing.mpft__epr_send_markers as select '{CLEAR_NHS_NUMBER}' as nhs_number,"
                " 1 as _file_id")
    con.execute("create table clean.mpft__epr_send_markers (nhs_number_pseudo varchar, marker_date date,"
                " _file_id integer, _row_number integer, _as_at date)")
    con.execute("insert into clean.mpft__epr_send_markers values"
                " ('p1', date '2025-01-02', 1, 2, date '2025-06-30'),"
                " ('p1', date '2025-01-02', 2, 2, date '2025-07-31'), ('p2', null, 2, 3, date '2025-07-31')")
    con.execute("create table clean.mpft__slt_referrals (referral_id varchar, _file_id integer,"
                " _row_number integer, _as_at date)")
    return con


def parquet_text(zone: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in zone.rglob("*.parquet"))


def test_clean_tables_are_partitioned_by_extract_and_as_at_date(tmp_path):
    zone = tmp_path / "clean_zone"
    with warehouse(tmp_path / "w.duckdb") as con:
        write_zone(con, zone)
        assert sorted(p.name for p in zone.iterdir()) == [
            "landing_files", "mpft__epr_send_markers", "mpft__slt_referrals"]
        assert sorted(p.name for p in (zone / "mpft__epr_send_markers").iterdir()) == [
            "_as_at=2025-06-30", "_as_at=2025-07-31"]
        read = con.execute(f"select * from read_parquet('{zone}/mpft__epr_send_markers/*/*.parquet',"
                           " hive_partitioning = true) order by _file_id, _row_number").fetchall()
        assert read == con.execute("select * from clean.mpft__epr_send_markers"
                                   " order by _file_id, _row_number").fetchall()
        assert con.execute(f"select count(*) from '{zone}/landing_files/*.parquet'").fetchone()[0] == 2


def test_an_empty_extract_keeps_its_columns(tmp_path):
    zone = tmp_path / "clean_zone"
    with warehouse(tmp_path / "w.duckdb") as con:
        write_zone(con, zone)
        empty = zone / "mpft__slt_referrals" / f"_as_at={NULL_PARTITION}" / "data_0.parquet"
        in_file = [c[0] for c in con.execute(
            f"describe select * from read_parquet('{empty}', hive_partitioning = false)").fetchall()]
        seen = [c[0] for c in con.execute(
            f"describe select * from read_parquet('{empty}', hive_partitioning = true)").fetchall()]
    assert in_file == ["referral_id", "_file_id", "_row_number"]
    assert seen == in_file + ["_as_at"]


def test_clear_identifiers_never_reach_the_zone(tmp_path):
    zone = tmp_path / "clean_zone"
    with warehouse(tmp_path / "w.duckdb") as con:
        write_zone(con, zone)
        assert CLEAR_NHS_NUMBER not in parquet_text(zone)
        # the check finds a clear identifier when landing rows are written there
        con.execute(f"copy landing.mpft__epr_send_markers to '{zone / 'leak.parquet'}' (format parquet)")
    assert CLEAR_NHS_NUMBER in parquet_text(zone)


def test_a_rewrite_replaces_the_folder(tmp_path):
    zone = tmp_path / "clean_zone"
    with warehouse(tmp_path / "w.duckdb") as con:
        write_zone(con, zone)
        con.execute("delete from clean.mpft__epr_send_markers where _as_at = date '2025-06-30'")
        write_zone(con, zone, ["mpft__epr_send_markers"])
    assert sorted(p.name for p in zone.iterdir()) == [
        "landing_files", "mpft__epr_send_markers", "mpft__slt_referrals"]
    assert [p.name for p in (zone / "mpft__epr_send_markers").iterdir()] == ["_as_at=2025-07-31"]
