-- 030 (PostgreSQL): the audit log becomes a hash chain, as 029 makes it on SQLite
-- (storage/AuditChain.h defines the canonical entry and the links). Here the server chains every
-- entry itself, in the trigger that already stamps a person's login, so no login can write a
-- sequence number or a hash of its choosing: the trigger takes the head row (held to commit, so
-- entries are numbered in commit order), links the entry and moves the head. pooldesk_audit_canonical
-- spells AuditChain::canonical in SQL: the same JSON array, to_json's escapes being Qt's; the
-- suite's chain tests check the two agree on every entry they write.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    log_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, log_id, seq, hash)
    VALUES (1, replace(gen_random_uuid()::text, '-', ''), 0, repeat('0', 64));
CREATE TABLE audit_checkpoints (
    id {{ID}},
    log_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX ix_audit_checkpoints_seq ON audit_checkpoints (seq);

CREATE FUNCTION pooldesk_audit_canonical(e audit_log) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT '[' || e.seq || ',' || e.at || ',' || to_json(e.actor)::text || ',' || to_json(e.action)::text
        || ',' || COALESCE(to_json(e.target)::text, 'null') || ',' || COALESCE(e.company_id::text, 'null')
        || ',' || COALESCE(to_json(e.before_json)::text, 'null') || ',' || COALESCE(to_json(e.after_json)::text, 'null')
        || ']'
$$;
CREATE FUNCTION pooldesk_audit_link(previous TEXT, e audit_log) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(decode(previous, 'hex') || convert_to(pooldesk_audit_canonical(e), 'UTF8')), 'hex')
$$;

-- 015's guard, whose INSERT branch now also chains the entry.
CREATE OR REPLACE FUNCTION pooldesk_audit_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    head audit_chain;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.actor LIKE 'user:%'
            OR NOT COALESCE(pooldesk_caller_role() IN ('owner', 'administrator', 'service'), false) THEN
            NEW.actor := 'user:' || session_user;
        END IF;
        SELECT * INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;
        NEW.seq := head.seq + 1;
        NEW.hash := pooldesk_audit_link(head.hash, NEW);
        UPDATE audit_chain SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Links the entries that have no place in the chain yet, in id order, after the head: those written
-- before this migration (below), as AuditLog::chainUnlinkedEntries does on SQLite. Only the owner
-- runs it, with the append-only trigger and the forced row-level security lifted.
CREATE FUNCTION pooldesk_audit_link_unlinked() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    entry audit_log;
    head audit_chain;
    linked BIGINT := 0;
BEGIN
    SELECT * INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;
    FOR entry IN SELECT * FROM audit_log WHERE seq IS NULL ORDER BY id LOOP
        head.seq := head.seq + 1;
        entry.seq := head.seq;
        head.hash := pooldesk_audit_link(head.hash, entry);
        UPDATE audit_log SET seq = head.seq, hash = head.hash WHERE id = entry.id;
        linked := linked + 1;
    END LOOP;
    UPDATE audit_chain SET seq = head.seq, hash = head.hash WHERE id = 1;
    RETURN linked;
END
$$;
REVOKE ALL ON FUNCTION pooldesk_audit_link_unlinked() FROM PUBLIC;

-- The owner obeys the forced row-level security, which has no UPDATE policy, and the append-only
-- trigger: both are lifted for this one transaction, which holds the table's lock throughout.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
SELECT pooldesk_audit_link_unlinked();
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX ix_audit_log_seq ON audit_log (seq);

-- Checkpoints are append-only too; the head is written by the trigger alone.
CREATE FUNCTION pooldesk_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION pooldesk_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION pooldesk_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE OR DELETE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION pooldesk_append_only();
REVOKE ALL ON audit_chain, audit_checkpoints FROM PUBLIC;
GRANT SELECT ON audit_chain, audit_checkpoints TO pooldesk_administrator, pooldesk_finance, pooldesk_service;
GRANT INSERT ON audit_checkpoints TO pooldesk_administrator, pooldesk_service;
GRANT USAGE ON SEQUENCE audit_checkpoints_id_seq TO pooldesk_administrator, pooldesk_service;
