"""The dbt sources and the partners_sending macro are generated from the extract contracts: one
source per partner, freshness from the cadence, and the committed files are what the contracts give."""
import dataclasses

import yaml

import connectors.dbt_sources as dbt_sources
from connectors.contracts import all_contracts, contract_for


def test_the_committed_sources_file_is_what_the_contracts_give():
    assert dbt_sources.SOURCES_FILE.read_text(encoding="utf-8") == dbt_sources.sources_yaml(), (
        "dbt_project/models/staging/_sources.yml is out of date: run `python -m connectors.dbt_sources`")


def test_the_committed_partners_macro_is_what_the_contracts_give():
    assert dbt_sources.PARTNERS_MACRO_FILE.read_text(encoding="utf-8") == dbt_sources.partners_macro(), (
        "dbt_project/macros/partners.sql is out of date: run `python -m connectors.dbt_sources`")


def test_the_partners_sending_an_extract_are_those_whose_contracts_include_it(monkeypatch):
    census = contract_for("council", "school_census")
    assert "'camhs_referrals': ['mpft', 'nscht']" in dbt_sources.partners_macro()
    added = dataclasses.replace(census, partner="stoke")
    monkeypatch.setattr(dbt_sources, "all_contracts", lambda: (*all_contracts(), added))
    assert "'school_census': ['council', 'stoke']" in dbt_sources.partners_macro()


def test_every_contract_is_a_table_of_its_partners_source_with_its_cadence_as_freshness():
    document = yaml.safe_load(dbt_sources.sources_yaml())
    tables = {(source["name"], table["name"]): (source["schema"], table)
              for source in document["sources"] for table in source["tables"]}
    assert set(tables) == {(c.partner, c.extract) for c in all_contracts()}
    schema, census = tables["council", "school_census"]
    assert (schema, census["identifier"]) == ("clean", "council__school_census")
    assert census["config"]["freshness"]["warn_after"] == {"count": 135, "period": "day"}  # termly


def test_a_new_extract_in_the_contracts_is_a_new_source_table(monkeypatch):
    census = contract_for("council", "school_census")
    added = dataclasses.replace(census, partner="nscht", extract="ld_register", title="Learning disability register",
                                cadence="monthly")
    monkeypatch.setattr(dbt_sources, "all_contracts", lambda: (*all_contracts(), added))
    (nscht,) = [s for s in yaml.safe_load(dbt_sources.sources_yaml())["sources"] if s["name"] == "nscht"]
    (table,) = [t for t in nscht["tables"] if t["name"] == "ld_register"]
    assert table == {"name": "ld_register", "identifier": "nscht__ld_register",
                     "description": "Learning disability register (monthly).",
                     "config": {"freshness": {"warn_after": {"count": 45, "period": "day"}}}}
