-- 028 (PostgreSQL): the allocator prefers healthy numbers among equals, as 027 gives SQLite:
-- Reputation's review flags a number it watches (health_watch = 1), and within the callee's area
-- code, within their region and among the rest of the shared numbers good ones come before watched
-- ones. The four shared pick indexes hold the flag after their equality columns, so each step still
-- reads from the front of its index to the first free number. Only the review writes the flag, when
-- a number's state changes; a release writes one entry into each index of phone_numbers as before.
-- pooldesk_allocate is 025's with PickOrder's new order (Migrations spells it out); its signature,
-- and so its grants, stay.
ALTER TABLE phone_numbers ADD COLUMN health_watch INTEGER NOT NULL DEFAULT 0;
DROP INDEX ix_phone_numbers_shared_idle;
DROP INDEX ix_phone_numbers_shared_today;
DROP INDEX ix_phone_numbers_shared_area;
DROP INDEX ix_phone_numbers_shared_region;
CREATE INDEX ix_phone_numbers_shared_idle ON phone_numbers
    (environment, health_watch, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_today ON phone_numbers
    (environment, health_watch, calls_today_day, calls_today, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_area ON phone_numbers
    (environment, area_code, health_watch, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_region ON phone_numbers
    (environment, region, health_watch, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE OR REPLACE FUNCTION pooldesk_allocate(
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
