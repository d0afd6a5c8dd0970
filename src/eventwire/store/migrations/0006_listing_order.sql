-- eventwire schema, version 6: listing indexes in page order. One outlet's articles newest first (/articles?source=,
-- `eventwire articles --source`) and one ACLED type's events newest first are read from an index instead of
-- sorting the matches (the old ACLED index put the sub-type between type and date). The PostgreSQL twin
-- (migrations_pg/0006_keyset_indexes.sql) also re-orders its other listing indexes to the pages' NULL placement,
-- which SQLite's ascending indexes already give (its NULLs sort first, so a backward scan puts them last).

DROP INDEX articles_source;
CREATE INDEX articles_source ON articles (source, published);
DROP INDEX events_acled;
CREATE INDEX events_acled ON events (acled_type, date);
