"""Did a refresh run publish, and if not, why: read from the Dagster instance's event log."""
from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg
from dagster import DagsterEventType

PUBLICATION_KEY = dg.AssetKey("publication")


@dataclass
class RefreshOutcome:
    run_id: str
    published: bool
    reasons: list[str] = field(default_factory=list)  # why publication was held back


def _problem_text(evaluation) -> str:
    problems = evaluation.metadata.get("problems")
    detail = problems.value if problems is not None else (evaluation.description or "")
    failed = evaluation.metadata.get("failed_expectations")
    if failed is not None:
        detail = f"{detail}\n{failed.value}".strip()
    return detail


def refresh_outcome(instance: dg.DagsterInstance, run_id: str) -> RefreshOutcome:
    """Publication materialised in this run or not; failed blocking checks and steps as reasons."""
    entries = instance.all_logs(run_id, of_type={
        DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_CHECK_EVALUATION,
        DagsterEventType.STEP_FAILURE,
    })
    published = False
    reasons: list[str] = []
    for entry in entries:
        event = entry.dagster_event
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            published |= event.asset_key == PUBLICATION_KEY
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                detail = _problem_text(evaluation)
                reasons.append(f"{evaluation.asset_key.to_user_string()} — check "
                               f"'{evaluation.check_name}' failed" + (f": {detail}" if detail else ""))
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            message = error.message.strip().splitlines()[0] if error else "unknown error"
            if "DagsterAssetCheckFailedError" not in (error.cls_name if error else ""):
                reasons.append(f"step {event.step_key} failed: {message}")
    if not published and not reasons:
        reasons.append("the publication step did not run")
    return RefreshOutcome(run_id, published, [] if published else reasons)
