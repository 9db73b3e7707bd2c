-- Who this store belongs to outside a team: the person who created it, with the role chosen at
-- set-up (docs/ARCHITECTURE.md, "Who acts"). In a team the signed roster decides instead. One
-- row at most. Local to this laptop: not in the change log, never synced. `demo` marks a store of
-- synthetic data (made by `indsats demo` or "Explore demo data"), which any role may explore and
-- into which real data must never go.
CREATE TABLE owner (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    user   TEXT NOT NULL,
    role   TEXT NOT NULL,
    demo   INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    since  TEXT NOT NULL            -- RFC 3339, UTC: when the owner or the role was last set
) STRICT;
