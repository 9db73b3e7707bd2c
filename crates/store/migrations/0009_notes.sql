-- 0009: journal notes (notater). A note belongs to a participant's case, or to one of its events
-- (a conversation: `event_id`, not a foreign key, as an event can be removed and its note stays
-- in the case). A saved note is never updated: a correction is a new row whose `replaces` is the
-- version before it. Synced like the case it belongs to; never in a management export.
CREATE TABLE note (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    event_id       TEXT,
    replaces       TEXT,
    text           TEXT NOT NULL,
    written_by     TEXT NOT NULL,
    written_at     TEXT NOT NULL
) STRICT;
CREATE INDEX note_participant ON note(participant_id, written_at);
CREATE INDEX note_replaces ON note(replaces);
