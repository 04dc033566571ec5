-- EHC needs assessments and their outcomes in each calendar year (DfE assessments.csv):
-- one row per area, period and figure of the current release file's total rows (macro
-- dfe_release_figures).
{{ dfe_release_figures('assessments', 'calendar_year') }}
