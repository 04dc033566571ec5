"""What the report says about disclosure control: the rule with this publication's settings, and
how many cells it withheld, in all and in each public table whose counts it controls (from
``publication.json``'s ``disclosure`` record, when it has one)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from publication.disclosure import DisclosureSettings

# plain names of the published tables whose withheld cells the report counts (others show their file name)
TABLE_NAMES = {
    "kpi_values": "the KPI table",
    "sub_icb_district_crosswalk": "the sub-ICB to district crosswalk",
    "ehcp_reconciliation": "the comparison of EHC plans with the DfE's figures",
    "ehcp_flow_reconciliation": "the comparison of the calendar-year measures with the DfE's figures",
}


@dataclass(frozen=True)
class DisclosureNote:
    threshold: int
    rounding_base: int
    publication_id: str | None  # None before the first publication
    cells: dict[str, int] | None  # cells by status; None when the publication did not record them
    primary_suppressed: int | None
    secondary_suppressed: int | None
    withheld_by_table: dict[str, int] | None = None  # None when the publication did not record it

    @property
    def withheld_in(self) -> list[tuple[str, int]]:
        """(plain table name, cells withheld) of each table, in the record's order."""
        return [(TABLE_NAMES.get(name, f"{name}.csv"), count) for name, count in (self.withheld_by_table or {}).items()]

    @property
    def median_minimum(self) -> int:
        """The fewest values a published median is taken over."""
        return self.threshold + 1

    @property
    def withheld(self) -> int | None:
        return None if self.cells is None else self.cells.get("suppressed", 0)


def explain(publication: dict | None) -> DisclosureNote:
    """The note for the current publication's manifest (None before the first publication)."""
    publication = publication or {}
    record = publication.get("disclosure")
    settings = {**asdict(DisclosureSettings()), **publication.get("settings", {}), **(record or {})}
    return DisclosureNote(
        threshold=int(settings["threshold"]),
        rounding_base=int(settings["rounding_base"]),
        publication_id=publication.get("publication_id"),
        cells={k: int(v) for k, v in record["cells"].items()} if record else None,
        primary_suppressed=record.get("primary_suppressed") if record else None,
        secondary_suppressed=record.get("secondary_suppressed") if record else None,
        withheld_by_table={k: int(v) for k, v in record["withheld_by_table"].items()}
        if record and "withheld_by_table" in record else None,
    )
