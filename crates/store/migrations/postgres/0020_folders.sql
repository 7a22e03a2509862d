-- Moving folders (issue 21): a citizen's own checklist made from a tenant's plan
-- (`folders:` in tenant.yaml). `answers` holds the opening questions' answers (JSON) —
-- among them the facts that prefill applications started from the folder, which `consent`
-- allows; `reference` with an access code keyed from the id opens a guest's folder in
-- another browser (the code is not stored). `folder_items` holds what the citizen marked
-- (done, not for me), the application started from an item and when the citizen was reminded
-- that it is due; what the application did since is read from the application itself.
CREATE TABLE folders (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    plan_id     TEXT NOT NULL,
    reference   TEXT NOT NULL,
    account_id  TEXT,
    answers     TEXT NOT NULL,
    consent     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX folders_reference ON folders (tenant_id, reference);
CREATE INDEX folders_account ON folders (tenant_id, account_id);
CREATE TABLE folder_items (
    folder_id   TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    draft_id    TEXT,
    reminded_at BIGINT,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (folder_id, item_id)
);
