-- eventwire schema, version 5 (PostgreSQL twin of migrations/0005_acled.sql): ACLED's event type and sub-event type
-- of each event. NULL: nothing ACLED records, or an event stored before this version.

ALTER TABLE events ADD COLUMN acled_type TEXT COLLATE "C";
ALTER TABLE events ADD COLUMN acled_sub_type TEXT COLLATE "C";
CREATE INDEX events_acled ON events (acled_type, acled_sub_type, date);
CREATE INDEX events_acled_sub ON events (acled_sub_type, date);
