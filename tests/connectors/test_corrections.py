"""Idempotency and corrections: re-deliveries, duplicates, superseded and rejected corrections."""
from __future__ import annotations

from connectors.status import current_file, delivery_problems, file_statuses
from tests.connectors.conftest import contract, extract_bytes, valid_rows

CENSUS = "council__school_census"
CENSUS_FILE = "school_census_20250731.csv"


def snapshot(wh) -> dict[str, list]:
    """Every table of the warehouse, in a stable order."""
    tables = wh.con.execute("select schema_name || '.' || table_name from duckdb_tables() "
                            "where not temporary order by all").fetchall()
    return {t: wh.con.execute(f"select * from {t} order by all").fetchall() for (t,) in tables}


def test_landing_the_same_file_twice_changes_nothing(wh):
    rows = valid_rows(CENSUS)
    rows[1]["sex"] = "X"
    wh.put_rows(CENSUS, rows)
    (first,) = wh.land(CENSUS)
    before = snapshot(wh)

    assert wh.land(CENSUS) == [None]
    assert snapshot(wh) == before
    assert (first.status, first.rows_received, first.rows_accepted, first.rows_quarantined) == ("accepted", 3, 2, 1)


def test_landing_the_same_rejected_file_twice_records_it_once(wh):
    wh.put("council", CENSUS_FILE, b"not,the,header\n1,2,3\n")
    (first,) = wh.land(CENSUS)
    before = snapshot(wh)

    assert wh.land(CENSUS) == [None]
    assert snapshot(wh) == before
    assert first.status == "rejected"


def test_the_same_bytes_under_another_name_are_a_duplicate(wh):
    data = extract_bytes(CENSUS, valid_rows(CENSUS))
    wh.put("council", CENSUS_FILE, data)
    (original,) = wh.land(CENSUS)
    wh.put("council", "school_census_20250801.csv", data)

    outcomes = wh.land(CENSUS)

    assert [o and (o.file_name, o.status, o.message) for o in outcomes] == [
        None,
        ("school_census_20250801.csv", "duplicate",
         f"school_census_20250801.csv: byte-identical to {CENSUS_FILE}, already received; nothing changed")]
    duplicate = wh.file(outcomes[1].file_id)
    assert (duplicate["status"], duplicate["rows_received"], duplicate["sha256"]) == \
        ("duplicate", 0, wh.file(original.file_id)["sha256"])
    assert wh.query(f"select distinct _file_id from clean.{CENSUS}") == [{"_file_id": original.file_id}]
    assert current_file(wh.con, contract(CENSUS))[0] == original.file_id


def test_a_correction_supersedes_the_earlier_file_which_stays_on_record(wh):
    first = wh.land_one(CENSUS)
    corrected = valid_rows(CENSUS)
    corrected[2]["primary_need"] = "ASD"
    corrected.append({**corrected[0], "upn": "D456789012345", "la_child_id": None})
    wh.put_rows(CENSUS, corrected)  # same name: the partner resent the extract for the same date

    (second,) = wh.land(CENSUS)

    assert (second.status, second.rows_received, second.rows_accepted) == ("accepted", 4, 4)
    assert [(f["file_name"], f["status"], f["rows_received"]) for f in file_statuses(wh.con)
            if f["extract"] == "school_census"] == [
        (CENSUS_FILE, "superseded", 3), (CENSUS_FILE, "accepted", 4)]
    assert current_file(wh.con, contract(CENSUS))[0] == second.file_id
    assert len(wh.rows("landing", CENSUS, first.file_id)) == 3
    assert len(wh.rows("clean", CENSUS, first.file_id)) == 3
    assert delivery_problems(wh.con, contract(CENSUS)) == []


def test_a_rejected_correction_leaves_the_previous_delivery_in_use(wh):
    good = wh.land_one(CENSUS)
    wh.put("council", CENSUS_FILE, b"\xef\xbb\xbf")  # the resend came out empty

    (bad,) = wh.land(CENSUS)

    assert bad.status == "rejected"
    assert wh.file(good.file_id)["status"] == "accepted"
    assert current_file(wh.con, contract(CENSUS))[0] == good.file_id
    assert delivery_problems(wh.con, contract(CENSUS)) == [
        f"council/{CENSUS_FILE}: rejected — {CENSUS_FILE}: the file is empty"]
    assert [(f["status"], f["rows_accepted"]) for f in file_statuses(wh.con)
            if f["extract"] == "school_census"] == [("accepted", 3), ("rejected", 0)]
