-- number_history holds which company held a number: row-level security like every table with a
-- company column (see 015). Those who change numbers (administrators, and the service when it
-- scales the pool) write it; finance and managers read it within their scope.
ALTER TABLE number_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE number_history FORCE ROW LEVEL SECURITY;
CREATE POLICY company_scope ON number_history
    USING ((SELECT pg_has_role(session_user, 'pooldesk_all_companies', 'MEMBER'))
           OR company_id = ANY ((SELECT pooldesk_caller_companies())::BIGINT[]));
REVOKE ALL ON number_history FROM PUBLIC;
GRANT SELECT, INSERT ON number_history TO pooldesk_administrator, pooldesk_service;
GRANT SELECT ON number_history TO pooldesk_finance, pooldesk_manager;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public
    TO pooldesk_administrator, pooldesk_finance, pooldesk_manager, pooldesk_service;
