-- 012: who may do what. On PostgreSQL every person signs in with their own login; this table says
-- which PoolDesk role the login has and, for a manager, which companies it manages. On SQLite
-- whoever opens the file is administrator, and these tables stay empty.
CREATE TABLE members (
    login TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'finance', 'manager')),
    created_login INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE member_companies (
    login TEXT NOT NULL REFERENCES members(login) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    PRIMARY KEY (login, company_id)
);
CREATE INDEX ix_member_companies_company ON member_companies (company_id);
