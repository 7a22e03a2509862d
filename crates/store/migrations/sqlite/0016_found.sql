-- The lost-and-found office (issue 22): found items with a public layer (category,
-- colour, brand, description, coarse place, day) that anyone may search and a private
-- layer (private_features: serial numbers, contents, marks) that only staff see; loss
-- reports of citizens as standing searches; and the matches suggested between them.
CREATE TABLE found_items (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    office_id         TEXT NOT NULL,
    number            TEXT NOT NULL,
    category          TEXT NOT NULL,
    colour            TEXT,
    brand             TEXT,
    description       TEXT NOT NULL,
    place             TEXT NOT NULL,
    found_on          TEXT NOT NULL,
    reported_on       TEXT NOT NULL,
    private_features  TEXT NOT NULL,
    finder_claims     BIGINT NOT NULL,
    status            TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX found_items_search ON found_items (tenant_id, status, found_on);
CREATE TABLE loss_reports (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    category     TEXT NOT NULL,
    colour       TEXT,
    description  TEXT NOT NULL,
    place        TEXT NOT NULL,
    lost_on      TEXT NOT NULL,
    email        TEXT NOT NULL,
    lang         TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX loss_reports_open ON loss_reports (tenant_id, category, status);
CREATE TABLE found_matches (
    tenant_id   TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    loss_id     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, item_id, loss_id)
);
