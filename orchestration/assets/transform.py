"""The dbt project as Dagster assets: staging, intermediate and marts, with dbt tests as checks."""

import hashlib
import os
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.partitions import REPORTING_MONTHS, month_key, run_reporting_dates
from orchestration.resources import Warehouse
from orchestration.run_tags import tag_reporting_date
from publication import run_parameters
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


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=WarehouseDbtTranslator(),
            partitions_def=REPORTING_MONTHS, backfill_policy=dg.BackfillPolicy.single_run())
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """``dbt build`` for each reporting month of the run, oldest first (decision 0030).

    The newest month the warehouse holds builds every model, so the marts are that month's. An
    earlier month builds ``kpi_history`` and what it reads: its own block of the series, nothing else.
    Each month's date and refresh time go in ``landing.run_parameters`` before its build, and every
    build shares the home's dbt target folder, so dbt parses the project at most once (decision 0031).
    """
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(warehouse.duckdb_path)
    months = run_reporting_dates(context)
    newest = max(months[-1], warehouse.newest_history_date() or months[-1])
    if months[-1] < newest and not context.is_subset:
        raise dg.Failure(f"{months[-1]:%B %Y} is older than the newest month built ({newest:%B %Y}): select "
                         "kpi_history and its upstream assets to re-run it, so the marts stay the newest month's",
                         allow_retries=False)
    target_path = dbt_target_path(warehouse.home_path)
    for month in months:
        with warehouse.connect() as con:
            run_parameters.write(con, month)
        if month == months[-1]:  # the run's selection: every model for the newest month, else kpi_history's
            if month == newest:
                tag_reporting_date(context, month)
            yield from dbt.cli(["build"], context=context, target_path=target_path).stream()
        else:
            context.log.info(f"{month}: building kpi_history and what it reads (the marts stay {newest}'s)")
            invocation = dbt.cli(["build", "--select", "+kpi_history", "--indirect-selection", "cautious"],
                                 manifest=dbt_project.manifest_path, target_path=target_path).wait()
            yield from _month_materializations(invocation.get_artifact("run_results.json"), month)


def dbt_target_path(home: Path) -> Path:
    """The dbt target folder of the warehouse home's builds: ``HOME/dbt/target-<project>``.

    dbt parses the project again when the profile (the DuckDB path) or the command-line vars differ
    from its last parse's; dagster-dbt gives each invocation a new target folder with a copy of
    ``dbt_project/target/partial_parse.msgpack``, made by whatever parsed the project last (another
    warehouse path, or none). One folder per home keeps the home's own last parse, so a month's build
    re-parses only what changed since (nothing, from the second month of a run). The folder is named
    after the dbt project's location: a parse saved by another checkout would have its seeds' paths.
    """
    project = hashlib.sha1(str(DBT_PROJECT_DIR).encode()).hexdigest()[:8]
    return home / "dbt" / f"target-{project}"


def _month_materializations(run_results: Mapping[str, Any], reporting_date: date):
    """A materialisation of the month's partition for each model an earlier month's build made."""
    nodes = manifest()["nodes"]
    translator = WarehouseDbtTranslator()
    for result in run_results["results"]:
        node = nodes.get(result["unique_id"])
        if node and node["resource_type"] in ("model", "seed") and result["status"] == "success":
            yield dg.AssetMaterialization(
                asset_key=translator.get_asset_key(node), partition=month_key(reporting_date),
                metadata={"reporting_date": reporting_date.isoformat(),
                          "execution_duration": result.get("execution_time")},
            )


def unmaterialised_sources(materialised: set[dg.AssetKey]) -> list[dg.AssetSpec]:
    """The dbt sources no asset here materialises (``landing/files``: every landing asset writes it),
    as external assets with their dbt description, so the asset graph describes every asset."""
    translator = WarehouseDbtTranslator()
    return [dg.AssetSpec(key, description=" ".join(source["description"].split()),
                         group_name=source["source_name"], kinds={"duckdb"},
                         metadata={"dbt_source": f"{source['source_name']}.{source['name']}"})
            for source in manifest()["sources"].values()
            if (key := translator.get_asset_key(source)) not in materialised]
