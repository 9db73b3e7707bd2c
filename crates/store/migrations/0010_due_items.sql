-- 0010: each case's due items not yet done (indsats_core::deadlines), derived like `case_fact`
-- from the participant and their events by the rule set in force on each item's anchor day, and
-- refreshed in the same transaction as every write of them. (A done item is derived again
-- whenever it is wanted; keeping only the open ones keeps the table to what the worklist reads.) Local: never synced. Days are counted from the
-- common era, as in case_fact. `meta.due_rules` names the rule sets that derived them; a store
-- that finds others derives them all again.
CREATE TABLE case_due (
    num     INTEGER NOT NULL REFERENCES participant(num),
    rule    TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    kind    TEXT NOT NULL,
    anchor  INTEGER NOT NULL,
    due     INTEGER NOT NULL,
    needed  INTEGER NOT NULL,
    done    INTEGER NOT NULL,
    done_on INTEGER,
    PRIMARY KEY (num, rule, anchor)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_due_open ON case_due(due) WHERE done_on IS NULL;
