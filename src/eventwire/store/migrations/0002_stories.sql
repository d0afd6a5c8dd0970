-- eventwire schema, version 2: near-duplicate fingerprints and their LSH buckets, stories, and the events of a story
-- grouped into one row per happening with its mentions, sources and articles counted (see docs/stories.md).

-- One MinHash signature per article body (uint32 little-endian values), and how many shingles it was made from.
CREATE TABLE article_fingerprints (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);

-- LSH band buckets: the articles whose signatures agree on one band. bucket hashes the band's values together with
-- the band number, so one `bucket IN (...)` lookup on the primary key (the index) serves every band. No foreign
-- key, so the table stays one compact b-tree (rows of deleted articles are skipped: their fingerprint is gone).
CREATE TABLE lsh_buckets (
    bucket INTEGER NOT NULL,
    band INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (bucket, band, article_id)
) WITHOUT ROWID;

-- A near-duplicate keeps its article row but points at the original report (duplicate_of, the first stored copy)
-- and at the stored copy it resembled most (matched), with the estimated similarity.
CREATE TABLE duplicates (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    duplicate_of TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    matched TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('exact', 'near')),
    jaccard REAL NOT NULL,
    containment REAL NOT NULL
);
CREATE INDEX duplicates_duplicate_of ON duplicates (duplicate_of);
CREATE INDEX duplicates_matched ON duplicates (matched);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT,
    first_article TEXT REFERENCES articles (id) ON DELETE SET NULL,
    first_published TEXT,
    last_published TEXT,
    num_articles INTEGER NOT NULL DEFAULT 0,
    num_duplicates INTEGER NOT NULL DEFAULT 0,
    num_sources INTEGER NOT NULL DEFAULT 0,
    num_events INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_last_published ON stories (last_published);
CREATE INDEX stories_first_article ON stories (first_article);

-- Which story an article belongs to and why: first (it opened the story), duplicate, event or entities.
CREATE TABLE story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('first', 'duplicate', 'event', 'entities')),
    via TEXT,
    score REAL,
    published TEXT,
    source TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX story_articles_story ON story_articles (story_id);

-- One happening of a story: the events with the same key, counted GDELT-style but de-duplicated.
CREATE TABLE story_events (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    type TEXT NOT NULL,
    source_country TEXT,
    target_country TEXT,
    place TEXT,
    date TEXT,
    flags TEXT NOT NULL DEFAULT '',
    num_mentions INTEGER NOT NULL DEFAULT 0,
    num_sources INTEGER NOT NULL DEFAULT 0,
    num_articles INTEGER NOT NULL DEFAULT 0,
    first_event_id TEXT,
    UNIQUE (story_id, key)
);
CREATE INDEX story_events_match ON story_events (type, source_country, target_country, date);
CREATE INDEX story_events_date ON story_events (date);

CREATE TABLE story_event_members (
    event_id TEXT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    story_event_id INTEGER NOT NULL REFERENCES story_events (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX story_event_members_group ON story_event_members (story_event_id);
CREATE INDEX story_event_members_article ON story_event_members (article_id);
