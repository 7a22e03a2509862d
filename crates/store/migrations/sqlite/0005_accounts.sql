-- Citizen accounts: one per tenant and identity (issuer + subject at the OpenID Connect
-- provider). Only what prefill needs is kept (`profile`, JSON). Deleting an account deletes
-- its sessions and open drafts; submitted applications stay with the authority
-- (retention duty) and lose the link to the account.
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    issuer         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    profile        TEXT NOT NULL,
    level          TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_login_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, issuer, subject)
);

-- Sessions: the cookie holds a random token; only its SHA-256 is stored here. A session
-- belongs to an account, or (guests) to exactly one submitted application.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    account_id    TEXT,
    draft_id      TEXT,
    display_name  TEXT NOT NULL,
    level         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Logins in flight: the state (hashed) leads to the PKCE verifier, the nonce and where to
-- return; `pending` keeps a form step posted after the session had ended (JSON). Each row
-- is used once and expires after ten minutes.
CREATE TABLE login_attempts (
    state_hash     TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    provider       TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    return_to      TEXT NOT NULL,
    pending        TEXT,
    created_at     BIGINT NOT NULL
);

-- A draft started while logged in belongs to that account. `prefilled` records what was
-- taken from the account (JSON object field → value) so the form can mark it.
-- `contact_email` is where "something new in your Postkorb" is sent; `access_hash` is the
-- SHA-256 of a guest's access code.
ALTER TABLE drafts ADD COLUMN account_id TEXT;
ALTER TABLE drafts ADD COLUMN prefilled TEXT;
ALTER TABLE drafts ADD COLUMN contact_email TEXT;
ALTER TABLE drafts ADD COLUMN access_hash TEXT;
CREATE INDEX drafts_account ON drafts (account_id);

-- Status of a submitted application and its timeline (newest last).
ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
CREATE TABLE status_events (
    draft_id    TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT,
    at          BIGINT NOT NULL,
    PRIMARY KEY (draft_id, seq)
);

-- The Postkorb: messages between authority and citizen, per application. Immutable once
-- written, except `read_at`, set once when the citizen first opens a message of the
-- authority (it matters for legal delivery). Attachments are rows in `files` with
-- `message_id` set.
CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    draft_id    TEXT NOT NULL,
    direction   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    sender      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX messages_draft ON messages (draft_id, created_at);
ALTER TABLE files ADD COLUMN message_id TEXT;
