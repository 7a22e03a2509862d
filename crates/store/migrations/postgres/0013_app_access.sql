-- City apps (OAuth 2.0 for native apps, issue 20).
--
-- `app_codes`: a login's authorization code (its SHA-256), for one app, one redirect URI and
-- one PKCE challenge; used once, valid for a minute. `app_grants`: what a citizen let an
-- app do — act for an account, or (guests, after reference and access code) for exactly one
-- application, like a session; `id` is what a guest's application is bound to. A grant ends
-- at `expires_at`, or when revoked (the app logs out, "log out everywhere", the account is
-- deleted, a refresh token is used twice). `app_tokens`: the grant's access tokens (short)
-- and refresh tokens (used once; each use gives a new pair), only their SHA-256 stored.
CREATE TABLE app_codes (
    id_hash       TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    redirect_uri  TEXT NOT NULL,
    challenge     TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    level         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    used_at       BIGINT
);

CREATE TABLE app_grants (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    account_id    TEXT,
    draft_id      TEXT,
    code_hash     TEXT,
    display_name  TEXT NOT NULL,
    level         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX app_grants_account ON app_grants (account_id);
CREATE INDEX app_grants_code ON app_grants (code_hash);

CREATE TABLE app_tokens (
    id_hash     TEXT PRIMARY KEY,
    grant_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX app_tokens_grant ON app_tokens (grant_id);
