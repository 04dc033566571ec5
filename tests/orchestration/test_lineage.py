"""The asset graph a data engineer reads: publication after every published model, the report after
publication, every asset described; and the tags every refresh run carries."""
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

import orchestration.definitions
from orchestration import cli
from orchestration.definitions import defs
from orchestration.resources import Warehouse
from orchestration.run_tags import (
    HELD_BACK, OUTCOME_TAG, PUBLISHED, REASON_TAG, REFRESH_RUN_TAG, REPORTING_DATE_TAG, TRIGGER_TAG, launch_tags,
    tag_outcome,
)
from publication.dbt_manifest import published_models

GRAPH = defs.resolve_asset_graph()
PUBLICATION = dg.AssetKey("publication")


def test_publication_depends_on_every_published_model_of_the_manifest():
    parents = GRAPH.get(PUBLICATION).parent_keys
    assert parents == {dg.AssetKey(model) for model in published_models()} | {dg.AssetKey("landing_gate")}
    assert {"kpi_comparators", "ehcp_reconciliation", "ehcp_flow_reconciliation", "kpi_catalogue"} <= {
        k.to_user_string() for k in parents}


def test_the_report_is_downstream_of_publication_but_outside_the_refresh():
    assert dg.AssetKey("quality_report") in GRAPH.get(PUBLICATION).child_keys
    refresh = defs.get_job_def("refresh").asset_layer.selected_asset_keys
    assert PUBLICATION in refresh and dg.AssetKey("quality_report") not in refresh
    assert defs.get_job_def("data_quality_report").asset_layer.selected_asset_keys == {dg.AssetKey("quality_report")}


def test_every_asset_has_a_description():
    undescribed = [key.to_user_string() for key in GRAPH.get_all_asset_keys()
                   if not (GRAPH.get(key).description or "").strip()]
    assert undescribed == []
    assert GRAPH.has(dg.AssetKey(["landing", "files"]))  # the dbt source every landing asset writes


def test_the_schedule_tags_its_trigger_and_materialises_the_month_just_ended():
    schedule = defs.get_schedule_def("refresh_schedule")
    tick = datetime(2025, 8, 5, 6, tzinfo=ZoneInfo("Europe/London"))
    context = dg.build_schedule_context(scheduled_execution_time=tick)
    (request,) = schedule.evaluate_tick(context).run_requests
    assert (request.tags[TRIGGER_TAG], request.partition_key) == ("schedule", "2025-07-01")


def _fake_refresh(publishes: bool) -> dg.Definitions:
    """Definitions whose refresh materialises publication, or fails before it as a held-back refresh does."""

    @dg.asset(name="publication")
    def fake_publication(context: dg.AssetExecutionContext, warehouse: Warehouse):
        context.instance.add_run_tags(context.run_id, {REPORTING_DATE_TAG: "2025-07-31"})  # as the dbt step does
        if not publishes:
            raise dg.Failure("disk full")

    @dg.asset(name="quality_report")
    def fake_report(warehouse: Warehouse):
        return None

    return dg.Definitions(assets=[fake_publication, fake_report], resources={"warehouse": Warehouse(home="-")}, jobs=[
        dg.define_asset_job("refresh", selection=[fake_publication]),
        dg.define_asset_job("data_quality_report", selection=[fake_report])])


@pytest.mark.parametrize("publishes", [True, False])
def test_a_cli_refresh_is_tagged_with_its_trigger_reporting_date_and_outcome(tmp_path, monkeypatch, publishes):
    monkeypatch.setattr(orchestration.definitions, "defs", _fake_refresh(publishes))
    for name in ("SEND_WAREHOUSE_HOME", "SEND_WAREHOUSE_DROP", "SEND_WAREHOUSE_DAGSTER_STORAGE", "DAGSTER_HOME",
                 "SEND_WAREHOUSE_DAGSTER_LOGS", "SEND_WAREHOUSE_DUCKDB", "SEND_WAREHOUSE_POSTGRES_URL",
                 "SEND_WAREHOUSE_PSEUDO_KEY", "SEND_WAREHOUSE_DEMO"):  # restored after the test
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "drop").mkdir()
    home = tmp_path / "home"
    code = cli.main(["refresh", "--demo", "--drop", str(tmp_path / "drop"), "--home", str(home)])
    assert code == (0 if publishes else cli.EXIT_HELD_BACK)
    assert (home / "dagster" / "dagster.yaml").is_file()  # DAGSTER_HOME is under the warehouse home
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = {run.job_name: run for run in instance.get_runs()}
    refresh, report = runs["refresh"].tags, runs["data_quality_report"].tags
    assert (refresh[TRIGGER_TAG], refresh[REPORTING_DATE_TAG]) == ("cli", "2025-07-31")
    assert refresh[OUTCOME_TAG] == (PUBLISHED if publishes else HELD_BACK)
    if publishes:
        assert REASON_TAG not in refresh
    else:
        assert "disk full" in refresh[REASON_TAG]
    assert (report[TRIGGER_TAG], report[REFRESH_RUN_TAG], report[REPORTING_DATE_TAG]) == (
        "cli", runs["refresh"].run_id, "2025-07-31")


def test_a_run_launched_without_a_trigger_is_tagged_manual_and_a_long_reason_is_cut():
    @dg.asset(name="landing_gate")
    def gate():
        raise dg.Failure("x" * 1000)

    job = dg.Definitions(assets=[gate], jobs=[dg.define_asset_job("refresh", selection=[gate])]).get_job_def("refresh")
    with dg.DagsterInstance.ephemeral() as instance:
        run_id = job.execute_in_process(instance=instance, raise_on_error=False).run_id
        outcome = tag_outcome(instance, run_id)
        tags = instance.get_run_by_id(run_id).tags
    assert not outcome.published and tags[TRIGGER_TAG] == "manual" and tags[OUTCOME_TAG] == HELD_BACK
    assert len(tags[REASON_TAG]) <= 300 and tags[REASON_TAG].endswith("…")
    assert launch_tags("schedule") == {TRIGGER_TAG: "schedule"}
