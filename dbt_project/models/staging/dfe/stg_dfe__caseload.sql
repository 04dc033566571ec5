-- Active EHC plans on each January census day (DfE caseload.csv): one row per area, period and figure of
-- the current release file's total rows (macro dfe_release_figures).
{{ dfe_release_figures('caseload', 'january') }}
