"""Where a Dagster process finds the warehouse, when nothing says: the demo under ``var/demo/``.

``dagster dev`` (or ``dagster definitions validate``) in the repository root of a fresh clone sets no
variable: with none of ``SEND_WAREHOUSE_HOME``, ``SEND_WAREHOUSE_DROP`` and the pseudonymisation key
set, the definitions use the demo home and drop (``make demo``'s) under the public demo key. Once any
of them is set, nothing is defaulted (a real deployment never falls back to the demo key). Dagster's
run history lives under the warehouse home (``HOME/dagster``), never in the repository.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_HOME, DEMO_DROP = REPO_ROOT / "var" / "demo" / "home", REPO_ROOT / "var" / "demo" / "drop"
HOME_ENV, DROP_ENV = "SEND_WAREHOUSE_HOME", "SEND_WAREHOUSE_DROP"
STORAGE_ENV, LOGS_ENV = "SEND_WAREHOUSE_DAGSTER_STORAGE", "SEND_WAREHOUSE_DAGSTER_LOGS"
# These machines are offline and the data sensitive: no usage analytics anywhere.
ANALYTICS_OFF = {"GX_ANALYTICS_ENABLED": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                 "DAGSTER_DISABLE_TELEMETRY": "true"}


def default_to_demo() -> bool:
    """The demo home, drop and key when none of them is set; returns whether it defaulted."""
    from connectors.pseudonymise import DEMO_ENV, DEMO_KEY, KEY_ENV

    if any(os.environ.get(name) for name in (HOME_ENV, DROP_ENV, KEY_ENV)):
        return False
    os.environ.update({HOME_ENV: str(DEMO_HOME), DROP_ENV: str(DEMO_DROP), KEY_ENV: DEMO_KEY, DEMO_ENV: "1"})
    return True


def analytics_off() -> None:
    os.environ.update(ANALYTICS_OFF)


def dagster_storage_dir() -> Path:
    """Dagster's run, event-log and schedule storage: ``SEND_WAREHOUSE_DAGSTER_STORAGE``, else
    ``HOME/dagster`` of ``SEND_WAREHOUSE_HOME``, else the demo home's."""
    if os.environ.get(STORAGE_ENV):
        return Path(os.environ[STORAGE_ENV])
    return Path(os.environ.get(HOME_ENV) or DEMO_HOME) / "dagster"


def dagster_logs_dir() -> Path:
    """Dagster's compute logs: ``SEND_WAREHOUSE_DAGSTER_LOGS``, else ``logs/`` of the storage folder."""
    return Path(os.environ[LOGS_ENV]) if os.environ.get(LOGS_ENV) else dagster_storage_dir() / "logs"
