-- 0008: corrections (rettelser). A correction of a case's record is a change-log write of the
-- record itself and, beside it, one of these rows: what changed (or what was removed), by whom,
-- when and why. Synced like the case it belongs to, shown on its timeline, never overwritten.
-- `target` is the corrected record's table; `changes` is a JSON array of {field, from, to}.
CREATE TABLE correction (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    target         TEXT NOT NULL CHECK (target IN ('participant', 'progress_event', 'enrolment')),
    target_id      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('edit', 'remove', 'reopen', 'merge')),
    changes        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    made_by        TEXT NOT NULL,
    made_at        TEXT NOT NULL
) STRICT;
CREATE INDEX correction_participant ON correction(participant_id, made_at);
