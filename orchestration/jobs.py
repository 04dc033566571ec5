"""Jobs, the monthly schedule, and the sensor that writes the board report after every refresh."""

import dagster as dg

from orchestration.assets.report import REFRESH_JOB, quality_report

refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(quality_report),
    description="Land every partner extract, build the dbt models, check them and publish.",
)
report_job = dg.define_asset_job(
    "data_quality_report", selection=dg.AssetSelection.assets(quality_report),
    description="Write the governance board's data-quality report for a refresh.",
)

monthly_refresh = dg.ScheduleDefinition(
    job=refresh_job, cron_schedule="0 6 5 * *", execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Monthly full refresh, on the 5th at 06:00 once partners' month-end extracts are in.",
)


def _report_request(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    run = context.dagster_run
    warehouse = run.run_config.get("resources", {}).get("warehouse", {})
    return dg.RunRequest(
        run_key=run.run_id,
        run_config={"ops": {"quality_report": {"config": {"refresh_run_id": run.run_id}}},
                    **({"resources": {"warehouse": warehouse}} if warehouse else {})},
    )


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[refresh_job],
                      request_job=report_job, default_status=dg.DefaultSensorStatus.RUNNING)
def report_after_published_refresh(context: dg.RunStatusSensorContext):
    """A refresh finished: report on it."""
    return _report_request(context)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.FAILURE, monitored_jobs=[refresh_job],
                      request_job=report_job, default_status=dg.DefaultSensorStatus.RUNNING)
def report_after_failed_refresh(context: dg.RunStatusSensorContext):
    """A refresh failed or was held back: report why."""
    return _report_request(context)
