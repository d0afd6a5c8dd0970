-- eventwire schema, version 4: places found in photo captions. A place row's field says which text its offsets
-- index: 'text' (the article body, as for event spans) or 'caption:N', the captions row of that position.

ALTER TABLE places ADD COLUMN field TEXT NOT NULL DEFAULT 'text';
