-- eventwire schema, version 3 (PostgreSQL twin of migrations/0003_api_indexes.sql): the API's indexes, and event
-- counts kept up to date by triggers for /stats. SQLite's NOCASE is lower() here: the queries' `x = ? COLLATE
-- NOCASE` become `lower(x) = lower(?)` (store/postgres.py), served by these expression indexes.

CREATE INDEX event_actors_name_nocase ON event_actors (lower(name));
CREATE INDEX event_actors_code ON event_actors (code);
CREATE INDEX events_place_name_nocase ON events (lower(place_name), date);

CREATE TABLE event_counts_day (
    country TEXT COLLATE "C" NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    quad_class INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (country, day, type, quad_class)
);
CREATE INDEX event_counts_day_day ON event_counts_day (day);

CREATE TABLE event_counts_month (
    country TEXT COLLATE "C" NOT NULL,
    month TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    quad_class INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (country, month, type, quad_class)
);

CREATE VIEW event_country_keys AS
    SELECT e.id AS event_id, '' AS country FROM events e
    UNION SELECT e.id, e.place_country FROM events e WHERE e.place_country IS NOT NULL
    UNION SELECT x.event_id, x.country FROM event_actors x WHERE x.country IS NOT NULL;

CREATE TABLE event_countries (
    country TEXT COLLATE "C" NOT NULL,
    date TEXT COLLATE "C" NOT NULL,
    event_rowid BIGINT NOT NULL,
    PRIMARY KEY (country, date, event_rowid)
);

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
CREATE FUNCTION eventwire_event_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.place_country IS NOT NULL THEN
        INSERT INTO event_countries (country, date, event_rowid)
            VALUES (NEW.place_country, COALESCE(NEW.date, ''), NEW.rowid);
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
CREATE TRIGGER event_counts_insert AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION eventwire_event_counts_insert();

-- An actor adds its country, unless the event already counts for it (its place, or an earlier actor). "Earlier" is
-- a smaller rowid: after-row triggers of one COPY run once all its rows are in, so each must defer to the first.
CREATE FUNCTION eventwire_event_counts_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.country IS NULL
        OR EXISTS (SELECT 1 FROM events e WHERE e.id = NEW.event_id AND e.place_country = NEW.country)
        OR EXISTS (SELECT 1 FROM event_actors x
                   WHERE x.event_id = NEW.event_id AND x.country = NEW.country AND x.rowid < NEW.rowid) THEN
        RETURN NULL;
    END IF;
    INSERT INTO event_countries (country, date, event_rowid)
        SELECT NEW.country, COALESCE(e.date, ''), e.rowid FROM events e WHERE e.id = NEW.event_id;
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
CREATE TRIGGER event_counts_actor AFTER INSERT ON event_actors FOR EACH ROW
    EXECUTE FUNCTION eventwire_event_counts_actor();

-- Before an event goes (its actors are still there), it stops counting everywhere it counted.
CREATE FUNCTION eventwire_event_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM event_countries
        WHERE date = COALESCE(OLD.date, '') AND event_rowid = OLD.rowid
        AND (country = OLD.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = OLD.id));
    UPDATE event_counts_day SET n = n - 1
        WHERE day = COALESCE(substr(OLD.date, 1, 10), '') AND type = OLD.type
        AND quad_class = COALESCE(OLD.quad_class, 0)
        AND (country = '' OR country = OLD.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = OLD.id));
    UPDATE event_counts_month SET n = n - 1
        WHERE month = COALESCE(substr(OLD.date, 1, 7), '') AND type = OLD.type
        AND quad_class = COALESCE(OLD.quad_class, 0)
        AND (country = '' OR country = OLD.place_country
             OR country IN (SELECT x.country FROM event_actors x WHERE x.event_id = OLD.id));
    RETURN OLD;
END $$;
CREATE TRIGGER event_counts_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION eventwire_event_counts_delete();
