"""The drop-folder sensor: a new or corrected partner file starts a refresh of what it feeds.

Each tick lists the drop folder's settled files (unchanged for ``SETTLE_SECONDS``, so a file
still being copied waits for a later tick) and compares their sizes and modification times
with the cursor, which holds those of the previous tick. Every partner with a new or changed
file gets a run of its changed extracts' landing assets and everything downstream of them
(dbt models, checks, the landing gate, publication) for the reporting months those files affect:
a file dated D is current on every month end from D's until the extract's next file in the drop
(the newest file: until the drop's newest month), so a correction for March re-runs March alone.
Contiguous months are one run; other partners' landing assets are not in it. The run key is the
partner, the months and the state of its changed files, so the same delivery never starts two runs.
The first tick (no cursor yet, e.g. a new deployment) only records what is there: those files are
the monthly refresh's, or a manual run's. Database sources have no files: the monthly refresh reads them.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg

from connectors.contracts import all_contracts
from connectors.drop import deliveries_for, unrecognised_files
from orchestration.assets.landing import clean_key
from orchestration.jobs import HISTORY, PAST_MONTHS_SELECTION, REFRESH_SELECTION, past_months_only, refresh_job
from orchestration.partitions import last_month, month_end, month_key, months_between, range_tags
from orchestration.resources import DropFolder
from orchestration.run_tags import DROP_SENSOR, launch_tags

SETTLE_SECONDS = 60
GATE_KEY = dg.AssetKey("landing_gate")


@dataclass(frozen=True)
class DropTarget:
    """A drop file's partner, the asset that lands it, and (for a claimed, dated file) its extract and date."""

    partner: str
    asset: dg.AssetKey
    extract: str | None = None
    as_at: date | None = None


def drop_targets(drop: Path) -> dict[str, DropTarget]:
    """Every file in the drop (path relative to it) and where it goes.

    A file no contract claims goes to ``landing_gate``, which records it and holds publication back.
    """
    today = date.today()
    targets = {}
    for contract in (c for c in all_contracts() if not c.bundled):  # bundled data is not in the drop
        for delivery in deliveries_for(contract, drop, today):
            targets[str(delivery.path.relative_to(drop))] = DropTarget(
                contract.partner, clean_key(contract), contract.name, delivery.as_at)
    for stray in unrecognised_files(drop):
        if stray.path is not None:
            targets[str(stray.path.relative_to(drop))] = DropTarget(stray.partner, GATE_KEY)
    return targets


def affected_months(targets: dict[str, DropTarget], changed: list[str]) -> list[date]:
    """The month ends on which any of the ``changed`` files is current, within the months that have
    partitions; a stray or undated file affects the drop's newest month."""
    last = last_month()
    dated = [t.as_at for t in targets.values() if t.as_at]
    newest = min(month_end(max(dated)), last) if dated else last
    months: set[date] = set()
    for name in changed:
        target = targets[name]
        if target.as_at is None:
            months.add(newest)
            continue
        later = [t.as_at for t in targets.values() if t.extract == target.extract and t.as_at > target.as_at]
        until = min(later, default=None)
        months.update(m for m in months_between(target.as_at, newest) if until is None or m < until)
    return sorted(m for m in months if m <= last) or [newest]


def contiguous_ranges(months: list[date]) -> list[tuple[date, date]]:
    """Sorted month ends grouped into runs of consecutive months: (first, last) of each."""
    ranges: list[tuple[date, date]] = []
    for month in months:
        if ranges and months_between(ranges[-1][1], month)[1:] == [month]:
            ranges[-1] = (ranges[-1][0], month)
        else:
            ranges.append((month, month))
    return ranges


def _state(path: Path) -> list[int]:
    stat = path.stat() if path.exists() else path.lstat()  # a broken link is a stray too
    return [stat.st_size, stat.st_mtime_ns]


def _run_key(partner: str, months: tuple[date, date], states: dict[str, list[int]]) -> str:
    digest = hashlib.sha256(json.dumps(states, sort_keys=True).encode()).hexdigest()[:16]
    return f"{partner}:{month_key(months[0])}..{month_key(months[1])}:{digest}"


@dg.sensor(
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the drop folder: a new or corrected file refreshes its partner's landing "
                "assets and everything downstream of them.",
)
def partner_drop_sensor(context: dg.SensorEvaluationContext, drop: DropFolder):
    root = Path(drop.path)
    first_look = context.cursor is None
    seen: dict[str, list[int]] = {} if first_look else json.loads(context.cursor)
    settled_before = time.time() - SETTLE_SECONDS
    cursor: dict[str, list[int]] = {}
    changed: dict[str, dict[str, list[int]]] = {}
    keys: dict[str, set[dg.AssetKey]] = {}
    targets = drop_targets(root)
    for name, target in sorted(targets.items()):
        partner = target.partner
        state = _state(root / name)
        if state[1] / 1e9 > settled_before:  # still being written: look again next tick
            if name in seen:
                cursor[name] = seen[name]
            continue
        cursor[name] = state
        if seen.get(name) != state:
            changed.setdefault(partner, {})[name] = state
            keys.setdefault(partner, set()).add(target.asset)
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    if first_look:
        return dg.SkipReason(f"first look at {root}: {len(cursor)} settled file(s) recorded; "
                             "new or changed files from now on start runs")
    if not changed:
        return dg.SkipReason(f"no new or changed settled file in {root}")
    graph = context.repository_def.asset_graph
    built = context.instance.get_materialized_partitions(HISTORY)
    newest_built = month_end(date.fromisoformat(max(built))) if built else None
    requests = []
    for partner, states in sorted(changed.items()):
        months = affected_months(targets, sorted(states))
        for first, last in contiguous_ranges(months):
            built = PAST_MONTHS_SELECTION if past_months_only(last, newest_built) else REFRESH_SELECTION
            selection = dg.AssetSelection.assets(*keys[partner]).downstream() & built
            assets = sorted(selection.resolve(graph), key=lambda k: k.to_user_string())
            checks = sorted(dg.AssetSelection.assets(*assets).resolve_checks(graph), key=lambda k: k.to_user_string())
            requests.append(dg.RunRequest(
                run_key=_run_key(partner, (first, last), states), asset_selection=assets, asset_check_keys=checks,
                tags={**launch_tags(DROP_SENSOR), "send_warehouse/partner": partner, **range_tags(first, last)},
            ))
        context.log.info(f"{partner}: {len(states)} new or changed file(s) ({', '.join(sorted(states))}) "
                         f"affect {len(months)} reporting month(s)")
    return requests
