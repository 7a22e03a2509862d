-- Notices to an account that belong to no application (issue 22): "your ID card is ready
-- to be picked up", "a found item may be yours". They stand in the account's Postkorb next
-- to its applications, apps that follow the account hear of them by push (no content),
-- and they go with the account. Subject and body are written in the citizen's language
-- when the notice is made, like the Postkorb's messages; they name no document number,
-- birth date or private feature.
CREATE TABLE account_notices (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX account_notices_account ON account_notices (tenant_id, account_id, created_at);
-- "Tell me when it is ready" for an account: its Postkorb (and apps) instead of, or next
-- to, an e-mail address; forgotten, like the address, once told.
ALTER TABLE id_documents ADD COLUMN notify_account TEXT;
-- A loss report filed while logged in belongs to the account: listed in Mein Bereich,
-- matches told in its Postkorb, deleted with it.
ALTER TABLE loss_reports ADD COLUMN account_id TEXT;
CREATE INDEX loss_reports_account ON loss_reports (tenant_id, account_id);
