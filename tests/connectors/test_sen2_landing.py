"""SEN2 person-level return and the GIAS establishments extract (national-formats.md v2):
the delivery rules (sibling modules, the council's LA code, orphans), the export's date and
yes/no forms, names kept out of ``clean``, and GIAS read in its own encoding."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from connectors.clean_zone import write_clean_table
from connectors.contracts import Column, all_contracts
from connectors.status import delivery_problems
from tests.connectors.conftest import AS_AT, LA_CHILD, NAMES, contract, csv_bytes, extract_bytes, file_name, valid_rows

MODULES = [c.name for c in all_contracts() if c.group == "sen2"]


def land_delivery(wh, **changed: list[dict]) -> dict:
    """Write the valid SEN2 delivery (with ``changed`` modules' rows), land every module parents
    first, and give each module's outcome."""
    for name in MODULES:
        wh.put_rows(name, changed.get(name.split("__")[1]))
    outcomes = {}
    for name in MODULES:
        wh.land(name)
    for name in MODULES:
        (outcomes[name.split("__")[1]],) = wh.query(
            "select * from landing.files where extract = ? order by file_id desc limit 1", [name.split("__")[1]])
    return outcomes


def rows(name: str, **changes) -> list[dict]:
    """The builder's rows of a module with {row index: {column: value}} changes."""
    found = valid_rows(f"council__{name}")
    for index, change in changes.items():
        found[int(index[1:])].update(change)
    return found


def counts(f: dict) -> tuple:
    return f["status"], f["rows_received"], f["rows_accepted"], f["rows_quarantined"]


def test_a_whole_delivery_lands_with_both_date_forms_and_every_yes_no_form(wh):
    outcomes = land_delivery(wh)

    assert {m: counts(f) for m, f in outcomes.items()} == {m: ("accepted", 3, 3, 0) for m in outcomes}
    requests = wh.rows("clean", "council__sen2_requests", outcomes["sen2_requests"]["file_id"])
    assert [str(r["receiveddate"]) for r in requests] == ["2024-01-10", "2024-06-03", "2025-01-06"]
    assert [(r["rya"], r["requestmediation"], r["requesttribunal"]) for r in requests] == [
        ("N", "N", "N"), ("N", "N", "Y"), ("N", "N", "N")]  # 0/false/N and 1/true/Y land as N and Y
    assert [r["exported"] for r in requests] == ["Y", None, "N"]  # no code list: as received
    assert all(delivery_problems(wh.con, contract(m)) == [] for m in MODULES)


def test_an_orphan_assessment_is_quarantined_and_its_named_plan_and_placement_cascade(wh):
    outcomes = land_delivery(wh, sen2_assessment=rows("sen2_assessment", r1={"requeststableid": "REQ-9"}))

    assessment, plan, detail = (outcomes[m] for m in ("sen2_assessment", "sen2_namedplan", "sen2_plandetail"))
    assert [counts(f) for f in (assessment, plan, detail)] == [("accepted", 3, 2, 1)] * 3
    assert wh.issues(assessment["file_id"]) == [
        (3, "requeststableid", "ORPHAN_RECORD", "quarantined", "sen2_assessment_20250731.csv: row 3, field "
         "requeststableid: no accepted record with this id in sen2_requests of the same delivery")]
    assert [(n, f, r) for n, f, r, *_ in wh.issues(plan["file_id"])] == [(3, "assessmenttableid", "ORPHAN_RECORD")]
    assert [(n, f, r) for n, f, r, *_ in wh.issues(detail["file_id"])] == [(3, "namedplantableid", "ORPHAN_RECORD")]


def test_a_named_plan_without_an_assessment_is_an_orphan(wh):
    outcomes = land_delivery(wh, sen2_namedplan=rows("sen2_namedplan", r0={"assessmenttableid": None}))

    assert counts(outcomes["sen2_namedplan"]) == ("accepted", 3, 2, 1)
    assert wh.issues(outcomes["sen2_namedplan"]["file_id"]) == [
        (2, "assessmenttableid", "ORPHAN_RECORD", "quarantined",
         "sen2_namedplan_20250731.csv: row 2, field assessmenttableid: no parent id")]


def test_a_request_of_a_person_id_not_in_the_person_module_is_an_orphan_though_both_are_pseudonymised(wh):
    outcomes = land_delivery(wh, sen2_requests=rows("sen2_requests", r2={"persontableid": "LA999999"}))

    assert counts(outcomes["sen2_requests"]) == ("accepted", 3, 2, 1)
    assert [(n, f, r) for n, f, r, *_ in wh.issues(outcomes["sen2_requests"]["file_id"])] == [
        (4, "persontableid", "ORPHAN_RECORD")]
    person = wh.rows("clean", "council__sen2_person", outcomes["sen2_person"]["file_id"])
    request = wh.rows("clean", "council__sen2_requests", outcomes["sen2_requests"]["file_id"])
    assert {r["persontableid_pseudo"] for r in request} <= {p["persontableid_pseudo"] for p in person}
    assert not {LA_CHILD[0], LA_CHILD[1]} & {r["persontableid_pseudo"] for r in request}


def test_orphans_are_found_by_the_check_not_by_chance(wh, monkeypatch):
    """With the orphan check off, the orphan assessment would be accepted."""
    monkeypatch.setattr("connectors.landing.record_orphans", lambda *args: None)
    outcomes = land_delivery(wh, sen2_assessment=rows("sen2_assessment", r1={"requeststableid": "REQ-9"}))
    assert counts(outcomes["sen2_assessment"]) == ("accepted", 3, 3, 0)


def test_a_module_file_of_another_date_without_its_siblings_is_held_back(wh):
    land_delivery(wh)
    wh.put("council", "sen2_requests_20250801.csv", extract_bytes("council__sen2_requests", valid_rows(
        "council__sen2_requests")), siblings=False)

    (_, outcome) = wh.land("council__sen2_requests", today=AS_AT.replace(day=31).replace(month=8))

    f = wh.file(outcome.file_id)
    assert (f["status"], f["reason_code"], f["rows_received"], f["rows_accepted"], f["rows_quarantined"]) == (
        "rejected", "INCOMPLETE_DELIVERY", 0, 0, 0)
    assert f["message"].startswith("sen2_requests_20250801.csv: the SEN2 delivery of 2025-08-01 has no "
                                   "sen2_activeplans_20250801.csv, sen2_assessment_20250801.csv, ")
    assert "sen2_requests_20250801.csv," not in f["message"]
    assert delivery_problems(wh.con, contract("council__sen2_requests")) == [
        f"council/sen2_requests_20250801.csv: rejected — {f['message']}"]  # the landing gate holds publication


def test_a_header_of_another_council_fails_every_module_of_the_delivery(wh):
    outcomes = land_delivery(wh, sen2_header=rows("sen2_header", r0={"lea": "861"}, r1={"lea": "861"},
                                                   r2={"lea": "861"}))

    assert {m: (f["status"], f["reason_code"]) for m, f in outcomes.items()} == {
        m: ("rejected", "LA_CODE_MISMATCH") for m in outcomes}
    assert outcomes["sen2_person"]["message"] == (
        "sen2_person_20250731.csv: the delivery's sen2_header gives LA code(s) 861 in lea, but the council/ "
        "folder is LA 860 (Staffordshire County Council); the delivery is held back: send the council's own return")


@pytest.mark.parametrize("module, column, value", [
    ("sen2_senneed", "sentype", "ADHD"), ("sen2_assessment", "week20", "2"),
    ("sen2_placementdetail", "sensetting", "HOME"), ("sen2_namedplan", "ceasereason", "10")])
def test_a_value_outside_its_list_is_quarantined_naming_the_field(wh, module, column, value):
    outcomes = land_delivery(wh, **{module: rows(module, r1={column: value})})

    assert counts(outcomes[module]) == ("accepted", 3, 2, 1)
    (issue,) = wh.issues(outcomes[module]["file_id"])
    assert issue[:4] == (3, column, "CODE_NOT_IN_LIST", "quarantined")
    assert issue[4].startswith(f"{module}_20250731.csv: row 3, field {column}: not ")


def test_a_repeated_id_within_a_module_is_a_duplicate_key(wh):
    outcomes = land_delivery(wh, sen2_requests=rows("sen2_requests", r2={"requeststableid": "REQ-1"}))

    assert counts(outcomes["sen2_requests"]) == ("accepted", 3, 2, 1)
    assert [(n, f, r) for n, f, r, *_ in wh.issues(outcomes["sen2_requests"]["file_id"])] == [
        (4, "requeststableid", "DUPLICATE_KEY")]
    # REQ-3's children are orphans now (their parent row was quarantined).
    assert counts(outcomes["sen2_assessment"]) == ("accepted", 3, 2, 1)


def test_two_needs_of_rank_1_for_one_active_plan_are_kept_with_a_row_issue(wh):
    needs = rows("sen2_senneed", r1={"activeplanstableid": "AP-1"})  # AP-1: ASD and SEMH, both rank 1
    outcomes = land_delivery(wh, sen2_senneed=needs)

    need = outcomes["sen2_senneed"]
    assert counts(need) == ("accepted", 3, 3, 0)
    assert wh.issues(need["file_id"]) == [
        (row, "sentyperank", "MORE_THAN_ONE_RANK_1_NEED", "kept", f"sen2_senneed_20250731.csv: row {row}, field "
         "sentyperank: more than one row of activeplanstableid AP-1 has sentyperank 1 (row kept, which is right "
         "is unknown)") for row in (2, 3)]
    assert [r["sentyperank"] for r in wh.rows("clean", "council__sen2_senneed", need["file_id"])] == ["1"] * 3


def test_text_items_without_a_code_list_land_as_received(wh):
    odd = {"planres": "anything at all", "planwbp": "?", "dp": "xx"}
    outcomes = land_delivery(wh, sen2_namedplan=rows("sen2_namedplan", r0=odd))

    assert counts(outcomes["sen2_namedplan"]) == ("accepted", 3, 3, 0)
    (first, *_) = wh.rows("clean", "council__sen2_namedplan", outcomes["sen2_namedplan"]["file_id"])
    assert {k: first[k] for k in odd} == odd


def _names_in(wh, tmp_path) -> list[str]:
    """Every SEN2 name found in clean tables, their columns or the Parquet clean zone."""
    found = []
    for (table,) in wh.con.execute("select table_name from duckdb_tables() where schema_name = 'clean'").fetchall():
        text = " ".join(map(str, wh.con.execute(f"select * from clean.{table}").fetchall()))
        columns = [c for (c,) in wh.con.execute(f"select column_name from (describe clean.{table})").fetchall()]
        found += [n for n in NAMES if n in text] + [c for c in columns if c in ("surname", "forename")]
        folder = write_clean_table(wh.con, table, tmp_path / "zone")
        zone = pq.read_table(folder)
        found += [c for c in zone.column_names if c in ("surname", "forename")]
        found += [n for n in NAMES if n in str(zone.to_pylist())]
    return found


def test_names_stay_in_the_restricted_landing_rows_never_in_clean_or_the_clean_zone(wh, tmp_path):
    outcomes = land_delivery(wh)

    landed = wh.rows("landing", "council__sen2_person", outcomes["sen2_person"]["file_id"])
    assert [(r["surname"], r["forename"]) for r in landed] == [NAMES[0:2], NAMES[2:4], NAMES[4:6]]
    assert _names_in(wh, tmp_path) == []


def test_the_name_check_finds_names_when_the_protection_is_off(wh, tmp_path, monkeypatch):
    monkeypatch.setattr(Column, "in_clean", property(lambda self: True))
    land_delivery(wh)
    assert set(_names_in(wh, tmp_path)) >= {"surname", "forename", *NAMES}


GIAS_HEADER = [c.source_header for c in contract("council__establishments").columns]


def _gias(name: str) -> list:
    return ["124009", "860", "Staffordshire", "2009", name, "Community school",
            "Local authority maintained schools", "Open", "Primary", None, "ST16 2AB"]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_a_gias_file_arrives_intact_in_windows_1252_or_utf_8(wh, encoding):
    """GIAS exports Windows-1252; a UTF-8 re-save (with or without BOM) is read as UTF-8, never as
    Windows-1252 mojibake (UTF-8 text with accents is not plausible Windows-1252)."""
    data = csv_bytes(GIAS_HEADER, [_gias("Ecole Sainte-Thérèse – Stafford")]).decode().encode(encoding)
    wh.put("council", file_name("council__establishments"), data)

    (outcome,) = wh.land("council__establishments")

    assert (outcome.status, outcome.rows_accepted) == ("accepted", 1)
    (row,) = wh.rows("clean", "council__establishments", outcome.file_id)
    assert row["establishment_name"] == "Ecole Sainte-Thérèse – Stafford"
    assert row["urn"] == "124009" and row["postcode_pseudo"] != "ST16 2AB"


def test_a_gias_file_with_a_byte_windows_1252_leaves_undefined_is_rejected(wh):
    data = csv_bytes(GIAS_HEADER, [_gias("School")]).replace(b"School", b"Sch\x81ool")
    wh.put("council", file_name("council__establishments"), data)

    (outcome,) = wh.land("council__establishments")

    f = wh.file(outcome.file_id)
    assert (f["status"], f["reason_code"]) == ("rejected", "UNREADABLE")
    assert "not Windows-1252 (or UTF-8) text (byte 0x81 at offset" in f["message"]


def test_a_utf_8_contract_still_rejects_windows_1252(wh):
    """The GIAS encoding is the GIAS contract's: other extracts stay UTF-8 only."""
    data = extract_bytes("council__sen2_senneed", valid_rows("council__sen2_senneed")).replace(b"ASD", b"AS\xe9")
    wh.put("council", file_name("council__sen2_senneed"), data)
    outcome = wh.land("council__sen2_senneed")[-1]
    assert wh.file(outcome.file_id)["reason_code"] == "UNREADABLE"


def test_a_placement_urn_not_in_the_establishments_file_is_kept_with_a_row_issue(wh):
    wh.put_rows("council__establishments", valid_rows("council__establishments")[:1])  # URN 124001 only
    wh.land("council__establishments")

    outcomes = land_delivery(wh)

    for module, row in (("sen2_plandetail", 4), ("sen2_placementdetail", 4)):  # URN 124003; row 3 has no URN
        assert counts(outcomes[module]) == ("accepted", 3, 3, 0)
        assert wh.issues(outcomes[module]["file_id"]) == [
            (row, "urn", "URN_NOT_IN_ESTABLISHMENTS", "kept", f"{module}_20250731.csv: row {row}, field urn: "
             "not in the current establishments file (row kept, placement type unknown)")]
        kept = wh.rows("clean", f"council__{module}", outcomes[module]["file_id"])
        assert [r["urn"] for r in kept] == ["124001", None, "124003"]
