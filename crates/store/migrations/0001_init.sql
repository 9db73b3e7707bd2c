-- 0001: the first schema. Never edit a landed migration: add the next number instead.
-- Dates are ISO 8601 text (YYYY-MM-DD); instants are RFC 3339 UTC text; ids are UUIDv7 text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE strategy (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    municipality TEXT NOT NULL,
    title        TEXT NOT NULL,
    vision       TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL
) STRICT;

CREATE TABLE goal (
    id          TEXT PRIMARY KEY,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    key         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (strategy_id, key)
) STRICT;

CREATE TABLE indicator (
    id            TEXT PRIMARY KEY,
    goal_id       TEXT NOT NULL REFERENCES goal(id),
    key           TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    definition    TEXT NOT NULL,
    unit          TEXT NOT NULL,
    direction     TEXT NOT NULL,
    measure       TEXT NOT NULL,
    baseline      REAL,
    baseline_year INTEGER,
    source        TEXT NOT NULL,
    UNIQUE (goal_id, key)
) STRICT;

CREATE TABLE indicator_target (
    id           TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES indicator(id),
    year         INTEGER NOT NULL,
    value        REAL NOT NULL,
    illustrative INTEGER NOT NULL,
    UNIQUE (indicator_id, year)
) STRICT;

CREATE TABLE initiative (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    capacity    INTEGER,
    status      TEXT NOT NULL,
    description TEXT NOT NULL
) STRICT;

CREATE TABLE initiative_goal (
    id            TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiative(id),
    goal_id       TEXT NOT NULL REFERENCES goal(id),
    contribution  TEXT NOT NULL,
    UNIQUE (initiative_id, goal_id)
) STRICT;
CREATE INDEX initiative_goal_goal ON initiative_goal(goal_id);

-- `num` is a local, stable integer key for the full-text index (VACUUM keeps it); it is never
-- synced. `id` is the participant's identity everywhere else.
CREATE TABLE participant (
    num             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    pseudonym       TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    cpr             TEXT UNIQUE,
    birth_year      INTEGER NOT NULL,
    origin          TEXT NOT NULL,
    arrival_date    TEXT,
    programme       TEXT NOT NULL,
    programme_start TEXT,
    programme_end   TEXT,
    caseworker      TEXT NOT NULL,
    case_closed     TEXT
) STRICT;
CREATE INDEX participant_caseworker ON participant(caseworker, case_closed);

CREATE VIRTUAL TABLE participant_fts USING fts5(
    name, pseudonym,
    content = 'participant', content_rowid = 'num',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TRIGGER participant_fts_insert AFTER INSERT ON participant BEGIN
    INSERT INTO participant_fts(rowid, name, pseudonym) VALUES (new.num, new.name, new.pseudonym);
END;
CREATE TRIGGER participant_fts_delete AFTER DELETE ON participant BEGIN
    INSERT INTO participant_fts(participant_fts, rowid, name, pseudonym) VALUES ('delete', old.num, old.name, old.pseudonym);
END;
CREATE TRIGGER participant_fts_update AFTER UPDATE OF name, pseudonym ON participant BEGIN
    INSERT INTO participant_fts(participant_fts, rowid, name, pseudonym) VALUES ('delete', old.num, old.name, old.pseudonym);
    INSERT INTO participant_fts(rowid, name, pseudonym) VALUES (new.num, new.name, new.pseudonym);
END;

CREATE TABLE enrolment (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    initiative_id  TEXT NOT NULL REFERENCES initiative(id),
    start_date     TEXT NOT NULL,
    end_date       TEXT,
    outcome        TEXT
) STRICT;
CREATE INDEX enrolment_participant ON enrolment(participant_id);
CREATE INDEX enrolment_initiative ON enrolment(initiative_id);

-- The timeline. `details` is the serde form of indsats_core::event::EventDetails: typed, tagged
-- by `type`, checked on the way in and out. Target-group history is the `visitation` events.
CREATE TABLE progress_event (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    date           TEXT NOT NULL,
    type           TEXT NOT NULL,
    details        TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX progress_event_participant ON progress_event(participant_id, date);


-- The devices whose changes this store holds; `num` is a local short name for the change log.
CREATE TABLE device (
    num INTEGER PRIMARY KEY,
    id  TEXT NOT NULL UNIQUE
) STRICT;

-- What sync ships: one row per change, per device in sequence. op: insert (value = the whole row
-- as JSON), update (one field), delete (a tombstone). Keyed by `device << 40 | seq` as the rowid:
-- one B-tree, no extra index, a device's changes contiguous and in order (its own append).
CREATE TABLE change_log (
    key    INTEGER PRIMARY KEY CHECK (key = device * 1099511627776 + seq),
    device INTEGER NOT NULL REFERENCES device(num),
    seq    INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 1099511627775),
    hlc    INTEGER NOT NULL,
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op     TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    field  TEXT,
    value  TEXT
) STRICT;

-- Who did what, to whom, why. Each row's hash covers the previous row's hash: an edit or a
-- deletion anywhere breaks the chain (tamper-evident).
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT,
    purpose TEXT NOT NULL,
    detail  TEXT NOT NULL,
    hash    BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_subject ON audit_log(subject);
