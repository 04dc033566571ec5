"""Hand-made rows of the DfE release files (clean.dfe__*) for the comparator models, reporting date 2025-07-31.

Areas: England, the West Midlands (E12000005), Staffordshire (E10000028), two of its default
statistical neighbours, Warwickshire (E10000031, West Midlands) and Derbyshire (E10000007, East
Midlands), and Stoke-on-Trent (E06000021), an authority that is not a neighbour.
Every figure not given is "0". Files: the current release (2025-06-26), an older release whose
Staffordshire January 2024 figure (777) must not be used, and a release after the reporting
date (888) that must not be used either. sen_needs_all_plans has no file.
"""
from __future__ import annotations

from connectors.contracts import contract_for

CURRENT, OLDER, LATER = 50, 51, 52
AREAS = {
    "ENGLAND": ("National", None, None),
    "WEST_MIDLANDS": ("Regional", "E12000005", None),
    "STAFFORDSHIRE": ("Local authority", "E12000005", "E10000028"),
    "WARWICKSHIRE": ("Local authority", "E12000005", "E10000031"),
    "DERBYSHIRE": ("Local authority", "E12000004", "E10000007"),
    "STOKE": ("Local authority", "E12000005", "E06000021"),
}
TOPICS = {"caseload": "All EHC plans", "requests": "All requests for EHC needs assessments",
          "assessments": "All EHC needs assessments", "timeliness_20_week": "All EHC plans issued"}


def columns(extract: str) -> list[str]:
    return [c.clean_name for c in contract_for("dfe", extract).columns]


def _row(extract: str, period: str, area: str, **figures: str) -> dict:
    level, region, la = AREAS[area]
    contract = contract_for("dfe", extract)
    row = {c.name: "0" for c in contract.columns if c.type == "statistic"}
    row.update(time_period=period, geographic_level=level, country_code="E92000001", country_name="England",
               region_code=region, region_name=region and f"Region {region}", new_la_code=la,
               la_name=la and area.title(), breakdown_topic=TOPICS[extract], breakdown=TOPICS[extract])
    unknown = set(figures) - set(row)
    assert not unknown, f"{extract}: unknown figures {unknown}"
    return row | figures


FILES = [
    dict(file_id=CURRENT + i, partner="dfe", extract=extract, as_at="2025-06-26", status="accepted")
    for i, extract in enumerate(["requests", "assessments", "timeliness_20_week"], start=10)
] + [
    dict(file_id=CURRENT, partner="dfe", extract="caseload", as_at="2025-06-26", status="accepted"),
    dict(file_id=OLDER, partner="dfe", extract="caseload", as_at="2024-06-20", status="accepted"),
    dict(file_id=LATER, partner="dfe", extract="caseload", as_at="2025-09-01", status="accepted"),
]

ROWS = {
    ("dfe__caseload", CURRENT): [
        _row("caseload", "202425", "ENGLAND", ehcplans="1000", mainstream_la_maintained="300",
             mainstream_academy="100", special_la_maintained="250", special_academy_free="50", neet="x"),
        _row("caseload", "202425", "WEST_MIDLANDS", ehcplans="100", mainstream_la_maintained="35"),
        _row("caseload", "202425", "STAFFORDSHIRE", ehcplans="5", mainstream_la_maintained="2",
             special_academy_free="c"),
        _row("caseload", "202425", "WARWICKSHIRE", ehcplans="8", mainstream_academy="6"),
        _row("caseload", "202425", "DERBYSHIRE", ehcplans="4", mainstream_la_maintained="x"),
        _row("caseload", "202425", "STOKE", ehcplans="9", mainstream_independent="1"),
        _row("caseload", "202324", "ENGLAND", ehcplans="900"),
        _row("caseload", "202324", "STAFFORDSHIRE", ehcplans="5"),
        _row("caseload", "202122", "STAFFORDSHIRE", ehcplans="2"),  # January 2022: before the caseload's 3 years
    ],
    ("dfe__caseload", OLDER): [_row("caseload", "202324", "STAFFORDSHIRE", ehcplans="777")],
    ("dfe__caseload", LATER): [_row("caseload", "202425", "STAFFORDSHIRE", ehcplans="888")],
    ("dfe__requests", CURRENT + 10): [
        _row("requests", "2024", "ENGLAND", requests_received_in_year="200", requests_decided_to_assess="120",
             requests_decided_not_to_assess="60", mediation_related_request="10", tribunal_related_request="4"),
        _row("requests", "2024", "WEST_MIDLANDS", requests_received_in_year="50", requests_decided_to_assess="30",
             requests_decided_not_to_assess="15", mediation_related_request="5", tribunal_related_request="1"),
        _row("requests", "2024", "STAFFORDSHIRE", requests_received_in_year="20", requests_decided_to_assess="8",
             requests_decided_not_to_assess="10", mediation_related_request="2", tribunal_related_request="x"),
        _row("requests", "2023", "ENGLAND", requests_received_in_year="150"),
        _row("requests", "2025", "ENGLAND", requests_received_in_year="999"),  # ends after the reporting date
    ],
    ("dfe__assessments", CURRENT + 11): [
        _row("assessments", "2024", "ENGLAND", assess_issued="90", assess_not_issued="10"),
        _row("assessments", "2024", "STAFFORDSHIRE", assess_issued="9", assess_not_issued="z"),
    ],
    ("dfe__timeliness_20_week", CURRENT + 12): [
        _row("timeliness_20_week", "2024", "ENGLAND", plans_issued_den="100", plans_issued_den_ex="90",
             plans_issued_within_20_weeks="45", plans_issued_20_weeks_ex="40"),
        _row("timeliness_20_week", "2024", "STAFFORDSHIRE", plans_issued_den="10", plans_issued_den_ex="8",
             plans_issued_within_20_weeks="3", plans_issued_20_weeks_ex="2"),
    ],
}
