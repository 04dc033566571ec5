"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt tests as checks."""

import json
import os
import sys
from collections.abc import Mapping
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import Warehouse
from orchestration.run_tags import tag_reporting_date
from publication.dbt_manifest import DBT_PROJECT_DIR, manifest, manifest_is_stale, parse_project

# dbt is installed beside this interpreter (the project's .venv): dagster-dbt looks it up on PATH,
# which does not hold the venv when it is not activated (``.venv/bin/send-warehouse``).
_INTERPRETER_BIN = str(Path(sys.executable).parent)
if _INTERPRETER_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_INTERPRETER_BIN, os.environ.get("PATH", "")])

# The refresh builds the DuckDB warehouse; the PostgreSQL target is built after it (assets/postgres.py).
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, target="duckdb")
if manifest_is_stale():
    parse_project()
dbt_project.prepare_if_dev()


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Sources are the tables landing writes, keyed by schema and table (``clean/<partner>__<extract>``,
    ``landing/files``), models by their name (``kpi_values``, as publication and the quality checks
    expect); groups follow the folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["identifier"]])
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return fqn[1] if len(fqn) > 2 else None


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=WarehouseDbtTranslator())
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """``dbt build`` for the reporting date: models and their tests, in dependency order."""
    reporting_date = warehouse.resolved_reporting_date()
    tag_reporting_date(context, reporting_date)
    variables = {
        "reporting_date": reporting_date.isoformat(),
        "refreshed_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(warehouse.duckdb_path)
    yield from dbt.cli(["build", "--vars", json.dumps(variables)], context=context).stream()


def unmaterialised_sources(materialised: set[dg.AssetKey]) -> list[dg.AssetSpec]:
    """The dbt sources no asset here materialises (``landing/files``: every landing asset writes it),
    as external assets with their dbt description, so the asset graph describes every asset."""
    translator = WarehouseDbtTranslator()
    return [dg.AssetSpec(key, description=" ".join(source["description"].split()),
                         group_name=source["source_name"], kinds={"duckdb"},
                         metadata={"dbt_source": f"{source['source_name']}.{source['name']}"})
            for source in manifest()["sources"].values()
            if (key := translator.get_asset_key(source)) not in materialised]
