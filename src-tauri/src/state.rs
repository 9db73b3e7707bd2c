//! The app's state: where things live, the settings, the open session (if unlocked) and the
//! long-running job (if any), each behind its own lock.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use indsats_api::Session;
use indsats_api::core::validate::Lang;

use crate::dto::{Mode, Settings};
use crate::error::{DesktopError, Result};

/// The passphrase of the demo store. The demo holds synthetic people only; it is encrypted like
/// every store, but its key protects nothing real.
pub const DEMO_PASSPHRASE: &str = "indsats-demo-2029";

/// Where the app keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub settings: PathBuf,
    /// The store's folder when the settings name none (the CLI's default too).
    pub default_store: PathBuf,
    pub demo: PathBuf,
}

impl Paths {
    /// `INDSATS_HOME` puts everything under one folder (tests, portable installs); otherwise the
    /// platform's standard places (the same store folder the `indsats` CLI uses).
    pub fn discover() -> Result<Paths> {
        if let Some(home) = std::env::var_os("INDSATS_HOME").filter(|h| !h.is_empty()) {
            let home = PathBuf::from(home);
            return Ok(Paths { settings: home.join("settings.json"), default_store: home.join("store"), demo: home.join("demo") });
        }
        let dirs = directories::ProjectDirs::from("dk", "Indsats", "indsats")
            .ok_or_else(|| DesktopError::Internal("no home folder: set INDSATS_HOME".into()))?;
        Ok(Paths {
            settings: dirs.config_dir().join("settings.json"),
            default_store: dirs.data_dir().to_path_buf(),
            demo: dirs.data_local_dir().join("demo"),
        })
    }
}

/// An unlocked store and which one it is.
pub struct Open {
    pub session: Session,
    pub mode: Mode,
}

pub struct App {
    pub paths: Paths,
    settings: Arc<Mutex<Settings>>,
    /// Shared with the background sync, which has the session read the roster again when a
    /// sync took a newer one.
    session: Arc<Mutex<Option<Open>>>,
    /// The background sync of the open store.
    sync: Mutex<Option<Arc<crate::sync::Runner>>>,
    /// What "unlock" opens: the last store that was open.
    last_mode: Mutex<Mode>,
    /// The cancel flag of the long job running now.
    job: Mutex<Option<Arc<AtomicBool>>>,
    /// Where the window hears that the operating system locked or went to sleep
    /// (`crate::os_lock`).
    os_lock: Mutex<Option<tauri::ipc::Channel<String>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    pub fn new(paths: Paths) -> App {
        let settings = load_settings(&paths.settings);
        App {
            paths,
            settings: Arc::new(Mutex::new(settings)),
            session: Arc::new(Mutex::new(None)),
            os_lock: Mutex::new(None),
            sync: Mutex::new(None),
            last_mode: Mutex::new(Mode::Store),
            job: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn lang(&self) -> Lang {
        lock(&self.settings).lang.into()
    }

    /// Saves the settings (written whole: a crash leaves the old or the new file).
    pub fn set_settings(&self, s: Settings) -> Result<()> {
        let text = serde_json::to_string_pretty(&s).map_err(|e| DesktopError::Internal(e.to_string()))?;
        let path = &self.paths.settings;
        let io = |source| DesktopError::Settings { path: path.display().to_string(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        write_atomically(path, text.as_bytes()).map_err(io)?;
        *lock(&self.settings) = s;
        Ok(())
    }

    /// The store's folder: the one in the settings, else the standard place.
    pub fn store_dir(&self) -> PathBuf {
        let s = lock(&self.settings);
        if s.data_dir.trim().is_empty() { self.paths.default_store.clone() } else { PathBuf::from(s.data_dir.trim()) }
    }

    pub fn session(&self) -> MutexGuard<'_, Option<Open>> {
        lock(&self.session)
    }

    pub fn last_mode(&self) -> Mode {
        *lock(&self.last_mode)
    }

    pub fn set_last_mode(&self, mode: Mode) {
        *lock(&self.last_mode) = mode;
    }

    /// Opens (or, with `None`, closes) the session. An open store that is in a team starts its
    /// background sync; closing stops it.
    pub fn set_open(&self, open: Option<Open>) {
        if let Some(old) = lock(&self.sync).take() {
            old.stop();
        }
        if let Some(o) = &open {
            *lock(&self.last_mode) = o.mode;
            match o.session.sync_handle() {
                Ok(handle) => {
                    let settings = self.settings.clone();
                    let lang = move || -> Lang { lock(&settings).lang.into() };
                    // A newer roster may grant another role: the session acts within it at once.
                    let session = self.session.clone();
                    let on_roster = move || {
                        if let Some(o) = lock(&session).as_mut()
                            && let Err(e) = o.session.refresh_identity()
                        {
                            log::warn!("identity after a roster update: {}", e.code());
                        }
                    };
                    *lock(&self.sync) = Some(crate::sync::Runner::start(handle, lang, crate::commands::now, on_roster));
                }
                Err(e) => log::warn!("no background sync: {}", e.code()),
            }
        }
        *lock(&self.session) = open;
    }

    /// The window's channel for the operating system's locks (the latest window's).
    pub fn set_os_lock_channel(&self, channel: tauri::ipc::Channel<String>) {
        *lock(&self.os_lock) = Some(channel);
    }

    /// Tells the window that the operating system locked (it saves its drafts and locks), if
    /// the store is open and a window listens.
    pub fn os_locked(&self, reason: crate::os_lock::Reason) {
        if lock(&self.session).is_none() {
            return;
        }
        log::info!("os lock: {}", reason.code());
        if let Some(c) = lock(&self.os_lock).as_ref()
            && c.send(reason.code().to_string()).is_err()
        {
            log::warn!("os lock: the window did not take the message");
        }
    }

    /// The background sync of the open store.
    pub fn sync(&self) -> Option<Arc<crate::sync::Runner>> {
        lock(&self.sync).clone()
    }

    /// Starts a cancellable job; refused while another runs.
    pub fn start_job(&self) -> Result<Job<'_>> {
        let mut job = lock(&self.job);
        if job.is_some() {
            return Err(DesktopError::Busy);
        }
        let flag = Arc::new(AtomicBool::new(false));
        *job = Some(flag.clone());
        Ok(Job { app: self, flag })
    }

    /// Asks the running job to stop at its next step.
    pub fn cancel_job(&self) {
        if let Some(flag) = lock(&self.job).as_ref() {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

/// A running job; dropping it frees the slot.
pub struct Job<'a> {
    app: &'a App,
    flag: Arc<AtomicBool>,
}

impl Job<'_> {
    pub fn cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        *lock(&self.app.job) = None;
    }
}

/// Settings as saved, or the defaults (with the operating system's user name) when there are
/// none or they cannot be read.
fn load_settings(path: &Path) -> Settings {
    let mut s = std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str::<Settings>(&t).ok()).unwrap_or_default();
    if s.user.trim().is_empty() {
        s.user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
    }
    s
}

/// Writes a file whole: a sibling temporary file, flushed, then renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.part"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_saved_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            settings: dir.path().join("cfg").join("settings.json"),
            default_store: dir.path().join("store"),
            demo: dir.path().join("demo"),
        };
        let app = App::new(paths.clone());
        assert_eq!(app.settings().idle_minutes, 10);
        let s = Settings { lang: crate::dto::UiLang::En, user: "Kim Test".into(), idle_minutes: 5, ..Settings::default() };
        app.set_settings(s.clone()).unwrap();
        assert_eq!(App::new(paths).settings(), s);
        assert!(!dir.path().join("cfg").join(".settings.json.part").exists());
    }

    #[test]
    fn one_job_at_a_time_and_cancel_reaches_it() {
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(Paths { settings: dir.path().join("s.json"), default_store: dir.path().join("a"), demo: dir.path().join("b") });
        let job = app.start_job().unwrap();
        assert!(matches!(app.start_job(), Err(DesktopError::Busy)));
        app.cancel_job();
        assert!(job.cancelled());
        drop(job);
        assert!(!app.start_job().unwrap().cancelled());
    }
}
