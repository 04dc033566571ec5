"""The structural expectations of a ``clean`` suite, generated from its extract contract.

A contract already says each column's type, code list, format, whether it is required, its
date bounds and the key; landing enforces them row by row. The suite checks the same rules on
the cleaned rows (a broken landing must not publish), so they are generated here rather than
written again in ``suites/clean__<partner>__<extract>.json``, which keeps only what a contract
cannot say (distributions, volumes against the previous delivery, checks across columns).
"""
from __future__ import annotations

import re

from connectors.contracts import AS_AT, DATE_TYPES, Column, Contract
from connectors.validation import MIN_DATE, column_format, row_checks

CLEAN_METADATA_COLUMNS = ("_file_id", "_row_number", "_as_at")
PSEUDONYM_REGEX = "^[0-9a-f]{64}$"
TABLE_COLUMNS_FRAME = "table_columns"
SCTID = "[0-9]{6,18}"


def _label(col: Column) -> str:
    return col.name.replace("_", " ")


def _expectation(kind: str, description: str, frame: str | None = None, **kwargs) -> dict:
    meta = {"severity": "critical", "description": description, "generated_from": "contract"}
    if frame:
        meta["frame"] = frame
    return {"type": f"expect_{kind}", "kwargs": kwargs, "meta": meta}


def table_frames(contract: Contract) -> dict[str, str]:
    """The frame the column-set expectation reads (the table's columns, no rows)."""
    return {TABLE_COLUMNS_FRAME: f"select * from clean.{contract.name} limit 0"}


def _kept_empty(col: Column, contract: Contract) -> bool:
    """Landing keeps a row with this value emptied (an NHS number failing its check digit, a postcode
    that is not one): a required column can still be empty in ``clean``."""
    return any(check.action == "kept" for check in row_checks(col, contract, "select null"))


def _column_expectations(col: Column, contract: Contract) -> list[dict]:
    name, label = col.clean_name, _label(col)
    found = []
    if col.required and not _kept_empty(col, contract):
        found.append(_expectation("column_values_to_not_be_null",
                                  f"Every row has a {label}, as the extract contract requires.", column=name))
    if col.pseudonymised:
        found.append(_expectation(
            "column_values_to_match_regex",
            f"Every {label} has been replaced by a pseudonym (a one-way code); none is stored in clear.",
            column=name, regex=PSEUDONYM_REGEX))
    elif (regex := column_format(col)) is not None:
        found.append(_expectation("column_values_to_match_regex", f"Every {label} has the agreed format.",
                                  column=name, regex=regex))
    if col.type == "yes_no":
        found.append(_expectation("column_values_to_be_in_set",
                                  f"Every {label} is a yes/no answer (Y or N once landed).",
                                  column=name, value_set=["Y", "N"]))
    if col.type == "code":
        shown = ", ".join(col.codes) if len(col.codes) <= 8 else "the agreed code list"
        found.append(_expectation("column_values_to_be_in_set",
                                  f"Every {label} is one of the agreed codes ({shown}).",
                                  column=name, value_set=list(col.codes)))
    if col.type == "code_list":
        codes = "|".join(re.escape(c) for c in col.codes)
        found.append(_expectation("column_values_to_match_regex",
                                  f"Every {label} lists only agreed codes, separated by '|'.",
                                  column=name, regex=f"^({codes})(\\|({codes}))*$"))
    if col.type == "snomed_list":
        found.append(_expectation("column_values_to_match_regex",
                                  f"Every {label} lists SNOMED CT ids (6 to 18 digits), separated by '|': "
                                  "ids failing their check digit were dropped at landing.",
                                  column=name, regex=f"^{SCTID}(\\|{SCTID})*$"))
    if col.type in DATE_TYPES:
        bounded = col.not_after == AS_AT
        found.append(_expectation(
            "column_values_to_be_between",
            f"No {label} is before {MIN_DATE[:4]}{' or after the date the extract was taken' if bounded else ''}.",
            column=name, min_value=f"{MIN_DATE}T00:00:00",
            **({"max_value": {"$PARAMETER": "extract_date"}} if bounded else {})))
        if col.not_before not in (None, AS_AT):
            found.append(_expectation(
                "column_pair_values_a_to_be_greater_than_b",
                f"The {label} is never before the {_label(contract.column(col.not_before))}.",
                column_A=name, column_B=contract.column(col.not_before).clean_name, or_equal=True,
                ignore_row_if="either_value_is_missing"))
    if col.type in ("integer", "decimal"):
        found.append(_expectation("column_values_to_be_between", f"No {label} is negative.",
                                  column=name, min_value=0))
    return found


def structural_expectations(contract: Contract) -> list[dict]:
    """Every rule of ``contract`` as a critical expectation over one delivery's cleaned rows."""
    columns = [c.clean_name for c in contract.clean_columns] + list(CLEAN_METADATA_COLUMNS)
    found = [
        _expectation("table_columns_to_match_set",
                     "The cleaned table has exactly the agreed columns: every personal identifier has "
                     "been replaced by its pseudonym column.",
                     frame=TABLE_COLUMNS_FRAME, column_set=columns, exact_match=True),
        _expectation("table_row_count_to_be_between", "The delivery contains at least one accepted row.",
                     min_value=1),
    ]
    for col in contract.clean_columns:
        found += _column_expectations(col, contract)
    key = [contract.column(k).clean_name for k in contract.key]
    key_label = " and ".join(_label(contract.column(k)) for k in contract.key)
    description = f"No row appears twice in the delivery (same {key_label})."
    found.append(_expectation("column_values_to_be_unique", description, column=key[0]) if len(key) == 1
                 else _expectation("compound_columns_to_be_unique", description, column_list=key))
    return found
