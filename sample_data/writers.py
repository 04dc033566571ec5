"""Writing extracts: CSV (UTF-8 unless the extract says otherwise, header row, ISO dates, empty = null) and XLSX."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sample_data.extracts import Extract

CHUNK_ROWS = 500_000
SHEET_TITLE = "Extract"


def write(extract: Extract, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if extract.headers:
        _write_xlsx(extract, path)
    else:
        _write_csv(extract, path)
    return path


def _chunks(extract: Extract):
    for start in range(0, max(extract.rows, 1), CHUNK_ROWS):
        yield pa.table(extract.build(slice(start, min(start + CHUNK_ROWS, extract.rows))))


def _write_csv(extract: Extract, path: Path) -> None:
    """Header written unquoted; values never need quoting (a value that would raises)."""
    options = csv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as f:
        f.write((",".join(extract.columns) + "\n").encode("utf-8"))
        writer = None
        for table in _chunks(extract):
            writer = writer or csv.CSVWriter(f, table.schema, write_options=options)
            writer.write_table(table)
        if writer:
            writer.close()
    if extract.encoding != "utf-8":  # every value is text the target encoding can write
        path.write_bytes(path.read_bytes().decode("utf-8").encode(extract.encoding))


def _write_xlsx(extract: Extract, path: Path) -> None:
    """One sheet, human headers in row 1; dates as Excel dates, or as DD/MM/YYYY text in
    the extract's `text_dates` columns."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    # A streamed sheet cannot size itself; without the size readers cut rows short at
    # their last non-empty cell, as Excel-written files never are.
    dimension = f"A1:{get_column_letter(len(extract.headers))}{extract.rows + 1}"
    sheet.calculate_dimension = lambda: dimension
    sheet.append(list(extract.headers))
    for table in _chunks(extract):
        columns = []
        for name in extract.columns:
            column = table.column(name)
            if name in extract.text_dates:
                column = pc.strftime(pc.cast(column, pa.timestamp("s")), format="%d/%m/%Y")
            columns.append(column.to_pylist())
        for row in zip(*columns):
            sheet.append(row)
    book.save(path)
