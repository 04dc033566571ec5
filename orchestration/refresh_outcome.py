"""Did a refresh run publish, and if not, why: read from the Dagster instance's event log."""
from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg
from dagster import DagsterEventType

from orchestration.fault_messages import plain_error
from reporting.figures import FileCheckFailure, dataset_name

PUBLICATION_KEY = dg.AssetKey("publication")
# What the file-level blocking checks (orchestration/assets/landing.py) require, in the board's words.
FILE_CHECKS = {
    "delivery_accepted": "The extract's newest delivery was accepted.",
    "every_extract_accepted": "Every extract's newest delivery was accepted and every file in the drop "
                              "is recognised.",
}


@dataclass
class RefreshOutcome:
    run_id: str
    published: bool
    reasons: list[str] = field(default_factory=list)  # why publication was held back, in plain words
    file_failures: list[FileCheckFailure] = field(default_factory=list)  # failed blocking checks on files


def _check_reasons(evaluation) -> list[str]:
    """A failed check in the board's words: its listed problems (a file rejected, and why), or
    the data it checks and how many critical expectations failed."""
    problems = evaluation.metadata.get("problems")
    if problems is not None and problems.value not in ("", "none"):
        return problems.value.splitlines()
    dataset = dataset_name(evaluation.asset_key.to_user_string())
    failed = evaluation.metadata.get("failed_critical")
    if failed is not None:
        count = int(failed.value)
        return [f"{dataset}: {count} critical check{'s' if count != 1 else ''} failed "
                "(listed under 'Checks that failed')."]
    return [f"{dataset}: {evaluation.description}" if evaluation.description
            else f"{dataset}: the check '{evaluation.check_name}' failed."]


def _file_failure(evaluation) -> FileCheckFailure | None:
    """A failed check on files (a delivery rejected or missing, the landing gate), not on rows:
    row checks are in the validation history with their expectations."""
    if "failed_critical" in evaluation.metadata:
        return None
    problems = evaluation.metadata.get("problems")
    listed = problems.value.splitlines() if problems is not None and problems.value not in ("", "none") else []
    return FileCheckFailure(dataset=dataset_name(evaluation.asset_key.to_user_string()),
                            description=evaluation.description or FILE_CHECKS.get(
                                evaluation.check_name, f"The check '{evaluation.check_name}' passes."),
                            problems=tuple(listed))


def _step_name(step_key: str) -> str:
    """A step in the board's words: landing steps by their extract."""
    if step_key.startswith("clean__"):
        return f"Landing {dataset_name('clean/' + step_key.removeprefix('clean__'))}"
    return f"The step '{step_key}'"


def refresh_outcome(instance: dg.DagsterInstance, run_id: str) -> RefreshOutcome:
    """Publication materialised in this run or not; failed blocking checks and steps as reasons."""
    entries = instance.all_logs(run_id, of_type={
        DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_CHECK_EVALUATION,
        DagsterEventType.STEP_FAILURE, DagsterEventType.RUN_FAILURE,
    })
    published = False
    reasons: list[str] = []
    file_failures: list[FileCheckFailure] = []
    failed_steps: dict[str, list[str]] = {}  # plain cause -> steps failing with it
    for entry in entries:
        event = entry.dagster_event
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            published |= event.asset_key == PUBLICATION_KEY
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                reasons.extend(_check_reasons(evaluation))
                if (failure := _file_failure(evaluation)) is not None:
                    file_failures.append(failure)
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            if "DagsterAssetCheckFailedError" not in (error.cls_name if error else ""):
                failed_steps.setdefault(plain_error(error), []).append(event.step_key)
        elif event.event_type == DagsterEventType.RUN_FAILURE and not reasons and not failed_steps:
            # the run stopped before any step, e.g. another run holds the warehouse
            error = event.event_specific_data.error if event.event_specific_data else None
            if error is not None:
                reasons.append(f"The refresh did not start: {plain_error(error)}")
    for cause, steps in failed_steps.items():
        reasons.append(f"{_step_name(steps[0])} failed: {cause}" if len(steps) == 1 else
                       f"{len(steps)} steps failed ({', '.join(steps[:3])}{', ...' if len(steps) > 3 else ''}): "
                       f"{cause}")
    if not published and not reasons:
        reasons.append("The publication step did not run.")
    # A rejected file fails its extract's check and the landing gate: say it once.
    return RefreshOutcome(run_id, published, [] if published else list(dict.fromkeys(reasons)), file_failures)
