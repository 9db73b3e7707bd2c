//! A private D-Bus session with GNOME Keyring's Secret Service on it, its login keyring unlocked
//! (what a desktop login gives): the OS keystore for a test, in a folder of its own. The bus
//! starts nothing by itself (no D-Bus activation), so no other keyring daemon answers. Both stop
//! when it is dropped. Standard library only: the sync crate's keystore test includes this file
//! by path, and the end-to-end scenarios use it through `indsats_e2e::Keyring`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Keyring {
    bus: Child,
    daemon: Child,
    home: PathBuf,
    /// `DBUS_SESSION_BUS_ADDRESS` for whoever uses the keystore.
    pub address: String,
}

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

const WAIT: Duration = Duration::from_secs(20);

fn fail(what: impl Into<String>) -> std::io::Error {
    std::io::Error::other(what.into())
}

impl Keyring {
    pub fn start(home: &Path) -> std::io::Result<Keyring> {
        std::fs::create_dir_all(home)?;
        let config = home.join("bus.conf");
        std::fs::write(&config, BUS_CONFIG)?;
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| fail(format!("dbus-daemon is missing ({e}): `make deps` installs it (package dbus)")))?;
        let mut address = String::new();
        BufReader::new(bus.stdout.take().ok_or_else(|| fail("dbus-daemon's output"))?).read_line(&mut address)?;
        let address = address.trim().to_string();
        let daemon = match start_daemon(home, &address) {
            Ok(d) => d,
            Err(e) => {
                let _ = bus.kill();
                let _ = bus.wait();
                return Err(e);
            }
        };
        let k = Keyring { bus, daemon, home: home.to_path_buf(), address };
        k.wait_unlocked()?;
        Ok(k)
    }

    /// The login keyring's file, where the daemon writes what it keeps.
    pub fn login_keyring(&self) -> PathBuf {
        self.home.join("data/keyrings/login.keyring")
    }

    /// Stops the daemon, as the end of a login session does, and starts it again (a new login).
    pub fn restart_daemon(&mut self) -> std::io::Result<()> {
        self.daemon.kill()?;
        self.daemon.wait()?;
        let started = Instant::now();
        while self
            .ask("org.freedesktop.DBus", "/org/freedesktop/DBus", &["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
            .contains("boolean true")
        {
            if started.elapsed() > WAIT {
                return Err(fail("the keyring daemon did not leave the bus"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Its control socket goes with the session (a new daemon would hand its password to it).
        let _ = std::fs::remove_dir_all(self.home.join("run/keyring"));
        self.daemon = start_daemon(&self.home, &self.address)?;
        self.wait_unlocked()
    }

    /// Waits until the default collection (the login keyring) is there and unlocked: the daemon
    /// unlocks it from the password on its standard input a moment after it starts.
    fn wait_unlocked(&self) -> std::io::Result<()> {
        let started = Instant::now();
        loop {
            let reply = self.ask(
                "org.freedesktop.secrets",
                "/org/freedesktop/secrets/aliases/default",
                &["org.freedesktop.DBus.Properties.Get", "string:org.freedesktop.Secret.Collection", "string:Locked"],
            );
            if reply.contains("boolean false") {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                return Err(fail("GNOME Keyring did not unlock its login keyring within 20 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A method call on the bus, through `dbus-send`; its reply, or empty.
    fn ask(&self, dest: &str, path: &str, call: &[&str]) -> String {
        Command::new("dbus-send")
            .args(["--session", "--print-reply", &format!("--dest={dest}"), path])
            .args(call)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }
}

fn start_daemon(home: &Path, address: &str) -> std::io::Result<Child> {
    let (data, run) = (home.join("data"), home.join("run"));
    std::fs::create_dir_all(&data)?;
    std::fs::create_dir_all(&run)?;
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--components=secrets", "--unlock"])
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .env("HOME", home)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_RUNTIME_DIR", &run)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| fail(format!("gnome-keyring-daemon is missing ({e}): `make deps` installs it (package gnome-keyring)")))?;
    // The login keyring's password, on standard input, then end of input.
    daemon.stdin.take().ok_or_else(|| fail("the keyring's input"))?.write_all(b"synthetic-login-password")?;
    Ok(daemon)
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
