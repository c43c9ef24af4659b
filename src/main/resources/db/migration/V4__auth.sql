-- API tokens (docs/security.md). Only the SHA-256 of a token is stored; the token is shown once, when created.
-- Tokens seeded from the environment (RIPPLE_BOOTSTRAP_TOKENS) are not stored.
CREATE TABLE api_token (
    id          VARCHAR(40) PRIMARY KEY,
    principal   VARCHAR(100) NOT NULL,
    roles       VARCHAR(200) NOT NULL,
    token_hash  VARCHAR(64) NOT NULL UNIQUE,
    description VARCHAR(200),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by  VARCHAR(100) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    revoked_by  VARCHAR(100)
);

-- Idempotency-Key on POST /api/v1/incidents: the same key and request answer the incident opened first.
ALTER TABLE incident ADD COLUMN idempotency_key VARCHAR(200);
ALTER TABLE incident ADD COLUMN request_hash VARCHAR(64);
CREATE UNIQUE INDEX incident_idempotency_key ON incident (idempotency_key);
