-- 027 (SQLite): the allocator prefers healthy numbers among equals (PickOrder). Reputation's review
-- flags a number it watches (health_watch = 1: answered significantly less than its peers, or a
-- call blocked as spam); within the callee's area code, within their region and among the rest of
-- the shared numbers, good ones come before watched ones. The four shared pick indexes hold the flag
-- after their equality columns so each step still reads from the front to the first free number.
-- Only the review writes the flag, and only when a number's state changes: a release moves each
-- number's entries as before, one entry in each of the four. Migration 028 gives PostgreSQL the same.
ALTER TABLE phone_numbers ADD COLUMN health_watch INTEGER NOT NULL DEFAULT 0;
DROP INDEX ix_phone_numbers_shared_idle;
DROP INDEX ix_phone_numbers_shared_today;
DROP INDEX ix_phone_numbers_shared_area;
DROP INDEX ix_phone_numbers_shared_region;
CREATE INDEX ix_phone_numbers_shared_idle ON phone_numbers (environment, health_watch, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_today ON phone_numbers
    (environment, health_watch, calls_today_day, calls_today, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_area ON phone_numbers
    (environment, area_code, health_watch, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_region ON phone_numbers
    (environment, region, health_watch, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
