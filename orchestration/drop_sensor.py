"""The drop-folder sensor: a new or corrected partner file starts a refresh of what it feeds.

Each tick lists the drop folder's settled files (unchanged for ``SETTLE_SECONDS``, so a file
still being copied waits for a later tick) and compares their sizes and modification times
with the cursor, which holds those of the previous tick. Every partner with a new or changed
file gets one run of its changed extracts' landing assets and everything downstream of them
(dbt models, checks, the landing gate, publication); other partners' landing assets are not
in the run. The run key is the partner and the state of its changed files, so the same
delivery never starts two runs. The first tick (no cursor yet, e.g. a new deployment) only
records what is there: those files are the monthly refresh's, or a manual run's. Database
sources have no files: the monthly refresh reads them.
"""
from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from pathlib import Path

import dagster as dg

from connectors.contracts import all_contracts
from connectors.drop import deliveries_for, unrecognised_files
from orchestration.assets.landing import clean_key
from orchestration.jobs import REFRESH_SELECTION, refresh_job
from orchestration.resources import DropFolder
from orchestration.run_tags import DROP_SENSOR, launch_tags

SETTLE_SECONDS = 60
GATE_KEY = dg.AssetKey("landing_gate")


def drop_targets(drop: Path) -> dict[str, tuple[str, dg.AssetKey]]:
    """Every file in the drop (path relative to it) -> (partner, the asset that lands it).

    A file no contract claims goes to ``landing_gate``, which records it and holds publication back.
    """
    today = date.today()
    targets = {}
    for contract in (c for c in all_contracts() if not c.bundled):  # bundled data is not in the drop
        for delivery in deliveries_for(contract, drop, today):
            targets[str(delivery.path.relative_to(drop))] = (contract.partner, clean_key(contract))
    for stray in unrecognised_files(drop):
        if stray.path is not None:
            targets[str(stray.path.relative_to(drop))] = (stray.partner, GATE_KEY)
    return targets


def _state(path: Path) -> list[int]:
    stat = path.stat() if path.exists() else path.lstat()  # a broken link is a stray too
    return [stat.st_size, stat.st_mtime_ns]


def _run_key(partner: str, states: dict[str, list[int]]) -> str:
    digest = hashlib.sha256(json.dumps(states, sort_keys=True).encode()).hexdigest()[:16]
    return f"{partner}:{digest}"


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
    for name, (partner, key) in sorted(drop_targets(root).items()):
        state = _state(root / name)
        if state[1] / 1e9 > settled_before:  # still being written: look again next tick
            if name in seen:
                cursor[name] = seen[name]
            continue
        cursor[name] = state
        if seen.get(name) != state:
            changed.setdefault(partner, {})[name] = state
            keys.setdefault(partner, set()).add(key)
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    if first_look:
        return dg.SkipReason(f"first look at {root}: {len(cursor)} settled file(s) recorded; "
                             "new or changed files from now on start runs")
    if not changed:
        return dg.SkipReason(f"no new or changed settled file in {root}")
    graph = context.repository_def.asset_graph
    requests = []
    for partner, states in sorted(changed.items()):
        selection = dg.AssetSelection.assets(*keys[partner]).downstream() & REFRESH_SELECTION
        assets = sorted(selection.resolve(graph), key=lambda k: k.to_user_string())
        requests.append(dg.RunRequest(
            run_key=_run_key(partner, states),
            asset_selection=assets,
            asset_check_keys=sorted(dg.AssetSelection.assets(*assets).resolve_checks(graph),
                                    key=lambda k: k.to_user_string()),
            tags={**launch_tags(DROP_SENSOR), "send_warehouse/partner": partner},
        ))
        context.log.info(f"{partner}: {len(states)} new or changed file(s): {', '.join(sorted(states))}")
    return requests
