-- 024 (SQLite): the right number for each call (PickOrder). Where each number is (area code and
-- region, filled from libphonenumber by Migrations after this and by every insert), whether it
-- rests, its calls this hour and the company that called from it last (caps and the cooldown
-- between companies), and which number each callee last saw from each company (sticky caller
-- ID, written when the call is released; a removed number's rows never match again, since ids are
-- not reused, so they carry no foreign key or index to keep up on every call). A reservation and
-- its call record keep the callee and which rule picked the number. The two new indexes hold
-- shared numbers by area code and by region, idle longest first: a release moves a number's entry
-- in each, as it does in 022's.
ALTER TABLE phone_numbers ADD COLUMN area_code TEXT;
ALTER TABLE phone_numbers ADD COLUMN region TEXT;
ALTER TABLE phone_numbers ADD COLUMN resting_until BIGINT;
ALTER TABLE phone_numbers ADD COLUMN rest_reason TEXT;
ALTER TABLE phone_numbers ADD COLUMN calls_hour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phone_numbers ADD COLUMN calls_hour_start BIGINT NOT NULL DEFAULT 0;
ALTER TABLE phone_numbers ADD COLUMN last_company_id BIGINT;
CREATE INDEX ix_phone_numbers_shared_area ON phone_numbers (environment, area_code, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_region ON phone_numbers (environment, region, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE TABLE callee_numbers (
    company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    environment TEXT NOT NULL,
    callee TEXT NOT NULL,
    number_id BIGINT NOT NULL,
    last_called_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, environment, callee)
) WITHOUT ROWID;
ALTER TABLE reservations ADD COLUMN callee TEXT;
ALTER TABLE reservations ADD COLUMN pick_match TEXT;
ALTER TABLE call_records ADD COLUMN callee TEXT;
ALTER TABLE call_records ADD COLUMN pick_match TEXT;
