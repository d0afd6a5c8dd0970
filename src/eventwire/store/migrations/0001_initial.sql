-- eventwire schema, version 1: articles and every annotation layer, one row per record.
-- Plain names, foreign keys and indexes so that datasette and sqlite-utils read it well.

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT,
    published TEXT,
    published_from TEXT,
    url TEXT,
    source TEXT,
    author TEXT,
    text TEXT NOT NULL,
    origin_path TEXT,
    origin_line INTEGER,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_source ON articles (source);

CREATE VIRTUAL TABLE articles_fts USING fts5 (title, text, content = 'articles', content_rowid = 'rowid');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TABLE captions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    credit TEXT,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX entities_article ON entities (article_id);
CREATE INDEX entities_label_text ON entities (label, text);

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start INTEGER,
    "end" INTEGER,
    text TEXT NOT NULL,
    name TEXT,
    country TEXT,
    sector TEXT,
    code TEXT,
    entity TEXT
);
CREATE INDEX actors_article ON actors (article_id);
CREATE INDEX actors_country_sector ON actors (country, sector);
CREATE INDEX actors_name ON actors (name);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    mode TEXT,
    cameo TEXT,
    quad_class INTEGER,
    negated INTEGER NOT NULL DEFAULT 0,
    hypothetical INTEGER NOT NULL DEFAULT 0,
    future INTEGER NOT NULL DEFAULT 0,
    confidence REAL,
    date TEXT,
    date_precision TEXT,
    sentence_start INTEGER,
    sentence_end INTEGER,
    sentence_text TEXT,
    sentence_field TEXT,
    trigger_start INTEGER,
    trigger_end INTEGER,
    trigger_text TEXT,
    trigger_field TEXT,
    place_text TEXT,
    place_start INTEGER,
    place_end INTEGER,
    place_name TEXT,
    place_country TEXT,
    place_admin1 TEXT,
    place_lat REAL,
    place_lon REAL,
    place_geonames_id INTEGER,
    place_feature TEXT,
    mentions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX events_article ON events (article_id);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_type_date ON events (type, date);
CREATE INDEX events_quad_date ON events (quad_class, date);
CREATE INDEX events_place_country ON events (place_country);

CREATE TABLE event_actors (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('source', 'target')),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    name TEXT,
    country TEXT,
    sector TEXT,
    code TEXT,
    start INTEGER,
    "end" INTEGER,
    entity TEXT,
    PRIMARY KEY (event_id, role, position)
);
CREATE INDEX event_actors_country ON event_actors (country, sector);
CREATE INDEX event_actors_name ON event_actors (name);

CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    name TEXT,
    country TEXT,
    admin1 TEXT,
    lat REAL,
    lon REAL,
    geonames_id INTEGER,
    feature TEXT
);
CREATE INDEX places_article ON places (article_id);
CREATE INDEX places_country ON places (country);

CREATE TABLE dates (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    precision TEXT,
    type TEXT
);
CREATE INDEX dates_article ON dates (article_id);
CREATE INDEX dates_value ON dates (value);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    speaker_text TEXT,
    speaker_name TEXT,
    speaker_country TEXT,
    speaker_sector TEXT,
    speaker_code TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker_name);
