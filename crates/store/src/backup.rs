//! Backups: one file that holds a consistent copy of the database and its wrapped key.
//!
//! The copy is made with SQLite's online backup API in one step, so it is the database as one
//! transaction saw it while other windows and processes go on writing. It stays encrypted with
//! the store's key (SQLCipher), and the key file travels with it, still wrapped under the
//! passphrase: a backup opens with the passphrase (or recovery code) the store had when it was
//! made, and with nothing else.
//!
//! ```text
//! "INDSATS-BACKUP-1"  16 bytes
//! header length       u32, little endian
//! header              JSON (BackupInfo without `bytes`): when, which device, schema, changes
//! key file            the bytes of key.json
//! database            the bytes of the copy
//! seal                HMAC-SHA256 over everything before it, under a key derived from the
//!                     database key
//! ```
//!
//! The seal refuses a flipped byte or a cut-off file before anything is written. A backup is
//! read back and checked (seal, SQLCipher's page check, `integrity_check`, the change count)
//! before it is reported as made; a restore checks the same before the store is opened.

use std::fs;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{BackupFault as Fault, Result, StoreError};
use crate::keys::{self, DbKey};
use crate::{DB_FILE, Store};

const MAGIC: &[u8; 16] = b"INDSATS-BACKUP-1";
/// A header longer than this is not one of ours.
const MAX_HEADER: u32 = 64 * 1024;
const SEAL_LEN: u64 = 32;
/// The sync state that marks a store restored from a backup, until sync has checked that the
/// target holds nothing of this device that the backup lacks (docs/operations.md).
pub const RESTORED: &str = "restored_from_backup";

type Seal = Hmac<Sha256>;

/// What a backup file says about itself. Nothing in it is personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// When the copy was taken (RFC 3339).
    pub created_at: String,
    /// The device whose store it is.
    pub device: String,
    /// The schema version of the copy.
    pub schema: i64,
    /// Rows in the copy's change log: a restore must hold exactly these.
    pub changes: u64,
    /// The backup file's size.
    #[serde(skip)]
    pub bytes: u64,
}

fn damaged(path: &Path, why: Fault) -> StoreError {
    StoreError::BackupDamaged { path: path.to_path_buf(), why }
}

fn seal_for(key: &DbKey) -> Result<Seal> {
    let sub = key.derive(b"indsats backup seal v1");
    <Seal as Mac>::new_from_slice(sub.as_ref()).map_err(|e| StoreError::Encoding(e.to_string()))
}

/// A writer that feeds what it writes to the seal.
struct Sealing<'a, W: Write> {
    inner: W,
    seal: &'a mut Seal,
}

impl<W: Write> Write for Sealing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.seal.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A folder beside `path` for the parts of a backup or a restore; removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn beside(path: &Path) -> Result<Scratch> {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).map_err(|e| StoreError::Entropy(e.to_string()))?;
        let dir = parent.join(format!(".{name}.{}.parts", hex::encode(random)));
        fs::create_dir(&dir).map_err(|e| StoreError::from_io(parent, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A plain connection to the database file in `dir`, keyed; no WAL, no migrations.
fn keyed(dir: &Path, key: &DbKey) -> Result<Connection> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let conn = Connection::open(dir.join(DB_FILE)).map_err(sql)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(sql)?;
    conn.execute_batch(&key.sqlcipher_pragma()).map_err(sql)?;
    Ok(conn)
}

/// The checks a copy must pass: every page's MAC, SQLite's integrity check, and its change count.
fn check_copy(dir: &Path, key: &DbKey, file: &Path, changes: u64) -> Result<()> {
    let conn = keyed(dir, key)?;
    let bad = |_| damaged(file, Fault::Opens);
    let pages: Vec<String> = conn
        .prepare("PRAGMA cipher_integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(bad)?;
    if !pages.is_empty() {
        return Err(damaged(file, Fault::Pages));
    }
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(bad)?;
    if ok != "ok" {
        return Err(damaged(file, Fault::Integrity));
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).map_err(bad)?;
    if u64::try_from(n).ok() != Some(changes) {
        return Err(damaged(file, Fault::Changes));
    }
    Ok(())
}

/// The key a backup is opened with.
enum Opener<'a> {
    Passphrase(&'a str),
    Key(&'a DbKey),
}

/// Reads `file`, checks its seal and writes its parts (database and key file) into `into`.
fn unpack(file: &Path, opener: Opener<'_>, into: &Path) -> Result<(BackupInfo, DbKey)> {
    let io = |e| StoreError::from_io(file.parent().unwrap_or(Path::new(".")), e);
    let f = fs::File::open(file).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut magic = [0u8; 16];
    if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(StoreError::NotABackup { path: file.to_path_buf() });
    }
    let truncated = || damaged(file, Fault::Truncated);
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(|_| truncated())?;
    let header_len = u32::from_le_bytes(len);
    if header_len > MAX_HEADER {
        return Err(damaged(file, Fault::Header));
    }
    let mut header = vec![0u8; header_len as usize];
    r.read_exact(&mut header).map_err(|_| truncated())?;
    let mut info: BackupInfo = serde_json::from_slice(&header).map_err(|_| damaged(file, Fault::Header))?;
    #[derive(Deserialize)]
    struct Lengths {
        key_len: u64,
        db_len: u64,
    }
    let lengths: Lengths = serde_json::from_slice(&header).map_err(|_| damaged(file, Fault::Header))?;
    let expected = (16u64 + 4 + u64::from(header_len))
        .checked_add(lengths.key_len)
        .and_then(|n| n.checked_add(lengths.db_len))
        .and_then(|n| n.checked_add(SEAL_LEN))
        .ok_or_else(|| damaged(file, Fault::Header))?;
    if size < expected {
        return Err(truncated());
    }
    if size > expected || lengths.key_len > u64::from(MAX_HEADER) {
        return Err(damaged(file, Fault::Extended));
    }
    let mut key_file = vec![0u8; lengths.key_len as usize];
    r.read_exact(&mut key_file).map_err(|_| truncated())?;
    let key = match opener {
        Opener::Key(k) => k.duplicate(),
        Opener::Passphrase(p) => keys::unwrap_key_file(&key_file, p).map_err(|e| match e {
            StoreError::WrongPassphrase => StoreError::BackupPassphrase,
            _ => damaged(file, Fault::Key),
        })?,
    };
    let mut seal = seal_for(&key)?;
    seal.update(MAGIC);
    seal.update(&len);
    seal.update(&header);
    seal.update(&key_file);
    let into_io = |e| StoreError::from_io(into, e);
    {
        let out = fs::File::create(into.join(DB_FILE)).map_err(into_io)?;
        let mut w = Sealing { inner: BufWriter::with_capacity(1 << 20, out), seal: &mut seal };
        let copied = std::io::copy(&mut (&mut r).take(lengths.db_len), &mut w).map_err(into_io)?;
        if copied != lengths.db_len {
            return Err(truncated());
        }
        let out = w.inner.into_inner().map_err(|e| into_io(e.into_error()))?;
        out.sync_all().map_err(into_io)?;
    }
    let mut stored = [0u8; SEAL_LEN as usize];
    r.read_exact(&mut stored).map_err(|_| truncated())?;
    seal.verify_slice(&stored).map_err(|_| damaged(file, Fault::Changed))?;
    fs::write(into.join(keys::KEY_FILE), &key_file).map_err(into_io)?;
    info.bytes = size;
    check_copy(into, &key, file, info.changes)?;
    Ok((info, key))
}

impl Store {
    /// Writes a backup of this store to `out` (which must not exist) and checks it by reading it
    /// back. On any error nothing is left at `out`.
    pub fn backup(&self, out: &Path, now: DateTime<Utc>) -> Result<BackupInfo> {
        if out.exists() {
            return Err(StoreError::BackupExists { path: out.to_path_buf() });
        }
        let scratch = Scratch::beside(out)?;
        let copy_dir = scratch.0.join("copy");
        fs::create_dir(&copy_dir).map_err(|e| StoreError::from_io(&scratch.0, e))?;
        let changes = {
            let mut dest = keyed(&copy_dir, &self.key)?;
            let sql = |e| StoreError::from_sqlite(&copy_dir, e);
            {
                let b = rusqlite::backup::Backup::new(&self.conn, &mut dest).map_err(sql)?;
                // All pages in one step: one consistent snapshot even while others write.
                match b.step(-1).map_err(|e| StoreError::from_sqlite(&self.dir, e))? {
                    rusqlite::backup::StepResult::Done => {}
                    _ => return Err(StoreError::Busy),
                }
            }
            let n: i64 = dest.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).map_err(sql)?;
            u64::try_from(n).unwrap_or_default()
        };
        let schema: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| StoreError::from_sqlite(&self.dir, e))?;
        let info = BackupInfo { created_at: now.to_rfc3339(), device: self.device.clone(), schema, changes, bytes: 0 };
        let key_file = fs::read(self.dir.join(keys::KEY_FILE)).map_err(|e| StoreError::from_io(&self.dir, e))?;
        let db = copy_dir.join(DB_FILE);
        let db_len = fs::metadata(&db).map_err(|e| StoreError::from_io(&copy_dir, e))?.len();
        let mut header = serde_json::to_value(&info).map_err(|e| StoreError::Encoding(e.to_string()))?;
        header["key_len"] = (key_file.len() as u64).into();
        header["db_len"] = db_len.into();
        let header = serde_json::to_vec(&header).map_err(|e| StoreError::Encoding(e.to_string()))?;
        let header_len = u32::try_from(header.len()).map_err(|e| StoreError::Encoding(e.to_string()))?;

        let tmp = scratch.0.join("backup");
        let out_dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let io = |e| StoreError::from_io(out_dir, e);
        {
            let mut seal = seal_for(&self.key)?;
            let f = fs::File::create_new(&tmp).map_err(io)?;
            let mut w = Sealing { inner: BufWriter::with_capacity(1 << 20, f), seal: &mut seal };
            w.write_all(MAGIC).map_err(io)?;
            w.write_all(&header_len.to_le_bytes()).map_err(io)?;
            w.write_all(&header).map_err(io)?;
            w.write_all(&key_file).map_err(io)?;
            let mut src = fs::File::open(&db).map_err(io)?;
            std::io::copy(&mut src, &mut w).map_err(io)?;
            let mut inner = w.inner;
            inner.write_all(&seal.finalize().into_bytes()).map_err(io)?;
            let f = inner.into_inner().map_err(|e| io(e.into_error()))?;
            f.sync_all().map_err(io)?;
        }
        fs::remove_dir_all(&copy_dir).map_err(|e| StoreError::from_io(&scratch.0, e))?;
        // Read back what was written, as a restore would.
        let check = scratch.0.join("check");
        fs::create_dir(&check).map_err(|e| StoreError::from_io(&scratch.0, e))?;
        let (mut checked, _) = unpack(&tmp, Opener::Key(&self.key), &check)?;
        // Into place without overwriting anything that appeared meanwhile.
        fs::hard_link(&tmp, out).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => StoreError::BackupExists { path: out.to_path_buf() },
            _ => io(e),
        })?;
        if let Ok(d) = fs::File::open(out_dir) {
            let _ = d.sync_all();
        }
        checked.bytes = fs::metadata(out).map_err(io)?.len();
        Ok(checked)
    }
}

/// What a backup file says about itself, read without its passphrase (a listing of backups).
/// The seal is not checked: [`restore`] does that.
pub fn backup_info(file: &Path) -> Result<BackupInfo> {
    let mut f = fs::File::open(file).map_err(|_| StoreError::NotABackup { path: file.to_path_buf() })?;
    let mut magic = [0u8; 16];
    let mut len = [0u8; 4];
    if f.read_exact(&mut magic).is_err() || &magic != MAGIC || f.read_exact(&mut len).is_err() {
        return Err(StoreError::NotABackup { path: file.to_path_buf() });
    }
    let header_len = u32::from_le_bytes(len);
    if header_len > MAX_HEADER {
        return Err(damaged(file, Fault::Header));
    }
    let mut header = vec![0u8; header_len as usize];
    f.read_exact(&mut header).map_err(|_| damaged(file, Fault::Truncated))?;
    let mut info: BackupInfo = serde_json::from_slice(&header).map_err(|_| damaged(file, Fault::Header))?;
    info.bytes = f.metadata().map(|m| m.len()).unwrap_or_default();
    Ok(info)
}

/// Restores the backup `file` into `dir`, which must be empty or not exist, with the passphrase
/// (or recovery code) the store had when the backup was made. Everything is checked before the
/// store is put in place; on any error `dir` is left as it was. The restored store is marked, so
/// that sync first checks that the target holds nothing of this device the backup lacks.
pub fn restore(file: &Path, dir: &Path, passphrase: &str) -> Result<(BackupInfo, Store)> {
    let existed = dir.exists();
    if existed {
        let mut entries = fs::read_dir(dir).map_err(|e| StoreError::from_io(dir, e))?;
        if entries.next().is_some() {
            return Err(StoreError::RestoreNotEmpty { dir: dir.to_path_buf() });
        }
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| StoreError::from_io(parent, e))?;
    let scratch = Scratch::beside(dir)?;
    let (info, key) = unpack(file, Opener::Passphrase(passphrase), &scratch.0)?;
    let put = (|| {
        if existed {
            fs::remove_dir(dir).map_err(|e| StoreError::from_io(dir, e))?;
        }
        fs::rename(&scratch.0, dir).map_err(|e| StoreError::from_io(parent, e))?;
        let mut store = Store::open_with_key(dir, &key)?;
        store.set_sync_state(&[(RESTORED, Some(&info.created_at))])?;
        Ok(store)
    })();
    match put {
        Ok(store) => Ok((info, store)),
        Err(e) => {
            if dir.exists() && !existed {
                let _ = fs::remove_dir_all(dir);
            } else if existed {
                let _ = fs::remove_dir_all(dir).and_then(|_| fs::create_dir(dir));
            }
            Err(e)
        }
    }
}
