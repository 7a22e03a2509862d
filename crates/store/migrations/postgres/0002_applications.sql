-- Drafts of applications: saved at every step; the id is an unguessable capability
-- (the resume link). `provider_id` is the tenant responsible for the service.
CREATE TABLE drafts (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    provider_id   TEXT NOT NULL,
    service_id    TEXT NOT NULL,
    version       BIGINT NOT NULL,
    answers       TEXT NOT NULL,
    step          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    reference     TEXT,
    FOREIGN KEY (provider_id, service_id, version) REFERENCES service_versions (tenant_id, service_id, version)
);
CREATE INDEX drafts_updated ON drafts (updated_at);

-- Submitted applications. Immutable once written; `tenant_id` is the responsible tenant.
CREATE TABLE submissions (
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    reference         TEXT NOT NULL,
    portal_tenant_id  TEXT NOT NULL,
    service_id        TEXT NOT NULL,
    version           BIGINT NOT NULL,
    draft_id          TEXT NOT NULL UNIQUE,
    answers           TEXT NOT NULL,
    computed          TEXT NOT NULL,
    submitted_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, reference),
    FOREIGN KEY (tenant_id, service_id, version) REFERENCES service_versions (tenant_id, service_id, version)
);

-- One counter per tenant and year for reference numbers (PREFIX-YEAR-NNNNNN).
CREATE TABLE reference_counters (
    tenant_id  TEXT NOT NULL,
    year       BIGINT NOT NULL,
    last       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);
