-- Recordings for consoles that hold no Twilio credentials (a client company's manager): the
-- console asks the database for a ticket, and the pool service, which holds the credentials,
-- serves the audio once for it. The database decides who may listen, as it decides what each login
-- reads: the ticket is issued only for a recording within the caller's reach.
CREATE TABLE recording_tickets (
    token_hash TEXT PRIMARY KEY, -- hex SHA-256 of the bearer token; the token itself is never stored
    recording_sid TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('play', 'download')),
    login TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT
);
REVOKE ALL ON recording_tickets FROM PUBLIC;
GRANT SELECT, UPDATE (redeemed_at) ON recording_tickets TO pooldesk_service;

-- Issues a single-use ticket for the caller (session_user) to play or download one recording,
-- valid for ttl_seconds (5 to 300). Refused (42501) to roles that may not listen; a recording
-- outside the caller's companies is "no such recording" (P0002), like one that does not exist.
CREATE OR REPLACE FUNCTION pooldesk_recording_ticket(recording TEXT, wanted TEXT, hash TEXT, ttl_seconds INTEGER)
RETURNS VOID
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    caller_role TEXT := pooldesk_caller_role();
    owner_company BIGINT;
    present BOOLEAN;
    now_secs BIGINT := extract(epoch FROM clock_timestamp())::BIGINT;
BEGIN
    IF caller_role IS NULL OR caller_role NOT IN ('administrator', 'manager', 'owner')
            OR wanted NOT IN ('play', 'download') THEN
        RAISE EXCEPTION 'this role may not listen to call recordings' USING ERRCODE = '42501';
    END IF;
    -- The policies on both tables answer for session_user, the caller, even in this function.
    SELECT true, c.company_id INTO present, owner_company
        FROM call_recordings r LEFT JOIN call_records c ON c.call_sid = r.call_sid
        WHERE r.sid = recording;
    IF present IS NULL OR (caller_role = 'manager'
            AND (owner_company IS NULL OR NOT owner_company = ANY (pooldesk_caller_companies()))) THEN
        RAISE EXCEPTION 'no such recording' USING ERRCODE = 'P0002';
    END IF;
    DELETE FROM recording_tickets WHERE expires_at < now_secs - 3600;
    INSERT INTO recording_tickets (token_hash, recording_sid, access, login, expires_at)
        VALUES (hash, recording, wanted, session_user, now_secs + LEAST(GREATEST(ttl_seconds, 5), 300));
END
$$;
REVOKE ALL ON FUNCTION pooldesk_recording_ticket(TEXT, TEXT, TEXT, INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pooldesk_recording_ticket(TEXT, TEXT, TEXT, INTEGER)
    TO pooldesk_administrator, pooldesk_manager;
