CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO outbox (record_id, created_at) SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM records;
