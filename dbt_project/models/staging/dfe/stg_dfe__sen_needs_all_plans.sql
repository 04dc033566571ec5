-- Active EHC plans by primary need on the January census day (DfE sen_needs_all_plans.csv):
-- one row per area, period and figure of the current release file's total rows (macro
-- dfe_release_figures).
{{ dfe_release_figures('sen_needs_all_plans', 'january') }}
