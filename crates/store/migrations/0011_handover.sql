-- 0011: a case handed over to another caseworker (overdragelse) is a correction of kind
-- 'handover' beside the participant's caseworker write: its change is {caseworker, from, to} and
-- its reason the handover note. SQLite cannot widen a CHECK, so the table is made again with
-- the same columns and rows.
CREATE TABLE correction_0011 (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    target         TEXT NOT NULL CHECK (target IN ('participant', 'progress_event', 'enrolment')),
    target_id      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('edit', 'remove', 'reopen', 'merge', 'handover')),
    changes        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    made_by        TEXT NOT NULL,
    made_at        TEXT NOT NULL
) STRICT;
INSERT INTO correction_0011 (id, participant_id, target, target_id, kind, changes, reason, made_by, made_at)
    SELECT id, participant_id, target, target_id, kind, changes, reason, made_by, made_at FROM correction;
DROP TABLE correction;
ALTER TABLE correction_0011 RENAME TO correction;
CREATE INDEX correction_participant ON correction(participant_id, made_at);
