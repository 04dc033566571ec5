"""Landing in Dagster: one partner's broken extract stops no one else; unreadable databases are retried."""
import fcntl
from datetime import date

import dagster as dg
import duckdb
import pandas as pd

import orchestration.assets.landing as landing_module
from orchestration.assets.landing import landing_assets, landing_gate
from orchestration.resources import DropFolder, Pseudonymiser, Warehouse
from sample_data.generator import generate_drop

AS_AT = date(2025, 7, 31)


def land_all(drop, home, selection=None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*landing_assets, landing_gate], selection=selection, raise_on_error=False,
        resources={"warehouse": Warehouse(home=str(home)), "drop": DropFolder(path=str(drop)),
                   "pseudonymiser": Pseudonymiser(key="key of the landing tests, long enough")},
    )


def files(home) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select partner, extract, file_name, status, reason_code from landing.files "
                           "order by file_id").fetchall()


def failed_checks(result) -> set[str]:
    return {f"{e.asset_key.to_user_string()}:{e.check_name}"
            for e in result.get_asset_check_evaluations() if not e.passed}


def test_a_broken_extract_leaves_every_other_extract_landed(tmp_path):
    drop, home = tmp_path / "drop", tmp_path / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.01, seed=3)
    census = drop / "council" / f"school_census_{AS_AT:%Y%m%d}.csv"
    pd.read_csv(census, dtype=str).drop(columns=["sen_provision"]).to_csv(census, index=False)

    result = land_all(drop, home)
    # landing recorded the rejection instead of raising; only the gate's blocking check stops the run
    assert {e.step_key for e in result.get_step_failure_events()} == {"landing_gate"}
    statuses = {(partner, extract): status for partner, extract, _, status, _ in files(home)}
    assert statuses.pop(("council", "school_census")) == "rejected"
    assert statuses and set(statuses.values()) == {"accepted"}
    assert {partner for partner, _ in statuses} >= {"council", "icb", "mpft", "nscht"}
    assert failed_checks(result) == {"clean/council__school_census:delivery_accepted",
                                     "landing_gate:every_extract_accepted"}

    again = land_all(drop, home)  # idempotent: the same drop lands nothing twice
    assert {e.step_key for e in again.get_step_failure_events()} == {"landing_gate"}
    assert len(files(home)) == len(statuses) + 1


def test_an_unreadable_partner_database_is_asked_again_then_recorded_as_rejected(tmp_path, monkeypatch):
    sources = tmp_path / "sources.yml"
    sources.write_text("mpft/camhs_referrals: {url_env: MPFT_TEST_DB, table: v_camhs_referrals, as_at: 2025-07-31}\n")
    monkeypatch.setenv("SEND_WAREHOUSE_SOURCES", str(sources))
    monkeypatch.setenv("MPFT_TEST_DB", "postgresql://reader:pw-not-logged@127.0.0.1:1/mpft")  # nothing listens
    monkeypatch.setattr(landing_module, "DATABASE_RETRY_SECONDS", 0)
    (tmp_path / "drop").mkdir()

    result = land_all(tmp_path / "drop", tmp_path / "home", selection=[dg.AssetKey(["clean", "mpft__camhs_referrals"])])
    retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert len(retries) == landing_module.DATABASE_RETRIES
    rejected = ("mpft", "camhs_referrals", "db:v_camhs_referrals", "rejected", "UNREADABLE")
    assert files(tmp_path / "home") == [rejected] * 3
    assert result.success and failed_checks(result) == {"clean/mpft__camhs_referrals:delivery_accepted"}
    logged = "\n".join(e.message or "" for e in result.all_events)
    assert "pw-not-logged" not in logged


def test_a_second_run_on_the_same_warehouse_stops_at_once(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "drop").mkdir()
    with (home / ".run.lock").open("a") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX | fcntl.LOCK_NB)
        blocked = land_all(tmp_path / "drop", home, selection=[landing_gate.key])
    assert not blocked.success
    assert "another refresh or Dagster run is using the warehouse" in str(blocked.all_events)
    assert not (home / "warehouse.duckdb").exists()
    assert {e.step_key for e in land_all(tmp_path / "drop", home, selection=[landing_gate.key])
            .get_step_failure_events()} <= {"landing_gate"}  # once the other run is over
