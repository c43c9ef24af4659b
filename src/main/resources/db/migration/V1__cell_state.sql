-- Last known state of every cell, so the state API answers at once after a restart.
-- Status rows are small and rewritten on every refresh; the flags document only when it changes.
CREATE TABLE cell_state (
    cell_id         VARCHAR(100) PRIMARY KEY,
    read_at         TIMESTAMP WITH TIME ZONE,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    stale           BOOLEAN NOT NULL,
    error           VARCHAR(2000),
    stale_since     TIMESTAMP WITH TIME ZONE,
    content_hash    VARCHAR(64) NOT NULL
);

CREATE TABLE cell_flags (
    cell_id    VARCHAR(100) PRIMARY KEY,
    flags_json TEXT NOT NULL
);
