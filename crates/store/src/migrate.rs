//! Numbered, append-only migrations, run in one transaction; an older binary refuses a newer schema.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Result, StoreError};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_facts_and_manual_values.sql")),
    (3, include_str!("../migrations/0003_drafts.sql")),
    (4, include_str!("../migrations/0004_merge.sql")),
    (5, include_str!("../migrations/0005_export_outbox.sql")),
    (6, include_str!("../migrations/0006_owner.sql")),
    (7, include_str!("../migrations/0007_team_access.sql")),
    (8, include_str!("../migrations/0008_corrections.sql")),
    (9, include_str!("../migrations/0009_notes.sql")),
    (10, include_str!("../migrations/0010_due_items.sql")),
    (11, include_str!("../migrations/0011_handover.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Applies the whole schema to a bare connection. Only for benchmarks that compare SQLCipher with
/// plain SQLite on the same schema; a store is always opened through [`crate::Store`].
pub fn apply_schema_for_benchmark(conn: &Connection) -> rusqlite::Result<()> {
    for (_, script) in MIGRATIONS {
        conn.execute_batch(script)?;
    }
    Ok(())
}

pub(crate) fn run(conn: &mut Connection, dir: &Path) -> Result<()> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive).map_err(sql)?;
    // Another process may have migrated while we waited for the lock.
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql)?;
    for (n, script) in MIGRATIONS.iter().filter(|(n, _)| *n > found) {
        tx.execute_batch(script).map_err(sql)?;
        tx.pragma_update(None, "user_version", n).map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_without_gaps() {
        for (i, (n, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*n, i as i64 + 1);
        }
    }
}
