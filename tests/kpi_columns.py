"""The published columns of kpi_values, in order: its dbt contract's, as the manifest holds them."""
from publication.dbt_manifest import column_descriptions

KPI_COLUMNS = tuple(column_descriptions()["kpi_values"])
