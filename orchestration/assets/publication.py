"""Publication: swap in the new restricted and public tiers once every blocking check passed."""

import json

import dagster as dg

from connectors.contracts import all_contracts
from connectors.status import current_file
from orchestration.resources import Warehouse
from publication.disclosure import DisclosureSettings
from publication.publish import MANIFEST, publish, published_tables

# Every model the dbt manifest says is published (a dbt model's asset key is its name).
PUBLISHED_KEYS = [dg.AssetKey(table.model) for table in published_tables().values()]


class DisclosureConfig(dg.Config):
    """Disclosure control of the public tier (NHS England small-number practice by default)."""

    threshold: int = 7
    rounding_base: int = 5


@dg.asset(
    group_name="publication",
    deps=[*PUBLISHED_KEYS, dg.AssetKey("landing_gate")],
    kinds={"csv", "parquet"},
    description="The restricted and public tiers under HOME/publish, swapped in atomically once every "
                "blocking check passed: " + ", ".join(sorted(published_tables())) + " (the dbt models with "
                "access: public and meta.publication), each as CSV, Parquet and in published.duckdb, "
                "with the data dictionary.",
)
def publication(context: dg.AssetExecutionContext, config: DisclosureConfig,
                warehouse: Warehouse) -> dg.MaterializeResult:
    reporting_date = warehouse.published_reporting_date()
    with warehouse.connect() as con:
        source_extracts = []
        for contract in all_contracts():
            current = current_file(con, contract, reporting_date)
            if current is not None:
                source_extracts.append(f"{contract.partner}/{contract.extract}/{current[1].isoformat()}")
        folder = publish(
            con, warehouse.home_path, reporting_date=reporting_date, run_id=context.run_id,
            source_extracts=source_extracts,
            settings=DisclosureSettings(threshold=config.threshold, rounding_base=config.rounding_base),
        )
    context.log.info(f"published {folder.name} for {reporting_date}")
    row_counts = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["row_counts"]
    return dg.MaterializeResult(metadata={
        "status": "published", "publication_id": folder.name, "reporting_date": reporting_date.isoformat(),
        "path": dg.MetadataValue.path(str(folder)),
        "row_counts": dg.MetadataValue.md(_row_count_table(row_counts)),
        **{f"rows/{file}": count for file, count in row_counts.items() if file.endswith(".csv")},
    })


def _row_count_table(row_counts: dict[str, int]) -> str:
    """The rows of every published file, as a Markdown table."""
    lines = ["| file | rows |", "|---|---:|"]
    return "\n".join(lines + [f"| {file} | {count:,} |" for file, count in row_counts.items()])
