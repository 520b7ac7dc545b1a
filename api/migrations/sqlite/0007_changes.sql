-- The public change log: one row per change the public sees (published, updated, retracted),
-- written in the change's transaction; feeds and export ETags read it.
CREATE TABLE record_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    change TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX record_changes_by_kind ON record_changes (kind, seq);
