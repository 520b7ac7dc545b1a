-- TIP Exchange on PostgreSQL: the same tables as the SQLite store.
-- Text keys use the "C" collation so that ids and names sort byte by byte, as on SQLite,
-- whatever the database's locale: page cursors depend on it.

CREATE TABLE meta (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code TEXT COLLATE "C" PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE countries (
    code TEXT COLLATE "C" PRIMARY KEY,
    alpha3 TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C",
    sub_region TEXT COLLATE "C",
    intermediate_region TEXT COLLATE "C",
    body TEXT NOT NULL
);

CREATE TABLE instruments (
    id TEXT COLLATE "C" PRIMARY KEY,
    position INTEGER NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE ratifications (
    instrument TEXT COLLATE "C" NOT NULL,
    country TEXT COLLATE "C" NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (instrument, country)
);
CREATE INDEX ratifications_by_country ON ratifications (country);

-- The catalogue: what the public reads (when published) and the search index follows.
CREATE TABLE records (
    id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    year_start INTEGER,
    year_end INTEGER,
    is_global BOOLEAN NOT NULL DEFAULT FALSE,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX records_by_kind ON records (kind, status, id);

CREATE TABLE record_countries (
    record_id TEXT COLLATE "C" NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    country TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (record_id, country)
);
CREATE INDEX record_countries_by_country ON record_countries (country, record_id);

CREATE TABLE record_facets (
    record_id TEXT COLLATE "C" NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    facet TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (record_id, facet, value)
);
CREATE INDEX record_facets_by_value ON record_facets (facet, value, record_id);

-- What the search index still has to apply; written in the change's transaction.
CREATE TABLE outbox (
    seq BIGSERIAL PRIMARY KEY,
    record_id TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- History: append-only, one row per change, written in the change's transaction.
CREATE TABLE record_history (
    seq BIGSERIAL PRIMARY KEY,
    record_id TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX record_history_by_record ON record_history (record_id, seq);

-- API keys: only the hash of each secret is kept.
CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL,
    body TEXT NOT NULL
);

-- Work in progress: drafts and submissions, at most one per record id, never public.
CREATE TABLE revisions (
    id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX revisions_by_status ON revisions (status, updated_at, id);

CREATE TABLE revision_countries (
    record_id TEXT COLLATE "C" NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    country TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (record_id, country)
);
CREATE INDEX revision_countries_by_country ON revision_countries (country, record_id);

-- The API nodes of the deployment, each refreshing its row every few seconds (for /health,
-- and to refuse an embedded index when several nodes share the store).
CREATE TABLE nodes (
    id TEXT COLLATE "C" PRIMARY KEY,
    body TEXT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL
);
