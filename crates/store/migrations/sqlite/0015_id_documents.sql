-- The status of ID cards and passports (issue 22): what the office's Fachverfahren
-- reports, filed under keyed hashes (HMAC with the portal's key) of tenant, number and
-- birth date — one for the application number, one for the serial number — so the table
-- holds neither number nor birth date and cannot be searched without the key. The e-mail
-- of "tell me when it is ready" is kept only until that one mail is queued. Entries are
-- deleted a set time after the document was handed out or delivered (final_at), and in any
-- case after the office's longest keeping time.
CREATE TABLE id_documents (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    office_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    key_application  TEXT,
    key_serial       TEXT,
    status           TEXT NOT NULL,
    since            TEXT NOT NULL,
    final_at         BIGINT,
    notify_email     TEXT,
    notify_lang      TEXT,
    notified_at      BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, key_application),
    UNIQUE (tenant_id, key_serial)
);
CREATE INDEX id_documents_office ON id_documents (tenant_id, office_id);
