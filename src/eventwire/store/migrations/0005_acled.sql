-- eventwire schema, version 5: ACLED's event type and sub-event type of each event (src/eventwire/acled.py), for
-- the ACLED export and the API's acled_type / acled_sub_type filters. NULL: nothing ACLED records, or an event
-- stored before this version (its categories were never computed).

ALTER TABLE events ADD COLUMN acled_type TEXT;
ALTER TABLE events ADD COLUMN acled_sub_type TEXT;
CREATE INDEX events_acled ON events (acled_type, acled_sub_type, date);
CREATE INDEX events_acled_sub ON events (acled_sub_type, date);
