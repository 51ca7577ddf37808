-- 002: the pool service's API keys. Only a SHA-256 hash of each key is stored; the key itself
-- is shown once when it is created. A key scoped to a company may allocate only for it.
CREATE TABLE api_keys (
    id {{ID}},
    name TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    company_id BIGINT REFERENCES companies(id) ON DELETE CASCADE,
    rate_per_second INTEGER,
    burst INTEGER,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX ix_api_keys_company ON api_keys (company_id);
