-- Hand-over to Fachverfahren and e-file. A delivery is an outbox row of kind `delivery`
-- (written in the same transaction as the submission or the case change that causes it);
-- its id is the idempotency key `dlv.<tenant>.<target>.<reference>.<event>`, so the same
-- hand-over can never be queued twice. `target` and `reference` make deliveries listable
-- per target and per case; `progress` keeps what a multi-step protocol has done so far
-- (a FIT-Connect submission id, uploaded attachments), so a retry continues instead of
-- starting over; `receipt` is the receiver's answer (its submission or case id, a status).
-- A `cancelled` status joins `pending`, `done` and `parked`.
ALTER TABLE outbox ADD COLUMN target TEXT;
ALTER TABLE outbox ADD COLUMN reference TEXT;
ALTER TABLE outbox ADD COLUMN progress TEXT;
ALTER TABLE outbox ADD COLUMN receipt TEXT;
CREATE INDEX outbox_deliveries ON outbox (tenant_id, kind, status);
CREATE INDEX outbox_reference ON outbox (tenant_id, reference);

-- The receiver's own case number (Aktenzeichen of the Fachverfahren), reported through the
-- inbound API or a FIT-Connect receipt; shown to staff and to the citizen.
ALTER TABLE submissions ADD COLUMN external_ref TEXT;
