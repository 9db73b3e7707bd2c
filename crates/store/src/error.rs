//! The one error type of the store, with messages that tell the user what to do.

use std::path::{Path, PathBuf};

use indsats_core::{Lang, ValidationError};
use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("the passphrase must be at least {min} characters")]
    PassphraseTooShort { min: usize },
    #[error("no Indsats data in {dir}")]
    NotInitialised { dir: PathBuf },
    #[error("{dir} already holds Indsats data")]
    AlreadyInitialised { dir: PathBuf },
    #[error("the data was written by a newer Indsats (schema {found}, this version knows {supported})")]
    NewerSchema { found: i64, supported: i64 },
    #[error("the key file is damaged: {0}")]
    KeyFile(String),
    #[error("the database does not open with its key (damaged, or the key file belongs to other data)")]
    NotADatabase,
    #[error("{dir} is read-only")]
    ReadOnly { dir: PathBuf },
    #[error("the disk holding {dir} is full")]
    DiskFull { dir: PathBuf },
    #[error("the data is busy in another Indsats window or process")]
    Busy,
    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("the audit log has been altered at entry {seq}")]
    AuditTampered { seq: i64 },
    #[error("the operating system has no random source: {0}")]
    Entropy(String),
    #[error("could not encode a value for the store: {0}")]
    Encoding(String),
    #[error("file error in {dir}: {source}")]
    Io { dir: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("changes {from}… of device {device} do not follow the last applied ({applied})")]
    OutOfOrder { device: String, applied: u64, from: u64 },
    #[error("a change from device {device} cannot be applied: {detail}")]
    BadChange { device: String, detail: String },
    /// A change the sending device's role does not allow (merge's write authority).
    #[error("device {device} may not make this change: {detail}")]
    NotAuthorised { device: String, detail: String },
    #[error("conflict {id} is not open")]
    ConflictClosed { id: i64 },
    #[error("{path} already exists")]
    BackupExists { path: PathBuf },
    #[error("{path} is not an Indsats backup")]
    NotABackup { path: PathBuf },
    #[error("the backup {path} is damaged: {why:?}")]
    BackupDamaged { path: PathBuf, why: BackupFault },
    #[error("the passphrase does not open this backup")]
    BackupPassphrase,
    #[error("{dir} is not empty")]
    RestoreNotEmpty { dir: PathBuf },
    /// Returned by a write's closure to undo everything it did (a dry run, or an all-or-nothing
    /// import with a bad row): the caller knows why and says so.
    #[error("undone: nothing was written")]
    Undone,
}

/// What is wrong with a backup file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupFault {
    /// Shorter than its header says.
    Truncated,
    /// Longer than its header says.
    Extended,
    /// Its seal does not match its content.
    Changed,
    Header,
    Key,
    Opens,
    Pages,
    Integrity,
    /// Its database holds another number of changes than its header names.
    Changes,
}

impl BackupFault {
    fn text(self, da: bool) -> &'static str {
        match (self, da) {
            (Self::Truncated, true) => "den er kortere, end den siger: den er skåret af",
            (Self::Truncated, false) => "it is shorter than it says: it was cut off",
            (Self::Extended, true) => "den er længere, end den siger: der er lagt noget til",
            (Self::Extended, false) => "it is longer than it says: something was added to it",
            (Self::Changed, true) => "den er ændret, efter den blev lavet",
            (Self::Changed, false) => "it has been changed since it was made",
            (Self::Header, true) => "dens hoved kan ikke læses",
            (Self::Header, false) => "its header cannot be read",
            (Self::Key, true) => "dens nøgle kan ikke læses",
            (Self::Key, false) => "its key cannot be read",
            (Self::Opens, true) => "dens database kan ikke åbnes",
            (Self::Opens, false) => "its database does not open",
            (Self::Pages, true) => "sider i dens database fejler deres kontrol",
            (Self::Pages, false) => "pages of its database fail their check",
            (Self::Integrity, true) => "dens database fejler SQLites integritetskontrol",
            (Self::Integrity, false) => "its database fails SQLite's integrity check",
            (Self::Changes, true) => "dens database har ikke de ændringer, hovedet nævner",
            (Self::Changes, false) => "its database does not hold the changes its header names",
        }
    }
}

impl StoreError {
    pub(crate) fn from_io(dir: &Path, e: std::io::Error) -> StoreError {
        match e.raw_os_error() {
            Some(28) | Some(122) => StoreError::DiskFull { dir: dir.to_path_buf() },
            Some(30) | Some(13) | Some(1) => StoreError::ReadOnly { dir: dir.to_path_buf() },
            _ => StoreError::Io { dir: dir.to_path_buf(), source: e },
        }
    }

    pub(crate) fn from_sqlite(dir: &Path, e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            return match f.code {
                ErrorCode::DiskFull => StoreError::DiskFull { dir: dir.to_path_buf() },
                ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                    StoreError::ReadOnly { dir: dir.to_path_buf() }
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
                ErrorCode::NotADatabase => StoreError::NotADatabase,
                // SQLite reports a full disk met while growing the shared-memory or WAL file as a
                // plain I/O error: tell the two apart by the free space left.
                ErrorCode::SystemIoFailure if disk_nearly_full(dir) => StoreError::DiskFull { dir: dir.to_path_buf() },
                _ => StoreError::Sqlite(e),
            };
        }
        StoreError::Sqlite(e)
    }

    /// A stable code for front ends and exit statuses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongPassphrase => "wrong_passphrase",
            Self::PassphraseTooShort { .. } => "passphrase_too_short",
            Self::NotInitialised { .. } => "not_initialised",
            Self::AlreadyInitialised { .. } => "already_initialised",
            Self::NewerSchema { .. } => "newer_schema",
            Self::KeyFile(_) => "key_file",
            Self::NotADatabase => "not_a_database",
            Self::ReadOnly { .. } => "read_only",
            Self::DiskFull { .. } => "disk_full",
            Self::Busy => "busy",
            Self::NotFound { .. } => "not_found",
            Self::Invalid(e) => e.code(),
            Self::AuditTampered { .. } => "audit_tampered",
            Self::Entropy(_) => "entropy",
            Self::Encoding(_) => "encoding",
            Self::Io { .. } => "io",
            Self::Sqlite(_) => "database",
            Self::OutOfOrder { .. } => "out_of_order",
            Self::BadChange { .. } => "bad_change",
            Self::NotAuthorised { .. } => "not_authorised",
            Self::ConflictClosed { .. } => "conflict_closed",
            Self::BackupExists { .. } => "backup_exists",
            Self::NotABackup { .. } => "not_a_backup",
            Self::BackupDamaged { .. } => "backup_damaged",
            Self::BackupPassphrase => "backup_passphrase",
            Self::RestoreNotEmpty { .. } => "restore_not_empty",
            Self::Undone => "undone",
        }
    }

    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Self::WrongPassphrase => {
                if da {
                    "Forkert adgangsfrase. Prøv igen; data er ikke ændret.".into()
                } else {
                    "Wrong passphrase. Try again; nothing has been changed.".into()
                }
            }
            Self::PassphraseTooShort { min } => {
                if da {
                    format!("Adgangsfrasen skal være mindst {min} tegn. Vælg en længere.")
                } else {
                    format!("The passphrase must be at least {min} characters. Choose a longer one.")
                }
            }
            Self::NotInitialised { dir } => {
                if da {
                    format!(
                        "Der er ingen Indsats-data i {}. Opret dem med «indsats init», eller vælg den rigtige datamappe.",
                        dir.display()
                    )
                } else {
                    format!(
                        "There is no Indsats data in {}. Create it with “indsats init”, or choose the right data folder.",
                        dir.display()
                    )
                }
            }
            Self::AlreadyInitialised { dir } => {
                if da {
                    format!("{} indeholder allerede Indsats-data. Vælg en tom mappe, eller åbn de eksisterende data.", dir.display())
                } else {
                    format!("{} already holds Indsats data. Choose an empty folder, or open the existing data.", dir.display())
                }
            }
            Self::NewerSchema { found, supported } => {
                if da {
                    format!(
                        "Data er skrevet af en nyere version af Indsats (skema {found}; denne version kender {supported}). Opdatér Indsats; data er ikke ændret."
                    )
                } else {
                    format!(
                        "The data was written by a newer version of Indsats (schema {found}; this version knows {supported}). Update Indsats; nothing has been changed."
                    )
                }
            }
            Self::KeyFile(why) => {
                if da {
                    format!(
                        "Nøglefilen (key.json) er beskadiget ({why}). Gendan data fra en sikkerhedskopi i en ny mappe («indsats restore»), eller kontakt IT."
                    )
                } else {
                    format!(
                        "The key file (key.json) is damaged ({why}). Restore the data from a backup into a new folder (“indsats restore”), or contact IT."
                    )
                }
            }
            Self::NotADatabase => {
                if da {
                    "Databasen kan ikke åbnes med sin nøgle: den er beskadiget, eller nøglefilen hører til andre data. Gendan data fra en sikkerhedskopi i en ny mappe («indsats restore»), eller kontakt IT.".into()
                } else {
                    "The database does not open with its key: it is damaged, or the key file belongs to other data. Restore the data from a backup into a new folder (“indsats restore”), or contact IT.".into()
                }
            }
            Self::ReadOnly { dir } => {
                if da {
                    format!(
                        "Datamappen {} er skrivebeskyttet. Vælg en mappe, du kan skrive i, eller bed IT om adgang. Intet er gemt.",
                        dir.display()
                    )
                } else {
                    format!(
                        "The data folder {} is read-only. Choose a folder you can write to, or ask IT for access. Nothing was saved.",
                        dir.display()
                    )
                }
            }
            Self::DiskFull { dir } => {
                if da {
                    format!("Disken med {} er fuld. Frigør plads og prøv igen; intet er gemt, og data er uskadte.", dir.display())
                } else {
                    format!(
                        "The disk holding {} is full. Free some space and try again; nothing was saved and the data is intact.",
                        dir.display()
                    )
                }
            }
            Self::Busy => {
                if da {
                    "Data bruges af et andet Indsats-vindue eller -program. Vent et øjeblik og prøv igen.".into()
                } else {
                    "The data is in use by another Indsats window or program. Wait a moment and try again.".into()
                }
            }
            Self::NotFound { kind, id } => {
                let what = match (*kind, da) {
                    ("participant", true) => "deltager",
                    ("initiative", true) => "indsats",
                    ("goal", true) => "mål",
                    ("indicator", true) => "indikator",
                    ("enrolment", true) => "forløb",
                    ("progress event", true) => "hændelse",
                    ("note", true) => "notat",
                    ("goal link", true) => "kobling til målet",
                    ("strategy", true) => "strategi",
                    (k, _) => k,
                };
                if da {
                    format!("Der findes ingen {what} med id {id}. Kontrollér id'et (se listen med «list»).")
                } else {
                    format!("There is no {what} with id {id}. Check the id (see the list with “list”).")
                }
            }
            Self::Invalid(e) => e.message(lang),
            Self::AuditTampered { seq } => {
                if da {
                    format!("Logningen er ændret uden om Indsats ved post {seq}. Kontakt IT-sikkerhed; loggen må ikke rettes.")
                } else {
                    format!("The audit log was altered outside Indsats at entry {seq}. Contact IT security; do not edit the log.")
                }
            }
            Self::Entropy(e) => {
                if da {
                    format!("Styresystemet kan ikke levere tilfældige tal ({e}). Kontakt IT.")
                } else {
                    format!("The operating system cannot provide random numbers ({e}). Contact IT.")
                }
            }
            Self::Encoding(e) => {
                if da {
                    format!("En værdi kunne ikke gemmes ({e}). Intet er gemt. Kontakt IT.")
                } else {
                    format!("A value could not be stored ({e}). Nothing was saved. Contact IT.")
                }
            }
            Self::Io { dir, source } => {
                if da {
                    format!("Filfejl i {}: {source}. Kontrollér mappen og prøv igen.", dir.display())
                } else {
                    format!("File error in {}: {source}. Check the folder and try again.", dir.display())
                }
            }
            Self::Sqlite(e) => {
                if da {
                    format!("Databasefejl: {e}. Intet er gemt. Prøv igen; fortsætter fejlen, så kontakt IT.")
                } else {
                    format!("Database error: {e}. Nothing was saved. Try again; if it persists, contact IT.")
                }
            }
            Self::OutOfOrder { device, applied, from } => {
                if da {
                    format!(
                        "Ændringerne fra enhed {device} begynder ved nr. {from}, men nr. {applied} var de sidste, der blev indlæst. De venter, til de manglende er hentet; intet er ændret."
                    )
                } else {
                    format!(
                        "The changes from device {device} start at no. {from}, but no. {applied} was the last applied. They wait until the missing ones have been fetched; nothing was changed."
                    )
                }
            }
            Self::BadChange { device, detail } => {
                if da {
                    format!(
                        "En ændring fra enhed {device} kan ikke indlæses ({detail}). Intet er ændret. Enheden kører måske en anden version af Indsats: opdatér begge, og kontakt IT, hvis det fortsætter."
                    )
                } else {
                    format!(
                        "A change from device {device} cannot be applied ({detail}). Nothing was changed. The device may run another version of Indsats: update both, and contact IT if it persists."
                    )
                }
            }
            Self::NotAuthorised { device, detail } => {
                if da {
                    format!(
                        "Enhed {device} sendte en ændring, teamets liste ikke giver den ret til ({detail}). Intet fra den er indlæst, og dens senere ændringer venter; resten af teamet synkroniserer videre. Teamlederen bør se på enhedens rolle på teamets liste."
                    )
                } else {
                    format!(
                        "Device {device} sent a change the team's roster does not allow it ({detail}). Nothing of it was applied, and its later changes wait; the rest of the team keeps syncing. The team lead should check the device's role on the roster."
                    )
                }
            }
            Self::ConflictClosed { id } => {
                if da {
                    format!("Konflikt {id} er allerede afgjort eller findes ikke. Opdatér listen.")
                } else {
                    format!("Conflict {id} has already been settled or does not exist. Refresh the list.")
                }
            }
            Self::BackupExists { path } => {
                if da {
                    format!("{} findes allerede. Vælg et andet filnavn; intet er overskrevet.", path.display())
                } else {
                    format!("{} already exists. Choose another file name; nothing was overwritten.", path.display())
                }
            }
            Self::NotABackup { path } => {
                if da {
                    format!("{} er ikke en sikkerhedskopi fra Indsats. Vælg filen, «indsats backup» skrev.", path.display())
                } else {
                    format!("{} is not an Indsats backup. Choose the file “indsats backup” wrote.", path.display())
                }
            }
            Self::BackupDamaged { path, why } => {
                if da {
                    format!(
                        "Sikkerhedskopien {} afvises: {}. Intet er gendannet; brug en anden sikkerhedskopi.",
                        path.display(),
                        why.text(true)
                    )
                } else {
                    format!("The backup {} is refused: {}. Nothing was restored; use another backup.", path.display(), why.text(false))
                }
            }
            Self::BackupPassphrase => {
                if da {
                    "Adgangsfrasen åbner ikke sikkerhedskopien. Brug den adgangsfrase (eller gendannelseskode), data havde, da kopien blev lavet. Er den rigtig, er kopien beskadiget: brug en anden. Intet er gendannet.".into()
                } else {
                    "The passphrase does not open this backup. Use the passphrase (or recovery code) the data had when the backup was made. If it is right, the backup is damaged: use another. Nothing was restored.".into()
                }
            }
            Self::Undone => {
                if da {
                    "Intet er gemt.".into()
                } else {
                    "Nothing was saved.".into()
                }
            }
            Self::RestoreNotEmpty { dir } => {
                if da {
                    format!("{} er ikke tom. En sikkerhedskopi gendannes kun i en tom datamappe; intet er ændret.", dir.display())
                } else {
                    format!("{} is not empty. A backup is restored only into an empty data folder; nothing was changed.", dir.display())
                }
            }
        }
    }
}

/// Whether the file system holding `dir` has less than 1 MiB left for us.
#[cfg(unix)]
fn disk_nearly_full(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a valid NUL-terminated string and `st` a writable statvfs.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return false;
    }
    (st.f_bavail as u64).saturating_mul(st.f_frsize as u64) < 1024 * 1024
}

#[cfg(not(unix))]
fn disk_nearly_full(_dir: &Path) -> bool {
    false
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
