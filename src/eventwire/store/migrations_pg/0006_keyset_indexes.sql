-- eventwire schema, version 6 (PostgreSQL twin of migrations/0006_listing_order.sql): indexes in the exact
-- order of the keyset pages. The listings sort `date DESC NULLS LAST, rowid DESC NULLS LAST` (SQLite's NULL
-- placement, store/dialect.py); a backward scan of an ascending index yields NULLS FIRST instead, so on a million
-- events PostgreSQL sorted the whole table for page 1 (300 ms) where SQLite read 51 index entries. Each index
-- below replaces one that led with the same columns, so writes cost no more than before. An ACLED type's events
-- are read by type and date (a filter on the sub-type as well uses the sub-type's index).

DROP INDEX events_date;
CREATE INDEX events_date ON events (date DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX events_type_date;
CREATE INDEX events_type_date ON events (type, date DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX events_quad_date;
CREATE INDEX events_quad_date ON events (quad_class, date DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX events_place_name_nocase;
CREATE INDEX events_place_name_nocase ON events (lower(place_name), date DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX events_acled;
CREATE INDEX events_acled ON events (acled_type, date DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX events_acled_sub;
CREATE INDEX events_acled_sub ON events (acled_sub_type, date DESC NULLS LAST, rowid DESC NULLS LAST);

-- One country's events: its rows of event_countries newest first (the primary key stays for uniqueness).
CREATE INDEX event_countries_keyset ON event_countries (country, date DESC NULLS LAST, event_rowid DESC NULLS LAST);

-- Articles newest first, overall and for one outlet.
DROP INDEX articles_published;
CREATE INDEX articles_published ON articles (published DESC NULLS LAST, rowid DESC NULLS LAST);
DROP INDEX articles_source;
CREATE INDEX articles_source ON articles (source, published DESC NULLS LAST, rowid DESC NULLS LAST);

-- Stories and their happenings newest first.
CREATE INDEX stories_keyset ON stories (id DESC NULLS LAST);
CREATE INDEX story_events_keyset ON story_events (id DESC NULLS LAST);

-- One country's events of one type (/events?country=C&type=T): event_countries carries the event's type, so the
-- page is a range of one index instead of testing the country's events one by one for the type (a rare type in a
-- common country read thousands of rows for 50). The insert trigger functions of version 3 are replaced to fill it.
ALTER TABLE event_countries ADD COLUMN type TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE event_countries c SET type = e.type FROM events e WHERE e.rowid = c.event_rowid;
CREATE INDEX event_countries_type ON event_countries (country, type, date DESC NULLS LAST,
    event_rowid DESC NULLS LAST);

CREATE OR REPLACE FUNCTION eventwire_event_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.place_country IS NOT NULL THEN
        INSERT INTO event_countries (country, date, event_rowid, type)
            VALUES (NEW.place_country, COALESCE(NEW.date, ''), NEW.rowid, NEW.type);
    END IF;
    INSERT INTO event_counts_day AS c (country, day, type, quad_class, n)
        SELECT k.k, COALESCE(substr(NEW.date, 1, 10), ''), NEW.type, COALESCE(NEW.quad_class, 0), 1
        FROM (SELECT ''::text AS k UNION SELECT NEW.place_country WHERE NEW.place_country IS NOT NULL) k
        ON CONFLICT (country, day, type, quad_class) DO UPDATE SET n = c.n + 1;
    INSERT INTO event_counts_month AS c (country, month, type, quad_class, n)
        SELECT k.k, COALESCE(substr(NEW.date, 1, 7), ''), NEW.type, COALESCE(NEW.quad_class, 0), 1
        FROM (SELECT ''::text AS k UNION SELECT NEW.place_country WHERE NEW.place_country IS NOT NULL) k
        ON CONFLICT (country, month, type, quad_class) DO UPDATE SET n = c.n + 1;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION eventwire_event_counts_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.country IS NULL
        OR EXISTS (SELECT 1 FROM events e WHERE e.id = NEW.event_id AND e.place_country = NEW.country)
        OR EXISTS (SELECT 1 FROM event_actors x
                   WHERE x.event_id = NEW.event_id AND x.country = NEW.country AND x.rowid < NEW.rowid) THEN
        RETURN NULL;
    END IF;
    INSERT INTO event_countries (country, date, event_rowid, type)
        SELECT NEW.country, COALESCE(e.date, ''), e.rowid, e.type FROM events e WHERE e.id = NEW.event_id;
    INSERT INTO event_counts_day AS c (country, day, type, quad_class, n)
        SELECT NEW.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = NEW.event_id
        ON CONFLICT (country, day, type, quad_class) DO UPDATE SET n = c.n + 1;
    INSERT INTO event_counts_month AS c (country, month, type, quad_class, n)
        SELECT NEW.country, COALESCE(substr(e.date, 1, 7), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = NEW.event_id
        ON CONFLICT (country, month, type, quad_class) DO UPDATE SET n = c.n + 1;
    RETURN NULL;
END $$;
