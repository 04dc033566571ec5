"""Dagster's instance storage under the warehouse home (``dagster.yaml`` names these classes), found
from the environment when each Dagster process starts: see ``orchestration.environment``."""
from __future__ import annotations

from dagster._core.storage.local_compute_log_manager import LocalComputeLogManager
from dagster._core.storage.root import LocalArtifactStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage

from orchestration.environment import dagster_logs_dir, dagster_storage_dir


class HomeSqliteStorage(DagsterSqliteStorage):
    """Runs, event logs and schedules in SQLite under ``HOME/dagster``."""

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> DagsterSqliteStorage:
        return DagsterSqliteStorage.from_local(str(dagster_storage_dir()), inst_data=inst_data)


class HomeArtifactStorage(LocalArtifactStorage):
    """Run artifacts under ``HOME/dagster``."""

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> LocalArtifactStorage:
        return LocalArtifactStorage(str(dagster_storage_dir()), inst_data=inst_data)


class HomeComputeLogManager(LocalComputeLogManager):
    """Step stdout and stderr under ``HOME/dagster/logs``."""

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> LocalComputeLogManager:
        return LocalComputeLogManager(str(dagster_logs_dir()), inst_data=inst_data)
