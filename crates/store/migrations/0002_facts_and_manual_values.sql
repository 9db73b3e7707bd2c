-- Derived facts per participant (indsats_core::facts::Facts, binary): rebuilt from the events,
-- never synced, refreshed in the same transaction as every event write. `meta.facts_version`
-- says which derivation wrote them; a store that finds another version rebuilds them all.
CREATE TABLE case_fact (
    num   INTEGER PRIMARY KEY REFERENCES participant(num),
    facts BLOB NOT NULL
);

-- Values of manual indicators, entered by a person for a period (`2026`, `2026-Q3`, `2026-05`).
-- The id is `indicator:period`, so two laptops entering the same value meet in one row.
CREATE TABLE manual_value (
    id           TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES indicator(id),
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    entered_by   TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    UNIQUE (indicator_id, period)
);

-- Enrolments by the day they ended, for initiative results.
CREATE INDEX enrolment_end ON enrolment(end_date);
