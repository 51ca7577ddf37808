-- 014: a company's allocation rate (allocations per second, and how many may come at once), kept
-- with its other limits. NULL is no limit. allocation_tat_us is the limiter's state (the generic
-- cell rate algorithm's theoretical arrival time, in microseconds since the epoch): one number per
-- company, written only when the company has a rate, in the same statement that admits the request,
-- so every process and entry point shares one budget.
ALTER TABLE companies ADD COLUMN allocations_per_second INTEGER;
ALTER TABLE companies ADD COLUMN allocation_burst INTEGER;
ALTER TABLE companies ADD COLUMN allocation_tat_us BIGINT;
