-- Durable outbox: work to do after a state change, written in the same transaction as the
-- change. The worker sends with retries and exponential back-off; after too many failures
-- a row is parked for an administrator. `id` is also the idempotency key towards receivers.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    done_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
