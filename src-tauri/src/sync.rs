//! Background sync: while a store is unlocked, a task syncs it with the team every few minutes
//! (backing off while the target cannot be reached), and at once when "Sync now" is pressed.
//! It runs on its own connection to the store ([`indsats_api::sync::SyncHandle`]), so the
//! window's commands never wait for the network. One sync at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indsats_api::core::validate::Lang;
use indsats_api::sync::{KeyringSecretStore, SecretStore, SyncHandle, SyncOutcome, next_attempt};
use tokio::sync::{Mutex as AsyncMutex, Notify};

use crate::error::{DesktopError, Result};

/// Between syncs when the last one worked.
pub const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// The name under which the targets' passwords are kept in the OS keystore.
pub const KEYSTORE_SERVICE: &str = "indsats";

/// The OS keystore, or why it cannot be used.
pub fn secrets() -> std::result::Result<KeyringSecretStore, indsats_api::sync::SyncError> {
    KeyringSecretStore::platform(KEYSTORE_SERVICE)
}

/// The keystore that keeps a store's key: one that outlives the login session.
pub fn store_keys() -> crate::error::Result<KeyringSecretStore> {
    KeyringSecretStore::persistent(KEYSTORE_SERVICE).map_err(|e| crate::error::DesktopError::Keystore(e.to_string()))
}

/// Whether [`store_keys`] can be had on this laptop (asked once per run).
pub fn keystore_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| store_keys().is_ok())
}

/// The running sync of one unlocked store.
pub struct Runner {
    handle: AsyncMutex<SyncHandle>,
    /// Called after a sync that took a newer roster.
    on_roster: Box<dyn Fn() + Send + Sync>,
    wake: Notify,
    running: AtomicBool,
    stop: AtomicBool,
}

impl Runner {
    /// Starts the background task for `handle`; it ends when the runner is stopped (lock).
    pub fn start(
        handle: SyncHandle,
        lang: impl Fn() -> Lang + Send + Sync + 'static,
        now: fn() -> chrono::DateTime<chrono::Utc>,
        on_roster: impl Fn() + Send + Sync + 'static,
    ) -> Arc<Runner> {
        let runner = Arc::new(Runner {
            handle: AsyncMutex::new(handle),
            on_roster: Box::new(on_roster),
            wake: Notify::new(),
            running: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        });
        let r = runner.clone();
        tauri::async_runtime::spawn(async move {
            while !r.stop.load(Ordering::SeqCst) {
                let ready = r.handle.lock().await.ready().unwrap_or(false);
                if ready && let Err(e) = r.sync(now(), lang()).await {
                    log::info!("background sync: {}", e.code());
                }
                let failures = r.handle.lock().await.failures().unwrap_or(0);
                tokio::select! {
                    _ = tokio::time::sleep(next_attempt(failures, INTERVAL)) => {}
                    _ = r.wake.notified() => {}
                }
            }
        });
        runner
    }

    /// One sync now (waits for a running one to finish first).
    pub async fn sync(&self, now: chrono::DateTime<chrono::Utc>, lang: Lang) -> Result<SyncOutcome> {
        let mut handle = self.handle.lock().await;
        self.running.store(true, Ordering::SeqCst);
        let result = async {
            // Without a keystore only a folder (which needs no password) can be reached; a target
            // that needs one then says its password is missing.
            let keystore = secrets();
            let fallback = indsats_api::sync::MemorySecretStore::new();
            let store: &dyn SecretStore = match &keystore {
                Ok(k) => k,
                Err(_) => &fallback,
            };
            let target = handle.target(store)?;
            Ok::<_, DesktopError>(handle.run(&target, now, lang).await?)
        }
        .await;
        self.running.store(false, Ordering::SeqCst);
        if let Ok(outcome) = &result
            && outcome.roster.is_some()
        {
            (self.on_roster)();
        }
        result
    }

    pub fn running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Wakes the task early (after the target's settings change).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Ends the task after its current sync, if any.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }
}
