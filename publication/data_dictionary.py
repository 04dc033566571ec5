"""The data dictionary published with every tier: each column of each published table, its
type and its meaning. Meanings are the column descriptions of the dbt manifest, so the dictionary
and ``dbt docs`` say the same thing."""
from __future__ import annotations

from publication.dbt_manifest import column_descriptions

DICTIONARY_COLUMNS = {
    "table": "Published table (each is a CSV file, a Parquet file and a table of schema marts in published.duckdb).",
    "column": "Column name, as in the file's header.",
    "type": "DuckDB/SQL type of the column (CSV files hold it as ISO 8601 dates, true/false, plain numbers).",
    "description": "What the column means.",
}


class UndocumentedColumnError(RuntimeError):
    """A published column has no description in the dbt docs."""


def dictionary_rows(table: str, model: str, columns: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The dictionary rows of ``table`` (published from dbt ``model``), from (column, type) pairs."""
    described = DICTIONARY_COLUMNS if model == "data_dictionary" else column_descriptions().get(model, {})
    missing = [name for name, _ in columns if not described.get(name)]
    if missing:
        raise UndocumentedColumnError(
            f"cannot publish {table}: column(s) {', '.join(missing)} of {model} have no description "
            "in the dbt project (its schema.yml or the seeds' _seeds.yml)")
    return [{"table": table, "column": name, "type": column_type, "description": described[name]}
            for name, column_type in columns]
