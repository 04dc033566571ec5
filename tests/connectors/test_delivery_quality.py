"""A delivery mostly quarantined, or far smaller than the previous one, is a problem of its extract."""
from __future__ import annotations

from datetime import date

import pytest

from connectors.contracts import ContractError, Quality, _load
from connectors.status import delivery_problems
from tests.connectors.conftest import contract, extract_bytes, valid_rows

CENSUS = "council__school_census"


def census_rows(n: int, bad: int = 0) -> list[dict]:
    """``n`` pupils with distinct UPNs, the first ``bad`` of them with an unknown SEN provision code."""
    template = valid_rows(CENSUS)[0]
    return [{**template, "upn": f"A{i:011d}1", "sen_provision": "Z" if i < bad else "E"} for i in range(n)]


def land_census(wh, rows, as_at: str, today=date(2025, 9, 4)):
    wh.put("council", f"school_census_{as_at}.csv", extract_bytes(CENSUS, rows))
    return [o for o in wh.land(CENSUS, today=today) if o is not None][-1]


def test_the_contract_defaults_apply_to_every_extract():
    assert contract(CENSUS).quality == Quality(max_quarantined_share=0.1, min_volume_ratio=0.5)


def test_a_delivery_mostly_quarantined_is_a_problem_naming_file_rows_and_why(wh):
    outcome = land_census(wh, census_rows(40, bad=38), "20250731")
    assert (outcome.status, outcome.rows_quarantined) == ("accepted", 38)
    assert delivery_problems(wh.con, contract(CENSUS)) == [
        "council/school_census_20250731.csv: 38 of 40 rows quarantined (95.0%), more than the 10% allowed "
        "(quality.max_quarantined_share): ask the partner to correct the file and send it again"]


def test_a_quarantined_share_within_the_threshold_is_no_problem(wh):
    land_census(wh, census_rows(40, bad=4), "20250731")
    assert delivery_problems(wh.con, contract(CENSUS)) == []


def test_a_delivery_far_smaller_than_the_previous_one_is_a_problem(wh):
    land_census(wh, census_rows(40), "20250731")
    land_census(wh, census_rows(19), "20250831")
    assert delivery_problems(wh.con, contract(CENSUS)) == [
        "council/school_census_20250831.csv: 19 rows accepted, 47.5% of the 40 of the previous delivery "
        "school_census_20250731.csv, less than the 50% expected (quality.min_volume_ratio): check with the "
        "partner that the extract is complete and have it sent again (or, if the fall is real, lower the "
        "threshold in the extract's contract)"]
    land_census(wh, census_rows(20), "20250930", today=date(2025, 10, 2))  # half of 19 is enough
    assert delivery_problems(wh.con, contract(CENSUS)) == []


def test_a_contract_overrides_a_threshold(tmp_path):
    path = tmp_path / "council" / "small.yml"
    path.parent.mkdir()
    spec = "title: t\ncadence: monthly\nkey: [id]\ncolumns:\n  id: {type: text}\n"
    path.write_text(spec + "quality: {min_volume_ratio: 0.2}\n")
    assert _load(path, {}).quality == Quality(max_quarantined_share=0.1, min_volume_ratio=0.2)
    path.write_text(spec + "quality: {min_volume_ratio: 2}\n")
    with pytest.raises(ContractError, match="quality.min_volume_ratio must be a number from 0 to 1"):
        _load(path, {})
