"""The data dictionary published with every tier: each published table (a row with an empty
``column``) and each of its columns, its type and its meaning. Meanings are the descriptions of
the dbt manifest, so the dictionary and ``dbt docs`` say the same thing.

Every table that publishes figures has a ``status`` column (disclosure.md rule 7); a table
without one must say in its description why it needs none (it publishes no counts), so that
the dictionary tells a reader, and a new table of figures cannot be published without it."""
from __future__ import annotations

from publication.dbt_manifest import column_descriptions, table_descriptions

DICTIONARY_COLUMNS = {
    "table": "Published table (each is a CSV file, a Parquet file and a table of schema marts in published.duckdb).",
    "column": "Column name, as in the file's header; empty on the row that describes the table itself.",
    "type": "DuckDB/SQL type of the column (CSV files hold it as ISO 8601 dates, true/false, plain numbers); "
            "TABLE on the row that describes the table.",
    "description": "What the table or column means.",
}
DICTIONARY_DESCRIPTION = ("Every column of every table of this tier, its type and its meaning. It publishes no "
                          "counts, so it has no status column.")
TABLE_TYPE = "TABLE"
NO_STATUS = "no status column"


class UndocumentedStatusError(RuntimeError):
    """A published table has no status column and does not say why it needs none."""


class UndocumentedColumnError(RuntimeError):
    """A published column has no description in the dbt docs."""


def dictionary_rows(table: str, model: str, columns: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The dictionary rows of ``table`` (published from dbt ``model``): the table's, then one per
    column from (column, type) pairs."""
    is_dictionary = model == "data_dictionary"
    described = DICTIONARY_COLUMNS if is_dictionary else column_descriptions().get(model, {})
    missing = [name for name, _ in columns if not described.get(name)]
    if missing:
        raise UndocumentedColumnError(
            f"cannot publish {table}: column(s) {', '.join(missing)} of {model} have no description "
            "in the dbt project (its schema.yml or the seeds' _seeds.yml)")
    about = DICTIONARY_DESCRIPTION if is_dictionary else table_descriptions().get(model, "")
    if "status" not in {name for name, _ in columns} and NO_STATUS not in about:
        raise UndocumentedStatusError(
            f"cannot publish {table}: it has no status column (disclosure.md rule 7) and the description of "
            f"{model} does not say why it needs none ('... so it has {NO_STATUS}')")
    return [{"table": table, "column": "", "type": TABLE_TYPE, "description": about}] + [
        {"table": table, "column": name, "type": column_type, "description": described[name]}
        for name, column_type in columns]
