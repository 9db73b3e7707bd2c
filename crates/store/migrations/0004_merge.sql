-- 0004: what merging other laptops' changes needs (docs/sync.md, "Merge").

-- The value a local edit overwrote: the (HLC, device) of the field's previous write. A receiver
-- compares it with its own: an edit that saw the value it replaced is sequential, one that did
-- not is concurrent, and a concurrent edit that loses goes to the conflicts inbox.
ALTER TABLE change_log ADD COLUMN base_hlc INTEGER;
ALTER TABLE change_log ADD COLUMN base_device INTEGER REFERENCES device(num);

-- A row's history, for the field clocks that last-writer-wins compares.
CREATE INDEX change_log_row ON change_log(tbl, row_id);

-- Per other device: the last bundle applied (its last seq and id), so that the next must follow
-- it (a gap waits) and a replay is skipped.
CREATE TABLE sync_peer (
    device     TEXT PRIMARY KEY,
    applied_to INTEGER NOT NULL,
    bundle     TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;

-- The conflicts inbox: a local edit that lost to a concurrent one from another laptop, or that
-- was deleted there, or two laptops registering the same CPR. Both values are kept until a person
-- decides. Local only: never in the change log, never synced.
CREATE TABLE conflict (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('field', 'deleted', 'duplicate_cpr')),
    tbl           TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    field         TEXT,
    mine          TEXT,             -- JSON text of the local value (NULL: none)
    mine_hlc      INTEGER NOT NULL,
    theirs        TEXT,             -- JSON text of the value that won (NULL: the row was deleted)
    theirs_hlc    INTEGER NOT NULL,
    theirs_device TEXT NOT NULL,
    found_at      TEXT NOT NULL,
    resolved_at   TEXT,
    resolution    TEXT CHECK (resolution IN ('mine', 'theirs', 'edited'))
) STRICT;
CREATE INDEX conflict_open ON conflict(resolved_at);

-- What sync keeps between runs: how far this device's own changes have been bundled and pushed,
-- and the outcome of the last attempt (`key` e.g. 'pushed_to', 'last_error').
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
