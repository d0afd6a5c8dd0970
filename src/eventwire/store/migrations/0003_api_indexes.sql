-- eventwire schema, version 3: what the HTTP API (eventwire serve, docs/api.md) needs to answer in milliseconds on
-- millions of events: indexes for its filters, and event counts kept up to date by triggers for /stats.

-- Actor and place names are matched in any case, so their indexes use NOCASE; a place's events come newest first.
CREATE INDEX event_actors_name_nocase ON event_actors (name COLLATE NOCASE);
CREATE INDEX event_actors_code ON event_actors (code);
CREATE INDEX events_place_name_nocase ON events (place_name COLLATE NOCASE, date);

-- Event counts per day (and per month) by type, quad class and country. country '' holds the count of all events;
-- every other country row counts the events that involve it (an actor of that country, or the place), each event
-- once per country. Undated events have day '', events without a quad class quad_class 0.
CREATE TABLE event_counts_day (
    country TEXT NOT NULL,
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    quad_class INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (country, day, type, quad_class)
) WITHOUT ROWID;
CREATE INDEX event_counts_day_day ON event_counts_day (day);

CREATE TABLE event_counts_month (
    country TEXT NOT NULL,
    month TEXT NOT NULL,
    type TEXT NOT NULL,
    quad_class INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (country, month, type, quad_class)
) WITHOUT ROWID;

-- The countries an event involves: '' (all events), its place's country, its actors' countries; one row each.
CREATE VIEW event_country_keys AS
    SELECT e.id AS event_id, '' AS country FROM events e
    UNION SELECT e.id, e.place_country FROM events e WHERE e.place_country IS NOT NULL
    UNION SELECT x.event_id, x.country FROM event_actors x WHERE x.country IS NOT NULL;

-- The countries each event involves (not ''), newest first per country: the listing of one country's events
-- reads this index in date order instead of testing every event.
CREATE TABLE event_countries (
    country TEXT NOT NULL,
    date TEXT NOT NULL,
    event_rowid INTEGER NOT NULL,
    PRIMARY KEY (country, date, event_rowid)
) WITHOUT ROWID;

-- Counts and countries for the events already stored.
INSERT INTO event_countries (country, date, event_rowid)
    SELECT k.country, COALESCE(e.date, ''), e.rowid
    FROM event_country_keys k JOIN events e ON e.id = k.event_id WHERE k.country <> '';
INSERT INTO event_counts_day (country, day, type, quad_class, n)
    SELECT k.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), COUNT(*)
    FROM event_country_keys k JOIN events e ON e.id = k.event_id
    GROUP BY 1, 2, 3, 4;
INSERT INTO event_counts_month (country, month, type, quad_class, n)
    SELECT country, substr(day, 1, 7), type, quad_class, SUM(n) FROM event_counts_day GROUP BY 1, 2, 3, 4;

-- A new event counts for all events and for its place's country.
CREATE TRIGGER event_counts_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_countries (country, date, event_rowid)
        SELECT new.place_country, COALESCE(new.date, ''), new.rowid WHERE new.place_country IS NOT NULL;
    INSERT INTO event_counts_day (country, day, type, quad_class, n)
        SELECT k, COALESCE(substr(new.date, 1, 10), ''), new.type, COALESCE(new.quad_class, 0), 1
        FROM (SELECT '' AS k UNION SELECT new.place_country WHERE new.place_country IS NOT NULL)
        WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO event_counts_month (country, month, type, quad_class, n)
        SELECT k, COALESCE(substr(new.date, 1, 7), ''), new.type, COALESCE(new.quad_class, 0), 1
        FROM (SELECT '' AS k UNION SELECT new.place_country WHERE new.place_country IS NOT NULL)
        WHERE true ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- An actor adds its country, unless the event already counts for it (its place, or an earlier actor).
CREATE TRIGGER event_counts_actor AFTER INSERT ON event_actors
WHEN new.country IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = new.event_id AND e.place_country = new.country)
    AND NOT EXISTS (SELECT 1 FROM event_actors x
                    WHERE x.event_id = new.event_id AND x.country = new.country AND x.rowid <> new.rowid)
BEGIN
    INSERT INTO event_countries (country, date, event_rowid)
        SELECT new.country, COALESCE(e.date, ''), e.rowid FROM events e WHERE e.id = new.event_id;
    INSERT INTO event_counts_day (country, day, type, quad_class, n)
        SELECT new.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = new.event_id
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO event_counts_month (country, month, type, quad_class, n)
        SELECT new.country, COALESCE(substr(e.date, 1, 7), ''), e.type, COALESCE(e.quad_class, 0), 1
        FROM events e WHERE e.id = new.event_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Before an event goes (its actors are still there), it stops counting everywhere it counted.
CREATE TRIGGER event_counts_delete BEFORE DELETE ON events BEGIN
    DELETE FROM event_countries
        WHERE date = COALESCE(old.date, '') AND event_rowid = old.rowid
        AND (country = old.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = old.id));
    UPDATE event_counts_day SET n = n - 1
        WHERE day = COALESCE(substr(old.date, 1, 10), '') AND type = old.type
        AND quad_class = COALESCE(old.quad_class, 0)
        AND (country = '' OR country = old.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = old.id));
    UPDATE event_counts_month SET n = n - 1
        WHERE month = COALESCE(substr(old.date, 1, 7), '') AND type = old.type
        AND quad_class = COALESCE(old.quad_class, 0)
        AND (country = '' OR country = old.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = old.id));
END;
