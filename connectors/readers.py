"""Readers: CSV, XLSX and SQLAlchemy sources, each yielding the header and batches of text rows.

Values stay as the partner sent them (text); typing happens in validation. Excel date
cells are rendered as ISO dates, the only faithful text form of an Excel date. Every row
carries the row number a person sees opening the file (the header is row 1; blank lines and
empty sheet rows are not records but keep their number).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count, islice
from operator import itemgetter
from typing import Any

BATCH_ROWS = 50_000
Row = list[str | None]
Batch = tuple[list[int], list[Row]]  # the rows' numbers as a person sees them, and the rows


class FileRejected(Exception):
    """A file-level failure: the whole delivery is rejected with this reason."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message


@dataclass
class Source:
    """One delivery's bytes (or their canonical serialisation) and a row stream."""

    name: str  # file name, or db:<table> for database sources
    sha256: str
    size_bytes: int
    header: list[str]
    batches: Iterator[Batch]
    raw_bytes: bytes | None = None  # kept unchanged in the landing area when from a file
    # Values the reader could not give: (row number, column position, reason code, message).
    cell_issues: tuple[tuple[int, int, str, str], ...] = ()


def _batched(numbered: Iterator[tuple[int, Row]]) -> Iterator[Batch]:
    while batch := list(islice(numbered, BATCH_ROWS)):
        numbers, rows = zip(*batch)
        yield list(numbers), list(rows)


def _is_utf8(data: bytes) -> bool:
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_csv(name: str, data: bytes, encoding: str = "utf-8") -> Source:
    """UTF-8 (BOM optional), comma-separated, quoted fields, CRLF or LF.

    A ``cp1252`` contract (GIAS exports Windows-1252) reads the file as Windows-1252, unless it
    has a UTF-8 BOM or is valid UTF-8 throughout (a re-saved download): cp1252 text with accents
    is practically never valid UTF-8, so either form arrives intact. A byte cp1252 leaves
    undefined rejects the file. Fields stay as read, an empty field as ``""`` (landing stores it
    as null). Records are batched by ``csv`` and ``itertools`` in C, with no Python code per row.
    """
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not data[bom:].strip():
        raise FileRejected("EMPTY_FILE", f"{name}: the file is empty")
    if encoding == "cp1252" and (bom or _is_utf8(data)):
        encoding = "utf-8"
    try:
        str(memoryview(data)[bom:], encoding)  # only checked: the rows are decoded as they are read
    except UnicodeDecodeError as exc:
        offset = bom + exc.start  # of the file, BOM included
        expected = "UTF-8" if encoding == "utf-8" else "Windows-1252 (or UTF-8)"
        raise FileRejected(
            "UNREADABLE",
            f"{name}: not {expected} text (byte 0x{data[offset]:02x} at offset {offset}); "
            f"re-export the file as {expected}",
        ) from None
    # Not io.StringIO: it would hold the whole file again, as four bytes per character.
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                                         newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRejected("UNREADABLE", f"{name}: no readable header row ({exc})") from None

    def batches() -> Iterator[Batch]:
        # A blank line is not a record but is a row of the sheet: records are numbered first.
        records = filter(itemgetter(1), zip(count(2), reader))
        while True:
            try:
                batch = list(islice(records, BATCH_ROWS))
            except csv.Error as exc:
                raise FileRejected(
                    "UNREADABLE", f"{name}: line {reader.line_num}: malformed CSV ({exc})"
                ) from None
            if not batch:
                return
            numbers, rows = zip(*batch)
            yield list(numbers), list(rows)

    return Source(name, hashlib.sha256(data).hexdigest(), len(data),
                  [h.strip() for h in header], batches(), raw_bytes=data)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() != "" else None


def read_xlsx(name: str, data: bytes) -> Source:
    """First sheet, header in row 1; Excel dates become ISO text, ``DD/MM/YYYY`` text stays.

    The workbook is read whole (trust spreadsheets are small), so a corrupt sheet is a rejected
    file. Another sheet holding data rejects the file (the extract is one sheet); a formula
    cell without a saved value is a cell issue (its row is quarantined), never an empty value.
    """
    if not data:
        raise FileRejected("EMPTY_FILE", f"{name}: the file is empty")
    try:
        sheets = _sheet_rows(data, data_only=True)
        formulas = _sheet_rows(data, data_only=False)[0][1]
    except Exception as exc:  # openpyxl and its XML parser raise many types for a corrupt workbook
        raise FileRejected("UNREADABLE", f"{name}: not a readable XLSX workbook ({exc})") from None
    (_, records), *others = sheets
    with_data = [title for title, rows in others if any(v is not None for row in rows for v in row)]
    if with_data:
        raise FileRejected("EXTRA_SHEET", f"{name}: sheet(s) {', '.join(repr(t) for t in with_data)} "
                                          "also hold data, but the extract is one sheet: move the rows "
                                          "to the first sheet or delete the other sheet(s), and resend")
    if not records:
        raise FileRejected("EMPTY_FILE", f"{name}: the sheet is empty")
    header = [(_cell_text(v) or "").strip() for v in records[0]]
    while header and header[-1] == "":
        header.pop()
    issues = tuple(
        (number, position, "FORMULA_WITHOUT_VALUE",
         "a formula cell without a saved value (open the file in Excel, save it and resend)")
        for number, (values, cells) in enumerate(zip(records, formulas), start=1) if number > 1
        for position, (value, cell) in enumerate(zip(values, cells))
        if position < len(header) and value is None and isinstance(cell, str) and cell.startswith("=")
    )

    with_issue = {number for number, *_ in issues}

    def rows() -> Iterator[tuple[int, Row]]:
        for number, record in enumerate(records[1:], start=2):  # an empty sheet row keeps its number
            values = [_cell_text(v) for v in record]
            if number in with_issue or any(v is not None for v in values):
                # Sheets pad rows to their used range: empty cells past the header are no fields.
                while len(values) > len(header) and values[-1] is None:
                    values.pop()
                yield number, values + [None] * (len(header) - len(values))

    return Source(name, hashlib.sha256(data).hexdigest(), len(data), header,
                  _batched(rows()), raw_bytes=data, cell_issues=issues)


def _sheet_rows(data: bytes, data_only: bool) -> list[tuple[str, list[tuple]]]:
    """(title, rows of cell values) of every worksheet; cached values, or formulas as text."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def read_database(url: str, table: str, order_by: tuple[str, ...]) -> Source:
    """A partner table or view through SQLAlchemy; rows in key order, values as text.

    The SHA-256 is of the rows' canonical CSV rendering, so an unchanged table is a
    byte-identical re-delivery. Rows are ordered here, by the key then the whole row with
    nulls first, so row numbers and the SHA-256 do not depend on the database's collation
    or null ordering. Messages never contain the URL (it may hold a password).
    """
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url)
    except (sa.exc.SQLAlchemyError, ValueError, ImportError) as exc:
        raise FileRejected("UNREADABLE", f"db:{table}: the database URL is not usable "
                                         f"({exc.__class__.__name__}); check the configured URL") from None
    try:
        with engine.connect() as connection:
            reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
            result = connection.execute(sa.select(reflected))
            header = list(result.keys())
            rows = [[_cell_text(v) for v in record] for record in result]
    except sa.exc.SQLAlchemyError as exc:
        detail = str(exc.args[0]) if exc.args else ""
        if engine.url.password:
            detail = detail.replace(engine.url.password, "***")
        raise FileRejected("UNREADABLE",
                           f"db:{table}: cannot read the table ({exc.__class__.__name__}: {detail})") from None
    finally:
        engine.dispose()
    if not rows:
        raise FileRejected("EMPTY_FILE", f"db:{table}: the table has no rows")
    keys = [header.index(k) for k in order_by if k in header]
    rows.sort(key=lambda row: [(v is not None, v or "") for v in [*(row[i] for i in keys), *row]])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    canonical = buffer.getvalue().encode()
    return Source(f"db:{table}", hashlib.sha256(canonical).hexdigest(), len(canonical),
                  header, _batched(zip(count(2), rows)))
