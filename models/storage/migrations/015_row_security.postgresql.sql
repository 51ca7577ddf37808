-- 015 (PostgreSQL only): the database, not the program, decides what each login may see and change.
-- - The schema belongs to a role nobody signs in as, DATABASE_owner; the login that runs this
--   migration (the database's creator) becomes a member of it, and later migrations run as it.
-- - Only the schema's owner and PoolDesk's users may connect to the database: a login that is a
--   user of another PoolDesk database on the same server gets nothing here.
-- - Each group role gets only its PoolDesk role's privileges (see the GRANTs below); a fourth one,
--   pooldesk_service, is for the pool service's own login.
-- - Every table that holds a company's data has row-level security enabled and forced (the owner
--   obeys it too), with policies on session_user's membership: administrators, finance and the
--   service see every company (through their group roles), a manager only the companies
--   member_companies names for them.
-- - The audit log takes INSERTs only; a person's entry names session_user, whatever the client sent.
DO $$
DECLARE
    owner_role TEXT := current_database() || '_owner';
    item RECORD;
    role_name TEXT;
BEGIN
    IF length(owner_role) > 63 THEN
        RAISE EXCEPTION 'the database name % is too long for PoolDesk (at most 57 characters)',
            current_database() USING ERRCODE = 'name_too_long';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner_role) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', owner_role);
    END IF;
    FOREACH role_name IN ARRAY ARRAY['pooldesk_service', 'pooldesk_all_companies'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', owner_role, session_user);
    EXECUTE format('GRANT pooldesk_all_companies TO %I', owner_role);
    -- Server-wide, like the roles: another database migrating at the same moment may grant the
    -- same membership first, and then this one's fails; what counts is that it exists.
    FOREACH role_name IN ARRAY ARRAY['pooldesk_administrator', 'pooldesk_finance', 'pooldesk_service'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = 'pooldesk_all_companies'::regrole
                       AND member = role_name::regrole) THEN
            BEGIN
                EXECUTE format('GRANT pooldesk_all_companies TO %I', role_name);
            EXCEPTION WHEN OTHERS THEN
                IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = 'pooldesk_all_companies'::regrole
                               AND member = role_name::regrole) THEN
                    RAISE;
                END IF;
            END;
        END IF;
    END LOOP;
    EXECUTE format('GRANT CREATE, USAGE ON SCHEMA %I TO %I', current_schema(), owner_role);
    FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('ALTER TABLE %I OWNER TO %I', item.tablename, owner_role);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
            WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'pooldesk\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', item.signature, owner_role);
    END LOOP;
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), owner_role);
    FOR item IN SELECT m.login FROM members m JOIN pg_roles r ON r.rolname = m.login LOOP
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), item.login);
    END LOOP;
    -- Everything below is created by, and belongs to, the owner role.
    EXECUTE format('SET LOCAL ROLE %I', owner_role);
END
$$;
ALTER TABLE members DROP CONSTRAINT members_role_check;
ALTER TABLE members ADD CONSTRAINT members_role_check
    CHECK (role IN ('administrator', 'finance', 'manager', 'service'));
-- Who sees every company: the members of pooldesk_all_companies, which are the administrator,
-- finance and service group roles and the owner role (granted above; so the owner's members too,
-- and superusers, who are members of every role). Policies ask pg_has_role through a scalar subquery, so it runs once per statement
-- and costs next to nothing; a login holds PoolDesk roles in one database of a server only
-- (Members::add refuses a second), so a group role never reaches into another database's rows.
-- The caller's PoolDesk role: their membership's, else 'owner' for the schema owner's members (and
-- superusers), else NULL; the same order as Identity::whoAmI. Runs as the owner (current_user
-- here), reading only session_user's row.
CREATE OR REPLACE FUNCTION pooldesk_caller_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    caller_role TEXT;
BEGIN
    SELECT role INTO caller_role FROM members WHERE login = session_user;
    IF caller_role IS NULL AND pg_has_role(session_user, current_user, 'MEMBER') THEN
        caller_role := 'owner';
    END IF;
    RETURN caller_role;
END
$$;
-- A manager's companies (empty for everyone else). PL/pgSQL keeps its statement's plan for the
-- session, where an SQL function would plan it on every statement that asks.
CREATE OR REPLACE FUNCTION pooldesk_caller_companies() RETURNS BIGINT[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    RETURN (SELECT COALESCE(array_agg(company_id), '{}') FROM member_companies WHERE login = session_user);
END
$$;
REVOKE ALL ON FUNCTION pooldesk_caller_role(), pooldesk_caller_companies() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pooldesk_caller_role(), pooldesk_caller_companies(), pooldesk_whoami() TO pooldesk_administrator, pooldesk_finance, pooldesk_manager, pooldesk_service;
REVOKE ALL ON FUNCTION pooldesk_allocate(TEXT, TEXT, TEXT, TEXT, INTEGER, BIGINT, TEXT, BIGINT, BIGINT, BOOLEAN)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pooldesk_allocate(TEXT, TEXT, TEXT, TEXT, INTEGER, BIGINT, TEXT, BIGINT, BIGINT, BOOLEAN)
    TO pooldesk_administrator, pooldesk_service;

-- Privileges. Administrators change everything but the audit log and the schema; the service runs
-- the pool (allocations, releases, Twilio's facts) and reads configuration; finance reads money and
-- history; managers read their companies' calls, recordings, costs, usage, limits and numbers.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON schema_migrations, tariffs, settings
    TO pooldesk_administrator, pooldesk_finance, pooldesk_manager, pooldesk_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON companies, operators, phone_numbers, reservations, call_records,
    company_usage_months, tariffs, settings, api_keys, twilio_environments, twilio_sync_state,
    call_recordings, twilio_releases_proposed, twilio_releases_in_flight, twilio_unmatched_callbacks,
    members, member_companies
    TO pooldesk_administrator;
GRANT SELECT, INSERT, UPDATE, DELETE ON operators, phone_numbers, reservations, call_records,
    company_usage_months, twilio_sync_state, call_recordings, twilio_releases_proposed,
    twilio_releases_in_flight, twilio_unmatched_callbacks
    TO pooldesk_service;
-- The service locks a company's row while it allocates (FOR NO KEY UPDATE needs UPDATE on a
-- column) and keeps its allocation rate's state, notes a key's last use, and refreshes tariffs from
-- Twilio's prices; it changes no company's plan or limits.
GRANT SELECT, UPDATE (allocation_tat_us) ON companies TO pooldesk_service;
GRANT SELECT, UPDATE ON api_keys, tariffs TO pooldesk_service;
GRANT SELECT ON twilio_environments TO pooldesk_service, pooldesk_finance;
GRANT SELECT ON companies, operators, phone_numbers, reservations, call_records, company_usage_months
    TO pooldesk_finance, pooldesk_manager;
GRANT SELECT ON call_recordings TO pooldesk_manager;
GRANT SELECT, INSERT ON audit_log TO pooldesk_administrator, pooldesk_finance, pooldesk_service;
GRANT INSERT ON audit_log TO pooldesk_manager;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public
    TO pooldesk_administrator, pooldesk_finance, pooldesk_manager, pooldesk_service;

-- Row-level security on every table that holds a company's data, forced so the owner obeys it too.
-- One rule for the tables whose rows name their company in a column: every company for the members
-- of pooldesk_all_companies, else the caller's companies. A manager sees the numbers dedicated to
-- their companies; the shared numbers their calls used appear in those calls (call_records.e164),
-- never with another company's holder.
DO $$
DECLARE
    scoped RECORD;
BEGIN
    FOR scoped IN SELECT * FROM (VALUES ('companies', 'id'), ('operators', 'company_id'),
            ('phone_numbers', 'dedicated_company_id'), ('reservations', 'company_id'),
            ('call_records', 'company_id'), ('company_usage_months', 'company_id'),
            ('api_keys', 'company_id')) AS t(table_name, company_column) LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', scoped.table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', scoped.table_name);
        EXECUTE format('CREATE POLICY company_scope ON %I USING ((SELECT pg_has_role(session_user, '
                       '''pooldesk_all_companies'', ''MEMBER'')) OR %I = ANY ((SELECT '
                       'pooldesk_caller_companies())::BIGINT[]))', scoped.table_name, scoped.company_column);
    END LOOP;
END
$$;
-- A recording belongs to its call's company.
ALTER TABLE call_recordings ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_recordings FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON call_recordings
    USING ((SELECT pg_has_role(session_user, 'pooldesk_all_companies', 'MEMBER'))
           OR EXISTS (SELECT 1 FROM call_records c WHERE c.call_sid = call_recordings.call_sid
                      AND c.company_id = ANY ((SELECT pooldesk_caller_companies())::BIGINT[])));
-- A login reads its own memberships; administrators all of them.
ALTER TABLE member_companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE member_companies FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON member_companies
    USING (login = session_user OR (SELECT pg_has_role(session_user, 'pooldesk_all_companies', 'MEMBER')));
-- Anyone with INSERT may add an entry (a manager records what they played, whichever company it
-- was); each reads only the entries of their scope.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON audit_log FOR SELECT
    USING ((SELECT pg_has_role(session_user, 'pooldesk_all_companies', 'MEMBER'))
           OR company_id = ANY ((SELECT pooldesk_caller_companies())::BIGINT[]));
CREATE POLICY anyone_appends ON audit_log FOR INSERT WITH CHECK (true);

-- The audit log is append-only for everyone, the owner included (the owner could drop these
-- triggers: making that visible is the audit chain's job, not this one's). A person's entry is in
-- their login's name; only the owner, administrators and the service write entries for a key, a
-- policy or the system.
CREATE OR REPLACE FUNCTION pooldesk_audit_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.actor NOT LIKE 'user:%'
            AND COALESCE(pooldesk_caller_role() IN ('owner', 'administrator', 'service'), false) THEN
            RETURN NEW;
        END IF;
        NEW.actor := 'user:' || session_user;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION pooldesk_audit_guard() FROM PUBLIC;
CREATE TRIGGER audit_log_stamp BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION pooldesk_audit_guard();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION pooldesk_audit_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION pooldesk_audit_guard();
