-- 010: a session belongs to its company. Backends name their sessions; two companies may choose
-- the same name, and one company's name must neither block nor reveal another's. The key leads
-- with the session so a lookup by name alone (an unscoped caller) still reads the primary key.
CREATE TABLE reservations_by_company (
    session TEXT NOT NULL,
    number_id BIGINT NOT NULL REFERENCES phone_numbers(id),
    company_id BIGINT NOT NULL REFERENCES companies(id),
    operator TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'in_use')),
    call_sid TEXT,
    reserved_at BIGINT NOT NULL,
    lease_expires_at BIGINT NOT NULL,
    PRIMARY KEY (session, company_id)
){{WITHOUT_ROWID}};
INSERT INTO reservations_by_company (session, number_id, company_id, operator, state, call_sid, reserved_at,
    lease_expires_at)
SELECT session, number_id, company_id, operator, state, call_sid, reserved_at, lease_expires_at
FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_by_company RENAME TO reservations;
CREATE UNIQUE INDEX ux_reservations_call_sid ON reservations (call_sid) WHERE call_sid IS NOT NULL;
DROP INDEX ux_call_records_session;
CREATE UNIQUE INDEX ux_call_records_session ON call_records (session, company_id) WHERE session IS NOT NULL;
