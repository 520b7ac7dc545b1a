-- Webhooks and their delivery log. A webhook's secret is kept (every delivery is signed with
-- it); the dispatcher's position in the change log is the meta key 'webhooks.position'.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX webhooks_by_key ON webhooks (key_id, created_at);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    -- Unix milliseconds of the next attempt; NULL once delivered or given up.
    next_attempt_ms INTEGER,
    payload TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (webhook_id, seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
