"""Publication: swap in the new restricted and public tiers once every blocking check passed."""

import dagster as dg

from connectors.contracts import all_contracts
from connectors.status import current_file
from orchestration.resources import Warehouse
from publication.disclosure import DisclosureSettings
from publication.publish import publish

MART_KEYS = [dg.AssetKey("kpi_values"), dg.AssetKey("mart_send_cohort"),
             dg.AssetKey("sub_icb_district_crosswalk")]


class DisclosureConfig(dg.Config):
    """Disclosure control of the public tier (NHS England small-number practice by default)."""

    threshold: int = 7
    rounding_base: int = 5


@dg.asset(
    group_name="publication",
    deps=[*MART_KEYS, dg.AssetKey("landing_gate")],
    kinds={"csv", "parquet"},
    description="The restricted and public tiers under HOME/publish, swapped in atomically.",
)
def publication(context: dg.AssetExecutionContext, config: DisclosureConfig,
                warehouse: Warehouse) -> dg.MaterializeResult:
    reporting_date = warehouse.resolved_reporting_date()
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
    return dg.MaterializeResult(metadata={"publication_id": folder.name,
                                          "reporting_date": reporting_date.isoformat(),
                                          "path": dg.MetadataValue.path(str(folder))})
