-- Uploaded files of drafts and applications. The bytes live in the file storage under
-- `tenant_id/id`; `name` is the sanitised original name, shown to people only.
CREATE TABLE files (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    draft_id     TEXT NOT NULL,
    field        TEXT NOT NULL,
    name         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    type         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX files_draft ON files (tenant_id, draft_id);
