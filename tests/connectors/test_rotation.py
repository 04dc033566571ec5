"""A deliberate key rotation gives every clean row the pseudonyms landing under the new key gives."""
from __future__ import annotations

import pytest

import connectors.rotation as rotation
from connectors.contracts import all_contracts
from connectors.key_fingerprint import KeyMismatchError, fingerprint, recorded_fingerprint, verify_key
from connectors.rotation import RotationError, rotate_key
from connectors.validation import q
from tests.connectors.conftest import VALID_ROWS, new_warehouse

OLD, NEW = b"the old key of thirty-two characters", b"the new key of thirty-two characters"
PSEUDONYMISED = [c for c in all_contracts() if any(col.pseudonymised for col in c.columns)
                 and c.name in VALID_ROWS]


def landed(root, key: bytes):
    """Every builder extract landed under ``key`` into a fresh warehouse."""
    wh = new_warehouse(root, key)
    verify_key(wh.con, key)
    for name in VALID_ROWS:
        wh.put_rows(name)
    wh.land_drop()
    return wh


def pseudonyms(wh) -> dict[str, list[tuple]]:
    out = {}
    for c in PSEUDONYMISED:
        columns = ", ".join(q(col.clean_name) for col in c.columns if col.pseudonymised)
        out[c.name] = wh.con.execute(f"select _row_number, {columns} from clean.{c.name} "
                                     "order by _row_number").fetchall()
    return out


def test_rotation_gives_the_pseudonyms_of_landing_under_the_new_key(tmp_path):
    wh, fresh = landed(tmp_path / "a", OLD), landed(tmp_path / "b", NEW)
    before = pseudonyms(wh)
    assert all(before[name] != rows for name, rows in pseudonyms(fresh).items())  # without rotation: no match

    rotated = rotate_key(wh.con, OLD, NEW)

    assert rotated == {f"clean.{c.name}": 3 for c in PSEUDONYMISED}
    assert pseudonyms(wh) == pseudonyms(fresh)
    assert recorded_fingerprint(wh.con)[0] == fingerprint(NEW)
    verify_key(wh.con, NEW)
    with pytest.raises(KeyMismatchError):
        verify_key(wh.con, OLD)
    wh.assert_no_row_lost()


def test_rotation_needs_the_current_key_and_a_different_new_one(tmp_path):
    wh = landed(tmp_path, OLD)
    before = pseudonyms(wh)
    with pytest.raises(RotationError, match="SEND_WAREHOUSE_PSEUDO_KEY is not the warehouse's current key"):
        rotate_key(wh.con, b"a wrong key of thirty-two characters", NEW)
    with pytest.raises(RotationError, match="the new key is the same as the current key"):
        rotate_key(wh.con, OLD, OLD)
    assert pseudonyms(wh) == before and recorded_fingerprint(wh.con)[0] == fingerprint(OLD)


def test_a_rotation_that_fails_part_way_changes_nothing(tmp_path, monkeypatch):
    wh = landed(tmp_path, OLD)
    before = pseudonyms(wh)
    real, done = rotation._repseudonymise, []

    def fail_on_the_third_table(con, contract):
        if len(done) == 2:
            raise RuntimeError("disk full")
        done.append(contract.name)
        return real(con, contract)

    monkeypatch.setattr(rotation, "_repseudonymise", fail_on_the_third_table)
    with pytest.raises(RuntimeError, match="disk full"):
        rotate_key(wh.con, OLD, NEW)
    assert pseudonyms(wh) == before and recorded_fingerprint(wh.con)[0] == fingerprint(OLD)
