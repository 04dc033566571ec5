"""What the benchmark ran on, and how busy the machine was meanwhile."""
from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime, UTC
from importlib.metadata import version
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 ** 2
    return 0.0


def _commit(repo: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "not a git checkout"
    changed = git("status", "--porcelain", "--", "connectors", "expectations", "orchestration", "dbt_project",
                  "publication", "reporting", "sample_data")
    return head + (" plus uncommitted changes" if changed else "")


def describe(repo: Path) -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory_gib": round(_memory_gib(), 1),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        **{package: version(package) for package in ("duckdb", "dagster", "dagster-dbt", "dbt-core",
                                                      "dbt-duckdb", "great-expectations", "pandas")},
        "commit": _commit(repo),
    }


def busy_cpu_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (``/proc/stat``)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICK
