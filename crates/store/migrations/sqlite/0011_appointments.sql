-- Appointments and visitors on site (issue 9).
--
-- A booking holds every 5-minute unit of its visit at one counter (appointment_units); the
-- primary key makes a counter's unit bookable once, so no two appointments ever share a
-- counter at the same time, however many requests race. Cancelling deletes the units.
CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    office_id TEXT NOT NULL,
    code TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    services TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    counter BIGINT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    account_id TEXT,
    reference TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    reminded_at BIGINT,
    UNIQUE (tenant_id, code)
);
CREATE INDEX appointments_by_office ON appointments (tenant_id, office_id, starts_at);
CREATE INDEX appointments_by_email ON appointments (tenant_id, office_id, email);
CREATE INDEX appointments_to_remind ON appointments (status, reminded_at, starts_at);

CREATE TABLE appointment_units (
    tenant_id TEXT NOT NULL,
    office_id TEXT NOT NULL,
    counter BIGINT NOT NULL,
    unit BIGINT NOT NULL,
    appointment_id TEXT NOT NULL REFERENCES appointments (id),
    PRIMARY KEY (tenant_id, office_id, counter, unit)
);
CREATE INDEX appointment_units_of ON appointment_units (appointment_id);

-- Waiting numbers run per office and day.
CREATE TABLE ticket_counters (
    tenant_id TEXT NOT NULL,
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, office_id, day)
);

-- Visitors on site: no names, only the number, what they came for and the times.
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    appointment_id TEXT UNIQUE REFERENCES appointments (id),
    services TEXT NOT NULL,
    due_at BIGINT,
    checked_in_at BIGINT NOT NULL,
    checked_in_by TEXT NOT NULL,
    status TEXT NOT NULL,
    called_at BIGINT,
    called_by TEXT,
    counter_label TEXT,
    done_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, office_id, day, number)
);
CREATE INDEX visits_of_day ON visits (tenant_id, office_id, day, status);
