-- eventwire schema, version 6: listing indexes in page order. One outlet's articles newest first (/articles?source=,
-- `eventwire articles --source`) and one ACLED type's events newest first are read from an index instead of
-- sorting the matches (the old ACLED index put the sub-type between type and date). The PostgreSQL twin
-- (migrations_pg/0006_keyset_indexes.sql) also re-orders its other listing indexes to the pages' NULL placement,
-- which SQLite's ascending indexes already give (its NULLs sort first, so a backward scan puts them last).

DROP INDEX articles_source;
CREATE INDEX articles_source ON articles (source, published);
DROP INDEX events_acled;
CREATE INDEX events_acled ON events (acled_type, date);

-- One country's events of one type (/events?country=C&type=T): event_countries carries the event's type, so the
-- page is a range of one index instead of testing the country's events one by one for the type (a rare type in a
-- common country read thousands of rows for 50). The insert triggers of version 3 are re-created to fill it.
ALTER TABLE event_countries ADD COLUMN type TEXT NOT NULL DEFAULT '';
UPDATE event_countries SET type = (SELECT e.type FROM events e WHERE e.rowid = event_countries.event_rowid);
CREATE INDEX event_countries_type ON event_countries (country, type, date);

DROP TRIGGER event_counts_insert;
CREATE TRIGGER event_counts_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_countries (country, date, event_rowid, type)
        SELECT new.place_country, COALESCE(new.date, ''), new.rowid, new.type WHERE new.place_country IS NOT NULL;
    INSERT INTO event_counts_day (country, day, type, quad_class, n)
        SELECT k, COALESCE(substr(new.date, 1, 10), ''), new.type, COALESCE(new.quad_class, 0), 1
        FROM (SELECT '' AS k UNION SELECT new.place_country WHERE new.place_country IS NOT NULL)
        WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO event_counts_month (country, month, type, quad_class, n)
        SELECT k, COALESCE(substr(new.date, 1, 7), ''), new.type, COALESCE(new.quad_class, 0), 1
        FROM (SELECT '' AS k UNION SELECT new.place_country WHERE new.place_country IS NOT NULL)
        WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
END;

DROP TRIGGER event_counts_actor;
CREATE TRIGGER event_counts_actor AFTER INSERT ON event_actors
WHEN new.country IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = new.event_id AND e.place_country = new.country)
    AND NOT EXISTS (SELECT 1 FROM event_actors x
                    WHERE x.event_id = new.event_id AND x.country = new.country AND x.rowid <> new.rowid)
BEGIN
    INSERT INTO event_countries (country, date, event_rowid, type)
        SELECT new.country, COALESCE(e.date, ''), e.rowid, e.type FROM events e WHERE e.id = new.event_id;
    INSERT INTO event_counts_day (country, day, type, quad_class, n)
        SELECT new.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = new.event_id
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO event_counts_month (country, month, type, quad_class, n)
        SELECT new.country, COALESCE(substr(e.date, 1, 7), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = new.event_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
