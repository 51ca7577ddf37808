-- Each number's life as Twilio bills it: added (bought or imported), dedicated to a company or
-- shared, removed. A month's rental is charged from this history (billing/CostReport), so removing
-- or reassigning a number never rewrites a month already past. Numbers present before this
-- migration start with their purchase (or creation) and their holder of today.
CREATE TABLE number_history (
    id {{ID}},
    number_id BIGINT NOT NULL, -- phone_numbers.id; kept after the number is removed
    e164 TEXT NOT NULL,
    environment TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('added', 'dedicated', 'shared', 'removed')),
    company_id BIGINT, -- the holder from this event on; NULL: the shared pool
    monthly_price_micros BIGINT NOT NULL,
    added_at BIGINT NOT NULL, -- the purchase, on every event: a reader who sees only some still knows it
    at BIGINT NOT NULL
);
CREATE INDEX ix_number_history_number ON number_history (number_id, at);
INSERT INTO number_history (number_id, e164, environment, event, company_id, monthly_price_micros, added_at, at)
    SELECT id, e164, environment, 'added', dedicated_company_id, monthly_price_micros,
        COALESCE(bought_at, created_at), COALESCE(bought_at, created_at)
    FROM phone_numbers;
