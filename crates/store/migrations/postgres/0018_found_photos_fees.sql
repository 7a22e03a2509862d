-- Fundbüro (issue 22), second part: photos of found items (bytes in the file storage, kept
-- with the private layer: staff only), and the fee for handing an item back, recorded with
-- an accepted claim next to the finder's reward.
CREATE TABLE found_photos (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX found_photos_item ON found_photos (tenant_id, item_id);
ALTER TABLE found_claims ADD COLUMN fee_cents BIGINT;
-- A loss report's reference (typed with its access code to see or withdraw it later).
ALTER TABLE loss_reports ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX loss_reports_reference ON loss_reports (tenant_id, reference);
CREATE INDEX loss_reports_created ON loss_reports (created_at);
