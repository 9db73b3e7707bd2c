//! The shared target: a folder, a WebDAV server or an S3 bucket, through OpenDAL.
//!
//! The target holds files that are written once and never changed (bundles, invites, join
//! requests) and one file that is replaced whole (the roster, `team.json`). It knows nothing of
//! what the files mean. docs/sync-targets.md tells an administrator how to set each one up.
//!
//! # Never overwrite
//! [`Target::put_new`] writes a file that must not exist yet. It first looks for the name (a
//! retry after a dropped connection finds its own file and succeeds), then publishes the bytes
//! with a step the service itself refuses when the name is taken, so two writers can never
//! replace each other's file, and a reader never sees half a file under the final name:
//!
//! | service | how the file is published | an interrupted upload leaves |
//! |---------|---------------------------|------------------------------|
//! | folder  | written and fsynced under `.indsats-staging/`, then hard-linked to its name (`link` fails when the name exists); where the file system has no hard links, written with `O_CREAT\|O_EXCL` (OpenDAL `if_not_exists`) | a staging file, never a partial file under the name (with the `O_EXCL` fallback: a partial file, which a retry reports as a conflict) |
//! | WebDAV  | uploaded under `.indsats-staging/`, then `MOVE` with `Overwrite: F` (RFC 4918: the server answers 412 when the name exists). OpenDAL's WebDAV service has no conditional write (0.57), so this one request is sent through OpenDAL's HTTP client | a staging file (servers such as wsgidav write a PUT straight into the file, so a direct PUT would leave a partial file under the name) |
//! | S3      | one `PutObject` with `If-None-Match: *` (OpenDAL `if_not_exists`); S3 makes an object visible only when its upload completes | nothing visible |
//!
//! Staging files are hidden from [`Target::list`]; [`Target::sweep_staging`] removes old ones.
//!
//! # Credentials
//! [`TargetConfig`] (the settings) holds no secret. The WebDAV password or the S3 secret key is a
//! [`Secret`] in [`Secrets`], loaded from a [`SecretStore`]: the OS keystore
//! ([`KeyringSecretStore`]) in the app, [`MemorySecretStore`] in tests. No secret is written to a
//! plain file.
//!
//! # Network
//! A target talks only to its configured endpoint (through the HTTP proxy that `HTTPS_PROXY` /
//! `NO_PROXY` name, if the environment sets one): S3 credentials are never looked up in the
//! environment, `~/.aws` or an instance-metadata service, and the region is never probed. Plain
//! `http://` is refused except to this computer (127.0.0.1, ::1, localhost), so a password never
//! crosses a network unencrypted. Every operation has a deadline (30 s plus 1 s per 64 KiB), so a
//! silent network ends as [`SyncError::TargetUnreachable`] instead of hanging.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opendal::raw::{Access, format_authorization_by_basic, percent_encode_path};
use opendal::{Buffer, ErrorKind, Operator};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::SyncError;

type Result<T> = std::result::Result<T, SyncError>;

/// The folder, at the target's root, where files are staged before they get their name.
pub const STAGING_DIR: &str = ".indsats-staging";

/// The largest file a sync downloads: a bundle holds at most a few hundred thousand changes of
/// under 100 bytes each, so 64 MiB leaves room many times over, and a hostile or broken file on
/// the target cannot fill a laptop's memory.
pub const MAX_DOWNLOAD: u64 = 64 * 1024 * 1024;

/// Where the team's files are: the settings, without secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetConfig {
    /// A folder: a network share, or a folder that OneDrive/SharePoint (or similar) keeps in sync.
    Folder { path: PathBuf },
    /// A WebDAV folder, e.g. Nextcloud's `https://host/remote.php/dav/files/USER/Indsats`.
    #[serde(rename = "webdav")]
    WebDav { endpoint: String, username: String },
    /// An S3-compatible bucket (path-style requests).
    S3 { endpoint: String, bucket: String, region: String, access_key_id: String },
}

impl TargetConfig {
    /// The name of this target's secret in a [`SecretStore`]: the WebDAV password or the S3 secret
    /// key. `None` for a folder, which needs none.
    pub fn secret_name(&self) -> Option<String> {
        match self {
            TargetConfig::Folder { .. } => None,
            TargetConfig::WebDav { endpoint, username } => Some(format!("webdav:{username}@{}", endpoint.trim_end_matches('/'))),
            TargetConfig::S3 { endpoint, bucket, access_key_id, .. } => {
                Some(format!("s3:{access_key_id}@{}/{bucket}", endpoint.trim_end_matches('/')))
            }
        }
    }

    /// The target as a person reads it in a message: the folder, or the address (and bucket).
    pub fn describe(&self) -> String {
        match self {
            TargetConfig::Folder { path } => path.display().to_string(),
            TargetConfig::WebDav { endpoint, .. } => endpoint.clone(),
            TargetConfig::S3 { endpoint, bucket, .. } => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
        }
    }

    /// Checks the settings without touching the network or the disk.
    pub fn validate(&self) -> Result<()> {
        match self {
            TargetConfig::Folder { path } => {
                if !path.is_absolute() {
                    return Err(config_error(format!("the folder must be a full path, not {}", path.display())));
                }
                Ok(())
            }
            TargetConfig::WebDav { endpoint, username } => {
                check_endpoint(endpoint)?;
                if username.trim().is_empty() {
                    return Err(config_error("the WebDAV user name is empty".into()));
                }
                Ok(())
            }
            TargetConfig::S3 { endpoint, bucket, region, access_key_id } => {
                check_endpoint(endpoint)?;
                if bucket.is_empty() || bucket.contains('/') {
                    return Err(config_error(format!("the bucket name {bucket:?} is not valid")));
                }
                if region.trim().is_empty() {
                    return Err(config_error("the S3 region is empty (many S3-compatible services accept us-east-1)".into()));
                }
                if access_key_id.trim().is_empty() {
                    return Err(config_error("the S3 access key id is empty".into()));
                }
                Ok(())
            }
        }
    }

    /// Saves this target's secret in `store` (settings screen).
    pub fn save_secret(&self, store: &dyn SecretStore, secret: &Secret) -> Result<()> {
        match self.secret_name() {
            Some(name) => store.set(&name, secret),
            None => Ok(()),
        }
    }

    /// Removes this target's secret from `store` (when the target is removed from settings).
    pub fn forget_secret(&self, store: &dyn SecretStore) -> Result<()> {
        match self.secret_name() {
            Some(name) => store.delete(&name),
            None => Ok(()),
        }
    }
}

fn config_error(detail: String) -> SyncError {
    SyncError::TargetConfig { detail }
}

/// An `http(s)://host[:port][/path]` address with no user or password in it; plain http only to
/// this computer.
fn check_endpoint(endpoint: &str) -> Result<()> {
    let uri: http::Uri = endpoint.parse().map_err(|_| config_error(format!("{endpoint:?} is not a web address")))?;
    let Some(authority) = uri.authority() else {
        return Err(config_error(format!("{endpoint:?} is not a web address (it must start with https://)")));
    };
    if authority.as_str().contains('@') {
        return Err(config_error("the address holds a user name or password: put those in their own fields".into()));
    }
    if uri.query().is_some() {
        return Err(config_error(format!("{endpoint:?} must not hold a query (?…)")));
    }
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if matches!(authority.host(), "127.0.0.1" | "localhost" | "[::1]") => Ok(()),
        Some("http") => Err(config_error(format!("{endpoint:?} uses plain http, which would send the password unencrypted: use https://"))),
        _ => Err(config_error(format!("{endpoint:?} must start with https://"))),
    }
}

// --- secrets -------------------------------------------------------------------------------------

/// A password or key. Wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret's text, for the one place that must send it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The secrets a target needs, passed to [`Target::open`]: the WebDAV password or the S3 secret
/// access key (a folder needs none).
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    password: Option<Secret>,
}

impl Secrets {
    /// No secret (a folder).
    pub fn none() -> Secrets {
        Secrets::default()
    }

    /// The WebDAV password or the S3 secret access key.
    pub fn with_password(password: Secret) -> Secrets {
        Secrets { password: Some(password) }
    }

    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// The secrets of `config` from `store`; missing ones stay missing ([`Target::open`] says so).
    pub fn load(store: &dyn SecretStore, config: &TargetConfig) -> Result<Secrets> {
        match config.secret_name() {
            Some(name) => Ok(Secrets { password: store.get(&name)? }),
            None => Ok(Secrets::none()),
        }
    }
}

/// Where secrets live: the OS keystore in the app, memory in tests.
pub trait SecretStore: Send + Sync {
    /// The secret named `name`, or `None` when there is none.
    fn get(&self, name: &str) -> Result<Option<Secret>>;
    /// Saves (or replaces) the secret named `name`.
    fn set(&self, name: &str, value: &Secret) -> Result<()>;
    /// Removes the secret named `name`; removing one that is not there is not an error.
    fn delete(&self, name: &str) -> Result<()>;
}

/// Secrets in memory, for tests (and for a session that must not touch the keystore).
#[derive(Default)]
pub struct MemorySecretStore {
    secrets: Mutex<HashMap<String, Secret>>,
}

impl MemorySecretStore {
    pub fn new() -> MemorySecretStore {
        MemorySecretStore::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        // A panic while holding the lock cannot leave the map half-changed: take it as it is.
        self.secrets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<Secret>> {
        Ok(self.map().get(name).cloned())
    }

    fn set(&self, name: &str, value: &Secret) -> Result<()> {
        self.map().insert(name.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.map().remove(name);
        Ok(())
    }
}

/// Secrets in the operating system's keystore, through keyring-core: Windows Credential Manager,
/// the macOS Keychain, or on Linux the Secret Service (GNOME Keyring, KWallet), else the kernel
/// key retention service (keyutils).
///
/// On Linux the keyutils store keeps secrets for the login session (and in the user's
/// persistent keyring where the kernel has one): after a reboot the user enters the password
/// again. An app that wants the desktop's Secret Service instead builds
/// [`KeyringSecretStore::with_store`] with that keyring store.
pub struct KeyringSecretStore {
    service: String,
    store: Arc<keyring_core::CredentialStore>,
}

impl KeyringSecretStore {
    /// Secrets of `service` (e.g. `"indsats"`) in the given keyring-core store.
    pub fn with_store(service: &str, store: Arc<keyring_core::CredentialStore>) -> KeyringSecretStore {
        KeyringSecretStore { service: service.to_owned(), store }
    }

    /// Secrets of `service` in this platform's keystore: on Linux the Secret Service (GNOME
    /// Keyring, KWallet) where one runs, else the kernel's keyutils (kept for the login session
    /// only); the Credential Manager on Windows; the Keychain on macOS.
    pub fn platform(service: &str) -> Result<KeyringSecretStore> {
        Ok(KeyringSecretStore::with_store(service, platform_store()?))
    }

    /// Secrets of `service` in a keystore that keeps them across logins and restarts, or why
    /// there is none: on Linux only the Secret Service qualifies. What a store's key is kept in.
    pub fn persistent(service: &str) -> Result<KeyringSecretStore> {
        #[cfg(target_os = "linux")]
        {
            Ok(KeyringSecretStore::with_store(service, secret_service_store()?))
        }
        #[cfg(not(target_os = "linux"))]
        {
            KeyringSecretStore::platform(service)
        }
    }

    fn entry(&self, name: &str) -> Result<keyring_core::Entry> {
        keyring_core::Entry::new_in_store(&self.store, &self.service, name).map_err(keyring_error)
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>> {
    if let Ok(store) = secret_service_store() {
        return Ok(store);
    }
    let store: Arc<keyring_core::CredentialStore> = linux_keyutils_keyring_store::Store::new().map_err(keyring_error)?;
    Ok(store)
}

/// The Secret Service on the session's D-Bus, if one answers.
#[cfg(target_os = "linux")]
fn secret_service_store() -> Result<Arc<keyring_core::CredentialStore>> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Err(SyncError::SecretStore { detail: "no D-Bus session, so no Secret Service (GNOME Keyring, KWallet)".into() });
    }
    let store: Arc<keyring_core::CredentialStore> = dbus_secret_service_keyring_store::Store::new().map_err(keyring_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>> {
    let store: Arc<keyring_core::CredentialStore> = windows_native_keyring_store::Store::new().map_err(keyring_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>> {
    let store: Arc<keyring_core::CredentialStore> = apple_native_keyring_store::keychain::Store::new().map_err(keyring_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>> {
    Err(SyncError::SecretStore { detail: "this operating system has no supported keystore".into() })
}

fn keyring_error(e: keyring_core::Error) -> SyncError {
    SyncError::SecretStore { detail: e.to_string() }
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, name: &str) -> Result<Option<Secret>> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, name: &str, value: &Secret) -> Result<()> {
        self.entry(name)?.set_password(value.expose()).map_err(keyring_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

// --- the target ----------------------------------------------------------------------------------

/// What [`Target::put_new`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutOutcome {
    /// The file was written now.
    Written,
    /// A file with this name and exactly these bytes was already there (an earlier attempt that
    /// lost its connection after the server had the file): nothing to do.
    AlreadyExists,
}

/// An open target. Cheap to clone; needs a tokio runtime with IO and time enabled.
#[derive(Clone)]
pub struct Target {
    backend: Backend,
    describe: String,
}

#[derive(Clone)]
enum Backend {
    /// The OpenDAL operator is built on first use, once the folder is there: OpenDAL's fs service
    /// creates a missing root, which for an unplugged network drive would be a local folder.
    Folder {
        root: PathBuf,
        op: Arc<Mutex<Option<Operator>>>,
    },
    WebDav {
        op: Operator,
        endpoint: String,
        authorization: Option<String>,
    },
    S3 {
        op: Operator,
    },
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("target", &self.describe).finish()
    }
}

impl Target {
    /// Opens the target of `config` with `secrets`. Checks the settings but does not touch the
    /// network or the folder: an unreachable target opens, and its operations say so.
    pub fn open(config: &TargetConfig, secrets: &Secrets) -> Result<Target> {
        config.validate()?;
        // Every OpenDAL operator, the folder's too, makes the HTTP client on first use.
        install_tls_provider();
        let describe = config.describe();
        let backend = match config {
            TargetConfig::Folder { path } => Backend::Folder { root: path.clone(), op: Arc::new(Mutex::new(None)) },
            TargetConfig::WebDav { endpoint, username } => {
                let password = secrets.password().ok_or_else(|| SyncError::TargetSecretMissing { target: describe.clone() })?;
                let endpoint = endpoint.trim_end_matches('/').to_owned();
                let builder =
                    opendal::services::Webdav::default().endpoint(&endpoint).username(username).password(password.expose()).root("/");
                let op = with_own_http_client(Operator::new(builder).map_err(|e| config_error(e.to_string()))?.finish())?;
                let authorization =
                    Some(format_authorization_by_basic(username, password.expose()).map_err(|e| config_error(e.to_string()))?);
                Backend::WebDav { op, endpoint, authorization }
            }
            TargetConfig::S3 { endpoint, bucket, region, access_key_id } => {
                let secret = secrets.password().ok_or_else(|| SyncError::TargetSecretMissing { target: describe.clone() })?;
                let builder = opendal::services::S3::default()
                    .endpoint(endpoint.trim_end_matches('/'))
                    .bucket(bucket)
                    .region(region)
                    .access_key_id(access_key_id)
                    .secret_access_key(secret.expose())
                    .disable_config_load()
                    .disable_ec2_metadata()
                    .root("/");
                let op = with_own_http_client(Operator::new(builder).map_err(|e| config_error(e.to_string()))?.finish())?;
                Backend::S3 { op }
            }
        };
        Ok(Target { backend, describe })
    }

    /// The target as a person reads it.
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Checks that the target answers and accepts the credentials.
    pub async fn ping(&self) -> Result<()> {
        self.bounded(0, async {
            let op = self.operator()?;
            op.check().await.map_err(|e| self.error(e, ""))
        })
        .await
    }

    /// Writes `bytes` as a new file `path` that is never changed afterwards. `path` is relative
    /// to the target's root, with `/` between folders (made as needed).
    ///
    /// - the name is free: the file is written ([`PutOutcome::Written`]);
    /// - a file with the name and the same bytes is there: [`PutOutcome::AlreadyExists`] (retry
    ///   after a dropped connection);
    /// - a file with the name and other bytes is there: [`SyncError::TargetConflict`], and that file
    ///   is left as it is.
    pub async fn put_new(&self, path: &str, bytes: &[u8]) -> Result<PutOutcome> {
        check_path(path)?;
        self.bounded(bytes.len(), self.put_new_inner(path, bytes)).await
    }

    /// Writes `bytes` as `path`, replacing the file if it is there (only for the roster,
    /// `team.json`). Readers see the old file or the new one, never a mix.
    pub async fn put_replace(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_path(path)?;
        self.bounded(bytes.len(), self.put_replace_inner(path, bytes)).await
    }

    /// The bytes of `path`: a whole file, of at most [`MAX_DOWNLOAD`] bytes.
    pub async fn get(&self, path: &str) -> Result<Vec<u8>> {
        check_path(path)?;
        self.bounded(0, async {
            let op = self.operator()?;
            // Nothing larger than Indsats writes is downloaded: a file of a larger stated size is
            // refused before its first byte, and no more than the stated size is ever read.
            let size = op.stat(path).await.map_err(|e| self.error(e, path))?.content_length();
            if size > MAX_DOWNLOAD {
                return Err(SyncError::TooLarge { path: path.to_string(), size, max: MAX_DOWNLOAD });
            }
            if size == 0 {
                return Ok(Vec::new());
            }
            let buffer = op.read_with(path).range(0..size).await.map_err(|e| self.error(e, path))?;
            Ok(buffer.to_vec())
        })
        .await
    }

    /// Whether `path` is on the target.
    pub async fn exists(&self, path: &str) -> Result<bool> {
        check_path(path)?;
        self.bounded(0, async {
            let op = self.operator()?;
            op.exists(path).await.map_err(|e| self.error(e, path))
        })
        .await
    }

    /// Removes `path` (a request that has been answered); a file that is not there is no error.
    /// Bundles are never removed: they are the team's history.
    pub async fn delete(&self, path: &str) -> Result<()> {
        check_path(path)?;
        self.bounded(0, async {
            let op = self.operator()?;
            match op.delete(path).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
                Err(e) => Err(self.error(e, path)),
            }
        })
        .await
    }

    /// Every file under the folder `prefix` (`""` for the whole target, else `team/bundles` or
    /// `team/bundles/`), at any depth, sorted, as paths from the target's root. Folders and
    /// staging files are left out; a folder that is not there has no files.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let dir = list_dir(prefix)?;
        self.bounded(0, async {
            let op = self.operator()?;
            let entries = match op.list_with(&dir).recursive(true).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(self.error(e, prefix)),
            };
            let mut files: Vec<String> = entries
                .into_iter()
                .filter(|entry| entry.metadata().is_file())
                .map(|entry| entry.path().trim_start_matches('/').to_owned())
                .filter(|path| !path.is_empty() && !is_staging(path))
                .collect();
            files.sort();
            files.dedup();
            Ok(files)
        })
        .await
    }

    /// Removes staging files older than `older_than` (left by uploads that were cut off).
    /// Returns how many it removed. Another device's upload in progress is younger than any
    /// sensible `older_than` (an hour or more).
    pub async fn sweep_staging(&self, older_than: Duration) -> Result<usize> {
        self.bounded(0, async {
            let op = self.operator()?;
            let entries = match op.list(&format!("{STAGING_DIR}/")).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(self.error(e, STAGING_DIR)),
            };
            let now = unix_seconds();
            let mut removed = 0;
            for entry in entries.into_iter().filter(|entry| entry.metadata().is_file()) {
                let Some(made) = staging_time(entry.name()) else { continue };
                if now.saturating_sub(made) >= older_than.as_secs() {
                    op.delete(entry.path()).await.map_err(|e| self.error(e, entry.path()))?;
                    removed += 1;
                }
            }
            Ok(removed)
        })
        .await
    }

    // --- the steps -------------------------------------------------------------------------------

    async fn put_new_inner(&self, path: &str, bytes: &[u8]) -> Result<PutOutcome> {
        let op = self.operator()?;
        // A retry finds its own file; a different file is never touched.
        if let Some(outcome) = self.compare_if_present(&op, path, bytes).await? {
            return Ok(outcome);
        }
        match &self.backend {
            Backend::S3 { .. } => match op.write_with(path, Buffer::from(bytes.to_vec())).if_not_exists(true).await {
                Ok(_) => Ok(PutOutcome::Written),
                Err(e) if is_taken(&e) => self.compare_existing(&op, path, bytes).await,
                Err(e) => Err(self.error(e, path)),
            },
            Backend::WebDav { endpoint, authorization, .. } => {
                let staging = self.stage(&op, path, bytes).await?;
                let moved = self.webdav_move_no_overwrite(&op, endpoint, authorization.as_deref(), &staging, path).await;
                if !matches!(moved, Ok(true)) {
                    // Best effort: a staging file left behind is hidden and swept later.
                    let _ = op.delete(&staging).await;
                }
                match moved? {
                    true => Ok(PutOutcome::Written),
                    false => self.compare_existing(&op, path, bytes).await,
                }
            }
            Backend::Folder { root, .. } => {
                let staging = self.stage(&op, path, bytes).await?;
                let linked = hard_link_new(root, &staging, path).await;
                let _ = op.delete(&staging).await;
                match linked {
                    Ok(()) => Ok(PutOutcome::Written),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.compare_existing(&op, path, bytes).await,
                    Err(e) if !root.is_dir() => Err(self.unreachable(e.to_string())),
                    // No hard links here (FAT, some network file systems): create the file with
                    // O_CREAT|O_EXCL instead, which still never replaces one.
                    Err(_) => match op.write_with(path, Buffer::from(bytes.to_vec())).if_not_exists(true).await {
                        Ok(_) => Ok(PutOutcome::Written),
                        Err(e) if is_taken(&e) => self.compare_existing(&op, path, bytes).await,
                        Err(e) => Err(self.error(e, path)),
                    },
                }
            }
        }
    }

    async fn put_replace_inner(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let op = self.operator()?;
        match &self.backend {
            // One PutObject replaces the object whole.
            Backend::S3 { .. } => op.write(path, Buffer::from(bytes.to_vec())).await.map(|_| ()).map_err(|e| self.error(e, path)),
            // Staged, then renamed over the old file: rename(2) on a folder, MOVE with
            // `Overwrite: T` on WebDAV.
            Backend::WebDav { .. } | Backend::Folder { .. } => {
                let staging = self.stage(&op, path, bytes).await?;
                let renamed = op.rename(&staging, path).await;
                if renamed.is_err() {
                    let _ = op.delete(&staging).await;
                }
                renamed.map_err(|e| self.error(e, path))
            }
        }
    }

    /// `Some(outcome)` when `path` is there: the same bytes, or a conflict.
    async fn compare_if_present(&self, op: &Operator, path: &str, bytes: &[u8]) -> Result<Option<PutOutcome>> {
        match op.stat(path).await {
            Ok(meta) if meta.is_dir() => Err(SyncError::TargetConflict { target: self.describe.clone(), path: path.to_owned() }),
            Ok(meta) if meta.content_length() != bytes.len() as u64 => {
                Err(SyncError::TargetConflict { target: self.describe.clone(), path: path.to_owned() })
            }
            Ok(_) => self.compare_existing(op, path, bytes).await.map(Some),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(e, path)),
        }
    }

    async fn compare_existing(&self, op: &Operator, path: &str, bytes: &[u8]) -> Result<PutOutcome> {
        let existing = op.read(path).await.map_err(|e| self.error(e, path))?;
        if existing.to_bytes().as_ref() == bytes {
            Ok(PutOutcome::AlreadyExists)
        } else {
            Err(SyncError::TargetConflict { target: self.describe.clone(), path: path.to_owned() })
        }
    }

    /// Writes `bytes` to a fresh staging name and returns that name.
    async fn stage(&self, op: &Operator, path: &str, bytes: &[u8]) -> Result<String> {
        let staging = staging_name()?;
        op.write(&staging, Buffer::from(bytes.to_vec())).await.map_err(|e| self.error(e, path))?;
        Ok(staging)
    }

    /// `MOVE from to` with `Overwrite: F`: `Ok(true)` when moved, `Ok(false)` when `to` exists.
    async fn webdav_move_no_overwrite(
        &self,
        op: &Operator,
        endpoint: &str,
        authorization: Option<&str>,
        from: &str,
        to: &str,
    ) -> Result<bool> {
        if let Some(parent) = parent_dir(to) {
            op.create_dir(&parent).await.map_err(|e| self.error(e, to))?;
        }
        let source = format!("{endpoint}{}", percent_encode_path(&format!("/{from}")));
        let destination = format!("{endpoint}{}", percent_encode_path(&format!("/{to}")));
        let mut request = http::Request::builder().method("MOVE").uri(&source).header("Destination", &destination).header("Overwrite", "F");
        if let Some(authorization) = authorization {
            request = request.header(http::header::AUTHORIZATION, authorization);
        }
        let request = request.body(Buffer::new()).map_err(|e| config_error(e.to_string()))?;
        let response = op.inner().info().http_client().send(request).await.map_err(|e| self.error(e, to))?;
        let status = response.status().as_u16();
        match status {
            200 | 201 | 204 => Ok(true),
            412 => Ok(false),
            401 => Err(SyncError::TargetAuth { target: self.describe.clone(), detail: format!("MOVE answered {status}") }),
            403 => Err(SyncError::TargetPermission {
                target: self.describe.clone(),
                path: to.to_owned(),
                detail: format!("MOVE answered {status}"),
            }),
            404 | 409 => Err(SyncError::TargetNotFound { target: self.describe.clone(), path: to.to_owned() }),
            _ => Err(SyncError::TargetFailed { target: self.describe.clone(), detail: format!("MOVE answered {status}") }),
        }
    }

    /// The operator; for a folder, only while the folder is there.
    fn operator(&self) -> Result<Operator> {
        match &self.backend {
            Backend::WebDav { op, .. } | Backend::S3 { op } => Ok(op.clone()),
            Backend::Folder { root, op } => {
                if !root.is_dir() {
                    return Err(self.unreachable(format!("the folder {} is not there", root.display())));
                }
                let mut slot = op.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Some(op) = slot.as_ref() {
                    return Ok(op.clone());
                }
                let root_text =
                    root.to_str().ok_or_else(|| config_error(format!("the folder {} has a name that is not Unicode", root.display())))?;
                let built = Operator::new(opendal::services::Fs::default().root(root_text)).map_err(|e| self.error(e, ""))?.finish();
                *slot = Some(built.clone());
                Ok(built)
            }
        }
    }

    /// Runs `work` with a deadline of 30 s plus 1 s per 64 KiB of `bytes`.
    async fn bounded<T>(&self, bytes: usize, work: impl Future<Output = Result<T>>) -> Result<T> {
        let limit = Duration::from_secs(30) + Duration::from_secs((bytes / 65_536) as u64);
        match tokio::time::timeout(limit, work).await {
            Ok(Err(SyncError::TargetPermission { target, path, detail })) if matches!(self.backend, Backend::S3 { .. }) => {
                Err(self.explain_s3_forbidden(SyncError::TargetPermission { target, path, detail }).await)
            }
            Ok(result) => result,
            Err(_) => Err(self.unreachable(format!("no answer within {} s", limit.as_secs()))),
        }
    }

    /// S3 answers HEAD with a bare 403 for a wrong key as well as for a missing permission; a
    /// listing's answer names the reason (SignatureDoesNotMatch, InvalidAccessKeyId, …).
    async fn explain_s3_forbidden(&self, forbidden: SyncError) -> SyncError {
        let Ok(op) = self.operator() else { return forbidden };
        match tokio::time::timeout(Duration::from_secs(30), op.check()).await {
            Ok(Err(e)) => match self.error(e, "") {
                auth @ SyncError::TargetAuth { .. } => auth,
                _ => forbidden,
            },
            _ => forbidden,
        }
    }

    fn unreachable(&self, detail: String) -> SyncError {
        SyncError::TargetUnreachable { target: self.describe.clone(), detail }
    }

    /// Maps an OpenDAL error to what the person should do about it.
    fn error(&self, e: opendal::Error, path: &str) -> SyncError {
        let target = self.describe.clone();
        let detail = shorten(&e.to_string());
        if let Backend::Folder { root, .. } = &self.backend
            && !root.is_dir()
        {
            return SyncError::TargetUnreachable { target, detail };
        }
        let status = http_status(&e);
        if status == Some(401) || is_s3_auth_failure(&e) {
            return SyncError::TargetAuth { target, detail };
        }
        match e.kind() {
            ErrorKind::PermissionDenied => return SyncError::TargetPermission { target, path: path.to_owned(), detail },
            ErrorKind::NotFound => return SyncError::TargetNotFound { target, path: path.to_owned() },
            ErrorKind::ConditionNotMatch | ErrorKind::AlreadyExists => return SyncError::TargetConflict { target, path: path.to_owned() },
            ErrorKind::ConfigInvalid => return SyncError::TargetConfig { detail },
            _ => {}
        }
        match status {
            Some(403) => SyncError::TargetPermission { target, path: path.to_owned(), detail },
            Some(404) => SyncError::TargetNotFound { target, path: path.to_owned() },
            Some(_) => SyncError::TargetFailed { target, detail },
            None if is_transport_failure(&e) => SyncError::TargetUnreachable { target, detail },
            None => SyncError::TargetFailed { target, detail },
        }
    }
}

/// Makes ring the TLS provider of this process unless one is installed already (reqwest is built
/// without a provider of its own, which keeps aws-lc and its C build out).
fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Gives the operator an HTTP client (and connection pool) of its own. OpenDAL's default is one
/// process-wide client, whose pooled connections belong to the tokio runtime that opened them and
/// fail once that runtime is gone (each `#[tokio::test]`, or a runtime the app restarts). A
/// connection attempt gives up after 10 s.
fn with_own_http_client(op: Operator) -> Result<Operator> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| SyncError::TargetFailed { target: "this computer".into(), detail: format!("no HTTP client: {e}") })?;
    op.inner().info().update_http_client(|_| opendal::raw::HttpClient::with(client));
    Ok(op)
}

/// Whether a conditional write failed because the name is taken.
fn is_taken(e: &opendal::Error) -> bool {
    matches!(e.kind(), ErrorKind::ConditionNotMatch | ErrorKind::AlreadyExists)
}

/// The HTTP status in an OpenDAL error's context (`response: Parts { status: 401, … }`).
fn http_status(e: &opendal::Error) -> Option<u16> {
    let text = e.to_string();
    let at = text.find("status: ")? + "status: ".len();
    let digits: String = text[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 3 { digits.parse().ok() } else { None }
}

/// S3 answers a wrong key with 403 and one of these codes (a missing permission is AccessDenied).
/// s3s answers an access key it does not know with NotSignedUp.
fn is_s3_auth_failure(e: &opendal::Error) -> bool {
    let text = e.to_string();
    ["SignatureDoesNotMatch", "InvalidAccessKeyId", "NotSignedUp", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed"]
        .iter()
        .any(|code| text.contains(code))
}

/// A request that got no HTTP answer: refused, reset, timed out, name not found.
fn is_transport_failure(e: &opendal::Error) -> bool {
    let message = e.message();
    if message.starts_with("send http request") || message.starts_with("read data from http response") {
        return true;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as Io;
            if matches!(
                io.kind(),
                Io::ConnectionRefused
                    | Io::ConnectionReset
                    | Io::ConnectionAborted
                    | Io::NotConnected
                    | Io::BrokenPipe
                    | Io::TimedOut
                    | Io::UnexpectedEof
                    | Io::HostUnreachable
                    | Io::NetworkUnreachable
                    | Io::NetworkDown
                    | Io::AddrNotAvailable
            ) {
                return true;
            }
        }
        source = s.source();
    }
    e.is_temporary()
}

fn shorten(text: &str) -> String {
    const MAX: usize = 600;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A file's path: relative, `/`-separated, no empty, `.` or `..` parts, not in the staging folder.
fn check_path(path: &str) -> Result<()> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.ends_with('/')
        || path.contains('\\')
        || path.chars().any(char::is_control)
        || path.split('/').any(|part| part.is_empty() || part == "." || part == "..")
        || is_staging(path);
    if bad { Err(SyncError::TargetPath { path: path.to_owned() }) } else { Ok(()) }
}

/// The OpenDAL folder path to list for `prefix`: `/` for the root, else `a/b/`.
fn list_dir(prefix: &str) -> Result<String> {
    let trimmed = prefix.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok("/".to_owned());
    }
    check_path(trimmed)?;
    Ok(format!("{trimmed}/"))
}

fn is_staging(path: &str) -> bool {
    path == STAGING_DIR || path.starts_with(&format!("{STAGING_DIR}/"))
}

fn parent_dir(path: &str) -> Option<String> {
    path.rfind('/').map(|at| format!("{}/", &path[..at]))
}

fn unix_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `.indsats-staging/{unix seconds}-{32 hex digits}.tmp`: unique across devices, and its age is
/// in its name (servers' clocks and timestamps differ).
fn staging_name() -> Result<String> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| SyncError::TargetFailed {
        target: "this computer".into(),
        detail: format!("no random numbers from the operating system: {e}"),
    })?;
    Ok(format!("{STAGING_DIR}/{}-{}.tmp", unix_seconds(), hex::encode(random)))
}

fn staging_time(name: &str) -> Option<u64> {
    name.strip_suffix(".tmp")?.split_once('-')?.0.parse().ok()
}

/// `link(root/staging, root/path)`, making `path`'s folders first; fails with `AlreadyExists`
/// when `path` is there. The new name is made durable (the folder is fsynced) on Unix.
async fn hard_link_new(root: &Path, staging: &str, path: &str) -> std::io::Result<()> {
    let from = join_relative(root, staging);
    let to = join_relative(root, path);
    // The folders below the root one by one, never the root itself: `create_dir_all` would remake
    // an unplugged drive's folder on the local disk.
    let mut dir = root.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        dir.push(part);
        match tokio::fs::create_dir(&dir).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    tokio::fs::hard_link(&from, &to).await?;
    #[cfg(unix)]
    if let Some(parent) = to.parent() {
        let parent = parent.to_path_buf();
        // Durability of the name only; the file's bytes were fsynced when staged.
        let _ = tokio::task::spawn_blocking(move || std::fs::File::open(parent).and_then(|dir| dir.sync_all())).await;
    }
    Ok(())
}

fn join_relative(root: &Path, path: &str) -> PathBuf {
    let mut joined = root.to_path_buf();
    joined.extend(path.split('/'));
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        for good in ["team.json", "team/bundles/dev/000000000001-000000000002-abcd.bundle", "a b/ø.txt"] {
            assert!(check_path(good).is_ok(), "{good}");
        }
        for bad in ["", "/abs", "dir/", "a//b", "a/../b", "./a", "a\\b", ".indsats-staging/x.tmp", "a\nb"] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(list_dir("").ok().as_deref(), Some("/"));
        assert_eq!(list_dir("team/bundles").ok().as_deref(), Some("team/bundles/"));
        assert_eq!(list_dir("team/bundles/").ok().as_deref(), Some("team/bundles/"));
        assert_eq!(parent_dir("a/b/c"), Some("a/b/".to_owned()));
        assert_eq!(parent_dir("c"), None);
    }

    #[test]
    fn staging_names_carry_their_age() {
        let name = staging_name().expect("random");
        let file = name.strip_prefix(&format!("{STAGING_DIR}/")).expect("in the staging folder");
        let made = staging_time(file).expect("a time");
        assert!(unix_seconds() - made < 5);
        assert!(is_staging(&name));
        assert_eq!(staging_time("12-ab.tmp"), Some(12));
        assert_eq!(staging_time("x-ab.tmp"), None);
    }

    #[test]
    fn endpoints_are_checked() {
        assert!(check_endpoint("https://cloud.example.dk/remote.php/dav/files/mette/Indsats").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(check_endpoint("http://localhost:8080/dav").is_ok());
        assert!(check_endpoint("http://[::1]:9000").is_ok());
        assert!(check_endpoint("http://cloud.example.dk").is_err());
        assert!(check_endpoint("https://mette:hemmelig@cloud.example.dk").is_err());
        assert!(check_endpoint("ftp://cloud.example.dk").is_err());
        assert!(check_endpoint("cloud.example.dk").is_err());
        assert!(check_endpoint("https://cloud.example.dk/?x=1").is_err());
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hemmelig");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert!(!format!("{:?}", Secrets::with_password(secret)).contains("hemmelig"));
    }
}
