//! The OS keystore on Linux, for real: a private D-Bus session and GNOME Keyring's Secret Service
//! (`gnome-keyring-daemon`), started by this test in a temporary home. A secret kept there is
//! read back by a new connection, and again after the daemon has been stopped and started: it
//! is kept across logins, as a store's key must be. `make test` installs the daemon.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::time::{Duration, Instant};

use indsats_sync::target::{KeyringSecretStore, Secret, SecretStore};

#[path = "../../../tests/e2e/src/keyring.rs"]
mod keyring;
use keyring::Keyring;

/// The keystore once it answers.
fn keystore() -> KeyringSecretStore {
    let started = Instant::now();
    loop {
        match KeyringSecretStore::persistent("indsats-test").and_then(|k| k.get("probe").map(|_| k)) {
            Ok(k) => return k,
            Err(e) if started.elapsed() > Duration::from_secs(20) => panic!("the Secret Service did not answer: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Waits until the daemon has written the keyring file (it does shortly after a change).
fn written(file: &Path, before: &[u8]) {
    let started = Instant::now();
    while std::fs::read(file).unwrap_or_default() == before {
        assert!(started.elapsed() < Duration::from_secs(20), "the login keyring was not written");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_secret_in_the_secret_service_outlives_the_connection_and_the_daemon() {
    let home = tempfile::tempdir().unwrap();
    let mut keyring = Keyring::start(home.path()).unwrap();
    // SAFETY: the only test in this binary, before any thread of ours reads the environment.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address) };

    let k = keystore();
    let file = keyring.login_keyring();
    assert!(k.get("store-key").unwrap().is_none());
    let before = std::fs::read(&file).unwrap_or_default();
    k.set("store-key", &Secret::new("ABCDE-FGHIJ-KLMNO")).unwrap();
    written(&file, &before);
    assert_eq!(keystore().get("store-key").unwrap().unwrap().expose(), "ABCDE-FGHIJ-KLMNO", "a new connection reads it");
    let before = std::fs::read(&file).unwrap_or_default();
    k.set("store-key", &Secret::new("PQRST-UVWXY-Z2345")).unwrap();
    written(&file, &before);

    // Stopped and started again (a new login): still there, from the keyring file on disk.
    keyring.restart_daemon().unwrap();
    let k = keystore();
    assert_eq!(k.get("store-key").unwrap().unwrap().expose(), "PQRST-UVWXY-Z2345");
    k.delete("store-key").unwrap();
    assert!(k.get("store-key").unwrap().is_none());
    k.delete("store-key").unwrap();

    // The platform keystore is the same Secret Service while one runs.
    let platform = KeyringSecretStore::platform("indsats-test").unwrap();
    platform.set("target", &Secret::new("webdav-password")).unwrap();
    assert_eq!(keystore().get("target").unwrap().unwrap().expose(), "webdav-password");
}
