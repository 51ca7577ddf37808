-- 023 (PostgreSQL): the allocator's shared pick in index order, as 022 gives SQLite: a never-used
-- free shared number, else one not used today (idle longest first), else one used today (fewest
-- calls today, then idle longest), each read from the front of an index to the first free number
-- instead of sorting the pool. pooldesk_allocate is as in 011 otherwise. A release changes these
-- keys, so its row update is no longer heap-only: each release writes a new entry into every index
-- of phone_numbers (the three before these, and these two).
CREATE INDEX ix_phone_numbers_shared_idle ON phone_numbers (environment, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_today ON phone_numbers
    (environment, calls_today_day, calls_today, last_used_at NULLS FIRST, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE OR REPLACE FUNCTION pooldesk_allocate(
    p_company TEXT, p_session TEXT, p_operator TEXT, p_environment TEXT, p_per_number INTEGER,
    p_day BIGINT, p_month TEXT, p_now BIGINT, p_lease_expires BIGINT, p_check_leases BOOLEAN,
    OUT o_company_id BIGINT, OUT o_company_name TEXT, OUT o_plan TEXT, OUT o_max_concurrent INTEGER,
    OUT o_monthly_minutes BIGINT, OUT o_monthly_budget_micros BIGINT, OUT o_session_held BIGINT,
    OUT o_session_ended BIGINT, OUT o_company_held BIGINT, OUT o_minutes_used BIGINT,
    OUT o_spent_micros BIGINT, OUT o_earliest_lease BIGINT, OUT o_number_id BIGINT, OUT o_e164 TEXT,
    OUT o_dedicated_company_id BIGINT)
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
    -- The company's dedicated numbers first, then (unless the plan is enterprise) shared ones. Among
    -- equals: a number not used today before one that was, and among those the one idle longest
    -- (never used first); among numbers used today, the fewest calls today, then the one idle
    -- longest (the allocator's SQLite statements pick alike). Rows another transaction is taking
    -- are skipped.
    FOR v_step IN 1..5 LOOP
        CONTINUE WHEN v_step > 1 AND o_plan = 'enterprise';
        CASE v_step
        WHEN 1 THEN
            SELECT n.id INTO v_id FROM phone_numbers n
            WHERE n.environment = p_environment AND n.dedicated_company_id = o_company_id
                AND n.active_calls < p_per_number AND n.missing_from_twilio = 0
            ORDER BY CASE WHEN n.calls_today_day = p_day THEN n.calls_today ELSE 0 END,
                COALESCE(n.last_used_at, 0), n.id
            LIMIT 1 FOR UPDATE SKIP LOCKED;
        WHEN 2 THEN
            SELECT n.id INTO v_id FROM phone_numbers n
            WHERE n.environment = p_environment AND n.dedicated_company_id IS NULL
                AND n.missing_from_twilio = 0 AND n.last_used_at IS NULL AND n.active_calls < p_per_number
            ORDER BY n.environment, n.last_used_at NULLS FIRST, n.id
            LIMIT 1 FOR UPDATE SKIP LOCKED;
        WHEN 3 THEN
            SELECT n.id INTO v_id FROM phone_numbers n
            WHERE n.environment = p_environment AND n.dedicated_company_id IS NULL
                AND n.missing_from_twilio = 0 AND n.last_used_at < p_day * 86400
                AND n.active_calls < p_per_number
            ORDER BY n.environment, n.last_used_at NULLS FIRST, n.id
            LIMIT 1 FOR UPDATE SKIP LOCKED;
        WHEN 4 THEN
            SELECT n.id INTO v_id FROM phone_numbers n
            WHERE n.environment = p_environment AND n.dedicated_company_id IS NULL
                AND n.missing_from_twilio = 0 AND n.calls_today_day = p_day
                AND n.active_calls < p_per_number
            ORDER BY n.environment, n.calls_today_day, n.calls_today, n.last_used_at NULLS FIRST, n.id
            LIMIT 1 FOR UPDATE SKIP LOCKED;
        ELSE
            -- A call the Twilio sync recorded moves last_used_at but not calls today's day.
            SELECT n.id INTO v_id FROM phone_numbers n
            WHERE n.environment = p_environment AND n.dedicated_company_id IS NULL
                AND n.missing_from_twilio = 0 AND n.last_used_at >= p_day * 86400
                AND n.calls_today_day <> p_day AND n.active_calls < p_per_number
            ORDER BY n.environment, n.last_used_at NULLS FIRST, n.id
            LIMIT 1 FOR UPDATE SKIP LOCKED;
        END CASE;
        EXIT WHEN v_id IS NOT NULL;
    END LOOP;
    -- Only when every free number was locked by another transaction does it wait for them, so a
    -- number being released at this moment is not a reason to refuse. On this rare path the shared
    -- numbers come idle longest first, one walk of the index.
    IF v_id IS NULL THEN
        SELECT n.id INTO v_id FROM phone_numbers n
        WHERE n.environment = p_environment AND n.dedicated_company_id = o_company_id
            AND n.active_calls < p_per_number AND n.missing_from_twilio = 0
        ORDER BY CASE WHEN n.calls_today_day = p_day THEN n.calls_today ELSE 0 END,
            COALESCE(n.last_used_at, 0), n.id
        LIMIT 1 FOR UPDATE;
    END IF;
    IF v_id IS NULL AND o_plan <> 'enterprise' THEN
        SELECT n.id INTO v_id FROM phone_numbers n
        WHERE n.environment = p_environment AND n.dedicated_company_id IS NULL
            AND n.missing_from_twilio = 0 AND n.active_calls < p_per_number
        ORDER BY n.environment, n.last_used_at NULLS FIRST, n.id
        LIMIT 1 FOR UPDATE;
    END IF;
    IF v_id IS NOT NULL THEN
        UPDATE phone_numbers SET active_calls = active_calls + 1,
            status = CASE WHEN status = 'in_use' THEN 'in_use' ELSE 'reserved' END
        WHERE id = v_id
        RETURNING id, e164, dedicated_company_id INTO o_number_id, o_e164, o_dedicated_company_id;
    END IF;
    IF o_number_id IS NOT NULL THEN
        INSERT INTO reservations (session, number_id, company_id, operator, reserved_at, lease_expires_at)
        VALUES (p_session, o_number_id, o_company_id, p_operator, p_now, p_lease_expires);
        -- Listeners hear of the change when (and only if) the call commits.
        PERFORM pg_notify('pooldesk_changes', '');
    END IF;
    RETURN NEXT;
END
$$;
