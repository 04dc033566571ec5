"""What went wrong, in plain words with what to do next, from an exception or Dagster's record of one.

Dagster wraps a step's exception ("Error occurred while executing op ...", "Exceeded max_retries
of 2"); the cause that a person can act on is the innermost one.
"""
from __future__ import annotations

import errno
import re

AGAIN = "then run send-warehouse refresh again (the previous publication stays in place)"
_PATH = re.compile(r"""['"](/[^'"]+)['"]""")


def innermost(error):
    """The innermost cause of Dagster's serialised error."""
    while error.cause is not None:
        error = error.cause
    return error


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.strip().splitlines() if line.strip()), "")


def _where(message: str) -> str:
    path = _PATH.search(message)
    return f" ({path.group(1)})" if path else ""


def plain_cause(cls_name: str, message: str) -> str:
    """A cause in plain words, naming what to do next; identifiers never appear in these messages."""
    line = re.sub(rf"^[\w.]*\b{re.escape(cls_name)}: ", "", _first_line(message)) if cls_name else _first_line(message)
    if cls_name == "Failure":  # raised by the warehouse's own code: already in plain words
        return line
    if f"[Errno {errno.ENOSPC}]" in message or "No space left on device" in message:
        return f"the disk is full{_where(message)}: free space on the disk of the warehouse home, {AGAIN}"
    if f"[Errno {errno.EROFS}]" in message or "Read-only file system" in message:
        return (f"the folder cannot be written, its file system is read-only{_where(message)}: make it "
                f"writable, {AGAIN}")
    if f"[Errno {errno.EACCES}]" in message or "Permission denied" in message:
        return (f"permission denied writing{_where(message)}: let the user running the refresh write "
                f"there, {AGAIN}")
    if "OperationalError" in cls_name and ("connect" in message or "timeout" in message):
        return (f"the BI database could not be reached ({line}): check that the server is running and that "
                "SEND_WAREHOUSE_POSTGRES_URL is right, then run send-warehouse refresh again (the files and "
                "the DuckDB publication stay published)")
    return (f"{cls_name}: {line} — fix the cause (send-warehouse refresh --verbose shows Dagster's "
            f"step-by-step log), {AGAIN}")


def plain_error(error) -> str:
    """Dagster's serialised error (or None) as ``plain_cause``."""
    if error is None:
        return f"an unknown error: {AGAIN}"
    root = innermost(error)
    return plain_cause(root.cls_name or "", root.message)


def plain_exception(exc: BaseException) -> str:
    """An exception's innermost cause as ``plain_cause``."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return plain_cause(type(exc).__name__, str(exc))
