//! indsats-sync: signed, encrypted change bundles through a shared target (a folder, WebDAV,
//! S3), merged on every laptop. docs/sync.md has the formats and what each module holds.
//!
//! # Layout
//! - [`keys`]: a device's signing key and age identity.
//! - [`team`]: the signed roster, invites and join requests.
//! - [`membership`]: this device's team (keys, roster, trusted lead key) and target, kept in the
//!   encrypted store.
//! - [`bundle`]: encoding, signing, encrypting and verifying bundles.
//! - [`access`]: access bundles: each device's audit rows for the team leads and the escrow.
//! - [`outbox`]: this device's change log as sealed bundles; how far it is pushed.
//! - [`engine`]: one sync (push, then pull and merge in chain order), the backoff.
//! - [`target`]: the shared target through OpenDAL: folder, WebDAV or S3, files that are never
//!   overwritten, and credentials in the OS keystore (docs/sync-targets.md).
//!
//! **Invariant:** nothing is written to a target that is not encrypted to the team, and nothing
//! read from one is applied before its signature is checked against the roster.

pub mod access;
pub mod audience;
pub mod bundle;
pub mod engine;
pub mod error;
pub mod keys;
pub mod membership;
pub mod outbox;
pub mod target;
pub mod team;

pub use error::SyncError;
