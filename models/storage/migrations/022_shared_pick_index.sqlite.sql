-- 022 (SQLite): the allocator's shared pick in index order. It takes the first free shared number
-- that was never used, else that was not used today, idle longest first, else that was used today,
-- fewest calls today and idle longest first: three ranges these two indexes hold in that order, so
-- it reads from their front to the first free number instead of sorting every shared number. A
-- release moves the number's entry in both (it changes calls today, their day and the last use);
-- an allocation changes only active_calls, which neither holds. Migration 023 gives PostgreSQL the
-- same.
CREATE INDEX ix_phone_numbers_shared_idle ON phone_numbers (environment, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
CREATE INDEX ix_phone_numbers_shared_today ON phone_numbers
    (environment, calls_today_day, calls_today, last_used_at, id)
    WHERE dedicated_company_id IS NULL AND missing_from_twilio = 0;
