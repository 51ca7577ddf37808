-- 011 (PostgreSQL only): pooldesk_allocate as in 008, but a session is looked up within its
-- company (010), and the indexes and vacuum settings 008 gave reservations, which 010 rebuilt.
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
    -- Dedicated numbers first, then (unless the plan is enterprise) shared ones; among equals the
    -- number with the fewest calls today, then the one idle longest. Rows another transaction is
    -- taking are skipped; only when that leaves none does it wait for them, so a number being
    -- released at this moment is not a reason to refuse.
    UPDATE phone_numbers SET active_calls = active_calls + 1,
        status = CASE WHEN status = 'in_use' THEN 'in_use' ELSE 'reserved' END
    WHERE id = (SELECT n.id FROM phone_numbers n WHERE n.environment = p_environment
            AND n.active_calls < p_per_number AND n.missing_from_twilio = 0
            AND (n.dedicated_company_id = o_company_id
                 OR (o_plan <> 'enterprise' AND n.dedicated_company_id IS NULL))
        ORDER BY CASE WHEN n.dedicated_company_id IS NULL THEN 1 ELSE 0 END,
            CASE WHEN n.calls_today_day = p_day THEN n.calls_today ELSE 0 END,
            COALESCE(n.last_used_at, 0), n.id
        LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, e164, dedicated_company_id INTO o_number_id, o_e164, o_dedicated_company_id;
    IF o_number_id IS NULL THEN
        UPDATE phone_numbers SET active_calls = active_calls + 1,
            status = CASE WHEN status = 'in_use' THEN 'in_use' ELSE 'reserved' END
        WHERE id = (SELECT n.id FROM phone_numbers n WHERE n.environment = p_environment
                AND n.active_calls < p_per_number AND n.missing_from_twilio = 0
                AND (n.dedicated_company_id = o_company_id
                     OR (o_plan <> 'enterprise' AND n.dedicated_company_id IS NULL))
            ORDER BY CASE WHEN n.dedicated_company_id IS NULL THEN 1 ELSE 0 END,
                CASE WHEN n.calls_today_day = p_day THEN n.calls_today ELSE 0 END,
                COALESCE(n.last_used_at, 0), n.id
            LIMIT 1 FOR UPDATE)
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
-- PostgreSQL keeps a deleted row until VACUUM, and autovacuum visits a table at most once a minute:
-- reservations gets a row and a dead row per call, so scanning it (the company's calls under way,
-- the earliest lease) read thousands of dead rows per allocation under load. These indexes read
-- only the rows asked for, and autovacuum cleans the table whenever it has 1,000 dead rows. SQLite
-- frees a deleted row's space at once; there the table stays as small as the calls under way.
CREATE INDEX ix_reservations_company ON reservations (company_id);
CREATE INDEX ix_reservations_lease ON reservations (lease_expires_at);
ALTER TABLE reservations SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
