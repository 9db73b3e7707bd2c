//! indsats-store: the encrypted local store.
//!
//! # Layout
//! - [`keys`]: the random database key, wrapped under the passphrase (Argon2id, XChaCha20-Poly1305).
//! - `migrate`: numbered SQL migrations in `migrations/`, the schema-version guard.
//! - [`Tx`] (`tx.rs`): the only way to write. One SQLite transaction per call of [`Store::write`]
//!   carries the change rows, their change-log rows and exactly one audit row.
//! - [`Reader`] (`read.rs`): reads over a connection, for [`Store::read`] and inside a [`Tx`].
//! - `audit.rs`: the hash-chained audit log.
//!
//! **Architecture invariant:** all SQL of Indsats lives in this crate. Nothing here decides who may
//! do what (that is indsats-api) and nothing here reads the clock: `now` is an argument.

mod access;
mod audit;
pub mod backup;
mod error;
mod facts;
pub mod keys;
mod merge;
mod migrate;
mod read;
mod tx;
mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use access::{AccessChain, AccessReceipt, FailedUnlocks, Review, ReviewOutcome, clear_failed, read_failed, record_failed_unlock};
pub use audit::{AuditEntry, AuditFilter, AuditRecord, AuditRow, CHAIN_START, Citizen, SHOWN, chain_hash, shown_detail};
pub use backup::{BackupInfo, backup_info, restore};
pub use error::{BackupFault, Result, StoreError};
pub use facts::rule_book;
pub use keys::{DbKey, KdfParams};
pub use merge::{Authority, CarriedChange, ConflictKind, ConflictRow, MAX_CLOCK_AHEAD_MS, MergeReport, RemoteChange, Resolution};
pub use migrate::{SCHEMA_VERSION, apply_schema_for_benchmark};
pub use read::{
    CaseRow, CaseloadRow, ChangeRow, ContactRow, DueRow, InitiativeFilter, InitiativeSummary, ManualValue, ParticipantFilter, RawCase,
    Reader, SearchHit, StoreCounts, WorkloadRow,
};
pub use tx::Tx;

/// The person a store belongs to outside a team, and the role they chose at set-up. The store
/// records the role's code; what a role may do is decided above it (indsats-api).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub user: String,
    pub role: String,
    /// A store of synthetic data (`indsats demo`, "Explore demo data").
    pub demo: bool,
    /// When the owner or the role was last set (RFC 3339).
    pub since: String,
}

/// A management export queued for the team's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedExport {
    pub id: i64,
    /// Its path under the team's `exports/` on the target.
    pub name: String,
    pub size: u64,
    pub queued_at: String,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    pub error: Option<String>,
    pub sent_at: Option<String>,
}

/// The database file inside a data dir.
pub const DB_FILE: &str = "indsats.db";

/// How long a writer waits for another process's transaction before giving up with `Busy`.
pub const BUSY_TIMEOUT_MS: u32 = 10_000;

/// An open, unlocked store.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    device: String,
    /// This device's short number in the change log.
    device_num: i64,
    /// Writes through this handle, for [`Store::generation`].
    writes: u64,
    /// The database key, for [`Store::reopen`] (SQLCipher holds it in this process anyway).
    key: DbKey,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).field("device", &self.device).finish()
    }
}

/// Whether a data dir holds a store (its key file or its database).
pub fn is_initialised(dir: &Path) -> bool {
    dir.join(keys::KEY_FILE).exists() || dir.join(DB_FILE).exists()
}

impl Store {
    /// Creates a new store in `dir` (made if missing) protected by `passphrase`.
    /// `device` names this installation in the change log.
    pub fn create(dir: &Path, passphrase: &str, kdf: KdfParams, device: &str, now: DateTime<Utc>) -> Result<Store> {
        keys::check_passphrase(passphrase)?;
        if is_initialised(dir) {
            return Err(StoreError::AlreadyInitialised { dir: dir.to_path_buf() });
        }
        std::fs::create_dir_all(dir).map_err(|e| StoreError::from_io(dir, e))?;
        let key = DbKey::generate()?;
        let made = (|| {
            let mut conn = open_connection(dir, &key, true)?;
            migrate::run(&mut conn, dir)?;
            facts::rebuild_if_stale(&mut conn, dir)?;
            let tx = conn.transaction().map_err(|e| StoreError::from_sqlite(dir, e))?;
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('device', ?1), ('created_at', ?2), ('clock', '0 0')",
                (device, now.to_rfc3339()),
            )
            .and_then(|_| tx.execute("INSERT INTO device (id) VALUES (?1)", [device]))
            .map_err(|e| StoreError::from_sqlite(dir, e))?;
            tx.commit().map_err(|e| StoreError::from_sqlite(dir, e))?;
            keys::write_wrapped(dir, &key, passphrase, kdf)?;
            Ok(conn)
        })();
        match made {
            Ok(conn) => Ok(Store { conn, dir: dir.to_path_buf(), device: device.to_string(), device_num: 1, writes: 0, key }),
            Err(e) => {
                // Leave no half-made store behind: the next `create` must be able to start over.
                for f in [DB_FILE, "indsats.db-wal", "indsats.db-shm", keys::KEY_FILE] {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                Err(e)
            }
        }
    }

    /// Opens an existing store with its passphrase. A wrong passphrase changes nothing.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Store> {
        let key = keys::read_wrapped(dir, passphrase)?;
        Self::open_with_key(dir, &key)
    }

    /// Opens an existing store with an unwrapped key (from the passphrase or an OS keystore).
    pub fn open_with_key(dir: &Path, key: &DbKey) -> Result<Store> {
        if !dir.join(DB_FILE).exists() {
            return Err(StoreError::NotInitialised { dir: dir.to_path_buf() });
        }
        let mut conn = open_connection(dir, key, false)?;
        migrate::run(&mut conn, dir)?;
        facts::rebuild_if_stale(&mut conn, dir)?;
        let (device, device_num): (String, i64) = conn
            .query_row("SELECT d.id, d.num FROM meta m JOIN device d ON d.id = m.value WHERE m.key = 'device'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| StoreError::from_sqlite(dir, e))?;
        Ok(Store { conn, dir: dir.to_path_buf(), device, device_num, writes: 0, key: key.duplicate() })
    }

    /// Re-wraps the database key under a new passphrase. The database itself is not touched.
    pub fn change_passphrase(dir: &Path, old: &str, new: &str, kdf: KdfParams) -> Result<()> {
        keys::check_passphrase(new)?;
        let key = keys::read_wrapped(dir, old)?;
        keys::write_wrapped(dir, &key, new, kdf)
    }

    /// Whether `passphrase` unwraps this store's key (asked again before a change of who may act).
    pub fn check_passphrase_of(dir: &Path, passphrase: &str) -> Result<()> {
        keys::read_wrapped(dir, passphrase).map(|_| ())
    }

    /// A second handle on the same store, for work that runs beside this one (a background sync):
    /// its own connection, so neither waits for the other except while one of them writes.
    pub fn reopen(&self) -> Result<Store> {
        Self::open_with_key(&self.dir, &self.key)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This installation's id in the change log.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Reads. Reads of a person's data must be audited by the caller (indsats-api) through
    /// [`Store::write`] with an audit entry; this is for the reads that need none.
    pub fn read(&self) -> Reader<'_> {
        Reader::new(&self.conn, &self.dir)
    }

    /// Runs `f` in one immediate transaction that also writes the change log for every change `f`
    /// makes and one audit row for `audit`. On any error nothing at all is written.
    pub fn write<T>(&mut self, now: DateTime<Utc>, audit: &AuditEntry, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let dir = self.dir.clone();
        let sql = |e| StoreError::from_sqlite(&dir, e);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
        self.writes += 1;
        let mut t = Tx::begin(tx, self.device_num, &self.dir, now)?;
        let out = f(&mut t)?;
        t.finish(audit)?;
        Ok(out)
    }

    /// Records and applies a run of another device's changes (one bundle, `bundle` its id) in one
    /// transaction with one audit row: last writer wins per field, losing local edits go to the
    /// conflicts inbox, and the run must follow the last one applied from that device
    /// ([`StoreError::OutOfOrder`] otherwise). On any error nothing is changed.
    ///
    /// Foreign keys are not enforced while merging: another device's change may refer to a row
    /// whose own device's bundle has not arrived yet.
    pub fn merge(
        &mut self,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        device: &str,
        bundle: &str,
        changes: &[RemoteChange],
        authority: &Authority,
    ) -> Result<MergeReport> {
        self.merge_carrying(now, audit, device, bundle, changes, &[], authority)
    }

    /// [`Store::merge`] of a bundle that also carries other devices' changes (a handed-over
    /// case's history, docs/sync.md "Handing a case over"): those are recorded first, each under
    /// its own device and seq, without moving that device's chain.
    #[allow(clippy::too_many_arguments)]
    pub fn merge_carrying(
        &mut self,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        device: &str,
        bundle: &str,
        changes: &[RemoteChange],
        carried: &[CarriedChange],
        authority: &Authority,
    ) -> Result<MergeReport> {
        let dir = self.dir.clone();
        let sql = |e| StoreError::from_sqlite(&dir, e);
        self.conn.execute_batch("PRAGMA foreign_keys = OFF;").map_err(sql)?;
        let out = (|| -> Result<MergeReport> {
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
            let mut t = Tx::begin(tx, self.device_num, &self.dir, now)?;
            let report = t.merge(device, bundle, changes, carried, authority)?;
            t.finish(audit)?;
            Ok(report)
        })()
        .map_err(|e| refused_for(device, e));
        let on = self.conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(sql);
        self.writes += 1;
        let report = out?;
        on?;
        Ok(report)
    }

    /// Takes a run of another device's audit rows (one access bundle, already verified as signed
    /// by that device) into the team's access log, in one transaction with one audit row.
    /// `anchor` is the hash of the row before the first one. The device's chain is checked
    /// against what this laptop holds ([`AccessReceipt`]); a problem is kept with the chain.
    pub fn receive_access(
        &mut self,
        now: DateTime<Utc>,
        audit: &AuditEntry,
        device: &str,
        bundle: &str,
        anchor: &[u8],
        records: &[AuditRecord],
    ) -> Result<AccessReceipt> {
        let dir = self.dir.clone();
        let tx =
            self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| StoreError::from_sqlite(&dir, e))?;
        self.writes += 1;
        let mut t = Tx::begin(tx, self.device_num, &self.dir, now)?;
        let receipt = t.receive_access(device, bundle, anchor, records)?;
        t.finish(audit)?;
        Ok(receipt)
    }

    /// Records an access bundle this laptop cannot read (sealed before it led) as passed, so
    /// that it is not fetched again.
    pub fn pass_access(&mut self, device: &str, bundle: &str) -> Result<()> {
        access::note_bundle(&self.conn, &self.dir, device, bundle)
    }

    /// Every row that sync carries, as (table, id, the row as JSON), in a fixed order: two
    /// replicas that have merged the same changes give the same list.
    pub fn synced_rows(&self) -> Result<Vec<(String, String, String)>> {
        merge::synced_rows(&self.conn, &self.dir)
    }

    /// Records a bundle of another device that is not for this laptop (another caseworker's
    /// caseload) as passed: nothing of it is read or applied, and the next bundle from that device
    /// must follow it, exactly as after a merge. `from`..=`to` is its run of seqs, `bundle` its id.
    /// [`StoreError::OutOfOrder`] unless it follows the last one applied or passed.
    pub fn pass(&mut self, now: DateTime<Utc>, device: &str, bundle: &str, from: u64, to: u64) -> Result<()> {
        let dir = self.dir.clone();
        let sql = |e| StoreError::from_sqlite(&dir, e);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
        let applied = tx
            .query_row("SELECT applied_to FROM sync_peer WHERE device = ?1", [device], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(sql)?
            .map_or(0, |n| u64::try_from(n).unwrap_or(0));
        if from != applied + 1 || to < from {
            return Err(StoreError::OutOfOrder { device: device.to_string(), applied, from });
        }
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        tx.execute(
            "INSERT INTO sync_peer (device, applied_to, bundle, applied_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(device) DO UPDATE SET applied_to = excluded.applied_to, bundle = excluded.bundle, applied_at = excluded.applied_at",
            rusqlite::params![device, i64::try_from(to).unwrap_or(i64::MAX), bundle, at],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// The last bundle applied from another device: (its last seq, its id).
    pub fn peer(&self, device: &str) -> Result<Option<(u64, String)>> {
        self.conn
            .query_row("SELECT applied_to, bundle FROM sync_peer WHERE device = ?1", [device], |r| {
                Ok((u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0), r.get(1)?))
            })
            .optional()
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }

    /// The conflicts inbox, oldest first: only the open ones, or all.
    pub fn conflicts(&self, open_only: bool) -> Result<Vec<ConflictRow>> {
        merge::conflicts(&self.conn, &self.dir, open_only)
    }

    /// The management exports queued for the target, oldest first (without their bytes).
    pub fn exports(&self) -> Result<Vec<QueuedExport>> {
        let sql = |e| StoreError::from_sqlite(&self.dir, e);
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, length(bytes), queued_at, state, error, sent_at FROM export_outbox ORDER BY id")
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(QueuedExport {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    queued_at: r.get(3)?,
                    state: r.get(4)?,
                    error: r.get(5)?,
                    sent_at: r.get(6)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(sql)
    }

    /// A queued export's bytes.
    pub fn export_bytes(&self, id: i64) -> Result<Vec<u8>> {
        self.conn
            .query_row("SELECT bytes FROM export_outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))?
            .ok_or(StoreError::NotFound { kind: "export", id: id.to_string() })
    }

    /// Records what became of a queued export: sent (at `at`), or failed and why.
    pub fn mark_export(&mut self, id: i64, outcome: std::result::Result<(), &str>, at: DateTime<Utc>) -> Result<()> {
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (state, error, sent) = match outcome {
            Ok(()) => ("sent", None, Some(at)),
            Err(why) => ("failed", Some(why.to_string()), None),
        };
        self.conn
            .execute(
                "UPDATE export_outbox SET state = ?2, error = ?3, sent_at = ?4 WHERE id = ?1",
                rusqlite::params![id, state, error, sent],
            )
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))?;
        Ok(())
    }

    /// Who the store belongs to outside a team (migration 0006), if recorded: stores made before
    /// it have none until their first unlock records one.
    pub fn owner(&self) -> Result<Option<Owner>> {
        self.conn
            .query_row("SELECT user, role, demo, since FROM owner WHERE id = 1", [], |r| {
                Ok(Owner { user: r.get(0)?, role: r.get(1)?, demo: r.get(2)?, since: r.get(3)? })
            })
            .optional()
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }

    /// A value sync keeps between runs (how far this device has pushed, the last error…).
    pub fn sync_state(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }

    /// Sets values of [`Store::sync_state`] together (`None` removes one).
    pub fn set_sync_state(&mut self, values: &[(&str, Option<&str>)]) -> Result<()> {
        let dir = self.dir.clone();
        let sql = |e| StoreError::from_sqlite(&dir, e);
        let tx = self.conn.transaction().map_err(sql)?;
        for (key, value) in values {
            match value {
                Some(v) => tx.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, v],
                ),
                None => tx.execute("DELETE FROM sync_state WHERE key = ?1", [key]),
            }
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// Changes whenever the data may have changed: by a write through this handle, or by another
    /// connection (another process, a sync). Caches of derived numbers key on it.
    pub fn generation(&self) -> Result<(i64, u64)> {
        let v: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| StoreError::from_sqlite(&self.dir, e))?;
        Ok((v, self.writes))
    }

    /// The meta value for `key`, if set.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }

    /// Sets the page cache (64 MiB by default). Bulk loads raise it so that the indexes they
    /// grow stay in memory; the app keeps the default to stay within its memory budget.
    pub fn set_cache_mib(&self, mib: u32) -> Result<()> {
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{};", u64::from(mib) * 1024))
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }

    /// Keeps what someone has typed and not yet saved under `key` (replacing the previous
    /// version). Drafts live in the encrypted store, outside the change log: they are never
    /// synced, and saving one is not an audited access to anyone's case.
    pub fn save_draft(&self, key: &str, body: &str, at: DateTime<Utc>) -> Result<()> {
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn
            .execute("INSERT OR REPLACE INTO draft (key, body, saved_at) VALUES (?1, ?2, ?3)", rusqlite::params![key, body, at])
            .map_err(|e| StoreError::from_sqlite(&self.dir, e))?;
        Ok(())
    }

    /// The drafts whose key starts with `prefix`: (key, body, saved at), oldest first.
    pub fn drafts(&self, prefix: &str) -> Result<Vec<(String, String, String)>> {
        let sql = |e| StoreError::from_sqlite(&self.dir, e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, body, saved_at FROM draft WHERE substr(key, 1, length(?1)) = ?1 ORDER BY saved_at, key")
            .map_err(sql)?;
        let rows = stmt.query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(sql)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
    }

    /// Removes a draft (after its entry is saved, or when the person discards it).
    pub fn discard_draft(&self, key: &str) -> Result<()> {
        self.conn.execute("DELETE FROM draft WHERE key = ?1", [key]).map_err(|e| StoreError::from_sqlite(&self.dir, e))?;
        Ok(())
    }

    /// Flushes the write-ahead log into the database file (on close, before a backup).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(|e| StoreError::from_sqlite(&self.dir, e))
    }
}

/// A merge that failed on what the bundle holds (a value of the wrong type, event details that do
/// not read, a row the schema refuses) is the sending device's fault, not this laptop's: it is
/// refused for that device's chain ([`StoreError::BadChange`]) and the rest of the team goes on.
/// Disk, lock and I/O failures stay what they are.
fn refused_for(device: &str, e: StoreError) -> StoreError {
    let bad = |detail: String| StoreError::BadChange { device: device.to_string(), detail };
    match e {
        StoreError::Encoding(detail) => bad(detail),
        StoreError::Invalid(v) => bad(v.to_string()),
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, msg)) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            bad(msg.unwrap_or_else(|| "a value the schema refuses".into()))
        }
        StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(_, _, e)) => bad(e.to_string()),
        StoreError::Sqlite(rusqlite::Error::InvalidColumnType(_, name, _)) => bad(format!("a value of the wrong type in {name}")),
        e => e,
    }
}

fn open_connection(dir: &Path, key: &DbKey, create: bool) -> Result<Connection> {
    let path = dir.join(DB_FILE);
    let sql = |e| StoreError::from_sqlite(dir, e);
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(&path, flags).map_err(sql)?;
    // Silence SQLCipher's own stderr on a wrong key; we report it ourselves.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(sql)?;
    conn.execute_batch(&key.sqlcipher_pragma()).map_err(sql)?;
    // The first read proves the key.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(sql)?;
    conn.busy_timeout(std::time::Duration::from_millis(u64::from(BUSY_TIMEOUT_MS))).map_err(sql)?;
    // Every statement the store uses stays prepared (rusqlite keeps 16 by default).
    conn.set_prepared_statement_cache_capacity(128);
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        // WAL could not be set up: the folder does not let us create the -wal file.
        return Err(StoreError::ReadOnly { dir: dir.to_path_buf() });
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;")
        .map_err(sql)?;
    Ok(conn)
}
