"""The one current-file rule (model stg_landing__current_files, rendered by connectors.current_files)."""
from datetime import date, datetime

import duckdb

from connectors.contracts import contract_for
from connectors.current_files import current_files
from connectors.status import current_file

FILES = [  # file_id, partner, extract, as_at, status, received_at
    (1, "council", "eapdr_requests", date(2025, 6, 30), "accepted", datetime(2025, 7, 2)),
    (2, "council", "eapdr_requests", date(2025, 7, 31), "superseded", datetime(2025, 8, 1)),
    (3, "council", "eapdr_requests", date(2025, 7, 31), "accepted", datetime(2025, 8, 3)),
    (4, "council", "eapdr_requests", date(2025, 8, 31), "rejected", datetime(2025, 9, 1)),
    # two accepted rows of one date (landing never leaves them): the newest received is current
    (5, "icb", "lsoa_lookup", date(2025, 4, 1), "accepted", datetime(2025, 4, 9)),
    (6, "icb", "lsoa_lookup", date(2025, 4, 1), "accepted", datetime(2025, 4, 3)),
]


def _files() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema landing")
    con.execute("create table landing.files (file_id integer, partner varchar, extract varchar, as_at date, "
                "status varchar, received_at timestamp)")
    con.executemany("insert into landing.files values (?, ?, ?, ?, ?, ?)", FILES)
    return con


def test_the_newest_accepted_delivery_on_or_before_the_date_is_current():
    con = _files()
    assert current_files(con) == {("council", "eapdr_requests"): (3, date(2025, 7, 31)),
                                  ("icb", "lsoa_lookup"): (5, date(2025, 4, 1))}
    assert current_files(con, date(2025, 7, 30))[("council", "eapdr_requests")] == (1, date(2025, 6, 30))
    assert ("council", "eapdr_requests") not in current_files(con, date(2025, 6, 29))


def test_current_file_of_one_extract_reads_the_same_rule():
    con = _files()
    assert current_file(con, contract_for("council", "eapdr_requests"), date(2025, 7, 31)) == (3, date(2025, 7, 31))
    assert current_file(con, contract_for("icb", "lsoa_lookup")) == (5, date(2025, 4, 1))
    assert current_file(con, contract_for("council", "school_census")) is None
