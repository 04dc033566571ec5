"""End to end through ``send-warehouse`` on one small home: a refresh with the Dagster UI open and
``status`` polled every second publishes; a second refresh blocked by the run lock, a read-only
publication folder and an unreachable BI database each end in plain words with what to do next,
the previous publication intact, and the next refresh recovers (issue 16, items 7 and 10)."""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from sample_data.generator import generate_drop
from tests.dagster_ui import free_port, graphql, wait_until_answering

pytestmark = pytest.mark.slow
AS_AT = date(2025, 7, 31)
KEY = "the key of the operational fault tests, long enough"
AGAIN = "then run send-warehouse refresh again (the previous publication stays in place)"
HELD_BACK = "publication held back; the previous publication (if any) stays in place:\n"
VARIABLES = ("SEND_WAREHOUSE_PSEUDO_KEY", "SEND_WAREHOUSE_NEW_PSEUDO_KEY", "SEND_WAREHOUSE_DEMO",
             "SEND_WAREHOUSE_POSTGRES_URL", "SEND_WAREHOUSE_HOME", "SEND_WAREHOUSE_DROP", "SEND_WAREHOUSE_DUCKDB",
             "SEND_WAREHOUSE_DAGSTER_STORAGE", "SEND_WAREHOUSE_DAGSTER_LOGS", "DAGSTER_HOME")
CLI = Path(sys.executable).with_name("send-warehouse")
# What a page of the UI asks for while it is open: the runs list and the asset graph with materialisations.
UI_QUERY = """{ runsOrError { ... on Runs { results { runId status tags { key value } } } }
    assetNodes { assetKey { path } assetMaterializations(limit: 1) { timestamp } } }"""


def environment(**variables: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in VARIABLES} | {"SEND_WAREHOUSE_PSEUDO_KEY": KEY} | variables


def refresh_command(drop: Path, home: Path) -> list[str]:
    return [str(CLI), "refresh", "--drop", str(drop), "--home", str(home)]


def run(command: list[str], **variables: str) -> tuple[int, str, str]:
    done = subprocess.run(command, env=environment(**variables), capture_output=True, text=True, timeout=1200)
    return done.returncode, done.stdout, done.stderr


def manifest(home: Path) -> dict:
    return json.loads((home / "publish" / "publication.json").read_text())


def wait_for_the_run_lock(home: Path, seconds: float = 300) -> None:
    """Until no run holds ``HOME/.run.lock`` (a run the UI's daemon started after the refresh)."""
    deadline = time.monotonic() + seconds
    with (home / ".run.lock").open("a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                assert time.monotonic() < deadline, "a run still holds the warehouse"
                time.sleep(1)


def stop(process: subprocess.Popen) -> None:
    """Stops ``send-warehouse ui`` and what it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A first refresh through the CLI while ``send-warehouse ui`` is open on the same home and drop,
    its GraphQL asked for runs and assets and ``status --json`` asked, each once a second."""
    root = tmp_path_factory.mktemp("operational_faults")
    drop, home = root / "drop", root / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.02, seed=7)
    delivered = time.time() - 3600  # delivered an hour ago: the drop sensor's first look records them
    for path in drop.rglob("*"):
        os.utime(path, (delivered, delivered))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ui_log = (root / "ui.log").open("w")
    ui = subprocess.Popen([str(CLI), "ui", "--drop", str(drop), "--home", str(home), "--port", str(port)],
                          env=environment(), stdout=ui_log, stderr=subprocess.STDOUT, start_new_session=True)
    status_polls, ui_polls = [], []
    try:
        wait_until_answering(url, ui, 240, (root / "ui.log").read_text)
        assert "errors" not in graphql(url, UI_QUERY)  # the UI's page is open before the refresh starts
        # its output to files: a pipe read only once it ends would fill up and stop it
        with (root / "refresh.out").open("w") as stdout, (root / "refresh.err").open("w") as stderr:
            refresh = subprocess.Popen(refresh_command(drop, home), env=environment(), text=True,
                                       stdout=stdout, stderr=stderr)
            while refresh.poll() is None:
                status = subprocess.run([str(CLI), "status", "--home", str(home), "--json"], env=environment(),
                                        capture_output=True, text=True)
                status_polls.append((status.returncode, status.stderr))
                answer = graphql(url, UI_QUERY)
                ui_polls.append(answer.get("errors"))
                time.sleep(1)
        out, err = (root / "refresh.out").read_text(), (root / "refresh.err").read_text()
    finally:
        stop(ui)
        ui_log.close()
    wait_for_the_run_lock(home)
    return drop, home, refresh.returncode, out, err, status_polls, ui_polls


def test_a_refresh_with_the_ui_open_and_status_polled_every_second_publishes(watched):
    _, home, code, out, err, status_polls, ui_polls = watched
    assert code == 0, out + err
    assert f"published: {home / 'publish'}" in out
    assert "Could not set lock" not in out + err and "Traceback" not in out + err
    assert manifest(home)["reporting_date"] == AS_AT.isoformat()
    assert len(status_polls) >= 10 and len(ui_polls) >= 10
    # before the first landing step wrote the status file: a usage message; from then on, the status
    answered = [c for c, _ in status_polls]
    assert 0 in answered and answered[answered.index(0):] == [0] * len(answered[answered.index(0):]), status_polls
    assert all("Traceback" not in e for _, e in status_polls)
    assert ui_polls == [None] * len(ui_polls)  # every one of the UI's reads answered


def test_a_second_refresh_blocked_by_the_run_lock_says_so_and_changes_nothing(watched):
    drop, home, *_ = watched
    before, status = manifest(home), (home / "status.json").read_bytes()
    with (home / ".run.lock").open("a") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, out, err = run(refresh_command(drop, home))
    assert (code, out) == (1, "")
    assert err == (HELD_BACK + f"  - The refresh did not start: another refresh or Dagster run is using the "
                   f"warehouse {home}: start this one again when it has finished.\n"
                   "no data-quality report was written for this run\n")
    assert (manifest(home), (home / "status.json").read_bytes()) == (before, status)


def read_only(folder: Path, command: list[str]) -> tuple[list[str], str]:
    """``command`` run with ``folder`` read-only, and the cause the refresh must name: a read-only bind
    mount in a mount namespace of its own for root (whom file modes do not stop), else a folder
    without write permission."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command, "permission denied writing ({path}): let the user running the refresh write there, "
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-m", "sh", "-c", f"mount --bind -o ro '{folder}' '{folder}'"]).returncode != 0:
        pytest.skip("root without a mount namespace: no way to make a folder read-only")
    script = f"mount --bind -o ro '{folder}' '{folder}' && exec \"$@\""
    return (["unshare", "-m", "sh", "-c", script, "sh", *command],
            "the folder cannot be written, its file system is read-only ({path}): make it writable, ")


def test_a_read_only_publication_folder_is_held_back_in_plain_words_and_the_next_refresh_recovers(watched):
    drop, home, *_ = watched
    before = manifest(home)
    folder = home / "publications"
    command, cause = read_only(folder, refresh_command(drop, home))
    try:
        code, out, err = run(command)
    finally:
        folder.chmod(0o755)
    assert code == 1, out + err
    assert "Traceback" not in out + err and 'Error occurred while executing op' not in err
    before_path, after_path = cause.split("{path}")
    expected = (re.escape(HELD_BACK + "  - The step 'publication' failed: " + before_path)
                + re.escape(str(folder)) + r"/\.[^)/]+\.tmp" + re.escape(after_path + AGAIN + "\n")
                + re.escape(f"data-quality report: {home / 'reports'}/") + r"data-quality-[^/]+\.html\n")
    assert re.fullmatch(expected, err), err  # nothing else: no traceback, no library warning
    assert manifest(home) == before
    assert (home / "publish" / "public" / "kpi_values.csv").is_file()

    code, out, err = run(refresh_command(drop, home))  # the folder is writable again
    assert code == 0, out + err
    assert manifest(home)["publication_id"] != before["publication_id"]


CLOSED_PORT = "postgresql://bi_owner:a-password-never-shown@127.0.0.1:1/send_bi"


def test_an_unreachable_bi_database_is_held_back_in_plain_words(watched):
    drop, home, *_ = watched
    before = manifest(home)
    code, out, err = run(refresh_command(drop, home), SEND_WAREHOUSE_POSTGRES_URL=CLOSED_PORT)
    assert code == 1, out + err
    assert "Traceback" not in out + err and "a-password-never-shown" not in out + err
    assert f"published: {home / 'publish'}" in out  # the files do not depend on the BI database
    assert manifest(home)["publication_id"] != before["publication_id"]
    assert ("PostgreSQL publication held back; the previous tiers on 127.0.0.1:1/send_bi "
            "(SEND_WAREHOUSE_POSTGRES_URL) stay in place:\n"
            '  - the BI database could not be reached (connection to server at "127.0.0.1", port 1 failed: '
            "Connection refused): check that the server is running and that SEND_WAREHOUSE_POSTGRES_URL is "
            "right, then run send-warehouse refresh again (the files and the DuckDB publication stay "
            "published)\n") in err, err
    assert "Exceeded max_retries" not in err


@pytest.mark.postgres
def test_the_next_refresh_with_the_bi_database_reachable_publishes_to_it(watched):
    from publication.postgres_tiers import ANALYST_ENV, PUBLIC_READER_ENV, PUBLIC_TIER
    from tests.postgres_database import fresh_database, fresh_roles

    drop, home, *_ = watched
    with fresh_roles() as roles, fresh_database() as url:
        code, out, err = run(refresh_command(drop, home), SEND_WAREHOUSE_POSTGRES_URL=url,
                             **{PUBLIC_READER_ENV: roles.public_reader, ANALYST_ENV: roles.analyst})
        assert code == 0, out + err
        assert "published to PostgreSQL" in out and "Traceback" not in out + err
        import psycopg2
        with psycopg2.connect(url) as pg, pg.cursor() as cursor:
            cursor.execute(f"select count(*) from {PUBLIC_TIER}.kpi_values")
            assert cursor.fetchone()[0] > 0
