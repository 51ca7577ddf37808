-- 004: indexes for the console's call history and audit views. The Calls view reads 10 million rows
-- in pages by keyset (the last row's sort key, then id), so each sortable order needs an index that
-- starts with its key; filters by number, operator and direction use the same ones. Expressions
-- match CallHistory.cpp exactly (an expression index is used only for the same expression).
CREATE INDEX ix_call_records_duration ON call_records (duration_seconds, id);
CREATE INDEX ix_call_records_cost ON call_records (estimated_cost_micros, id);
CREATE INDEX ix_call_records_e164_started ON call_records (e164, started_at, id);
CREATE INDEX ix_call_records_operator_started ON call_records ((COALESCE(operator, '')), started_at, id);
CREATE INDEX ix_call_records_direction_started ON call_records (direction, started_at, id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, at);
CREATE INDEX ix_audit_log_action ON audit_log (action, at);
CREATE INDEX ix_call_records_twilio_price ON call_records ((COALESCE(twilio_price_micros, -1)), id);
CREATE INDEX ix_call_records_environment_started ON call_records (environment, started_at, id);
