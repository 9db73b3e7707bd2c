-- What the indicators and the overview need of each participant, derived: the case's dates (as
-- days from the common era) and caseworker from `participant`, and the facts derived from the
-- events (indsats_core::facts::Facts, binary). Never synced; refreshed in the same transaction
-- as every write of the participant or their events. `meta.facts_version` says which derivation
-- wrote them; a store that finds another version rebuilds them all.
CREATE TABLE case_fact (
    num             INTEGER PRIMARY KEY REFERENCES participant(num),
    id              BLOB NOT NULL,  -- the participant's UUID (16 bytes)
    start           INTEGER,        -- programme start, else arrival
    programme_start INTEGER,
    closed          INTEGER,
    caseworker      TEXT NOT NULL,
    last_event      INTEGER,        -- the day of the latest event
    facts           BLOB NOT NULL,
    stamp           INTEGER NOT NULL -- raised by every transaction that writes facts: readers reload only newer rows
);
CREATE INDEX case_fact_stamp ON case_fact(stamp);
-- The caseload: open cases per caseworker and their latest contact, from the index alone.
CREATE INDEX case_fact_open ON case_fact(caseworker, last_event) WHERE closed IS NULL;

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
