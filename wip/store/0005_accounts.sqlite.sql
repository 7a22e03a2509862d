-- Citizen accounts: one per tenant and identity (issuer + subject at the OpenID Connect
-- provider). Only what prefill needs is kept (`profile`, JSON); deleting the account
-- deletes the row, its sessions and drafts (DSGVO Art. 17).
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

-- Sessions: the cookie holds a random token; only its SHA-256 is stored here.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    level         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Logins in flight: the state (hashed) leads to the PKCE verifier, the nonce and where to
-- return. Each row is used once and expires after ten minutes.
CREATE TABLE login_attempts (
    state_hash     TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    provider       TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    return_to      TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- A draft started while logged in belongs to that account.
ALTER TABLE drafts ADD COLUMN account_id TEXT;
CREATE INDEX drafts_account ON drafts (account_id);
