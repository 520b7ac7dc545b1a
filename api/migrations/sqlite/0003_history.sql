-- History: append-only, one row per change, written in the change's transaction.
CREATE TABLE record_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX record_history_by_record ON record_history (record_id, seq);
