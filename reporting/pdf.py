"""The board report as PDF: the same HTML laid out by xhtml2pdf (pure Python, no browser)."""
from __future__ import annotations

import logging
from pathlib import Path

from xhtml2pdf import pisa

# xhtml2pdf warns about every CSS property it does not lay out (flex, border-collapse): the
# PDF is still the whole report, so those warnings would only be noise in a refresh's output.
logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)


class PdfError(RuntimeError):
    """xhtml2pdf could not lay out the report."""


def write_pdf(html: str, path: Path) -> Path:
    """Write ``html`` (self-contained: images as data URIs) to ``path`` as a PDF."""
    with path.open("wb") as out:
        status = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if status.err:
        path.unlink(missing_ok=True)
        raise PdfError(f"could not write {path.name}: {status.err} layout error(s)")
    return path
