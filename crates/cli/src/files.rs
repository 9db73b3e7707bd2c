//! Files the CLI writes and reads (reports, case files): written whole or not at all, never over
//! an existing file, with errors in the user's language.

use std::io::Write;
use std::path::{Path, PathBuf};

use indsats_api::ErrorClass;
use indsats_api::core::Lang;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0} already exists")]
    Exists(PathBuf),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0} holds no Indsats report marker")]
    NoMarker(PathBuf),
    /// `report --verify`: the data behind the report has changed (already said on stdout).
    #[error("the data has changed")]
    Changed,
    /// `team add` without `--yes`: the request was shown, nothing was added.
    #[error("not confirmed")]
    Unconfirmed,
    /// `team recover` without `--yes`: the team that would result was shown, nothing changed.
    #[error("recovery not confirmed")]
    RecoverUnconfirmed,
    /// `audit --verify`: a device's access log differs from the one held (already said on stdout).
    #[error("an access log has a problem")]
    AccessProblem,
    /// `import`: rows were refused (each already said on stdout).
    #[error("bad rows: {rows:?}")]
    BadRows { rows: Vec<usize>, written: usize, rejected: Option<PathBuf> },
}

/// "3, 7 og 12" / "3, 7 and 12" (at most 20 named).
fn row_list(rows: &[usize], and: &str) -> String {
    let mut named: Vec<String> = rows.iter().take(20).map(usize::to_string).collect();
    if rows.len() > 20 {
        named.push(format!("… ({})", rows.len()));
    }
    match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

impl CliError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Exists(_) => "file_exists",
            Self::BadRows { .. } => "import_bad_rows",
            Self::Write(..) => "write_failed",
            Self::Read(..) => "read_failed",
            Self::NoMarker(_) => "not_a_report",
            Self::Changed => "data_changed",
            Self::Unconfirmed | Self::RecoverUnconfirmed => "not_confirmed",
            Self::AccessProblem => "access_log_problem",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Write(..) => ErrorClass::Other,
            _ => ErrorClass::BadInput,
        }
    }

    /// The exit status: as for every error, but 4 for "the data has changed" or "an access log
    /// was cut or changed".
    pub fn exit_status(&self) -> Option<u8> {
        matches!(self, Self::Changed | Self::AccessProblem).then_some(4)
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Exists(p), Lang::Da) => format!("{} findes allerede. Vælg et andet filnavn eller flyt den gamle fil.", p.display()),
            (Self::Exists(p), Lang::En) => format!("{} already exists. Choose another file name or move the old file.", p.display()),
            (Self::Write(p, e), Lang::Da) => {
                format!("{} kunne ikke skrives ({e}). Intet er gemt; vælg en mappe, du kan skrive i.", p.display())
            }
            (Self::Write(p, e), Lang::En) => {
                format!("{} could not be written ({e}). Nothing was saved; choose a folder you can write to.", p.display())
            }
            (Self::Read(p, e), Lang::Da) => format!("{} kunne ikke læses ({e}). Tjek stien.", p.display()),
            (Self::Read(p, e), Lang::En) => format!("{} could not be read ({e}). Check the path.", p.display()),
            (Self::NoMarker(p), Lang::Da) => {
                format!(
                    "{} er ikke en rapport fra Indsats (den har ingen datafingeraftryk). Vælg en PDF-, XLSX- eller CSV-rapport fra «indsats report».",
                    p.display()
                )
            }
            (Self::Changed, Lang::Da) => "Data bag rapporten er ændret siden den blev dannet. Dan en ny rapport.".into(),
            (Self::Changed, Lang::En) => "The data behind the report has changed since it was made. Make a new report.".into(),
            (Self::AccessProblem, Lang::Da) => "En computers logning afviger fra den, denne computer har modtaget: den er skåret af eller ændret. Kontakt IT; de modtagne rækker er bevaret.".into(),
            (Self::AccessProblem, Lang::En) => "A computer's access log differs from the one this computer received: it was cut or changed. Contact IT; the rows received are kept.".into(),
            (Self::RecoverUnconfirmed, Lang::Da) => "Intet er ændret. Kontrollér, at teamets computere, brugere og roller ovenfor er de rigtige (spørg en sagsbehandler, hvad «indsats team show» viser hos hende), og kør igen med --yes.".into(),
            (Self::RecoverUnconfirmed, Lang::En) => "Nothing was changed. Check that the team's computers, users and roles above are the right ones (ask a caseworker what “indsats team show” shows on hers), and run again with --yes.".into(),
            (Self::Unconfirmed, Lang::Da) => "Intet er tilføjet. Sammenlign fingeraftrykket med det, den nye computer viser («indsats team show»), og kør igen med --yes (og evt. --as-user/--as-role).".into(),
            (Self::Unconfirmed, Lang::En) => "Nothing was added. Compare the fingerprint with the one the new computer shows (“indsats team show”), and run again with --yes (and --as-user/--as-role if needed).".into(),
            (Self::BadRows { rows, written, rejected }, lang) => {
                let da = lang == Lang::Da;
                let list = row_list(rows, if da { "og" } else { "and" });
                match (rejected, da) {
                    (None, true) => format!("Række {list} har fejl (se ovenfor). Intet er indlæst: ret rækkerne og kør igen, eller brug --keep-good."),
                    (None, false) => format!("Row {list} has errors (see above). Nothing was imported: fix the rows and run again, or use --keep-good."),
                    (Some(f), true) => format!("{written} rækker er indlæst. Række {list} har fejl og er skrevet til {} med fejlen i sidste kolonne: ret dem der, og indlæs filen igen.", f.display()),
                    (Some(f), false) => format!("{written} rows were imported. Row {list} has errors and is written to {} with the error in the last column: fix them there, and import that file again.", f.display()),
                }
            }
            (Self::NoMarker(p), Lang::En) => {
                format!(
                    "{} is not an Indsats report (it has no data fingerprint). Choose a PDF, XLSX or CSV report made by “indsats report”.",
                    p.display()
                )
            }
        }
    }
}

/// Writes `bytes` to `path`, which must not exist: first to a temporary file beside it, synced,
/// then renamed into place, so a crash leaves either nothing or the whole file.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp = staging(path)?;
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        // Never replace a file that appeared meanwhile.
        std::fs::hard_link(&tmp, path)?;
        std::fs::remove_file(&tmp)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(if path.exists() && e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Exists(path.to_path_buf())
        } else {
            CliError::Write(path.to_path_buf(), e)
        });
    }
    Ok(())
}

/// Writes `files` into a new folder `path`: first into a temporary folder beside it, then
/// renamed into place, so a crash leaves either nothing or every file.
pub fn write_new_dir(path: &Path, files: &[(String, String)]) -> Result<(), CliError> {
    let tmp = staging(path)?;
    let written = (|| {
        std::fs::create_dir(&tmp)?;
        for (file, text) in files {
            let mut f = std::fs::File::create(tmp.join(file))?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(CliError::Write(path.to_path_buf(), e));
    }
    Ok(())
}

/// Where `path` is written before it is put in place: hidden, beside it (so the rename or
/// link stays on one file system). Refuses a `path` that exists.
fn staging(path: &Path) -> Result<PathBuf, CliError> {
    if path.exists() {
        return Err(CliError::Exists(path.to_path_buf()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    Ok(dir.join(format!(".{name}.indsats-tmp")))
}

pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Read(path.to_path_buf(), e))
}
