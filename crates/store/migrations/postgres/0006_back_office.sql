-- The back office. A submission is a case of the office responsible for its service
-- (`office_id`), found by the applicant's name (`applicant`, taken from the form's name
-- fields at submission), due by `due_at` (the service's target processing time), assigned
-- to one staff member or nobody, and decided `approved` or `rejected`.
ALTER TABLE submissions ADD COLUMN office_id TEXT;
ALTER TABLE submissions ADD COLUMN applicant TEXT NOT NULL DEFAULT '';
-- Lower-cased in Unicode by Rathaus (SQLite's LOWER knows only ASCII), for the search.
ALTER TABLE submissions ADD COLUMN applicant_key TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN due_at BIGINT;
ALTER TABLE submissions ADD COLUMN assignee TEXT;
ALTER TABLE submissions ADD COLUMN decision TEXT;
CREATE INDEX submissions_office ON submissions (tenant_id, office_id, status);

-- Staff as known from their last login at the directory: their grants (JSON list of
-- tenant/office/role) decide what they may see. Listed so that cases can be assigned to
-- colleagues.
CREATE TABLE staff (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    issuer         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    name           TEXT NOT NULL,
    grants         TEXT NOT NULL,
    last_login_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, issuer, subject)
);

-- Staff sessions (token hashed, as for citizens), with the grants of that login.
CREATE TABLE staff_sessions (
    id_hash       TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    staff_id      TEXT NOT NULL,
    name          TEXT NOT NULL,
    grants        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Internal notes on a case; never shown to the citizen.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL,
    staff_id    TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX case_notes_draft ON case_notes (draft_id, created_at);

-- Letters to print and post (hybrid mail): the notice PDF and the address block.
-- `batch` is set when the letter was exported.
CREATE TABLE print_queue (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    draft_id    TEXT NOT NULL,
    reference   TEXT NOT NULL,
    file_id     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    batch       TEXT,
    exported_at BIGINT
);
CREATE INDEX print_queue_pending ON print_queue (tenant_id, batch);

-- The audit trail, one hash chain per tenant: every entry's hash covers the previous
-- entry's hash, so a changed, removed or inserted row breaks the chain. Rows are only
-- ever inserted. `audit_head` holds the last sequence number and hash; updating it
-- serialises writers on both engines.
CREATE TABLE audit_head (
    tenant_id  TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TABLE audit_log (
    tenant_id  TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
