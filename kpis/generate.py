"""What the KPI registry generates for dbt: the ``kpi_catalogue`` seed (published) and the macro
``kpi_registry()`` that ``kpi_rows`` reads. ``python -m kpis`` writes both; a test fails when a
committed file differs from what the registry gives."""
import csv
import io
import json
from pathlib import Path

from kpis import Registry, registry

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
CATALOGUE_FILE = DBT_PROJECT / "seeds" / "kpi_catalogue.csv"
MACRO_FILE = DBT_PROJECT / "macros" / "kpi_registry.sql"
CATALOGUE_COLUMNS = ("kpi_id", "name", "definition", "numerator", "denominator", "unit", "breakdowns",
                     "geography_levels", "source", "refresh_cadence", "dfe_comparator", "direction")
LIST_SEPARATOR = "; "


def catalogue_csv(kpis: Registry | None = None) -> str:
    kpis = kpis or registry()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CATALOGUE_COLUMNS)
    for kpi in kpis.kpis:
        levels = [f"{level} (apportioned)" if kpi.geography == "sub_icb" and level == "DISTRICT" else level
                  for level in kpis.geography_levels(kpi)]
        writer.writerow([kpi.id, kpi.name, kpi.definition, kpi.numerator, kpi.denominator, kpi.unit,
                         LIST_SEPARATOR.join(("TOTAL", *kpi.breakdowns)), LIST_SEPARATOR.join(levels), kpi.source,
                         kpi.refresh_cadence, kpi.dfe_comparator, kpi.direction])
    return out.getvalue()


def macro_sql(kpis: Registry | None = None) -> str:
    kpis = kpis or registry()
    entries = {kpi.id: {"unit": kpi.unit, "breakdowns": list(kpi.breakdowns), "geography": kpi.geography,
                        "period": kpi.period} for kpi in kpis.kpis}
    vocabulary = {"units": kpis.units, "levels": {k: list(v) for k, v in kpis.geographies.items()},
                  "periods": list(kpis.periods)}
    lines = ["{#- Generated from kpis/registry.yml by `python -m kpis`: edit the registry, not this file.",
             "    kpi_registry(): what kpi_rows needs of each KPI; kpi_vocabulary(): the values those may take. -#}",
             "{% macro kpi_registry() -%}", "{{ return({"]
    lines += [f"    {json.dumps(kpi_id)}: {json.dumps(entry)}," for kpi_id, entry in entries.items()]
    lines += ["}) }}", "{%- endmacro %}", "", "{% macro kpi_vocabulary() -%}",
              "{{ return(" + json.dumps(vocabulary).replace("null", "none") + ") }}", "{%- endmacro %}"]
    return "\n".join(lines) + "\n"


def write() -> list[Path]:
    CATALOGUE_FILE.write_text(catalogue_csv(), encoding="utf-8", newline="")
    MACRO_FILE.write_text(macro_sql(), encoding="utf-8")
    return [CATALOGUE_FILE, MACRO_FILE]
