-- 025 (PostgreSQL): the right number for each call, as 024 gives SQLite: where each number is, its
-- rest, its calls this hour and the company that called from it last; the number each callee last
-- saw from each company (sticky caller ID, written when the call is released; row-level secured
-- like the rest of a company's data; a removed number's rows never match again, since ids are not
-- reused, so they carry no foreign key or index to keep up on every call);
-- and pooldesk_allocate picking in PickOrder's order (Migrations spells it out for PostgreSQL when this
-- runs) with the policy's caps, recording the callee and which rule matched. Each index on
-- phone_numbers gets a new entry on every release; these add two to 023's five.
ALTER TABLE phone_numbers ADD COLUMN area_code TEXT;
ALTER TABLE phone_numbers ADD COLUMN region TEXT;
ALTER TABLE phone_numbers ADD COLUMN resting_until BIGINT;
ALTER TABLE phone_numbers ADD COLUMN rest_reason TEXT;
ALTER TABLE phone_numbers ADD COLUMN calls_hour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phone_numbers ADD COLUMN calls_hour_start BIGINT NOT NULL DEFAULT 0;
ALTER TABLE phone_numbers ADD COLUMN last_company_id BIGINT;
CREATE INDEX ix_phone_numbers_shared_area ON phone_numbers
    (environment, area_code, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_region ON phone_numbers
    (environment, region, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE TABLE callee_numbers (
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    environment TEXT NOT NULL,
    callee TEXT NOT NULL,
    number_id BIGINT NOT NULL,
    last_called_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, environment, callee)
);
ALTER TABLE callee_numbers ENABLE ROW LEVEL SECURITY;
ALTER TABLE callee_numbers FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON callee_numbers USING ((SELECT pg_has_role(session_user,
    'pooldesk_all_companies', 'MEMBER')) OR company_id = ANY ((SELECT pooldesk_caller_companies())::BIGINT[]));
GRANT SELECT, INSERT, UPDATE, DELETE ON callee_numbers TO pooldesk_administrator, pooldesk_service;
GRANT SELECT ON callee_numbers TO pooldesk_finance, pooldesk_manager;
ALTER TABLE reservations ADD COLUMN callee TEXT;
ALTER TABLE reservations ADD COLUMN pick_match TEXT;
ALTER TABLE call_records ADD COLUMN callee TEXT;
ALTER TABLE call_records ADD COLUMN pick_match TEXT;
DROP FUNCTION pooldesk_allocate(TEXT, TEXT, TEXT, TEXT, INTEGER, BIGINT, TEXT, BIGINT, BIGINT, BOOLEAN);
CREATE FUNCTION pooldesk_allocate(
    p_company TEXT, p_session TEXT, p_operator TEXT, p_environment TEXT, p_per_number INTEGER,
    p_day BIGINT, p_month TEXT, p_now BIGINT, p_lease_expires BIGINT, p_check_leases BOOLEAN,
    p_callee TEXT, p_sticky_since BIGINT, p_area_code TEXT, p_region TEXT, p_daily_cap INTEGER,
    p_hourly_cap INTEGER, p_min_gap BIGINT, p_warmup_days INTEGER, p_cooldown BIGINT,
    OUT o_company_id BIGINT, OUT o_company_name TEXT, OUT o_plan TEXT, OUT o_max_concurrent INTEGER,
    OUT o_monthly_minutes BIGINT, OUT o_monthly_budget_micros BIGINT, OUT o_session_held BIGINT,
    OUT o_session_ended BIGINT, OUT o_company_held BIGINT, OUT o_minutes_used BIGINT,
    OUT o_spent_micros BIGINT, OUT o_earliest_lease BIGINT, OUT o_number_id BIGINT, OUT o_e164 TEXT,
    OUT o_dedicated_company_id BIGINT, OUT o_match TEXT)
RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
    v_id BIGINT;
    v_step INTEGER;
BEGIN
    -- The company row lock serialises one company's allocations, so its limits hold. NO KEY UPDATE
    -- leaves the key-share locks of releases' foreign keys free (FOR UPDATE deadlocked with them).
    -- Under READ COMMITTED every statement below reads a snapshot taken after the lock was granted,
    -- so it sees each allocation committed while this one waited.
    PERFORM 1 FROM companies WHERE name = p_company FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT c.id, c.name, c.plan, c.max_concurrent, c.monthly_minutes, c.monthly_budget_micros,
        (SELECT COUNT(*) FROM reservations WHERE session = p_session AND company_id = c.id),
        (SELECT COUNT(*) FROM call_records WHERE session = p_session AND company_id = c.id),
        (SELECT COUNT(*) FROM reservations r WHERE r.company_id = c.id),
        (SELECT u.billed_minutes FROM company_usage_months u WHERE u.company_id = c.id AND u.month = p_month),
        (SELECT u.cost_micros FROM company_usage_months u WHERE u.company_id = c.id AND u.month = p_month),
        (SELECT MIN(lease_expires_at) FROM reservations)
    INTO o_company_id, o_company_name, o_plan, o_max_concurrent, o_monthly_minutes,
        o_monthly_budget_micros, o_session_held, o_session_ended, o_company_held, o_minutes_used,
        o_spent_micros, o_earliest_lease
    FROM companies c WHERE c.name = p_company;
    -- A NULL limit is no limit (the comparison is NULL, which IF takes as false).
    IF o_session_held > 0 OR o_session_ended > 0 OR (p_check_leases AND o_earliest_lease < p_now)
        OR o_company_held >= o_max_concurrent
        OR COALESCE(o_minutes_used, 0) >= o_monthly_minutes
        OR COALESCE(o_spent_micros, 0) >= o_monthly_budget_micros THEN
        RETURN NEXT;
        RETURN;
    END IF;
    -- The pick order is PickOrder's (models/storage/PickOrder.cpp), spelled for PostgreSQL.
{{PICK_NUMBER}}
    IF v_id IS NOT NULL THEN
        UPDATE phone_numbers n SET active_calls = n.active_calls + 1, last_company_id = o_company_id,
            status = CASE WHEN n.status = 'in_use' THEN 'in_use' ELSE 'reserved' END
        WHERE n.id = v_id
        RETURNING n.id, n.e164, n.dedicated_company_id, {{PICK_MATCH}}
        INTO o_number_id, o_e164, o_dedicated_company_id, o_match;
    END IF;
    IF o_number_id IS NOT NULL THEN
        INSERT INTO reservations (session, number_id, company_id, operator, reserved_at, lease_expires_at,
            callee, pick_match)
        VALUES (p_session, o_number_id, o_company_id, p_operator, p_now, p_lease_expires, p_callee, o_match);
        -- Listeners hear of the change when (and only if) the call commits.
        PERFORM pg_notify('pooldesk_changes', '');
    END IF;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION pooldesk_allocate(TEXT, TEXT, TEXT, TEXT, INTEGER, BIGINT, TEXT, BIGINT, BIGINT, BOOLEAN, TEXT, BIGINT, TEXT, TEXT, INTEGER, INTEGER, BIGINT, INTEGER, BIGINT)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pooldesk_allocate(TEXT, TEXT, TEXT, TEXT, INTEGER, BIGINT, TEXT, BIGINT, BIGINT, BOOLEAN, TEXT, BIGINT, TEXT, TEXT, INTEGER, INTEGER, BIGINT, INTEGER, BIGINT)
    TO pooldesk_administrator, pooldesk_service;
