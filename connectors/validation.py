"""Row-level validation against a contract, generated as DuckDB SQL over the landed text rows.

The rows of a delivery are parsed once (``parsed_rows``: trimmed text, dates, numbers, NHS
number validity, normalised postcodes, SNOMED CT ids passing their check digit); the checks and
the clean values read those columns.

Each check yields (row, field, reason code, action): ``quarantined`` rows stay out of the
``clean`` table; ``kept`` rows go in with the offending identifier or code nulled (a SNOMED CT id
failing its check digit is dropped from its list; one outside the value set stays).
Messages name the row and field, never the value.
"""
from __future__ import annotations

from dataclasses import dataclass

from connectors.contracts import AS_AT, MAX_AGE_YEARS, Column, Contract

MIN_DATE = "1990-01-01"

_FORMATS = {
    "upn": r"^[A-Z][0-9]{11}[0-9A-Z]$",
    "practice_code": r"^[A-Z][0-9]{5}$",
    "month": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
    "term": r"^[0-9]{4}-(SPRING|SUMMER|AUTUMN)$",
    "lsoa": r"^[EW]01[0-9]{6}$",
    # ODS sub-ICB location codes are 3 or 5 characters (e.g. 05Q, M2L0M; national-formats.md v2).
    "sub_icb_code": r"^[0-9A-Z]{3}([0-9A-Z]{2})?$",
}
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
# Numbers as a partner writes them: plain decimal digits, a minus sign (negative values then fail
# their range check) and, for decimals, a point. Not 0x1A, 1e3, 1_000, nan or inf, which casts read.
_NUMBER_FORMS = {"integer": "-?[0-9]+", "decimal": r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)"}

# Verhoeff's tables (dihedral group D5 and the position permutations) for SNOMED CT check digits.
_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
# Position i's permutation is the first one applied i times.
_VERHOEFF_P = [list(range(10)), [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]]
while len(_VERHOEFF_P) < 8:
    _VERHOEFF_P.append([_VERHOEFF_P[1][x] for x in _VERHOEFF_P[-1]])

# DuckDB macros the generated SQL relies on; created once per connection.
MACROS = f"""
create or replace temp macro nhs_valid(n) as
  case when regexp_full_match(coalesce(n, ''), '[0-9]{{10}}')
       -- check digit 11 - (sum mod 11), 11 -> 0; 10 matches no digit so the number is invalid
       then (11 - ({' + '.join(f'try_cast(substr(n, {i}, 1) as integer) * {11 - i}' for i in range(1, 10))}) % 11) % 11
            = try_cast(substr(n, 10, 1) as integer)
       else false end;
-- A SNOMED CT id: 6 to 18 digits whose last is the Verhoeff check digit. The state starts at 0 (the
-- list's first element) and takes each digit from the right, coded (position mod 8) * 10 + digit.
create or replace temp macro snomed_valid(s) as
  coalesce(regexp_full_match(s, '[0-9]{{6,18}}') and list_reduce(
      list_prepend(0, list_transform(range(length(s)),
                                     i -> (i % 8) * 10 + cast(substr(s, length(s) - i, 1) as integer))),
      (c, x) -> {_VERHOEFF_D}[c + 1][{_VERHOEFF_P}[x // 10 + 1][x % 10 + 1] + 1]) = 0, false);
create or replace temp macro compact_postcode(p) as upper(regexp_replace(p, '\\s+', '', 'g'));
create or replace temp macro normal_postcode(p) as
  case when regexp_full_match(compact_postcode(p), '{_POSTCODE[1:-1]}')
       then left(compact_postcode(p), length(compact_postcode(p)) - 3) || ' ' || right(compact_postcode(p), 3)
  end;
"""


def column_format(col: Column) -> str | None:
    """The regular expression a column's values must match, if its contract or type gives one."""
    return col.pattern or _FORMATS.get(col.type)


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Check:
    field: str
    reason: str
    action: str  # quarantined | kept
    condition: str  # SQL over a row of ``parsed_rows``, true when the row fails
    message: str  # what is wrong, without the value


def _value(col: Column) -> str:
    return f"nullif(trim({q(col.name)}), '')"


def _part(col: Column, part: str) -> str:
    """A value derived from a column in ``parsed_rows``, e.g. ``"date_of_birth:date"``."""
    return q(f"{col.name}:{part}")


# Yes/no items as the SEN2 export writes them (1/0, also true/false and Y/N, any case): landed as Y/N,
# the form of every other yes/no column, which staging's ``yes_no`` macro reads as a boolean.
YES_NO_FORMS = {"Y": ("1", "true", "y"), "N": ("0", "false", "n")}


def parse_date(value_sql: str, day_first_text: bool, sen2_export: bool = False) -> str:
    """ISO dates always; ``DD/MM/YYYY`` text too for spreadsheet deliveries; the SEN2 export's
    ``YYYY-Mon-DD HH:MM:SS`` (``2025-Jan-16 00:00:00``) for contracts declaring it."""
    forms = [f"case when regexp_full_match({value_sql}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
             f"then try_strptime({value_sql}, '%Y-%m-%d')::date end"]
    if day_first_text:
        forms.append(f"case when regexp_full_match({value_sql}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') "
                     f"then try_strptime({value_sql}, '%d/%m/%Y')::date end")
    if sen2_export:
        forms.append(f"case when regexp_full_match({value_sql}, "
                     f"'[0-9]{{4}}-[A-Za-z]{{3}}-[0-9]{{2}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}') "
                     f"then try_strptime({value_sql}, '%Y-%b-%d %H:%M:%S')::date end")
    return forms[0] if len(forms) == 1 else f"coalesce({', '.join(forms)})"


def date_form_text(contract: Contract) -> str:
    """The date forms a contract accepts, as a message shows them."""
    forms = ["YYYY-MM-DD"]
    if contract.format == "xlsx":
        forms.append("DD/MM/YYYY")
    if "sen2_export" in contract.date_forms:
        forms.append("YYYY-Mon-DD HH:MM:SS")
    return " or ".join(forms)


def _derived(col: Column, contract: Contract) -> dict[str, str]:
    """What the checks and the clean table need from a column, over its trimmed text ``v``."""
    v = q(col.name)
    if col.type in ("date", "date_of_birth"):
        return {"date": parse_date(v, contract.format == "xlsx", "sen2_export" in contract.date_forms)}
    if col.type == "yes_no":
        return {"yes_no": "case " + " ".join(
            f"when lower({v}) in ({', '.join(repr(f) for f in forms)}) then '{code}'"
            for code, forms in YES_NO_FORMS.items()) + " end"}
    if col.type in ("integer", "decimal", "statistic"):
        kind = "integer" if col.type == "integer" else "decimal"
        return {"number": f"case when regexp_full_match({v}, '{_NUMBER_FORMS[kind]}') "
                          f"then try_cast({v} as {'integer' if kind == 'integer' else 'double'}) end"}
    if col.type == "nhs_number":
        return {"digits": f"replace({v}, ' ', '')", "valid": f"nhs_valid(replace({v}, ' ', ''))"}
    if col.type == "postcode":
        return {"postcode": f"normal_postcode({v})"}
    if col.type == "snomed_list":
        return {"ids": f"list_transform(string_split({v}, '|'), x -> trim(x))",
                "valid_ids": f"list_filter(list_transform(string_split({v}, '|'), x -> trim(x)), x -> snomed_valid(x))"}
    return {}


def parsed_rows(contract: Contract, rows_sql: str) -> str:
    """A query over ``rows_sql`` (landed rows) giving each column's trimmed text (empty = null) and
    its derived values once per row, so that checks and the clean table do not repeat parsing."""
    values = ", ".join(f"{_value(c)} as {q(c.name)}" for c in contract.clean_columns)
    derived = "".join(f", {sql} as {_part(c, part)}"
                      for c in contract.clean_columns for part, sql in _derived(c, contract).items())
    return f"select *{derived} from (select _file_id, _row_number, {values} from {rows_sql})"


def key_expression(col: Column) -> str:
    """A key column's value in ``parsed_rows`` as keys compare (NHS numbers without spaces)."""
    return _part(col, "digits") if col.type == "nhs_number" else q(col.name)


def typed_expression(col: Column, contract: Contract, lookup_sql: str | None) -> str:
    """The clean-table value of a column of ``parsed_rows`` (identifiers hashed, kept-invalid values nulled)."""
    v = q(col.name)
    if col.type in ("date", "date_of_birth"):
        return _part(col, "date")
    if col.type in ("integer", "decimal"):
        return _part(col, "number")
    if col.type == "yes_no":
        return _part(col, "yes_no")
    if col.type == "nhs_number":
        return f"case when {_part(col, 'valid')} then pseudo({_part(col, 'digits')}) end"
    if col.type in ("upn", "identifier"):
        return f"pseudo({v})"
    if col.type == "postcode":
        return f"pseudo({_part(col, 'postcode')})"
    if col.type == "snomed_list":
        return f"nullif(array_to_string({_part(col, 'valid_ids')}, '|'), '')"
    if col.type == "lsoa" and col.check_lookup:
        if lookup_sql is None:
            return v
        return f"case when {v} in ({lookup_sql}) then {v} end"
    return v


def row_checks(col: Column, contract: Contract, lookup_sql: str | None) -> list[Check]:
    """The checks of one column, over a row of ``parsed_rows``."""
    v = q(col.name)
    present = f"{v} is not null"
    checks: list[Check] = []

    def add(reason: str, action: str, condition: str, message: str) -> None:
        checks.append(Check(col.name, reason, action, condition, message))

    if col.required:
        add("MISSING_VALUE", "quarantined", f"{v} is null", "a required value is empty")
    if col.type in ("date", "date_of_birth"):
        parsed = _part(col, "date")
        add("WRONG_TYPE", "quarantined", f"{present} and {parsed} is null",
            f"not a date ({date_form_text(contract)})")
        if col.not_after == AS_AT:
            add("DATE_OUT_OF_RANGE", "quarantined", f"({parsed} < date '{MIN_DATE}' or {parsed} > $as_at)",
                f"date outside {MIN_DATE} .. the as-at date")
        else:
            add("DATE_OUT_OF_RANGE", "quarantined", f"{parsed} < date '{MIN_DATE}'", f"date before {MIN_DATE}")
        for other, compare in ((col.not_before, "<"), (col.not_after, ">")):
            if other not in (None, AS_AT):
                add("DATE_ORDER", "quarantined", f"{parsed} {compare} {_part(contract.column(other), 'date')}",
                    f"date {'before' if compare == '<' else 'after'} {other} of the same row")
        if col.type == "date_of_birth":
            add("AGE_OVER_25", "quarantined", f"{parsed} <= $as_at - interval {MAX_AGE_YEARS + 1} year",
                f"person older than {MAX_AGE_YEARS} at the as-at date (out of scope)")
    elif col.type in ("integer", "decimal"):
        number = _part(col, "number")
        add("WRONG_TYPE", "quarantined", f"{present} and {number} is null",
            "not a whole number" if col.type == "integer" else "not a number")
        add("VALUE_OUT_OF_RANGE", "quarantined", f"{number} < 0", "negative value")
    elif col.type in ("code", "code_list"):
        codes = ", ".join(f"'{c}'" for c in col.codes)
        failing = (f"{v} not in ({codes})" if col.type == "code"
                   else f"not list_has_all([{codes}], string_split({v}, '|'))")
        add("CODE_NOT_IN_LIST", "quarantined", f"{present} and {failing}", "not one of the agreed codes")
    elif col.type == "yes_no":
        add("CODE_NOT_IN_LIST", "quarantined", f"{present} and {_part(col, 'yes_no')} is null",
            "not a yes/no value (1/0, true/false or Y/N)")
    elif col.type == "statistic":
        # A published figure or a statistics symbol (x, c, z, ...): the text stays, staging reads
        # a symbol as missing with its reason, never as zero.
        symbols = ", ".join(f"'{c}'" for c in col.codes)
        number = _part(col, "number")
        add("WRONG_TYPE", "quarantined", f"{present} and {number} is null and {v} not in ({symbols})",
            "neither a number nor one of the agreed statistics symbols")
        add("VALUE_OUT_OF_RANGE", "quarantined", f"{number} < 0", "negative value")
    elif col.type == "nhs_number":
        add("INVALID_NHS_NUMBER", "kept", f"{present} and not {_part(col, 'valid')}",
            "NHS number fails the modulus-11 check (row kept, identifier treated as missing)")
    elif col.type == "snomed_list":
        valid = _part(col, "valid_ids")
        add("INVALID_SNOMED_ID", "kept", f"{present} and len({_part(col, 'ids')}) > len({valid})",
            "a SNOMED CT id fails its Verhoeff check digit (row kept, that id dropped)")
        add("CODE_NOT_IN_VALUE_SET", "kept",
            f"{present} and not list_has_all([{', '.join(repr(c) for c in col.codes)}], {valid})",
            "a SNOMED CT id is not in the national value set (row kept, the id kept)")
    elif col.type == "postcode":
        add("INVALID_POSTCODE", "kept", f"{present} and {_part(col, 'postcode')} is null",
            "not a UK postcode (row kept, postcode treated as missing)")
    elif col.type == "lsoa" and col.check_lookup and lookup_sql is not None:
        add("LSOA_NOT_IN_LOOKUP", "kept", f"{present} and {v} not in ({lookup_sql})",
            "LSOA code not in the current lsoa_lookup (row kept, geography unknown)")
    elif col.type == "month" and col.not_after == AS_AT:
        add("DATE_OUT_OF_RANGE", "quarantined",
            f"regexp_full_match({v}, '{_FORMATS['month'][1:-1]}') and {v} > strftime($as_at, '%Y-%m')",
            "month after the as-at date")
    pattern = column_format(col)
    if pattern and not (col.type == "lsoa" and col.check_lookup):
        add("WRONG_FORMAT", "quarantined", f"{present} and not regexp_full_match({v}, '{pattern[1:-1]}')",
            "does not have the agreed format")
    return checks
