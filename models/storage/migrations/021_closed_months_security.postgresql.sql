-- 021 (PostgreSQL): who may close, read and re-open a month, enforced by the server.
-- - Finance and administrators close a month (INSERT) and read every company's closed figures.
-- - A manager reads which months are closed and their own companies' lines, never the whole
--   document (closed_month_documents) nor another company's line (row-level security).
-- - Only administrators re-open a month (DELETE). Nobody UPDATEs: a trigger refuses it even to
--   the schema's owner.
CREATE FUNCTION pooldesk_closed_months_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'closed months never change' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER closed_months_never_change BEFORE UPDATE ON closed_months
    FOR EACH ROW EXECUTE FUNCTION pooldesk_closed_months_never_change();
CREATE TRIGGER closed_month_documents_never_change BEFORE UPDATE ON closed_month_documents
    FOR EACH ROW EXECUTE FUNCTION pooldesk_closed_months_never_change();
CREATE TRIGGER closed_month_companies_never_change BEFORE UPDATE ON closed_month_companies
    FOR EACH ROW EXECUTE FUNCTION pooldesk_closed_months_never_change();
ALTER TABLE closed_month_companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE closed_month_companies FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON closed_month_companies
    USING ((SELECT pg_has_role(session_user, 'pooldesk_all_companies', 'MEMBER'))
           OR company_id = ANY ((SELECT pooldesk_caller_companies())::BIGINT[]));
REVOKE ALL ON closed_months, closed_month_documents, closed_month_companies FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pooldesk_closed_months_never_change() FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON closed_months, closed_month_documents, closed_month_companies
    TO pooldesk_administrator;
GRANT SELECT, INSERT ON closed_months, closed_month_documents, closed_month_companies TO pooldesk_finance;
GRANT SELECT ON closed_months, closed_month_companies TO pooldesk_manager;
