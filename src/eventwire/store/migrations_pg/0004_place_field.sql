-- eventwire schema, version 4 (PostgreSQL twin of migrations/0004_place_field.sql): places found in photo captions.
-- A place row's field says which text its offsets index: 'text' (the article body) or 'caption:N'.

ALTER TABLE places ADD COLUMN field TEXT COLLATE "C" NOT NULL DEFAULT 'text';
