-- 009: final status callbacks that proved no session (no CallSid attached, and no reservation
-- that began before the call): kept, not applied, so what Twilio said is not lost and no other
-- session is ended by it. One row per call and status, however often Twilio retries.
CREATE TABLE twilio_unmatched_callbacks (
    id {{ID}},
    environment TEXT NOT NULL,
    call_sid TEXT NOT NULL,
    call_status TEXT NOT NULL,
    direction TEXT,
    from_e164 TEXT,
    to_e164 TEXT,
    duration_seconds BIGINT,
    event_at BIGINT,
    received_at BIGINT NOT NULL,
    UNIQUE (environment, call_sid, call_status)
);
