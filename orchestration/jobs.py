"""Jobs, the monthly schedule, and the run-status sensors that follow every refresh."""

from datetime import date

import dagster as dg

from orchestration.assets.postgres import postgres_marts
from orchestration.assets.report import REFRESH_JOB, quality_report
from orchestration.assets.transform import warehouse_dbt_models
from orchestration.run_tags import SCHEDULE, launch_tags, report_tags, tag_outcome
from publication.postgres import URL_ENV, configured_url

# The refresh writes the DuckDB warehouse and publishes; the report and PostgreSQL follow it.
REFRESH_SELECTION = dg.AssetSelection.all() - dg.AssetSelection.assets(quality_report, postgres_marts)
# A re-run of months older than the newest built builds kpi_history and what it reads: the newest
# month's marts stay as they are, and publication republishes them with the revised series.
HISTORY = dg.AssetKey("kpi_history")
PAST_MONTHS_SELECTION = REFRESH_SELECTION - (
    dg.AssetSelection.assets(warehouse_dbt_models) - dg.AssetSelection.assets(HISTORY).upstream())


def past_months_only(last: date, newest_built: date | None) -> bool:
    """A refresh of months up to ``last`` re-runs past months only (``PAST_MONTHS_SELECTION``)
    when the warehouse has built a newer month."""
    return newest_built is not None and last < newest_built

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=REFRESH_SELECTION,
    description="Land every partner extract, build the dbt models of the reporting months selected "
                "(a partition per month; a backfill of many months is one run), check them and publish. "
                "To re-run months older than the newest built, select kpi_history and its upstream assets "
                "(with publication): the newest month's marts stay.",
)
report_job = dg.define_asset_job(
    "data_quality_report", selection=dg.AssetSelection.assets(quality_report),
    description="Write the governance board's data-quality report for a refresh.",
)
postgres_job = dg.define_asset_job(
    "postgres_publication", selection=dg.AssetSelection.assets(postgres_marts),
    description="Build the dbt project on PostgreSQL (SEND_WAREHOUSE_POSTGRES_URL) for BI tools.",
)

monthly_refresh = dg.build_schedule_from_partitioned_job(
    refresh_job, day_of_month=5, hour_of_day=6,
    default_status=dg.DefaultScheduleStatus.RUNNING, tags=launch_tags(SCHEDULE),
    description="Refreshes the month just ended, on the 5th at 06:00 once partners' month-end extracts are in.",
)


def _report_request(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    """Tags the ended refresh with its outcome, and requests its report."""
    run = context.dagster_run
    tag_outcome(context.instance, run.run_id)
    warehouse = run.run_config.get("resources", {}).get("warehouse", {})
    return dg.RunRequest(
        run_key=run.run_id, tags=report_tags(context.instance, run.run_id),
        run_config={"ops": {"quality_report": {"config": {"refresh_run_id": run.run_id}}},
                    **({"resources": {"warehouse": warehouse}} if warehouse else {})},
    )


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[refresh_job],
                      request_job=report_job, default_status=dg.DefaultSensorStatus.RUNNING)
def report_after_published_refresh(context: dg.RunStatusSensorContext):
    """A refresh finished: tag its outcome and report on it."""
    return _report_request(context)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.FAILURE, monitored_jobs=[refresh_job],
                      request_job=report_job, default_status=dg.DefaultSensorStatus.RUNNING)
def report_after_failed_refresh(context: dg.RunStatusSensorContext):
    """A refresh failed or was held back: tag why and report it."""
    return _report_request(context)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[refresh_job],
                      request_job=postgres_job, default_status=dg.DefaultSensorStatus.RUNNING)
def postgres_after_published_refresh(context: dg.RunStatusSensorContext):
    """A refresh published: rebuild the PostgreSQL target, when one is configured."""
    if configured_url() is None:
        return dg.SkipReason(f"{URL_ENV} is not set: the PostgreSQL target is off")
    run = context.dagster_run
    warehouse = run.run_config.get("resources", {}).get("warehouse", {})
    return dg.RunRequest(run_key=run.run_id,
                         run_config={"resources": {"warehouse": warehouse}} if warehouse else {})
