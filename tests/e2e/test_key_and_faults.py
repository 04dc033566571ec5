"""End to end on one small home: status polled during a refresh, the key kept and rotated, and
faults (a full disk, a read-only publication folder, the run lock) held back in plain words."""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date

import dagster as dg
import duckdb
import pytest

import publication.publish as publish_module
from connectors.contracts import all_contracts
from connectors.validation import q
from orchestration.assets.landing import landing_assets, landing_gate
from orchestration.cli import main
from orchestration.resources import DropFolder, Pseudonymiser, Warehouse
from sample_data.generator import generate_drop

pytestmark = pytest.mark.slow
AS_AT = date(2025, 7, 31)
KEY_A, KEY_B = "the first key of these e2e tests, long enough", "the second key of these e2e tests, long enough"
AGAIN = "then run send-warehouse refresh again (the previous publication stays in place)"
VARIABLES = ("SEND_WAREHOUSE_PSEUDO_KEY", "SEND_WAREHOUSE_NEW_PSEUDO_KEY", "SEND_WAREHOUSE_DEMO",
             "SEND_WAREHOUSE_POSTGRES_URL", "SEND_WAREHOUSE_HOME", "SEND_WAREHOUSE_DROP", "SEND_WAREHOUSE_DUCKDB",
             "SEND_WAREHOUSE_DAGSTER_STORAGE", "SEND_WAREHOUSE_DAGSTER_LOGS")


def cli(*args: str, output=None, **variables: str) -> subprocess.Popen:
    """The CLI in a process; ``output``: a file for both its streams, for a process polled while it runs
    (a pipe nobody reads until it ends fills up, and the process then waits forever)."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES} | variables
    streams = {"stdout": output, "stderr": subprocess.STDOUT} if output else {
        "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen([sys.executable, "-m", "orchestration.cli", *args], env=env, text=True, **streams)


def run(*args: str, **variables: str) -> tuple[int, str, str]:
    process = cli(*args, **variables)
    out, err = process.communicate(timeout=1800)
    return process.returncode, out, err


def manifest(home) -> dict:
    return json.loads((home / "publish" / "publication.json").read_text())


@pytest.fixture(scope="module")
def polled(tmp_path_factory):
    """A first refresh under KEY_A while ``status --json`` is asked every second."""
    root = tmp_path_factory.mktemp("keys_faults")
    drop, home = root / "drop", root / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.02, seed=7)
    log = root / "refresh.log"
    polls = []
    with log.open("w") as output:
        refresh = cli("refresh", "--drop", str(drop), "--home", str(home), output=output,
                      SEND_WAREHOUSE_PSEUDO_KEY=KEY_A)
        while refresh.poll() is None:
            status = subprocess.run([sys.executable, "-m", "orchestration.cli", "status", "--home", str(home),
                                     "--json"], capture_output=True, text=True)
            polls.append((status.returncode, status.stderr))
            time.sleep(1)
    return drop, home, refresh.returncode, log.read_text(), polls


def test_a_refresh_polled_by_status_every_second_publishes(polled):
    _, home, code, output, polls = polled
    assert code == 0, output
    assert "Could not set lock" not in output
    assert len(polls) >= 10
    # before the first landing step wrote the status file: a usage message; from then on, the status
    answered = [c for c, _ in polls]
    assert answered[answered.index(0):] == [0] * len(answered[answered.index(0):]), polls
    assert all("Traceback" not in err for _, err in polls)
    assert manifest(home)["reporting_date"] == AS_AT.isoformat()


def landed_counts(home) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from landing.files").fetchone()[0]


def test_a_refresh_under_another_key_is_refused_and_lands_nothing(polled):
    drop, home, *_ = polled
    before, files = manifest(home), landed_counts(home)
    extra = drop / "council" / "school_census_20250801.csv"
    shutil.copy(drop / "council" / f"school_census_{AS_AT:%Y%m%d}.csv", extra)
    try:
        code, out, err = run("refresh", "--drop", str(drop), "--home", str(home), SEND_WAREHOUSE_PSEUDO_KEY=KEY_B)
    finally:
        extra.unlink()
    assert code == 1
    assert "SEND_WAREHOUSE_PSEUDO_KEY is not the key this warehouse was built with" in err
    assert "change key deliberately with `send-warehouse rotate-key --home HOME`" in err
    assert "Traceback" not in out + err
    assert (manifest(home), landed_counts(home)) == (before, files)


def pseudonyms(home) -> dict[str, list[tuple]]:
    """Every clean row's pseudonyms by file name and row number."""
    out = {}
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for c in all_contracts():
            columns = [col.clean_name for col in c.columns if col.pseudonymised]
            if columns:
                out[c.name] = con.execute(
                    f"select f.file_name, t._row_number, {', '.join('t.' + q(n) for n in columns)} "
                    f"from clean.{c.name} t join landing.files f on f.file_id = t._file_id order by all").fetchall()
    return out


def test_a_rotated_key_gives_the_new_keys_pseudonyms_and_refuses_the_old(polled, tmp_path):
    drop, home, *_ = polled
    before = pseudonyms(home)
    code, out, err = run("rotate-key", "--home", str(home),
                         SEND_WAREHOUSE_PSEUDO_KEY=KEY_A, SEND_WAREHOUSE_NEW_PSEUDO_KEY=KEY_B)
    assert code == 0, err
    assert out.startswith("re-pseudonymised ") and "Now set SEND_WAREHOUSE_PSEUDO_KEY to the new key" in out

    fresh = tmp_path / "fresh"
    dg.materialize([*landing_assets, landing_gate], raise_on_error=False,
                   resources={"warehouse": Warehouse(home=str(fresh)), "drop": DropFolder(path=str(drop)),
                              "pseudonymiser": Pseudonymiser(key=KEY_B)})
    rotated = pseudonyms(home)
    assert rotated == pseudonyms(fresh)
    assert all(rotated[name] != rows for name, rows in before.items())

    published = manifest(home)["publication_id"]
    code, out, err = run("refresh", "--drop", str(drop), "--home", str(home), SEND_WAREHOUSE_PSEUDO_KEY=KEY_B)
    assert code == 0, out + err
    assert manifest(home)["publication_id"] != published
    code, _, err = run("refresh", "--drop", str(drop), "--home", str(home), SEND_WAREHOUSE_PSEUDO_KEY=KEY_A)
    assert code == 1 and "SEND_WAREHOUSE_PSEUDO_KEY is not the key this warehouse was built with" in err


@pytest.fixture
def in_process(polled, monkeypatch):
    """``main(["refresh", ...])`` in this process under KEY_B (after the rotation), environment restored after."""
    drop, home, *_ = polled
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEND_WAREHOUSE_PSEUDO_KEY", KEY_B)
    return lambda: main(["refresh", "--drop", str(drop), "--home", str(home)]), home


@pytest.mark.parametrize(("fault", "cause"), [
    (errno.ENOSPC, "the disk is full ({folder}): free space on the disk of the warehouse home, " + AGAIN),
])
def test_a_publication_that_cannot_be_written_is_held_back_in_plain_words(
        in_process, monkeypatch, capsys, fault, cause):
    refresh, home = in_process
    before = manifest(home)
    folder = str(home / "publications")

    def cannot_write(*args, **kwargs):
        raise OSError(fault, os.strerror(fault), folder)

    monkeypatch.setattr(publish_module, "_write_tiers", cannot_write)
    assert refresh() == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert ("publication held back; the previous publication (if any) stays in place:\n"
            f"  - The step 'publication' failed: {cause.format(folder=folder)}\n") in err
    assert manifest(home) == before

    monkeypatch.undo()
    monkeypatch.setenv("SEND_WAREHOUSE_PSEUDO_KEY", KEY_B)
    assert refresh() == 0  # the next refresh recovers
    assert manifest(home)["publication_id"] != before["publication_id"]


def test_a_refresh_blocked_by_the_run_lock_says_so_and_names_no_report(in_process, capsys):
    refresh, home = in_process
    before = manifest(home)
    with (home / ".run.lock").open("a") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert refresh() == 1
    assert capsys.readouterr().err == (
        "publication held back; the previous publication (if any) stays in place:\n"
        f"  - The refresh did not start: another refresh or Dagster run is using the warehouse {home}: "
        "start this one again when it has finished.\n"
        "no data-quality report was written for this run\n")
    assert manifest(home) == before
