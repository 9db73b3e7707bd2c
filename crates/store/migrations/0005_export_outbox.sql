-- Management exports waiting to be put on the team's sync target, so that they reach management
-- as soon as a connection appears. Local to this laptop: not in the change log, never synced as
-- data. A file is sent once; its state says what happened and why.
CREATE TABLE export_outbox (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,   -- its path under {team}/exports/ on the target
    bytes     BLOB NOT NULL,
    queued_at TEXT NOT NULL,          -- RFC 3339, UTC
    state     TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    error     TEXT,                   -- why it failed (failed only)
    sent_at   TEXT                    -- RFC 3339, UTC (sent only)
) STRICT;
