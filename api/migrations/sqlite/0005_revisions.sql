-- Work in progress: drafts and submissions, at most one per record id, never public.
CREATE TABLE revisions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    origin TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX revisions_by_status ON revisions (status, updated_at, id);
CREATE TABLE revision_countries (
    record_id TEXT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (record_id, country)
);
CREATE INDEX revision_countries_by_country ON revision_countries (country, record_id);
