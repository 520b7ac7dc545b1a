-- The API nodes using this store, each refreshing its row every few seconds (for /health,
-- and to refuse a second node on one embedded index).
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
