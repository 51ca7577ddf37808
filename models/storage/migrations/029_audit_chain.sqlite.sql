-- 029 (SQLite): the audit log becomes a hash chain (storage/AuditChain.h defines the canonical
-- entry and the links). Every entry gets a gap-free sequence number and its link's hash (64 hex
-- digits), written by AuditLog::write in the transaction of the change it records; audit_chain
-- holds the head, one row, so entries are numbered in commit order. Entries written before this
-- migration are chained in id order by Migrations once it has run (SQLite has no SHA-256 in SQL).
-- audit_checkpoints keeps signed statements of the head (storage/AuditCheckpoint.h).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX ix_audit_log_seq ON audit_log (seq);
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    log_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, log_id, seq, hash)
    VALUES (1, lower(hex(randomblob(16))), 0, '0000000000000000000000000000000000000000000000000000000000000000');
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
