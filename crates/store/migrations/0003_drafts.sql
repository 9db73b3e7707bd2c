-- What a person has typed and not yet saved (a progress entry, a new participant…), kept inside
-- the encrypted store so that a crash, a kill or the idle lock loses nothing. A draft is the
-- typist's own: never synced, not in the change log, removed when the entry is saved or discarded.
CREATE TABLE draft (
    key      TEXT PRIMARY KEY,  -- '<user>/<form>', e.g. 'kim/progress'
    body     TEXT NOT NULL,     -- the form's fields as JSON, exactly as typed
    saved_at TEXT NOT NULL      -- RFC 3339, UTC
) STRICT;
