"""Pseudonymisation: keyed hashes, NHS number check digit, postcodes, and no clear identifier leaks."""
from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from connectors.contracts import all_contracts
from connectors.pseudonymise import nhs_number_is_valid, normalise_postcode, pseudonym
from tests.connectors.conftest import CLEAR_IDENTIFIERS, KEY, NHS, new_warehouse, valid_rows

CENSUS, SLT = "council__school_census", "mpft__slt_referrals"
OTHER_KEY = b"another-key"


def test_pseudonym_is_hmac_sha256_under_the_key():
    assert pseudonym(KEY, NHS[0]) == hmac.new(KEY, NHS[0].encode(), hashlib.sha256).hexdigest()
    assert pseudonym(KEY, NHS[0]) == pseudonym(KEY, NHS[0])
    assert pseudonym(KEY, NHS[0]) != pseudonym(OTHER_KEY, NHS[0])


def _landed_pseudonyms(root, key: bytes) -> list[str]:
    wh = new_warehouse(root, key)
    outcome = wh.land_one("icb__gp_registered_population")
    wh.assert_no_row_lost()
    return [r["nhs_number_pseudo"] for r in wh.rows("clean", "icb__gp_registered_population", outcome.file_id)]


def test_landing_hashes_with_the_key_same_key_same_pseudonym(tmp_path):
    first, again, other = (_landed_pseudonyms(tmp_path / d, k) for d, k in
                           [("a", KEY), ("b", KEY), ("c", OTHER_KEY)])

    assert first == again == [pseudonym(KEY, n) for n in NHS[:3]]
    assert other == [pseudonym(OTHER_KEY, n) for n in NHS[:3]]
    assert not set(first) & set(other)


def test_nhs_numbers_with_spaces_get_the_same_pseudonym(wh):
    rows = valid_rows(SLT)
    rows[0]["nhs_number"] = "943 476 5919"
    rows[1]["nhs_number"] = " 9434765919 "

    outcome = wh.land_one(SLT, rows)

    assert [r["nhs_number_pseudo"] for r in wh.rows("clean", SLT, outcome.file_id)] == [
        pseudonym(KEY, "9434765919"), pseudonym(KEY, "9434765919"), None]
    assert wh.issues(outcome.file_id) == []


@pytest.mark.parametrize("written", ["st162ab", "ST16 2AB", " st16  2ab "])
def test_postcodes_normalise_before_hashing(wh, written):
    rows = valid_rows(CENSUS)
    rows[0]["postcode"] = written

    outcome = wh.land_one(CENSUS, rows)

    assert normalise_postcode(written) == "ST16 2AB"
    assert wh.rows("clean", CENSUS, outcome.file_id)[0]["postcode_pseudo"] == pseudonym(KEY, "ST16 2AB")
    assert wh.issues(outcome.file_id) == []


@pytest.mark.parametrize("number, valid", [
    ("943 476 5919", True),   # the NHS's published example
    ("9434765919", True),
    ("9434765918", False),    # wrong check digit
    ("9876543210", True),     # 11 - (330 mod 11) = 11 -> check digit 0
    ("9876543211", False),
    ("9000000050", False),    # 11 - (45 mod 11) = 10 -> no valid check digit
    ("9000000051", False),
    ("943476591", False),     # nine digits
    ("94347659190", False),   # eleven digits
    ("943476591X", False),
])
def test_modulus_11_check_in_python_and_in_sql(wh, number, valid):
    sql_valid = wh.con.execute("select nhs_valid(replace(?, ' ', ''))", [number]).fetchone()[0]

    assert (nhs_number_is_valid(number), sql_valid) == (valid, valid)


NHS_LIKE = re.compile(r"\d{3}\s?\d{3}\s?\d{4}")
UPN_LIKE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
POSTCODE_LIKE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}", re.IGNORECASE)


def test_no_clear_identifier_leaves_the_landing_area(wh):
    """Every extract lands (the census and SLT referrals with a row carrying broken identifiers, so
    row issues are written too: the census row is quarantined, the SLT row kept with its NHS number
    treated as missing); no value outside ``landing`` — nor in the manifest or the row issues — looks
    like an NHS number, UPN or postcode or contains a clear identifier that was sent."""
    broken = {CENSUS: {**valid_rows(CENSUS)[0], "la_child_id": "LA100004", "upn": "A1234567890",
                       "postcode": "ST16 2A"},
              SLT: {**valid_rows(SLT)[0], "referral_id": "SLT-004", "nhs_number": "9434765918"}}
    counts = {CENSUS: (3, 1), SLT: (4, 0)}  # (accepted, quarantined); 3 accepted, none quarantined elsewhere
    partner_contracts = [c for c in all_contracts() if not c.bundled]  # DfE files: test_dfe_release.py
    for c in partner_contracts:
        if c.name != "icb__lsoa_lookup":
            wh.put_rows(c.name, valid_rows(c.name) + ([broken[c.name]] if c.name in broken else []))
    wh.land_drop()
    assert [(f["partner"], f["extract"], f["status"], f["rows_accepted"], f["rows_quarantined"])
            for f in wh.query("select * from landing.files order by partner, extract")] == [
        (c.partner, c.extract, "accepted", *counts.get(c.name, (3, 0))) for c in partner_contracts]
    clear = {*CLEAR_IDENTIFIERS, *(broken[CENSUS][k] for k in ("la_child_id", "upn", "postcode")),
             broken[SLT]["nhs_number"]}

    tables = [t for (t,) in wh.con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() where schema_name != 'landing' "
        "union all select 'landing.files' union all select 'landing.row_issues'").fetchall()]
    leaks, values = [], 0
    for table in tables:
        columns = [d[0] for d in wh.con.execute(f"select * from {table} limit 0").description]
        for column in columns:
            for (value,) in wh.con.execute(f'select "{column}"::varchar from {table} where "{column}" is not null'
                                           ).fetchall():
                values += 1
                text = value.strip()
                if (any(p.fullmatch(text) for p in (NHS_LIKE, UPN_LIKE, POSTCODE_LIKE))
                        or any(identifier.lower() in value.lower() for identifier in clear)):
                    leaks.append((table, column, value))

    assert {t for t in tables if t.startswith("clean.")} == {f"clean.{c.name}" for c in partner_contracts}
    assert values > 600
    assert leaks == []
