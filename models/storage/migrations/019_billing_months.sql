-- 019: the workspace's billing time zone, and closed months.
-- A new database takes the time zone of the machine that creates it; one upgraded keeps UTC, as
-- its months always were. Written once so every console, pooldeskctl and the pool service agree on
-- where a month begins.
INSERT INTO settings (key, value) VALUES ('billing.time_zone', '{{SYSTEM_TIME_ZONE}}')
    ON CONFLICT (key) DO NOTHING;
-- A closed month's cost report, as it stood when finance closed it. Nothing updates these rows:
-- corrections arrive as adjustments in the next open month, and only an administrator may
-- re-open (delete) a month.
CREATE TABLE closed_months (
    month TEXT PRIMARY KEY,
    time_zone TEXT NOT NULL,
    from_at BIGINT NOT NULL,
    to_at BIGINT NOT NULL,
    closed_at BIGINT NOT NULL,
    closed_by TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
-- The whole report (every company, number and total), whose SHA-256 the audit log holds.
CREATE TABLE closed_month_documents (
    month TEXT PRIMARY KEY REFERENCES closed_months (month) ON DELETE CASCADE,
    document TEXT NOT NULL
);
-- Each company's line of the report, so a manager reads their own company's closed figures.
CREATE TABLE closed_month_companies (
    month TEXT NOT NULL REFERENCES closed_months (month) ON DELETE CASCADE,
    company_id BIGINT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (month, company_id)
);
