CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE regions (code TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE countries (
    code TEXT PRIMARY KEY,
    alpha3 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region TEXT, sub_region TEXT, intermediate_region TEXT,
    body TEXT NOT NULL
);
CREATE TABLE instruments (id TEXT PRIMARY KEY, position INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE ratifications (
    instrument TEXT NOT NULL, country TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (instrument, country)
);
CREATE INDEX ratifications_by_country ON ratifications (country);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    year_start INTEGER,
    year_end INTEGER,
    is_global INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX records_by_kind ON records (kind, status, id);
CREATE TABLE record_countries (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (record_id, country)
);
CREATE INDEX record_countries_by_country ON record_countries (country, record_id);
CREATE TABLE record_facets (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (record_id, facet, value)
);
CREATE INDEX record_facets_by_value ON record_facets (facet, value, record_id);
