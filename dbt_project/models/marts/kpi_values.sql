-- The published KPI table (restricted tier): every KPI family's rows with exactly the columns of
-- kpis.md, for the reporting date. Disclosure control for the public tier is applied at publication.
{{ kpi_family_rows() }}
