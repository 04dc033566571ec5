"""One landing asset per extract contract, grouped by partner, plus the landing gate."""

from datetime import date
from pathlib import Path

import dagster as dg

from connectors.clean_zone import write_clean_table, write_manifest, zone_dir
from connectors.contracts import Contract, all_contracts, contract_for
from connectors.drop import (
    database_delivery, database_sources, deliveries_for, delivery_folder, unrecognised_files,
)
from connectors.key_fingerprint import KeyMismatchError, verify_key
from connectors.landing import land, prepare, record_unrecognised
from connectors.status import delivery_problems, extract_status, write_status_file
from orchestration.resources import DropFolder, Pseudonymiser, Warehouse

LOOKUP_KEY = dg.AssetKey(["clean", "icb__lsoa_lookup"])
# Bad data never raises (it is recorded and fails the extract's check), so what raises is transient
# (a busy file share, the warehouse file locked) and worth retrying; landing again is idempotent.
RETRY_POLICY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)
# A partner database that cannot be read is recorded as a rejected delivery, and asked again later.
DATABASE_RETRIES, DATABASE_RETRY_SECONDS = 2, 120


def clean_key(contract: Contract) -> dg.AssetKey:
    return dg.AssetKey(["clean", contract.name])


def _prepare(con, pseudonymiser: Pseudonymiser) -> None:
    """The landing schema and functions, under the key the warehouse was built with (or none lands)."""
    key = pseudonymiser.key_bytes()
    prepare(con, key)
    try:
        verify_key(con, key)
    except KeyMismatchError as mismatch:
        raise dg.Failure(str(mismatch), allow_retries=False) from None


def _landing_asset(contract: Contract) -> dg.AssetsDefinition:
    check = dg.AssetCheckSpec("delivery_accepted", asset=clean_key(contract),
                              description="The newest delivery was accepted and its rows reconcile.")

    @dg.asset(
        key=clean_key(contract),
        group_name=contract.partner,
        description=f"{contract.title} ({contract.partner}/{contract.extract}): landed, "
                    "validated against its contract and pseudonymised.",
        deps=([LOOKUP_KEY] if contract.has_lsoa else [])  # a return's child module after its parent:
        + ([clean_key(contract_for(contract.partner, contract.parent[0]))] if contract.parent else [])
        + [clean_key(contract_for(contract.partner, extract)) for extract in contract.lookups],
        check_specs=[check],
        kinds={"duckdb"},
        metadata={"contract": f"connectors/contracts/{contract.partner}/{contract.extract}.yml"},
        retry_policy=RETRY_POLICY,
    )
    def landing_asset(context: dg.AssetExecutionContext, warehouse: Warehouse,
                      drop: DropFolder, pseudonymiser: Pseudonymiser) -> dg.MaterializeResult:
        today = date.today()
        source = database_sources().get((contract.partner, contract.extract))
        deliveries = ([database_delivery(contract, source, today)] if source
                      else deliveries_for(contract, delivery_folder(contract, Path(drop.path)), today))
        with warehouse.connect() as con:
            _prepare(con, pseudonymiser)
            for delivery in deliveries:
                outcome = land(con, contract, delivery, warehouse.home_path / "landing" / "files")
                if outcome is None:
                    continue
                log = context.log.warning if outcome.status == "rejected" else context.log.info
                log(f"{outcome.file_name}: {outcome.status}, {outcome.rows_received} received, "
                    f"{outcome.rows_accepted} accepted, {outcome.rows_quarantined} quarantined"
                    + (f" — {outcome.message}" if outcome.message else ""))
                if delivery.database and _unreadable(con, outcome) and context.retry_number < DATABASE_RETRIES:
                    raise dg.RetryRequested(max_retries=DATABASE_RETRIES, seconds_to_wait=DATABASE_RETRY_SECONDS)
            _write_clean_zone(con, contract, zone_dir(warehouse.home_path))
            status = extract_status(con, contract)
            problems = delivery_problems(con, contract)
            write_status_file(warehouse.home_path, con, f"landed {contract.partner}/{contract.extract}")
        return dg.MaterializeResult(
            metadata={k: v for k, v in status.items() if v is not None},
            check_results=[dg.AssetCheckResult(
                check_name="delivery_accepted", passed=not problems,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"problems": "\n".join(problems) or "none"},
            )],
        )

    return landing_asset


def _write_clean_zone(con, contract: Contract, zone: Path) -> None:
    """The extract's clean table (when it has one) and the manifest, as Parquet in the open clean zone."""
    if con.execute("select count(*) from information_schema.tables where table_schema = 'clean'"
                   " and table_name = ?", [contract.name]).fetchone()[0]:
        write_clean_table(con, contract.name, zone)
    write_manifest(con, zone)


def _unreadable(con, outcome) -> bool:
    """The delivery was rejected because its source could not be read at all (not for its content)."""
    row = con.execute("select reason_code from landing.files where file_id = ?", [outcome.file_id]).fetchone()
    return outcome.status == "rejected" and row is not None and row[0] == "UNREADABLE"


landing_assets = [_landing_asset(c) for c in all_contracts()]


@dg.asset(
    group_name="landing",
    deps=[clean_key(c) for c in all_contracts()],
    check_specs=[dg.AssetCheckSpec(
        "every_extract_accepted", asset="landing_gate", blocking=True,
        description="Every extract's newest delivery was accepted, every file in the drop is "
                    "recognised, and every file's rows reconcile: otherwise publication is held back.",
    )],
    description="All partner deliveries accounted for: the gate in front of publication.",
)
def landing_gate(context: dg.AssetExecutionContext, warehouse: Warehouse, drop: DropFolder,
                 pseudonymiser: Pseudonymiser) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        _prepare(con, pseudonymiser)
        strays = unrecognised_files(Path(drop.path))
        for stray in strays:
            if record_unrecognised(con, stray):
                context.log.warning(stray.problem)
        problems = [p for c in all_contracts() for p in delivery_problems(con, c)]
        problems += [stray.problem for stray in strays]
        write_status_file(warehouse.home_path, con, "landing gate")
    return dg.MaterializeResult(
        metadata={"problems": len(problems)},
        check_results=[dg.AssetCheckResult(
            check_name="every_extract_accepted", passed=not problems,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"problems": "\n".join(problems) or "none"},
        )],
    )

