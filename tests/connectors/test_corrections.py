"""Idempotency and corrections: re-deliveries, duplicates, superseded and rejected corrections."""
from __future__ import annotations

from connectors.status import current_file, delivery_problems, file_statuses
from tests.connectors.conftest import contract, extract_bytes, valid_rows

EHCP = "council__ehcp_caseload"
EHCP_FILE = "ehcp_caseload_20250731.csv"


def snapshot(wh) -> dict[str, list]:
    """Every table of the warehouse, in a stable order."""
    tables = wh.con.execute("select schema_name || '.' || table_name from duckdb_tables() "
                            "where not temporary order by all").fetchall()
    return {t: wh.con.execute(f"select * from {t} order by all").fetchall() for (t,) in tables}


def test_landing_the_same_file_twice_changes_nothing(wh):
    rows = valid_rows(EHCP)
    rows[1]["sex"] = "X"
    wh.put_rows(EHCP, rows)
    (first,) = wh.land(EHCP)
    before = snapshot(wh)

    assert wh.land(EHCP) == [None]
    assert snapshot(wh) == before
    assert (first.status, first.rows_received, first.rows_accepted, first.rows_quarantined) == ("accepted", 3, 2, 1)


def test_landing_the_same_rejected_file_twice_records_it_once(wh):
    wh.put("council", EHCP_FILE, b"not,the,header\n1,2,3\n")
    (first,) = wh.land(EHCP)
    before = snapshot(wh)

    assert wh.land(EHCP) == [None]
    assert snapshot(wh) == before
    assert first.status == "rejected"


def test_the_same_bytes_under_another_name_are_a_duplicate(wh):
    data = extract_bytes(EHCP, valid_rows(EHCP))
    wh.put("council", EHCP_FILE, data)
    (original,) = wh.land(EHCP)
    wh.put("council", "ehcp_caseload_20250801.csv", data)

    outcomes = wh.land(EHCP)

    assert [o and (o.file_name, o.status, o.message) for o in outcomes] == [
        None,
        ("ehcp_caseload_20250801.csv", "duplicate",
         f"ehcp_caseload_20250801.csv: byte-identical to {EHCP_FILE}, already received; nothing changed")]
    duplicate = wh.file(outcomes[1].file_id)
    assert (duplicate["status"], duplicate["rows_received"], duplicate["sha256"]) == \
        ("duplicate", 0, wh.file(original.file_id)["sha256"])
    assert wh.query(f"select distinct _file_id from clean.{EHCP}") == [{"_file_id": original.file_id}]
    assert current_file(wh.con, contract(EHCP))[0] == original.file_id


def test_a_correction_supersedes_the_earlier_file_which_stays_on_record(wh):
    first = wh.land_one(EHCP)
    corrected = valid_rows(EHCP)
    corrected[2]["primary_need"] = "ASD"
    corrected.append({**corrected[0], "la_child_id": "LA100004", "nhs_number": None, "upn": None})
    wh.put_rows(EHCP, corrected)  # same name: the partner resent the extract for the same date

    (second,) = wh.land(EHCP)

    assert (second.status, second.rows_received, second.rows_accepted) == ("accepted", 4, 4)
    assert [(f["file_name"], f["status"], f["rows_received"]) for f in file_statuses(wh.con)
            if f["extract"] == "ehcp_caseload"] == [
        (EHCP_FILE, "superseded", 3), (EHCP_FILE, "accepted", 4)]
    assert current_file(wh.con, contract(EHCP))[0] == second.file_id
    assert len(wh.rows("landing", EHCP, first.file_id)) == 3
    assert len(wh.rows("clean", EHCP, first.file_id)) == 3
    assert delivery_problems(wh.con, contract(EHCP)) == []


def test_a_rejected_correction_leaves_the_previous_delivery_in_use(wh):
    good = wh.land_one(EHCP)
    wh.put("council", EHCP_FILE, b"\xef\xbb\xbf")  # the resend came out empty

    (bad,) = wh.land(EHCP)

    assert bad.status == "rejected"
    assert wh.file(good.file_id)["status"] == "accepted"
    assert current_file(wh.con, contract(EHCP))[0] == good.file_id
    assert delivery_problems(wh.con, contract(EHCP)) == [
        f"council/{EHCP_FILE}: rejected — {EHCP_FILE}: the file is empty"]
    assert [(f["status"], f["rows_accepted"]) for f in file_statuses(wh.con)
            if f["extract"] == "ehcp_caseload"] == [("accepted", 3), ("rejected", 0)]
