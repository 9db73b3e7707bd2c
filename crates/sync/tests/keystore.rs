//! The OS keystore on Linux, for real: a private D-Bus session and GNOME Keyring's Secret Service
//! (`gnome-keyring-daemon`), started by this test in a temporary home. A secret kept there is
//! read back by a new connection, and again after the daemon has been stopped and started: it
//! is kept across logins, as a store's key must be. `make test` installs the daemon.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use indsats_sync::target::{KeyringSecretStore, Secret, SecretStore};

/// A child process stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A session bus of our own that starts nothing by itself: the system's session bus would start a
/// keyring daemon of its own (D-Bus activation) whenever ours is not running.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

fn start_bus(dir: &Path) -> (Running, String) {
    let config = dir.join("bus.conf");
    std::fs::write(&config, BUS_CONFIG).unwrap();
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon is missing: `make test` installs it (package dbus)");
    let mut line = String::new();
    BufReader::new(bus.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (Running(bus), line.trim().to_string())
}

fn start_keyring(home: &Path, bus: &str) -> Running {
    let (data, run) = (home.join("data"), home.join("run"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&run).unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&run).unwrap().permissions(), 0o700);
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--components=secrets", "--unlock"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("HOME", home)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_RUNTIME_DIR", &run)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon is missing: `make test` installs it (package gnome-keyring)");
    // The login keyring's password, on standard input, then end of input.
    daemon.stdin.take().unwrap().write_all(b"synthetic-login-password").unwrap();
    Running(daemon)
}

/// Stops the daemon, as the end of a login session does, and waits until it has left the bus.
fn stop(mut daemon: Running, home: &Path, bus: &str) {
    daemon.0.kill().unwrap();
    daemon.0.wait().unwrap();
    let started = Instant::now();
    while Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    {
        assert!(started.elapsed() < Duration::from_secs(20), "the keyring daemon did not leave the bus");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its control socket goes with the session (a new daemon would hand its password to it).
    let _ = std::fs::remove_dir_all(home.join("run/keyring"));
}

/// Whether the default collection (the login keyring) is there and unlocked: the daemon
/// unlocks it from the password on its standard input a moment after it starts.
fn login_unlocked(bus: &str) -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets/aliases/default",
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Collection",
            "string:Locked",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("boolean false"))
}

/// The keystore once the daemon answers with the login keyring unlocked.
fn keystore(bus: &str) -> KeyringSecretStore {
    let started = Instant::now();
    while !login_unlocked(bus) {
        assert!(started.elapsed() < Duration::from_secs(20), "the login keyring was not unlocked");
        std::thread::sleep(Duration::from_millis(50));
    }
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
    let (_bus, address) = start_bus(home.path());
    // SAFETY: the only test in this binary, before any thread of ours reads the environment.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address) };

    let daemon = start_keyring(home.path(), &address);
    let k = keystore(&address);
    let file = home.path().join("data/keyrings/login.keyring");
    assert!(k.get("store-key").unwrap().is_none());
    let before = std::fs::read(&file).unwrap_or_default();
    k.set("store-key", &Secret::new("ABCDE-FGHIJ-KLMNO")).unwrap();
    written(&file, &before);
    assert_eq!(keystore(&address).get("store-key").unwrap().unwrap().expose(), "ABCDE-FGHIJ-KLMNO", "a new connection reads it");
    let before = std::fs::read(&file).unwrap_or_default();
    k.set("store-key", &Secret::new("PQRST-UVWXY-Z2345")).unwrap();
    written(&file, &before);

    // Stopped and started again (a new login): still there, from the keyring file on disk.
    stop(daemon, home.path(), &address);
    let _daemon = start_keyring(home.path(), &address);
    let k = keystore(&address);
    assert_eq!(k.get("store-key").unwrap().unwrap().expose(), "PQRST-UVWXY-Z2345");
    k.delete("store-key").unwrap();
    assert!(k.get("store-key").unwrap().is_none());
    k.delete("store-key").unwrap();

    // The platform keystore is the same Secret Service while one runs.
    let platform = KeyringSecretStore::platform("indsats-test").unwrap();
    platform.set("target", &Secret::new("webdav-password")).unwrap();
    assert_eq!(keystore(&address).get("target").unwrap().unwrap().expose(), "webdav-password");
}
