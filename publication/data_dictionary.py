"""The data dictionary published with every tier: each column of each published table, its
type and its meaning. Meanings come from the dbt docs (``models/marts/schema.yml`` and
``seeds/_seeds.yml``), so the dictionary and ``dbt docs`` say the same thing."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
DOCUMENTED = (DBT_PROJECT / "models" / "marts" / "schema.yml", DBT_PROJECT / "seeds" / "_seeds.yml")
DICTIONARY_COLUMNS = {
    "table": "Published table (each is a CSV file, a Parquet file and a table of schema marts in published.duckdb).",
    "column": "Column name, as in the file's header.",
    "type": "DuckDB/SQL type of the column (CSV files hold it as ISO 8601 dates, true/false, plain numbers).",
    "description": "What the column means.",
}


class UndocumentedColumnError(RuntimeError):
    """A published column has no description in the dbt docs."""


@cache
def column_descriptions() -> dict[str, dict[str, str]]:
    """dbt model or seed name -> column name -> description."""
    described: dict[str, dict[str, str]] = {}
    for path in DOCUMENTED:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node in spec.get("models", []) + spec.get("seeds", []):
            described[node["name"]] = {
                column["name"]: " ".join(column.get("description", "").split())
                for column in node.get("columns", [])
            }
    return described


def dictionary_rows(table: str, model: str, columns: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The dictionary rows of ``table`` (published from dbt ``model``), from (column, type) pairs."""
    described = DICTIONARY_COLUMNS if model == "data_dictionary" else column_descriptions().get(model, {})
    missing = [name for name, _ in columns if not described.get(name)]
    if missing:
        raise UndocumentedColumnError(
            f"cannot publish {table}: column(s) {', '.join(missing)} of {model} have no description "
            "in dbt_project/models/marts/schema.yml or dbt_project/seeds/_seeds.yml")
    return [{"table": table, "column": name, "type": column_type, "description": described[name]}
            for name, column_type in columns]
