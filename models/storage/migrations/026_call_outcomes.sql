-- 026: how each call ended (Twilio's CallStatus, from the status callback, the backend's release or
-- the call sync) and the SIP response Twilio reported, which a number's health is worked out from
-- (Reputation). Neither is indexed: a release writes them with the rest of its record.
ALTER TABLE call_records ADD COLUMN outcome TEXT;
ALTER TABLE call_records ADD COLUMN sip_code INTEGER;
