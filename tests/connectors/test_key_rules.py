"""Weak keys are refused, the demo key only through --demo, and a warehouse keeps to its key."""
from __future__ import annotations

import hashlib

import pytest

from connectors.key_fingerprint import KeyMismatchError, fingerprint, recorded_fingerprint, verify_key
from connectors.pseudonymise import DEMO_KEY, MIN_KEY_LENGTH, key_problem
from orchestration.cli import main
from tests.connectors.conftest import new_warehouse

GOOD_KEY = "k" * MIN_KEY_LENGTH


@pytest.mark.parametrize(("key", "problem"), [
    ("", "SEND_WAREHOUSE_PSEUDO_KEY is not set: set it to the partnership's secret pseudonymisation key "
         "(or pass --demo to use the public demo key on sample data)"),
    (" " * 40, "SEND_WAREHOUSE_PSEUDO_KEY holds only spaces: set it to the partnership's secret pseudonymisation key"),
    ("k" * (MIN_KEY_LENGTH - 1), "SEND_WAREHOUSE_PSEUDO_KEY is 31 characters long, shorter than the 32 required: "
                                 "use a long random key (e.g. the output of `openssl rand -hex 32`)"),
    (DEMO_KEY, "SEND_WAREHOUSE_PSEUDO_KEY holds the public demo key, which protects nothing: set the "
               "partnership's secret key (the demo key is only for sample data, through --demo)"),
])
def test_a_weak_or_public_key_is_refused_with_what_to_do(key, problem):
    assert key_problem(key) == problem


def test_a_long_key_and_the_demo_key_under_demo_are_accepted():
    assert key_problem(GOOD_KEY) is None
    assert key_problem(DEMO_KEY, demo=True) is None


@pytest.mark.parametrize("key", [" " * 40, DEMO_KEY, "short"])
def test_refresh_refuses_a_weak_key_before_touching_the_home(tmp_path, monkeypatch, capsys, key):
    monkeypatch.setenv("SEND_WAREHOUSE_PSEUDO_KEY", key)
    monkeypatch.delenv("SEND_WAREHOUSE_DEMO", raising=False)
    (tmp_path / "drop").mkdir()
    home = tmp_path / "home"
    assert main(["refresh", "--drop", str(tmp_path / "drop"), "--home", str(home)]) == 2
    assert capsys.readouterr().err == f"send-warehouse refresh: {key_problem(key)}\n"
    assert not home.exists()


def test_the_fingerprint_is_keyed_not_a_hash_of_the_key():
    assert fingerprint(GOOD_KEY.encode()) == fingerprint(GOOD_KEY.encode())
    assert fingerprint(GOOD_KEY.encode()) != fingerprint(b"x" * MIN_KEY_LENGTH)
    assert fingerprint(GOOD_KEY.encode()) not in {hashlib.sha256(GOOD_KEY.encode()).hexdigest(),
                                                   hashlib.sha256(b"").hexdigest()}
    assert GOOD_KEY not in fingerprint(GOOD_KEY.encode())


def test_the_first_key_is_recorded_and_another_key_is_refused(tmp_path):
    wh = new_warehouse(tmp_path)
    verify_key(wh.con, GOOD_KEY.encode())
    assert recorded_fingerprint(wh.con)[0] == fingerprint(GOOD_KEY.encode())
    verify_key(wh.con, GOOD_KEY.encode())  # the same key again: accepted

    with pytest.raises(KeyMismatchError, match=r"SEND_WAREHOUSE_PSEUDO_KEY is not the key this warehouse was "
                       r"built with \(its key was recorded on .* UTC\): pseudonyms made with it would match none "
                       r"already landed\. Set the warehouse's key again, or change key deliberately with "
                       r"`send-warehouse rotate-key --home HOME` \(see the README\); nothing was landed\."):
        verify_key(wh.con, b"another key of thirty-two characters")
    assert recorded_fingerprint(wh.con)[0] == fingerprint(GOOD_KEY.encode())
