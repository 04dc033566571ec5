-- EHC plans issued within 20 weeks in each calendar year (DfE timeliness_20_week.csv):
-- one row per area, period and figure of the current release file's total rows (macro
-- dfe_release_figures).
{{ dfe_release_figures('timeliness_20_week', 'calendar_year') }}
