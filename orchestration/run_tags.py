"""The tags every refresh run carries, so the Dagster UI's runs list and timeline say what each run was.

``send_warehouse/trigger`` (cli, schedule, drop_sensor; manual for a run launched without one) is set
at launch (Dagster's own tags say which reporting months); the dbt step tags the reporting date whose
marts it built (the newest month); when the run has ended, ``send_warehouse/outcome`` (published or held_back) and, for
a held-back run, ``send_warehouse/held_back_because`` (its first reason, in plain words). A report
run carries the reporting date and ``send_warehouse/refresh_run`` of the refresh it reports on.
"""
from __future__ import annotations

from datetime import date

import dagster as dg

from orchestration.refresh_outcome import RefreshOutcome, refresh_outcome

TRIGGER_TAG = "send_warehouse/trigger"
REPORTING_DATE_TAG = "send_warehouse/reporting_date"
OUTCOME_TAG = "send_warehouse/outcome"
REASON_TAG = "send_warehouse/held_back_because"
REFRESH_RUN_TAG = "send_warehouse/refresh_run"  # on a report run: the refresh it reports on
CLI, SCHEDULE, DROP_SENSOR, MANUAL = "cli", "schedule", "drop_sensor", "manual"
PUBLISHED, HELD_BACK = "published", "held_back"
REASON_LENGTH = 300  # a tag is a label on the runs list: the report holds every reason in full


def launch_tags(trigger: str) -> dict[str, str]:
    """The tags a refresh is launched with."""
    return {TRIGGER_TAG: trigger}


def report_tags(instance: dg.DagsterInstance, refresh_run_id: str) -> dict[str, str]:
    """A report run's tags: the refresh it reports on and the reporting date that refresh was tagged with."""
    refresh = instance.get_run_by_id(refresh_run_id)
    reporting_date = refresh.tags.get(REPORTING_DATE_TAG) if refresh else None
    return {REFRESH_RUN_TAG: refresh_run_id, **({REPORTING_DATE_TAG: reporting_date} if reporting_date else {})}


def tag_reporting_date(context: dg.AssetExecutionContext, reporting_date: date) -> None:
    """The reporting date whose marts the run built."""
    context.instance.add_run_tags(context.run_id, {REPORTING_DATE_TAG: reporting_date.isoformat()})


def tag_outcome(instance: dg.DagsterInstance, run_id: str) -> RefreshOutcome:
    """Tags the ended refresh with its outcome (and a trigger, if it was launched without one); returns it."""
    outcome = refresh_outcome(instance, run_id)
    tags = {OUTCOME_TAG: PUBLISHED if outcome.published else HELD_BACK}
    if not outcome.published:
        reason = outcome.reasons[0]
        more = len(outcome.reasons) - 1
        suffix = f" (and {more} more: see the data-quality report)" if more else ""
        if len(reason) + len(suffix) > REASON_LENGTH:
            reason = reason[:REASON_LENGTH - len(suffix) - 1].rstrip() + "…"
        tags[REASON_TAG] = reason + suffix
    run = instance.get_run_by_id(run_id)
    if run is not None and TRIGGER_TAG not in run.tags:
        tags[TRIGGER_TAG] = MANUAL
    instance.add_run_tags(run_id, tags)
    return outcome
