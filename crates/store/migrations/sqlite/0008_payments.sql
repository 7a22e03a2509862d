-- Payments of fees (ePayment issue). One row per application that owes a fee, written in
-- the submit transaction. `creditor_ref` is the ISO 11649 reference (RF…) the citizen puts
-- on the bank transfer, derived from the reference number; a bank statement line that
-- carries it marks the payment paid. `lines` is the itemised fee as JSON (label, quantity,
-- unit and total cents); `booking_code` is the cash office's Buchungsstelle. Amounts are
-- integer cents. `status` follows the state machine of `domain::payment`.
CREATE TABLE payments (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    draft_id      TEXT NOT NULL,
    reference     TEXT NOT NULL,
    creditor_ref  TEXT NOT NULL,
    amount_cents  BIGINT NOT NULL,
    booking_code  TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    lines         TEXT NOT NULL,
    status        TEXT NOT NULL,
    method        TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    paid_at       BIGINT
);
CREATE UNIQUE INDEX payments_creditor_ref ON payments (tenant_id, creditor_ref);
CREATE INDEX payments_draft ON payments (draft_id);
CREATE INDEX payments_tenant_status ON payments (tenant_id, status);

-- Lines of imported bank statements (camt.053/camt.054) and what reconciliation made of
-- them. The id is a hash of the line's content and its occurrence in the file, so importing
-- the same statement again changes nothing. `outcome`: pays, no_reference,
-- unknown_reference, amount_differs, already_paid; all but `pays` wait for staff.
CREATE TABLE bank_lines (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    booked_on    TEXT,
    amount_cents BIGINT NOT NULL,
    debtor       TEXT,
    remittance   TEXT NOT NULL,
    reference    TEXT,
    outcome      TEXT NOT NULL,
    payment_id   TEXT,
    imported_at  BIGINT NOT NULL
);
CREATE INDEX bank_lines_tenant ON bank_lines (tenant_id, outcome, imported_at);
