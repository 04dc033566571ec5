"""What the report says about disclosure control: the rule with this publication's settings, and
how many cells it withheld (from ``publication.json``'s ``disclosure`` record, when it has one)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from publication.disclosure import DisclosureSettings


@dataclass(frozen=True)
class DisclosureNote:
    threshold: int
    rounding_base: int
    publication_id: str | None  # None before the first publication
    cells: dict[str, int] | None  # cells by status; None when the publication did not record them
    primary_suppressed: int | None
    secondary_suppressed: int | None

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
    )
