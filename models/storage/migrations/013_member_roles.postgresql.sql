-- 013 (PostgreSQL only): one group role per PoolDesk role. `pooldeskctl user add` grants a login
-- exactly one of them. Roles belong to the whole server, so a second PoolDesk database on it finds
-- them already there. Until the grants and row-level security of each role's data land, a login
-- can say who it is (pooldesk_whoami) and nothing more.
-- Two databases migrating at once may both find a role missing: the second's CREATE then fails and
-- is ignored.
DO $$
DECLARE
    role_name TEXT;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['pooldesk_administrator', 'pooldesk_finance', 'pooldesk_manager'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;
-- Who the caller is, for every login: its role and (a manager's) companies, one row per company,
-- none for a login that is no member. Runs as the schema's owner, reading only session_user's rows,
-- so no login needs to read the membership of others or the list of companies.
CREATE OR REPLACE FUNCTION pooldesk_whoami(OUT o_role TEXT, OUT o_company_id BIGINT, OUT o_company_name TEXT)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT m.role, c.id, c.name FROM members m
    LEFT JOIN member_companies mc ON mc.login = m.login
    LEFT JOIN companies c ON c.id = mc.company_id
    WHERE m.login = session_user ORDER BY c.name
$$;
REVOKE ALL ON FUNCTION pooldesk_whoami() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pooldesk_whoami() TO pooldesk_administrator, pooldesk_finance, pooldesk_manager;
GRANT SELECT ON schema_migrations TO pooldesk_administrator, pooldesk_finance, pooldesk_manager;
GRANT SELECT ON members, member_companies TO pooldesk_administrator;
