-- Tenants known to this database, kept in step with the definitions.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    first_seen  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Every version of every service definition that was ever served. Submissions (forms
-- issue) refer to a row here, so a published version's content never changes.
CREATE TABLE service_versions (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    service_id    TEXT NOT NULL,
    version       BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    definition    TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, service_id, version)
);
