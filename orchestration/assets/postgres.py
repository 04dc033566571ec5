"""The optional PostgreSQL target: the dbt project rebuilt on a PostgreSQL server for BI tools."""

import json
import os

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.publication import publication
from orchestration.resources import PostgresTarget, Warehouse
from publication import postgres, run_parameters
from publication.postgres_tiers import PUBLIC_TIER, RESTRICTED_TIER, BiRoles, publish_tiers
from publication.publish import current_publication


@dg.asset(
    group_name="publication",
    deps=[publication],
    kinds={"postgres", "dbt"},
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    description=f"Both tiers on the PostgreSQL BI database ({PUBLIC_TIER}: the public files; {RESTRICTED_TIER}: "
                "the marts `dbt build --target postgres` built and tested in the closed build database from "
                "clean.* and landing.files), swapped in with the grants of the two BI roles.",
)
def postgres_marts(context: dg.AssetExecutionContext, warehouse: Warehouse, postgres_target: PostgresTarget,
                   dbt_postgres: DbtCliResource) -> dg.MaterializeResult:
    published = current_publication(warehouse.home_path)
    if published is None:
        raise dg.Failure("nothing published yet: the PostgreSQL target mirrors the current publication")
    with warehouse.connect(read_only=True) as con:
        copied = postgres.copy_sources(con, postgres_target.url)
    context.log.info(f"copied {len(copied)} tables ({sum(copied.values()):,} rows) to "
                     f"{postgres.described(postgres_target.url)}")
    postgres.write_run_parameters(postgres_target.url, published["reporting_date"], run_parameters.now())
    variables = postgres.dbt_variables()
    os.environ.update(postgres.dbt_environment(postgres_target.url))
    dbt_postgres.cli(["build", "--vars", json.dumps(variables)], raise_on_error=True).wait()
    postgres.publish_build(postgres_target.url)
    roles = BiRoles.configured()
    loaded = publish_tiers(postgres_target.url, warehouse.home_path / "publish" / "public", roles)
    context.log.info(f"published {len(loaded)} tables ({sum(loaded.values()):,} rows) to {PUBLIC_TIER} "
                     f"and {RESTRICTED_TIER}; readers: {roles.public_reader}, {roles.analyst}")
    return dg.MaterializeResult(metadata={
        "database": postgres.described(postgres_target.url),
        "publication_id": published["publication_id"],
        "reporting_date": published["reporting_date"],
        "rows_copied": sum(copied.values()),
        "tier_rows": {tier: sum(n for table, n in loaded.items() if table.startswith(f"{tier}."))
                      for tier in (PUBLIC_TIER, RESTRICTED_TIER)},
        "roles": f"{roles.public_reader}, {roles.analyst}",
    })
