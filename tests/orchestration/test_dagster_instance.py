"""dagster.yaml: SQLite under the warehouse home, one run at a time, and a valid documented PostgreSQL switch."""
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import yaml
from dagster._config import Shape, process_config
from dagster._core.instance.config import dagster_instance_config_schema

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
        assert not instance.telemetry_enabled
    finally:
        instance.dispose()


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
