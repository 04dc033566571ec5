"""The limits a refresh is compared with: the same work done directly in DuckDB, in one process.

``load``: every CSV extract of a drop loaded with DuckDB's own reader (``read_csv``, all columns
as text), no validation, no pseudonymisation, no orchestration.

``transform``: the dbt models' compiled SQL (from ``dbt compile``'s ``manifest.json``) executed
one after another in dependency order into a copy of a refreshed warehouse, as the views and
tables dbt would make, then the compiled data tests as ``select count(*)``. No dbt process,
no parsing, no Dagster.

Run as ``python -m benchmarks.direct load DROP DB OUT.json`` or
``python -m benchmarks.direct transform DB TARGET_DIR OUT.json``; each writes its timings to OUT.json.
"""
from __future__ import annotations

import json
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

STAGING_PREFIX = "stg_"


def load(drop: Path, database: Path) -> dict:
    """Seconds and rows per CSV file of ``drop``, each loaded into its own table of ``database``."""
    files = []
    with duckdb.connect(str(database)) as con:
        for i, path in enumerate(sorted(drop.glob("*/*.csv"))):
            started = time.perf_counter()
            con.execute(f"create table t{i} as select * from read_csv(?, header = true, all_varchar = true)",
                        [str(path)])
            seconds = time.perf_counter() - started
            rows = con.execute(f"select count(*) from t{i}").fetchone()[0]
            files.append({"file": f"{path.parent.name}/{path.name}", "rows": rows, "seconds": seconds})
    return {"files": files, "rows": sum(f["rows"] for f in files),
            "seconds": sum(f["seconds"] for f in files)}


def model_order(manifest: dict) -> list[dict]:
    """The manifest's models, each after every model it depends on."""
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    graph = {uid: [d for d in node["depends_on"]["nodes"] if d in models] for uid, node in models.items()}
    return [models[uid] for uid in TopologicalSorter(graph).static_order()]


def _materialise(node: dict) -> str:
    kind = node["config"]["materialized"]
    if kind not in ("view", "table"):
        raise ValueError(f"{node['name']}: materialisation {kind!r} is not reproduced here")
    return f"create or replace {kind} {node['relation_name']} as (\n{node['compiled_code']}\n)"


def transform(database: Path, target: Path) -> dict:
    """Seconds per model and for all data tests, executing ``target/manifest.json``'s compiled SQL."""
    manifest = json.loads((target / "manifest.json").read_text())
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    models = []
    with duckdb.connect(str(database)) as con:
        for node in model_order(manifest):
            started = time.perf_counter()
            con.execute(_materialise(node))
            models.append({"model": node["name"], "staging": node["name"].startswith(STAGING_PREFIX),
                           "seconds": time.perf_counter() - started})
        started = time.perf_counter()
        failing = sum(con.execute(f"select count(*) from (\n{n['compiled_code']}\n) t").fetchone()[0]
                      for n in tests)
        tests_seconds = time.perf_counter() - started
    staging = sum(m["seconds"] for m in models if m["staging"])
    return {"models": models, "staging_seconds": staging,
            "marts_seconds": sum(m["seconds"] for m in models) - staging,
            "tests": len(tests), "tests_failing_rows": failing, "tests_seconds": tests_seconds}


def main(argv: list[str]) -> int:
    command, *paths = argv
    if command == "load":
        drop, database, out = map(Path, paths)
        result = load(drop, database)
    elif command == "transform":
        database, target, out = map(Path, paths)
        result = transform(database, target)
    else:
        raise SystemExit(f"unknown command {command!r}: load or transform")
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
