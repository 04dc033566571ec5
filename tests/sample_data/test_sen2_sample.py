"""The sample SEN2 return and GIAS download: the same children in its modules and the census, the
export's imperfections, and how they land."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from connectors.contracts import all_contracts
from connectors.drop import deliveries_for
from connectors.landing import land, prepare
from connectors.returns import depth
from sample_data.sen2 import ORPHAN_NEEDS


def _csv(drop, extract: str, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(drop.path("council", extract), dtype=str, keep_default_na=False, na_values=[""],
                       encoding=encoding)


def test_the_same_children_are_in_the_sen2_modules_and_the_census(small_drop):
    person, requests = _csv(small_drop, "sen2_person"), _csv(small_drop, "sen2_requests")
    census = small_drop.csv("council", "school_census")
    assert set(requests["persontableid"]) == set(person["persontableid"])
    assert set(census["la_child_id"][census["sen_provision"] == "E"]) <= set(person["persontableid"])
    upns = set(person["upn"].dropna())
    assert upns & set(census["upn"])
    temporary = {u for u in upns if u[-1].isalpha()}
    assert temporary and not temporary & set(census["upn"])  # a temporary UPN, not the census one
    assert (person["upn"].isna() == person["upnunknown"].notna()).all()


def test_both_date_forms_yes_no_forms_and_a_cp1252_accent_are_in_the_files(small_drop):
    requests = _csv(small_drop, "sen2_requests")
    assert requests["receiveddate"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").any()
    assert requests["receiveddate"].str.fullmatch(r"\d{4}-[A-Z][a-z]{2}-\d{2} 00:00:00").any()
    assert set(requests["requestmediation"]) >= {"0", "1"} or set(requests["requestmediation"]) >= {"0"}
    raw = small_drop.path("council", "establishments").read_bytes()
    assert "Thérèse".encode("cp1252") in raw and "Thérèse".encode() not in raw


def test_the_sample_return_lands_with_only_its_orphan_needs_quarantined(small_drop, tmp_path):
    con = duckdb.connect()
    prepare(con, b"sample-sen2-test-key-of-32-bytes-or-more")
    modules = sorted((c for c in all_contracts() if c.group == "sen2" or c.extract == "establishments"), key=depth)
    landed = {}
    for c in modules:
        (delivery,) = deliveries_for(c, small_drop.root, date(2025, 8, 4))
        landed[c.extract] = land(con, c, delivery, tmp_path)
    quarantined = {m: o.rows_quarantined for m, o in landed.items() if o.rows_quarantined}
    assert {m: o.status for m, o in landed.items()} == {m: "accepted" for m in landed}
    assert quarantined == {"sen2_senneed": ORPHAN_NEEDS}
    reasons = con.execute("select distinct reason_code, action from landing.row_issues order by 1").fetchall()
    # Early years settings have Ofsted URNs, which GIAS does not list: kept, placement type unknown.
    assert reasons == [("ORPHAN_RECORD", "quarantined"), ("URN_NOT_IN_ESTABLISHMENTS", "kept")]
    (name,) = con.execute("select establishment_name from clean.council__establishments "
                          "where establishment_name like '%Thérèse%' limit 1").fetchone()
    assert "Thérèse" in name
