-- Requests for an EHC needs assessment in each calendar year (DfE requests.csv): one row per area, period and figure of
-- the current release file's total rows (macro dfe_release_figures).
{{ dfe_release_figures('requests', 'calendar_year') }}
