"""dagster.yaml: SQLite under the warehouse home, one run at a time, and a valid documented PostgreSQL switch."""
import os
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import yaml
from dagster._config import Shape, process_config
from dagster._core.instance.config import dagster_instance_config_schema

from orchestration.environment import DEMO_HOME, dagster_logs_dir, dagster_storage_dir, default_to_demo

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_YAML = REPO_ROOT / "dagster.yaml"


def documented_postgres_storage() -> dict:
    """The `storage:` block the comments of dagster.yaml tell a shared deployment to use."""
    lines, taking = [], False
    for line in INSTANCE_YAML.read_text().splitlines():
        taking = taking or line.lstrip("# ").startswith("storage:")
        if taking:
            if not line.startswith("#        "):
                break
            lines.append(line[len("#        "):])
    return yaml.safe_load("\n".join(lines))


def test_the_shipped_instance_keeps_history_under_the_home_and_runs_one_run_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SEND_WAREHOUSE_DAGSTER_STORAGE", str(tmp_path / "dagster"))
    monkeypatch.setenv("SEND_WAREHOUSE_DAGSTER_LOGS", str(tmp_path / "logs"))
    instance = dg.DagsterInstance.from_config(str(REPO_ROOT))
    try:
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert (tmp_path / "dagster" / "history" / "runs.db").is_file()
        assert instance.compute_log_manager._base_dir == str(tmp_path / "logs")
        assert not instance.telemetry_enabled
    finally:
        instance.dispose()


def test_without_variables_history_goes_under_the_warehouse_home_else_the_demo_home(tmp_path, monkeypatch):
    for name in ("SEND_WAREHOUSE_DAGSTER_STORAGE", "SEND_WAREHOUSE_DAGSTER_LOGS", "SEND_WAREHOUSE_HOME"):
        monkeypatch.delenv(name, raising=False)
    assert dagster_storage_dir() == DEMO_HOME / "dagster" and dagster_logs_dir() == DEMO_HOME / "dagster" / "logs"
    monkeypatch.setenv("SEND_WAREHOUSE_HOME", str(tmp_path))
    with dg.DagsterInstance.from_config(str(REPO_ROOT)) as instance:
        assert instance.run_storage is not None
    assert (tmp_path / "dagster" / "history" / "runs.db").is_file()


def test_the_demo_is_the_default_only_when_nothing_is_set(monkeypatch):
    names = ("SEND_WAREHOUSE_HOME", "SEND_WAREHOUSE_DROP", "SEND_WAREHOUSE_PSEUDO_KEY", "SEND_WAREHOUSE_DEMO")
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEND_WAREHOUSE_DROP", "/srv/drop")
    assert not default_to_demo() and "SEND_WAREHOUSE_PSEUDO_KEY" not in os.environ
    monkeypatch.delenv("SEND_WAREHOUSE_DROP")
    assert default_to_demo()
    assert (os.environ["SEND_WAREHOUSE_HOME"], os.environ["SEND_WAREHOUSE_DEMO"]) == (str(DEMO_HOME), "1")


def test_the_documented_postgresql_storage_is_valid_instance_config(monkeypatch):
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"):
        monkeypatch.setenv(name, "x")
    block = documented_postgres_storage()
    assert set(block["storage"]["postgres"]["postgres_db"]) == {"hostname", "username", "password", "db_name", "port"}
    assert block["storage"]["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_PG_PASSWORD"}
    result = process_config(Shape(dagster_instance_config_schema()), block)
    assert result.success, result.errors
    # the pinned dagster-postgres is the integration release of the pinned dagster (as dagster-dbt is)
    assert f'dagster-postgres=={version("dagster-dbt")}' in INSTANCE_YAML.read_text()
