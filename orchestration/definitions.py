"""The one Definitions object: assets, checks, jobs, schedule, sensors and resources."""
# ruff: noqa: E402 -- the environment is set before the assets are imported (they read it at import)
from __future__ import annotations

import os

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.environment import analytics_off, default_to_demo

analytics_off()
default_to_demo()  # a fresh clone's `dagster dev` (no variable set) runs on the demo home and drop

from orchestration.assets.landing import landing_assets, landing_gate
from orchestration.assets.postgres import postgres_marts
from orchestration.assets.publication import publication
from orchestration.assets.report import quality_report
from orchestration.assets.transform import (
    DBT_PROJECT_DIR, dbt_project, unmaterialised_sources, warehouse_dbt_models,
)
from orchestration.checks import quality_checks
from orchestration.drop_sensor import partner_drop_sensor
from orchestration.jobs import (
    monthly_refresh, postgres_after_published_refresh, postgres_job, refresh_job, report_after_failed_refresh,
    report_after_published_refresh, report_job,
)
from connectors.pseudonymise import DEMO_ENV, KEY_ENV
from orchestration.resources import DropFolder, PostgresTarget, Pseudonymiser, Warehouse

defs = dg.Definitions(
    assets=[*landing_assets, landing_gate, warehouse_dbt_models, publication, postgres_marts, quality_report,
            *unmaterialised_sources({asset.key for asset in landing_assets})],
    asset_checks=quality_checks,
    jobs=[refresh_job, report_job, postgres_job],
    schedules=[monthly_refresh],
    sensors=[partner_drop_sensor, report_after_published_refresh, report_after_failed_refresh,
             postgres_after_published_refresh],
    resources={
        "warehouse": Warehouse(home=dg.EnvVar("SEND_WAREHOUSE_HOME")),
        "drop": DropFolder(path=dg.EnvVar("SEND_WAREHOUSE_DROP")),
        "pseudonymiser": Pseudonymiser(key=dg.EnvVar(KEY_ENV), demo=os.environ.get(DEMO_ENV) == "1"),
        "postgres_target": PostgresTarget(url=dg.EnvVar("SEND_WAREHOUSE_POSTGRES_URL")),
        "dbt": DbtCliResource(project_dir=dbt_project),
        "dbt_postgres": DbtCliResource(project_dir=str(DBT_PROJECT_DIR), target="postgres"),
    },
    # One process, one step at a time: DuckDB allows a single writer per warehouse file.
    executor=dg.in_process_executor,
)
