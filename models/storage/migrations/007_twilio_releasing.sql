-- 007: numbers being released at Twilio. While a release is under way the number's
-- missing_from_twilio is 2: the allocator takes only numbers whose flag is 0, and the release sets it
-- in the same statement that checks the number holds no call, so no allocation can take a number
-- whose release has begun. This row says since when, by whom, and which flag to restore when the
-- release fails; a release interrupted for longer than a few minutes is finished or undone by the
-- next recovery sweep (it asks Twilio whether the number is still there).
CREATE TABLE twilio_releases_in_flight (
    number_id BIGINT PRIMARY KEY REFERENCES phone_numbers(id) ON DELETE CASCADE,
    environment TEXT NOT NULL,
    e164 TEXT NOT NULL,
    previous_missing INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    trigger_reason TEXT NOT NULL
);
