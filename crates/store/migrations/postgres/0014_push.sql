-- Web Push for city apps (issue 20): where an app wants to be told "something new" —
-- the push service's endpoint and the subscription's public key and auth secret
-- (RFC 8291). A subscription belongs to an app grant: it ends with it (logout, "log out
-- everywhere", account deletion) and is removed when the push service says it is gone.
-- What is sent names no content: the kind of news, the portal and the application's id.
CREATE TABLE push_subscriptions (
    id          TEXT PRIMARY KEY,
    grant_id    TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    p256dh      TEXT NOT NULL,
    auth        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (grant_id, endpoint)
);
CREATE INDEX push_subscriptions_grant ON push_subscriptions (grant_id);
