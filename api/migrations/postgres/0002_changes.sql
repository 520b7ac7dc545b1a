-- The public change log: one row per change the public sees (published, updated, retracted),
-- written in the change's transaction under a transaction lock, so `seq` follows commit order;
-- feeds and export ETags read it.
CREATE TABLE record_changes (
    seq BIGSERIAL PRIMARY KEY,
    record_id TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    change TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX record_changes_by_kind ON record_changes (kind, seq);
