-- The team's access log (docs/sync.md, "The access log"). Every device sends its audit rows in
-- access bundles to the team leads' devices and the escrow; a lead's laptop keeps them here, per
-- device, after checking each device's hash chain. Local: not in the change log, never synced
-- on as data (each device sends its own rows itself).
CREATE TABLE team_audit (
    device   TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    at       TEXT NOT NULL,           -- exactly as the device wrote it (its hash covers the text)
    user     TEXT NOT NULL,
    role     TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT,
    purpose  TEXT NOT NULL,
    detail   TEXT NOT NULL,
    hash     BLOB NOT NULL,
    PRIMARY KEY (device, seq)
) STRICT;
CREATE INDEX team_audit_subject ON team_audit (subject);
CREATE INDEX team_audit_at ON team_audit (at);

-- Per device: where this laptop's copy of its chain starts (the first row it holds and the hash
-- of the row before it, all zeros from the start), and the first problem found: a row that
-- differs from the one this laptop already had (the device's log was cut or changed), or a
-- bundle that does not continue the chain. A device with a problem is shown until IT looks.
CREATE TABLE team_audit_chain (
    device      TEXT PRIMARY KEY,
    first_seq   INTEGER NOT NULL,
    anchor      BLOB NOT NULL,
    received_at TEXT NOT NULL,
    problem     TEXT,
    problem_seq INTEGER,
    problem_at  TEXT
) STRICT;

-- The access bundles taken in (or passed, when sealed before this laptop led), by id, so that each
-- file on the target is read once; a file not seen before is read even when its rows seem held, so
-- that a rewritten log sent again is compared with the rows held.
CREATE TABLE team_audit_bundle (
    device TEXT NOT NULL,
    id     TEXT NOT NULL,
    PRIMARY KEY (device, id)
) STRICT;

-- The team lead's review of access (Datatilsynet expects logs to be checked proactively): each
-- month a random sample of accesses per person, each marked reviewed or questioned with a note.
-- `device` and `seq` name the audit row drawn (this laptop's own rows have its device id).
CREATE TABLE audit_review (
    id          TEXT PRIMARY KEY,     -- "{month}-{n}", n from 1 in the order drawn
    month       TEXT NOT NULL,        -- YYYY-MM
    device      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    drawn_at    TEXT NOT NULL,
    drawn_by    TEXT NOT NULL,
    outcome     TEXT CHECK (outcome IN ('ok', 'questioned')),
    note        TEXT NOT NULL DEFAULT '',
    reviewer    TEXT,
    reviewed_at TEXT,
    UNIQUE (month, device, seq)
) STRICT;
CREATE INDEX audit_review_month ON audit_review (month);
