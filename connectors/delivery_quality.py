"""Is a delivery believable as a whole: not mostly quarantined, not far smaller than the previous one.

Row checks judge one row at a time; a file whose rows are each plausible can still be the wrong
file (most rows quarantined, or a fraction of the usual volume). The thresholds are the
contract's ``quality`` settings.
"""
from __future__ import annotations

import duckdb

from connectors.contracts import Contract


def quality_problems(con: duckdb.DuckDBPyConnection, contract: Contract, current) -> list[str]:
    """Why the current delivery ``(file_id, as_at)`` (None: no delivery) is not believable, if it is not."""
    if current is None:
        return []
    file_name, received, accepted, quarantined = con.execute(
        "select file_name, rows_received, rows_accepted, rows_quarantined from landing.files where file_id = ?",
        [current[0]]).fetchone()
    where = f"{contract.partner}/{file_name}"
    limits = contract.quality
    problems = []
    if received and quarantined / received > limits.max_quarantined_share:
        problems.append(
            f"{where}: {quarantined:,} of {received:,} rows quarantined ({quarantined / received:.1%}), more "
            f"than the {limits.max_quarantined_share:.0%} allowed (quality.max_quarantined_share): ask the "
            "partner to correct the file and send it again")
    previous = con.execute(
        "select file_name, rows_accepted from landing.files where partner = ? and extract = ? "
        "and status in ('accepted', 'superseded') and file_id < ? order by file_id desc limit 1",
        [contract.partner, contract.extract, current[0]]).fetchone()
    if previous and previous[1] and accepted / previous[1] < limits.min_volume_ratio:
        problems.append(
            f"{where}: {accepted:,} rows accepted, {accepted / previous[1]:.1%} of the {previous[1]:,} of the "
            f"previous delivery {previous[0]}, less than the {limits.min_volume_ratio:.0%} expected "
            "(quality.min_volume_ratio): check with the partner that the extract is complete and have it "
            "sent again (or, if the fall is real, lower the threshold in the extract's contract)")
    return problems
