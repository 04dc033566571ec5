"""The dbt manifest owns what is published; publication keeps only each published model's form."""
import pytest

import publication.publish as publish_module
from publication.dbt_manifest import PublishedModel, column_descriptions, manifest, published_models
from publication.publish import FORMS, PublicationFormError, published_tables

PUBLISHED = {"kpi_values": "public", "kpi_history": "public", "sub_icb_district_crosswalk": "public",
             "send_cohort": "restricted", "kpi_catalogue": "public", "kpi_comparators": "public",
             "ehcp_reconciliation": "public", "ehcp_flow_reconciliation": "public"}


def test_the_published_tables_and_tiers_are_the_manifests():
    tables = published_tables()
    assert {name: table.tier for name, table in tables.items()} == PUBLISHED
    assert tables["send_cohort"].model == "mart_send_cohort"
    nodes = {node["name"]: node for node in manifest()["nodes"].values() if node["resource_type"] == "model"}
    assert all(nodes[table.model]["access"] == "public" for table in tables.values() if table.model in nodes)
    assert not [name for name, node in nodes.items() if node["access"] == "public" and name not in FORMS]


def test_a_model_published_without_a_form_is_refused(monkeypatch):
    models = {**published_models(), "kpi_new": PublishedModel("kpi_new", "kpi_new", "public")}
    monkeypatch.setattr(publish_module, "published_models", lambda: models)
    with pytest.raises(PublicationFormError, match="published without a form: kpi_new"):
        published_tables()


def test_a_form_of_an_unpublished_model_is_refused(monkeypatch):
    models = {name: model for name, model in published_models().items() if name != "kpi_comparators"}
    monkeypatch.setattr(publish_module, "published_models", lambda: models)
    with pytest.raises(PublicationFormError, match="not published .*: kpi_comparators"):
        published_tables()


def test_a_public_tier_needs_a_public_form(monkeypatch):
    models = {**published_models(), "mart_send_cohort": PublishedModel("mart_send_cohort", "send_cohort", "public"),
              "kpi_values": PublishedModel("kpi_values", "kpi_values", "restricted")}
    monkeypatch.setattr(publish_module, "published_models", lambda: models)
    with pytest.raises(PublicationFormError, match="needs a public form and only it: kpi_values, mart_send_cohort"):
        published_tables()


def test_the_data_dictionary_meanings_are_the_manifests_column_descriptions():
    described = column_descriptions()
    assert described["mart_send_cohort"]["person_id"].startswith("Surrogate id")
    assert described["kpi_catalogue"]["kpi_id"] == "The KPI's id, as in kpi_values.kpi_id."


def test_every_published_model_has_an_enforced_contract_typing_every_column():
    models = [node for node in manifest()["nodes"].values()
              if node["resource_type"] == "model" and node["name"] in published_models()]
    assert len(models) == len([t for t in PUBLISHED if t != "kpi_catalogue"])  # a seed has no contract
    for node in models:
        assert node["contract"]["enforced"], node["name"]
        assert node["columns"] and all(column["data_type"] for column in node["columns"].values()), node["name"]
