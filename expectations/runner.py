"""Validate a warehouse table against its expectation suite with Great Expectations.

GX cannot validate DuckDB through SQLAlchemy, so the runner reads only the columns the
suite needs into pandas and validates them with an ephemeral GX context and a pandas data
source. GX results are reduced to counts and percentages at once (see ``results`` and
``data_docs``): no value from a data row leaves this module.
"""
from __future__ import annotations

import copy
import os
import re
from datetime import UTC, date, datetime
from numbers import Real

import duckdb
import pandas as pd

os.environ["GX_ANALYTICS_ENABLED"] = "false"  # set before GX is imported: no usage analytics

import great_expectations as gx  # noqa: E402
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import pandas_execution_engine  # noqa: E402

# GX fingerprints every frame under HASH_THRESHOLD bytes by hashing all of its rows, twice per
# validation, for a batch marker nothing here reads: 40% of a suite's time (benchmarks/). Never.
pandas_execution_engine.HASH_THRESHOLD = 0

from expectations.data_docs import DataDocs  # noqa: E402
from expectations.parameters import reference_parameters  # noqa: E402
from expectations.results import Outcome, SuiteResult, append_results  # noqa: E402
from expectations.suite_files import SuiteFile, columns_in_condition, columns_named_by, load_suite  # noqa: E402

# BASIC keeps counts; with partial_unexpected_count 0 it lists no unexpected values either.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0}
TABLE_ROWS = "table_rows"  # GX asset name of the suite's table frame
_PARAMETER = re.compile(r"\$([a-z_]+)\b")
_AS_TIMESTAMP = {"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
_AS_DOUBLE = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
              "UINTEGER", "UBIGINT", "DECIMAL")


def validate(
    con: duckdb.DuckDBPyConnection,
    suite_name: str,
    *,
    run_id: str,
    asset_key: str,
    partner: str | None = None,
    extract: str | None = None,
    extract_date: date | None = None,
    data_docs: DataDocs | None = None,
) -> SuiteResult:
    """Run ``suite_name`` on its table, append the outcomes to ``quality.validation_results``.

    With ``partner``, ``extract`` and ``extract_date`` the suite sees one delivery: its SQL
    may use ``$file_id`` (that delivery's accepted file) and ``$previous_file_id`` (the
    accepted file of the delivery before it, if any). With ``data_docs`` the reduced GX
    results are also kept for GX's Data Docs.
    """
    suite = load_suite(suite_name)
    parameters = _sql_parameters(con, partner, extract, extract_date)
    # As a date-time string: GX compares date columns (read as timestamps) with date-times only.
    gx_parameters = reference_parameters()
    if extract_date:
        gx_parameters["extract_date"] = f"{extract_date.isoformat()}T00:00:00"
    context = _ephemeral_context()
    columns = _table_columns(con, suite.table)

    rows = _read_table_rows(con, suite, columns, parameters)
    runs = [_run(context, suite_name, TABLE_ROWS, rows,
                 suite.expectations_for(None) + _each_text_column(suite, columns), gx_parameters)]
    for frame, sql in suite.frames.items():
        if expectations := suite.expectations_for(frame):
            runs.append(_run(context, f"{suite_name}.{frame}", frame, _query(con, sql, parameters),
                             expectations, gx_parameters))
    runs = [run for run in runs if run is not None]

    validated_at = datetime.now(UTC).replace(tzinfo=None)
    outcomes = tuple(
        _outcome(r, suite=suite_name, asset=asset_key, partner=partner, extract=extract,
                 extract_date=extract_date, run_id=run_id, validated_at=validated_at)
        for _, validation in runs for r in validation.results
    )
    if data_docs is not None:
        batch = f"{asset_key}.{extract_date}" if extract_date else asset_key
        for gx_suite, validation in runs:
            data_docs.record(gx_suite, validation, run_id=run_id, run_time=validated_at, batch=batch)
    result = SuiteResult(suite=suite_name, asset=asset_key, rows_validated=len(rows), outcomes=outcomes)
    append_results(con, result)
    return result


def _sql_parameters(con, partner, extract, extract_date) -> dict:
    if not (partner and extract and extract_date):
        return {}
    found = con.execute(
        "select file_id from landing.files where partner = ? and extract = ? and as_at = ? "
        "and status = 'accepted' order by received_at desc limit 1",
        [partner, extract, extract_date],
    ).fetchone()
    if found is None:
        raise ValueError(f"no accepted {partner}/{extract} delivery as at {extract_date}")
    previous = con.execute(
        "select file_id from landing.files where partner = ? and extract = ? and as_at < ? "
        "and status = 'accepted' order by as_at desc, received_at desc limit 1",
        [partner, extract, extract_date],
    ).fetchone()
    return {"partner": partner, "extract": extract, "extract_date": extract_date,
            "file_id": found[0], "previous_file_id": previous[0] if previous else None}


def _query(con, sql: str, parameters: dict) -> pd.DataFrame:
    """Run suite SQL, binding the ``$name`` parameters it uses."""
    names = set(_PARAMETER.findall(sql))
    missing = names - parameters.keys()
    if missing:
        raise ValueError(f"suite SQL needs {sorted(missing)}: pass partner, extract and extract_date")
    # Through Arrow: several times faster than DuckDB's own DataFrame conversion for text.
    return con.execute(sql, {name: parameters[name] for name in names}).to_arrow_table().to_pandas()


def _table_columns(con, table: str) -> dict[str, str]:
    """Column name -> DuckDB type of ``schema.table``."""
    schema, name = table.split(".")
    found = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not found:
        raise ValueError(f"table {table} does not exist")
    return dict(found)


def _needed_columns(suite: SuiteFile, columns: dict[str, str]) -> list[str]:
    needed: set[str] = {c for c, t in columns.items() if t == "VARCHAR"} if suite.each_text_column else set()
    for expectation in suite.expectations_for(None):
        needed.update(columns_named_by(expectation))
        needed.update(columns_in_condition(expectation["kwargs"].get("row_condition")))
    return [c for c in columns if c in needed]


def _select_expression(column: str, duckdb_type: str) -> str:
    """Dates as nanosecond timestamps and numbers as doubles: GX's fast pandas paths."""
    quoted = '"' + column.replace('"', '""') + '"'
    if duckdb_type in _AS_TIMESTAMP:
        return f"cast({quoted} as timestamp_ns) as {quoted}"
    if duckdb_type.startswith(_AS_DOUBLE):
        return f"cast({quoted} as double) as {quoted}"
    return quoted


def _read_table_rows(con, suite: SuiteFile, columns: dict[str, str], parameters: dict) -> pd.DataFrame:
    selected = [_select_expression(c, columns[c]) for c in _needed_columns(suite, columns)]
    sql = f"select {', '.join(selected) or 'true as _row'} from {suite.table}"
    if suite.rows:
        sql += f" where {suite.rows}"
    return _query(con, sql, parameters)


def _each_text_column(suite: SuiteFile, columns: dict[str, str]) -> list[dict]:
    expanded = []
    for column in (c for c, t in columns.items() if t == "VARCHAR"):
        for template in suite.each_text_column:
            expectation = copy.deepcopy(template)
            expectation["kwargs"]["column"] = column
            expectation["meta"]["description"] = template["meta"]["description"].replace("{column}", column)
            expanded.append(expectation)
    return expanded


def _ephemeral_context():
    return gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        ),
    )


def _run(context, name: str, frame: str, data: pd.DataFrame, expectations: list[dict], gx_parameters: dict
         ) -> tuple[gx.ExpectationSuite, ExpectationSuiteValidationResult] | None:
    """The GX suite ``name`` (``expectations``) and its result on ``data``; None if there are none."""
    if not expectations:
        return None
    suite = gx.ExpectationSuite(name=name, expectations=copy.deepcopy(expectations))
    batch = (
        context.data_sources.add_pandas(frame)
        .add_dataframe_asset(frame)
        .add_batch_definition_whole_dataframe(frame)
        .get_batch(batch_parameters={"dataframe": data})
    )
    return suite, batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=gx_parameters)


def _number(value) -> float | None:
    """A statistic GX observed, if numeric; anything else (row values, lists) is dropped."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    return None


def _outcome(result: ExpectationValidationResult, **context) -> Outcome:
    config = result.expectation_config
    stats = result.result or {}
    unexpected_count = stats.get("unexpected_count")
    element_count = stats.get("element_count")
    return Outcome(
        expectation=config.type,
        column_name=None if "column_set" in config.kwargs
        else ", ".join(columns_named_by({"kwargs": config.kwargs})) or None,
        observed_value=_number(stats.get("observed_value")),
        unexpected_count=int(unexpected_count) if unexpected_count is not None else None,
        unexpected_percent=_number(stats.get("unexpected_percent")),
        rows_checked=int(element_count) if element_count is not None else None,
        success=bool(result.success),
        severity=config.meta["severity"],
        description=config.meta["description"],
        **context,
    )
