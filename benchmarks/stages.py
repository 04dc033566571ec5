"""The stages of a refresh, timed from the Dagster event log of its runs.

Every Dagster step of the refresh job belongs to one stage by its step key: the landing
assets (``clean__<partner>__<extract>``) and ``landing_gate`` are landing, the Great
Expectations checks (``*_quality_suite``) are expectations, ``publication`` is publication
and the report job's ``quality_report`` is the report. The one dbt step
(``warehouse_dbt_models``, a single ``dbt build``) is split in two at the last event about a
staging model (``stg_*`` materialisation or dbt test result): before it is *staging* (dbt
start-up and parsing, seeds, the staging views and their tests), after it *cohort and marts*
(intermediate models, marts, KPI models, their data tests and the dbt unit tests).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
from dagster import DagsterEventType

SAMPLE, LANDING, STAGING, MARTS = "sample generation", "landing", "staging", "cohort and marts"
EXPECTATIONS, PUBLICATION, REPORT = "expectations", "publication", "report"
ORCHESTRATION = "orchestration"  # in the refresh process but in no step: start-up, run set-up, between steps
STAGES = (SAMPLE, LANDING, STAGING, MARTS, EXPECTATIONS, PUBLICATION, REPORT, ORCHESTRATION)

DBT_STEP = "warehouse_dbt_models"
STAGING_PREFIX = "stg_"


@dataclass(frozen=True)
class Interval:
    stage: str
    step_key: str
    start: float  # epoch seconds
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def stage_of(step_key: str) -> str:
    """The stage of a refresh or report step (the dbt step is split separately)."""
    if step_key.endswith("_quality_suite"):
        return EXPECTATIONS
    if step_key.startswith("clean__") or step_key == "landing_gate":
        return LANDING
    if step_key == "publication":
        return PUBLICATION
    if step_key == "quality_report":
        return REPORT
    if step_key == DBT_STEP:
        return MARTS
    raise ValueError(f"step {step_key!r} belongs to no benchmark stage")


def _event_asset_key(event: dg.DagsterEvent) -> dg.AssetKey | None:
    if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
        return event.asset_key
    if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        return event.event_specific_data.asset_key
    return None


def step_intervals(entries: Iterable[dg.EventLogEntry]) -> list[Interval]:
    """One interval per finished step of a run's event log, the dbt step cut into two stages."""
    started: dict[str, float] = {}
    last_staging: float | None = None
    intervals: list[Interval] = []
    for entry in entries:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        key = event.step_key
        if event.event_type == DagsterEventType.STEP_START:
            started[key] = entry.timestamp
        elif key == DBT_STEP and (asset := _event_asset_key(event)) is not None:
            if asset.path[-1].startswith(STAGING_PREFIX):
                last_staging = entry.timestamp
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            start = started.pop(key)
            if key == DBT_STEP and last_staging is not None:
                intervals.append(Interval(STAGING, key, start, last_staging))
                start = last_staging
            intervals.append(Interval(stage_of(key), key, start, entry.timestamp))
    return intervals


def run_intervals(instance: dg.DagsterInstance, run_id: str) -> list[Interval]:
    """The step intervals of one run stored in ``instance``."""
    return step_intervals(instance.all_logs(run_id))
