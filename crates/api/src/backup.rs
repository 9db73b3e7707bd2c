//! Backups of the store and restoring one (docs/operations.md, "Backup and restore").
//!
//! A backup is a consistent copy of the live store, still encrypted, with its wrapped key, sealed
//! and read back before it is reported ([`indsats_store::backup`]). Every role may back up the
//! store it has unlocked: the file opens only with that store's passphrase and holds nothing the
//! person cannot already read. A restore goes only into an empty data folder.

use std::path::{Path, PathBuf};

use indsats_core::model::Role;
use indsats_store::BackupInfo;

use crate::clock::Clock;
use crate::error::{ApiError, Result};
use crate::identity::Ask;
use crate::session::Session;

/// Everyone who can unlock a store may back it up.
const ANYONE: &[Role] = &[Role::Caseworker];

/// The end of a backup file's name.
pub const EXTENSION: &str = "indsats-backup";

/// The most backups [`Session::backup_to_folder`] keeps.
pub const MAX_KEEP: u32 = 365;

/// A backup that was made (or restored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupView {
    pub file: PathBuf,
    /// When the copy was taken (RFC 3339).
    pub created_at: String,
    pub bytes: u64,
    /// The changes it holds (the store's change log).
    pub changes: u64,
}

impl BackupView {
    fn of(file: &Path, info: &BackupInfo) -> BackupView {
        BackupView { file: file.to_path_buf(), created_at: info.created_at.clone(), bytes: info.bytes, changes: info.changes }
    }
}

/// A backup in a folder that [`Session::backup_to_folder`] rotates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub made: BackupView,
    /// The older backups of this store removed to keep the number asked for.
    pub removed: Vec<PathBuf>,
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Session {
    /// Writes a backup of this store to `out`, which must not exist. Audited.
    pub fn backup(&mut self, out: &Path) -> Result<BackupView> {
        self.require(ANYONE, "store.backup")?;
        let info = self.store.backup(out, self.clock.now())?;
        let view = BackupView::of(out, &info);
        let detail = format!("{} ({} bytes, {} changes)", file_name(out), view.bytes, view.changes);
        self.audited("store.backup", None, "sikkerhedskopi", detail, |_| Ok(()))?;
        Ok(view)
    }

    /// Writes a backup into `folder` (made if missing) under a name of its device and time, and
    /// removes this store's oldest backups there beyond the newest `keep`. Other files, and other
    /// stores' backups, are never touched.
    pub fn backup_to_folder(&mut self, folder: &Path, keep: u32) -> Result<Rotation> {
        self.require(ANYONE, "store.backup")?;
        indsats_core::validate::in_range("keep", f64::from(keep), 1.0, f64::from(MAX_KEEP))?;
        std::fs::create_dir_all(folder).map_err(|e| io(folder, e))?;
        let now = self.clock.now();
        let device = self.store.device().to_string();
        let short: String = device.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
        let name = format!("indsats-{short}-{}.{EXTENSION}", now.format("%Y%m%d-%H%M%S"));
        let made = self.backup(&folder.join(name))?;
        let mine = own_backups(folder, &device)?;
        let surplus = mine.len().saturating_sub(keep as usize);
        let mut removed = Vec::new();
        for (_, path) in mine.into_iter().take(surplus) {
            if path == made.file {
                continue;
            }
            std::fs::remove_file(&path).map_err(|e| io(folder, e))?;
            removed.push(path);
        }
        if !removed.is_empty() {
            let names: Vec<String> = removed.iter().map(|p| file_name(p)).collect();
            self.audited("store.backup_removed", None, "sikkerhedskopi", names.join(", "), |_| Ok(()))?;
        }
        Ok(Rotation { made, removed })
    }

    /// [`Session::backup_to_folder`] when a backup is due: the newest of this store's backups in
    /// `folder` was made `every_days` or more calendar days ago (UTC), or there is none. `None`
    /// when none is due.
    pub fn backup_if_due(&mut self, folder: &Path, keep: u32, every_days: u32) -> Result<Option<Rotation>> {
        self.require(ANYONE, "store.backup")?;
        indsats_core::validate::in_range("every_days", f64::from(every_days), 1.0, 30.0)?;
        let newest = if folder.is_dir() { own_backups(folder, self.store.device())?.pop() } else { None };
        let today = self.clock.now().date_naive();
        let due = match newest.and_then(|(at, _)| chrono::DateTime::parse_from_rfc3339(&at).ok()) {
            Some(at) => (today - at.date_naive()).num_days() >= i64::from(every_days),
            None => true,
        };
        if due { self.backup_to_folder(folder, keep).map(Some) } else { Ok(None) }
    }
}

/// This store's backups in `folder` (another laptop may share it), oldest first.
fn own_backups(folder: &Path, device: &str) -> Result<Vec<(String, PathBuf)>> {
    let mut mine: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| io(folder, e))? {
        let path = entry.map_err(|e| io(folder, e))?.path();
        if !file_name(&path).ends_with(&format!(".{EXTENSION}")) {
            continue;
        }
        if let Ok(info) = indsats_store::backup_info(&path)
            && info.device == device
        {
            mine.push((info.created_at, path));
        }
    }
    mine.sort();
    Ok(mine)
}

fn io(dir: &Path, e: std::io::Error) -> ApiError {
    ApiError::Store(indsats_store::StoreError::Io { dir: dir.to_path_buf(), source: e })
}

/// Restores the backup `file` into the empty (or missing) data folder `dir` with the passphrase
/// the store had when the backup was made, and unlocks it as `ask`. The restore is audited in
/// the restored store.
pub fn restore(file: &Path, dir: &Path, passphrase: &str, ask: impl Into<Ask>, clock: Box<dyn Clock>) -> Result<(BackupView, Session)> {
    let (info, store) = indsats_store::restore(file, dir, passphrase)?;
    drop(store);
    let mut s = Session::unlock(dir, passphrase, ask, clock, None)?;
    let view = BackupView::of(file, &info);
    let detail = format!("{} ({}, {} changes)", file_name(file), info.created_at, info.changes);
    s.audited("store.restore", None, "sikkerhedskopi", detail, |_| Ok(()))?;
    Ok((view, s))
}
