-- Online payment (ePayment issue): the payment service and its transaction of the current
-- attempt, and the reference it reports (transactionReference, e.g. the Kassenzeichen).
ALTER TABLE payments ADD COLUMN provider TEXT;
ALTER TABLE payments ADD COLUMN transaction_id TEXT;
ALTER TABLE payments ADD COLUMN kassenzeichen TEXT;

-- The built-in demo payment service: one row per transaction it was asked to run.
CREATE TABLE demo_pay_transactions (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    request      TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    status       TEXT NOT NULL,
    reference    TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
