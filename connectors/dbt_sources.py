"""The dbt sources of the clean zone, generated from the extract contracts: one source per partner
(``source('council', 'school_census')``), each table's description from its contract's title and
its freshness from its cadence; and the macro ``partners_sending(extract)``, the partners whose
contracts include an extract, so a model unions every partner's staging model of it.
``python -m connectors.dbt_sources`` rewrites both files; a test fails when a committed file
differs from what the contracts give."""
from pathlib import Path

import yaml

from connectors.contracts import all_contracts
from connectors.returns import partner_facts

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
SOURCES_FILE = DBT_PROJECT / "models" / "staging" / "_sources.yml"
PARTNERS_MACRO_FILE = DBT_PROJECT / "macros" / "partners.sql"
GENERATED = "Generated from connectors/contracts/ by `python -m connectors.dbt_sources`: edit the contracts,"
HEADER = f"# {GENERATED}\n# not this file. The landing manifest's source is in _landing.yml.\n"
CLEAN_SCHEMA = "clean"


def sources() -> dict:
    """The ``sources:`` document: per partner, its extracts' ``clean`` tables (``<partner>__<extract>``)."""
    by_partner: dict[str, list] = {}
    for contract in sorted(all_contracts(), key=lambda c: (c.partner, c.extract)):
        by_partner.setdefault(contract.partner, []).append({
            "name": contract.extract,
            "identifier": contract.name,
            "description": f"{contract.title} ({contract.cadence}).",
            "config": {"freshness": {"warn_after": {"count": contract.max_age_days, "period": "day"}}},
        })
    return {"version": 2, "sources": [{
        "name": partner,
        "description": (f"{partner_facts()[partner]['name']}: the accepted rows of its extracts, typed per "
                        "contract, identifiers replaced by keyed hashes (`*_pseudo`), with `_file_id`, "
                        "`_row_number` and `_as_at`. Written by landing (connectors/landing.py); every "
                        "accepted file is kept, so staging reads each extract's current file."),
        "schema": CLEAN_SCHEMA,
        "config": {"loaded_at_field": "cast(_as_at as timestamp)"},
        "tables": tables,
    } for partner, tables in by_partner.items()]}


def sources_yaml() -> str:
    return HEADER + yaml.safe_dump(sources(), sort_keys=False, width=100, allow_unicode=True)


def partners_macro() -> str:
    """``partners_sending(extract)``: the partners whose contracts include the extract, in name order."""
    by_extract: dict[str, list[str]] = {}
    for contract in sorted(all_contracts(), key=lambda c: (c.extract, c.partner)):
        by_extract.setdefault(contract.extract, []).append(contract.partner)
    mapping = ",\n".join(f"        {extract!r}: {partners!r}" for extract, partners in by_extract.items())
    return (f"{{#- {GENERATED} not this file. -#}}\n\n"
            "{#- The partners whose contracts include an extract: a model unions their staging models\n"
            "    (stg_<partner>__<extract>) with a loop over this list. -#}\n"
            "{% macro partners_sending(extract) -%}\n"
            f"    {{%- set partners = {{\n{mapping}\n    }} -%}}\n"
            "    {{- return(partners[extract]) -}}\n"
            "{%- endmacro %}\n")


if __name__ == "__main__":
    for path, text in ((SOURCES_FILE, sources_yaml()), (PARTNERS_MACRO_FILE, partners_macro())):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
