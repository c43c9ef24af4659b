-- ChatOps (docs/chatops.md). V4 and V5 belong to other changes.

-- Slack request signatures seen within the replay window, shared by every instance: a request whose signature is
-- here already is a replay. Rows older than the window are purged.
CREATE TABLE chat_seen_signature (
    signature VARCHAR(100) PRIMARY KEY,
    seen_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX chat_seen_signature_seen_at ON chat_seen_signature (seen_at);

-- Chat requests that must run once: a bot's Idempotency-Key, or a Slack request (a retry carries the same body).
-- request_key is a digest of the scoped key; answer is the reply, once there is one (JSON).
CREATE TABLE chat_request (
    request_key  VARCHAR(64) PRIMARY KEY,
    request_hash VARCHAR(64) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    answer       TEXT
);
CREATE INDEX chat_request_started_at ON chat_request (started_at);
