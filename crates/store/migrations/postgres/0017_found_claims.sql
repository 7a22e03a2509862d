-- Claims to found items (issue 22): what a claimant says identifies the item, for staff
-- to compare with its private features and decide; the value staff set and the finder's
-- reward (§ 971 BGB) computed from it when a claim is accepted.
CREATE TABLE found_claims (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    features      TEXT NOT NULL,
    lang          TEXT NOT NULL,
    status        TEXT NOT NULL,
    value_cents   BIGINT,
    reward_cents  BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX found_claims_item ON found_claims (tenant_id, item_id);
