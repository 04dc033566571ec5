"""The dbt exposures: the tiers' generated from the manifest, the hand-written ones true to what they read."""
import re
from pathlib import Path

from publication import exposures
from publication.dbt_manifest import PROJECT, PublishedModel, manifest, published_models

REPORTING = Path(__file__).resolve().parents[2] / "reporting"


def _exposure(name: str) -> dict:
    return manifest()["exposures"][f"exposure.{PROJECT}.{name}"]


def test_the_committed_tier_exposures_are_what_the_manifest_gives():
    assert exposures.EXPOSURES_FILE.read_text(encoding="utf-8") == exposures.exposures_yaml()


def test_each_tier_exposure_depends_on_every_table_of_its_tier():
    for name, tier in (("public_tier", "public"), ("restricted_tier", "restricted")):
        nodes = {node.split(".")[-1] for node in _exposure(name)["depends_on"]["nodes"]}
        assert nodes == {m.model for m in published_models().values() if tier == "restricted" or m.tier == "public"}
    assert "mart_send_cohort" not in exposures.readers_of("public")


def test_a_newly_published_model_joins_its_tiers_exposures(monkeypatch):
    models = {**published_models(), "kpi_new": PublishedModel("kpi_new", "kpi_new", "restricted")}
    monkeypatch.setattr(exposures, "published_models", lambda: models)
    assert "kpi_new" in exposures.readers_of("restricted") and "kpi_new" not in exposures.readers_of("public")
    assert "ref('kpi_new')" in exposures.exposures_yaml()


def test_a_dashboard_reads_only_published_tables():
    published = {f"{kind}.{PROJECT}.{m.model}" for m in published_models().values() for kind in ("model", "seed")}
    dashboards = [e for e in manifest()["exposures"].values() if e["type"] == "dashboard"]
    assert dashboards
    for dashboard in dashboards:
        assert set(dashboard["depends_on"]["nodes"]) <= published, dashboard["name"]


def _relation(node_id: str) -> str:
    """The warehouse relation (``schema.table``) of a manifest node or source."""
    node = manifest()["sources" if node_id.startswith("source.") else "nodes"][node_id]
    return f"{node['schema']}.{node.get('identifier') or node.get('alias') or node['name']}"


def test_the_board_reports_exposure_depends_on_what_reporting_reads():
    code = "\n".join(path.read_text(encoding="utf-8") for path in REPORTING.glob("*.py"))
    read = set(re.findall(r"\b(?:marts|intermediate|landing)\.[a-z_]+\b", code))
    assert {_relation(node) for node in _exposure("governance_board_report")["depends_on"]["nodes"]} == read
