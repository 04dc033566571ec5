-- The events behind the SEN2 flow KPIs, one row per event and KPI, every date in the current
-- return (macro sen2_flow_events, their one definition; the KPIs keep those in their period).
{{ sen2_flow_events() }}
