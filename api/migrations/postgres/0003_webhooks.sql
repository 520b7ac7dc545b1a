-- Webhooks and their delivery log. A webhook's secret is kept (every delivery is signed with
-- it); the dispatcher's position in the change log is the meta key 'webhooks.position'.
CREATE TABLE webhooks (
    id TEXT COLLATE "C" PRIMARY KEY,
    key_id TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX webhooks_by_key ON webhooks (key_id, created_at);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    -- Unix milliseconds of the next attempt; NULL once delivered or given up.
    next_attempt_ms BIGINT,
    payload TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (webhook_id, seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
