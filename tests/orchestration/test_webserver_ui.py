"""The Dagster UI as a data engineer sees it: dagster-webserver on loopback, headless Chromium, GraphQL."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dagster_ui import free_port, graphql, wait_until_answering

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
CHECKS_QUERY = """{ assetNodes { assetKey { path } assetChecksOrError {
    ... on AssetChecks { checks { name blocking } } } } }"""
LINEAGE_QUERY = """{ assetNodes { assetKey { path } description
    dependencyKeys { path } dependedByKeys { path } } }"""
AUTOMATION_QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
    schedules { name scheduleState { status } } sensors { name sensorState { status } } } } } }"""


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    """http://127.0.0.1:<port> of a dagster-webserver on the project's definitions, stopped afterwards."""
    root = tmp_path_factory.mktemp("ui")
    (root / "home" / "dagster" / "logs").mkdir(parents=True)
    (root / "drop").mkdir()
    shutil.copyfile(REPO_ROOT / "dagster.yaml", root / "home" / "dagster" / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(root / "home" / "dagster"), "SEND_WAREHOUSE_HOME": str(root / "home"),
           "SEND_WAREHOUSE_DROP": str(root / "drop"),
           "SEND_WAREHOUSE_PSEUDO_KEY": "key of the UI test, thirty-two characters",
           "SEND_WAREHOUSE_DAGSTER_STORAGE": str(root / "home" / "dagster"),
           "SEND_WAREHOUSE_DAGSTER_LOGS": str(root / "home" / "dagster" / "logs"),
           "SEND_WAREHOUSE_DUCKDB": str(root / "home" / "warehouse.duckdb"), "DAGSTER_DISABLE_TELEMETRY": "true"}
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-m", "orchestration.definitions",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, server, 180)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def rendered(url: str) -> str:
    """The page's DOM once the UI's scripts have run (headless Chromium)."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--virtual-time-budget=30000", "--dump-dom", url],
        capture_output=True, text=True, timeout=180)
    return result.stdout


def test_graphql_lists_the_asset_checks(webserver):
    checks = {("/".join(node["assetKey"]["path"]), check["name"]): check["blocking"]
              for node in graphql(webserver, CHECKS_QUERY)["data"]["assetNodes"]
              for check in node["assetChecksOrError"].get("checks", [])}
    assert checks[("landing_gate", "every_extract_accepted")] is True
    assert checks[("kpi_values", "quality_suite")] is True
    assert checks[("clean/council__school_census", "quality_suite")] is True
    assert ("clean/mpft__camhs_referrals", "delivery_accepted") in checks
    assert any(name.startswith("unique_combination_kpi_values") for asset, name in checks if asset == "kpi_values")


def test_graphql_shows_publication_after_every_published_model_and_the_report_after_it(webserver):
    from publication.dbt_manifest import published_models

    nodes = {"/".join(node["assetKey"]["path"]): node
             for node in graphql(webserver, LINEAGE_QUERY)["data"]["assetNodes"]}
    publication = nodes["publication"]
    assert {"/".join(key["path"]) for key in publication["dependencyKeys"]} == {*published_models(), "landing_gate"}
    assert "quality_report" in {"/".join(key["path"]) for key in publication["dependedByKeys"]}
    assert [name for name, node in nodes.items() if not (node["description"] or "").strip()] == []


def test_the_schedule_and_the_sensors_are_on(webserver):
    (repository,) = graphql(webserver, AUTOMATION_QUERY)["data"]["repositoriesOrError"]["nodes"]
    schedules = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
    sensors = {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
    assert schedules == {"refresh_schedule": "RUNNING"}
    assert sensors["partner_drop_sensor"] == "RUNNING"
    assert sensors["postgres_after_published_refresh"] == "RUNNING"


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_the_ui_shows_the_asset_graph_the_schedule_and_the_sensor(webserver):
    graph = rendered(f"{webserver}/asset-groups")
    assert "Global asset lineage" in graph
    assert all(f">{group}<" in graph for group in ("council", "icb", "mpft", "nscht", "marts", "publication"))
    lineage = rendered(f"{webserver}/assets/publication?view=lineage")
    assert "kpi_comparators" in lineage and "quality_report" in lineage
    automation = rendered(f"{webserver}/automation")
    assert "refresh_schedule" in automation and "partner_drop_sensor" in automation
