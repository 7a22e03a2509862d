-- Guests' drafts are bound to the browser that fills them (issue 18).
--
-- `owner_session` is the SHA-256 of the guest session that may open the draft (and, once
-- submitted, its receipt and case pages); the resume link opens it elsewhere only with the
-- resume code. `pending` keeps a step posted after the guest session ended, until the
-- code is entered. `portal_keys` holds the portal's secret keys (created once, shared by
-- every instance on this database): the resume and access codes are derived from a draft
-- id with one of them, so the owner's browser can always show them again and only their
-- hashes need comparing. `guess_failures` counts wrong codes per reference or draft, for
-- the growing delays that make guessing useless.
ALTER TABLE drafts ADD COLUMN owner_session TEXT;
ALTER TABLE drafts ADD COLUMN pending TEXT;

CREATE TABLE portal_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE guess_failures (
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
