-- 003: Twilio environments (non-secret fields only: secrets live in the OS keychain), the state of
-- resumable syncs, and call recording metadata.
CREATE TABLE twilio_environments (
    name TEXT PRIMARY KEY,
    account_sid TEXT,
    api_key_sid TEXT,
    api_base_url TEXT NOT NULL DEFAULT 'https://api.twilio.com',
    webhook_base_url TEXT,
    voice_path TEXT NOT NULL DEFAULT '/twilio/voice',
    status_callback_path TEXT NOT NULL DEFAULT '/twilio/status',
    updated_at BIGINT NOT NULL
);
INSERT INTO twilio_environments (name, updated_at) VALUES ('development', 0), ('production', 0);
CREATE TABLE twilio_sync_state (
    environment TEXT NOT NULL,
    resource TEXT NOT NULL,
    next_page_uri TEXT,
    since BIGINT,
    high_water BIGINT,
    synced_items BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (environment, resource)
);
CREATE TABLE call_recordings (
    sid TEXT PRIMARY KEY,
    call_sid TEXT,
    environment TEXT NOT NULL,
    status TEXT,
    duration_seconds BIGINT,
    channels INTEGER,
    media_url TEXT,
    created_at BIGINT,
    price_micros BIGINT,
    price_unit TEXT
);
CREATE INDEX ix_call_recordings_call ON call_recordings (call_sid);
CREATE TABLE twilio_releases_proposed (
    environment TEXT NOT NULL,
    e164 TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    proposed_at BIGINT NOT NULL,
    PRIMARY KEY (environment, e164)
);
