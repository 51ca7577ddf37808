-- 001: the pool, its companies, calls, usage, tariffs, settings and audit log.
-- Times are UTC seconds since the epoch (BIGINT); money is integer micro-dollars (BIGINT).
-- {{ID}} is the engine's auto-increment primary key; {{WITHOUT_ROWID}} clusters a table on its primary
-- key in SQLite (nothing in PostgreSQL). Statements end with ';' at a line end.
CREATE TABLE companies (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    plan TEXT NOT NULL CHECK (plan IN ('standard', 'enterprise', 'hybrid')),
    max_concurrent INTEGER,
    monthly_minutes BIGINT,
    monthly_budget_micros BIGINT,
    created_at BIGINT NOT NULL
);
CREATE TABLE operators (
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    operator_key TEXT NOT NULL,
    display_name TEXT,
    first_seen_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, operator_key)
);
CREATE TABLE phone_numbers (
    id {{ID}},
    e164 TEXT NOT NULL,
    environment TEXT NOT NULL,
    twilio_sid TEXT,
    friendly_name TEXT,
    dedicated_company_id BIGINT REFERENCES companies(id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'in_use')),
    active_calls INTEGER NOT NULL DEFAULT 0,
    total_calls BIGINT NOT NULL DEFAULT 0,
    total_seconds BIGINT NOT NULL DEFAULT 0,
    total_minutes BIGINT NOT NULL DEFAULT 0,
    calls_today INTEGER NOT NULL DEFAULT 0,
    calls_today_day BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT,
    bought_at BIGINT,
    monthly_price_micros BIGINT NOT NULL,
    voice_url TEXT,
    status_callback_url TEXT,
    missing_from_twilio INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (e164, environment)
);
-- Allocation reads this index; it leaves out active_calls, which changes on every call, so an
-- allocation rewrites the number's row but no index page.
CREATE INDEX ix_phone_numbers_pick ON phone_numbers (environment, dedicated_company_id);
CREATE TABLE reservations (
    session TEXT PRIMARY KEY,
    number_id BIGINT NOT NULL REFERENCES phone_numbers(id),
    company_id BIGINT NOT NULL REFERENCES companies(id),
    operator TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'in_use')),
    call_sid TEXT,
    reserved_at BIGINT NOT NULL,
    lease_expires_at BIGINT NOT NULL
){{WITHOUT_ROWID}};
-- reservations holds only the calls under way (at most the pool's size), so its lookups by
-- company, number and lease scan a few pages; extra indexes would cost a page write per call.
CREATE UNIQUE INDEX ux_reservations_call_sid ON reservations (call_sid) WHERE call_sid IS NOT NULL;
CREATE TABLE call_records (
    id {{ID}},
    session TEXT,
    call_sid TEXT,
    number_id BIGINT REFERENCES phone_numbers(id) ON DELETE SET NULL,
    e164 TEXT NOT NULL,
    company_id BIGINT REFERENCES companies(id) ON DELETE SET NULL,
    operator TEXT,
    direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    duration_seconds BIGINT NOT NULL,
    billed_minutes BIGINT NOT NULL,
    estimated_cost_micros BIGINT NOT NULL,
    twilio_price_micros BIGINT,
    environment TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_call_records_session ON call_records (session) WHERE session IS NOT NULL;
CREATE UNIQUE INDEX ux_call_records_call_sid ON call_records (call_sid) WHERE call_sid IS NOT NULL;
CREATE INDEX ix_call_records_started ON call_records (started_at);
CREATE INDEX ix_call_records_company_started ON call_records (company_id, started_at);
CREATE TABLE company_usage_months (
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    billed_minutes BIGINT NOT NULL DEFAULT 0,
    cost_micros BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, month)
);
CREATE TABLE tariffs (
    country TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('number_monthly', 'outbound_minute', 'inbound_minute')),
    price_micros BIGINT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (country, category)
);
INSERT INTO tariffs (country, category, price_micros, source, updated_at) VALUES
    ('US', 'number_monthly', 1150000, 'default', 0),
    ('US', 'outbound_minute', 13000, 'default', 0),
    ('US', 'inbound_minute', 8500, 'default', 0);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE audit_log (
    id {{ID}},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    company_id BIGINT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_audit_log_company ON audit_log (company_id, at);
