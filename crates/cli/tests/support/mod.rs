//! A small harness for running the real `indsats` binary in a throw-away data folder.
//!
//! Every call clears the INDSATS_* variables inherited from the environment, then sets a fixed
//! clock (INDSATS_NOW), the passphrase and the user, so that a test never depends on the machine.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// The fixed instant every command runs at ("today" is 24-11-2026).
pub const NOW: &str = "2026-11-24T09:00:00Z";
/// The passphrase of every test store.
pub const PASSPHRASE: &str = "korrekt-hest-batteri";
/// The acting user.
pub const USER: &str = "testbruger";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_indsats")
}

/// Removes every INDSATS_* variable this process inherited from `cmd`'s environment.
pub fn clear_indsats_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("INDSATS_") {
            cmd.env_remove(&k);
        }
    }
    for k in [
        "INDSATS_DATA_DIR",
        "INDSATS_LANG",
        "INDSATS_USER",
        "INDSATS_ROLE",
        "INDSATS_PURPOSE",
        "INDSATS_PASSPHRASE",
        "INDSATS_NEW_PASSPHRASE",
        "INDSATS_NOW",
    ] {
        cmd.env_remove(k);
    }
}

/// A data folder for one test: a fresh temp dir (owned), or a given folder (e.g. a mount point).
pub struct Indsats {
    pub dir: PathBuf,
    tmp: Option<TempDir>,
    /// The person at this laptop (INDSATS_USER of every call).
    user: String,
}

impl Indsats {
    /// A fresh, empty data folder `<tempdir>/data` (not yet created).
    pub fn new() -> Indsats {
        let tmp = tempfile::tempdir().expect("tempdir");
        Indsats { dir: tmp.path().join("data"), tmp: Some(tmp), user: USER.into() }
    }

    /// Uses `dir` as the data folder; the caller owns it.
    pub fn at(dir: &Path) -> Indsats {
        Indsats { dir: dir.to_path_buf(), tmp: None, user: USER.into() }
    }

    /// A fresh data folder for the laptop of `user` (instead of [`USER`]).
    pub fn new_as(user: &str) -> Indsats {
        Indsats { user: user.into(), ..Indsats::new() }
    }

    /// The temp dir around the data folder (for strategy files and the like).
    pub fn tmp(&self) -> &Path {
        self.tmp.as_ref().expect("an owned temp dir").path()
    }

    /// A command: `indsats --data-dir DIR --json --role caseworker ARGS…` until changed.
    pub fn cmd(&self, args: &[&str]) -> Call<'_> {
        Call {
            t: self,
            args: args.iter().map(|s| s.to_string()).collect(),
            role: "caseworker".into(),
            json: true,
            lang: None,
            purpose: None,
            passphrase: Some(PASSPHRASE.into()),
            env: Vec::new(),
        }
    }

    /// `init` as an administrator with the default strategy; asserts that it worked.
    pub fn init(&self) -> Value {
        self.cmd(&["init"]).role("admin").run().ok().json()
    }

    /// `status --json` as a whole.
    pub fn status(&self) -> Value {
        self.cmd(&["status"]).run().ok().json()
    }

    /// `status --json` without the audit row count: the state of the data. (Opening the store may
    /// itself be audited, so the audit log grows with every command, even a failed one; the
    /// change log (`counts.changes`) still shows any write of data.)
    pub fn data_state(&self) -> Value {
        let mut s = self.status();
        s["counts"].as_object_mut().expect("counts").remove("audit_rows");
        s
    }

    /// The `counts` object of `status --json`.
    pub fn counts(&self) -> Value {
        self.status()["counts"].clone()
    }

    pub fn open_participants(&self) -> u64 {
        self.counts()["participants"]["open"].as_u64().expect("participants.open")
    }

    /// Adds an initiative running 01-01-2026 – 31-12-2026 and returns its id.
    pub fn add_initiative(&self, title: &str) -> String {
        let v = self
            .cmd(&[
                "initiative",
                "add",
                "--title",
                title,
                "--type",
                "virksomhedspraktik",
                "--owner",
                "Jobcenter Ballerup",
                "--start",
                "01-01-2026",
                "--end",
                "31-12-2026",
            ])
            .run()
            .ok()
            .json();
        assert_eq!(v["created"], "initiative");
        v["id"].as_str().expect("initiative id").to_string()
    }

    /// Adds a participant and returns their pseudonym.
    pub fn add_participant(&self, name: &str, cpr: Option<&str>) -> String {
        let mut args = vec!["participant", "add", "--name", name];
        match cpr {
            Some(c) => args.extend(["--cpr", c]),
            None => args.extend(["--birth-year", "1990"]),
        }
        let v = self.cmd(&args).run().ok().json();
        assert_eq!(v["created"], "participant");
        let p = v["pseudonym"].as_str().expect("pseudonym").to_string();
        assert!(p.starts_with("D-"), "pseudonym {p}");
        p
    }

    /// Every file in the data folder, by name, with its bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files_in(&self.dir)
    }
}

pub fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd {
        let e = e.expect("dir entry");
        if e.file_type().expect("file type").is_file() {
            out.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read file"));
        }
    }
    out
}

/// One invocation being put together.
pub struct Call<'a> {
    t: &'a Indsats,
    args: Vec<String>,
    role: String,
    json: bool,
    lang: Option<String>,
    purpose: Option<String>,
    passphrase: Option<String>,
    env: Vec<(String, String)>,
}

impl Call<'_> {
    pub fn role(mut self, role: &str) -> Self {
        self.role = role.into();
        self
    }

    /// Human output instead of `--json`.
    pub fn plain(mut self) -> Self {
        self.json = false;
        self
    }

    pub fn lang(mut self, lang: &str) -> Self {
        self.lang = Some(lang.into());
        self
    }

    pub fn purpose(mut self, purpose: &str) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    pub fn passphrase(mut self, p: &str) -> Self {
        self.passphrase = Some(p.into());
        self
    }

    /// Asks to act as `user` (INDSATS_USER) instead of the laptop's person.
    pub fn user(self, user: &str) -> Self {
        self.env("INDSATS_USER", user)
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(bin());
        clear_indsats_env(&mut c);
        c.env("INDSATS_NOW", NOW).env("INDSATS_USER", &self.t.user);
        if let Some(p) = &self.passphrase {
            c.env("INDSATS_PASSPHRASE", p);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        let mut args: Vec<OsString> = vec!["--data-dir".into(), self.t.dir.clone().into()];
        if self.json {
            args.push("--json".into());
        }
        args.push("--role".into());
        args.push(self.role.clone().into());
        if let Some(l) = &self.lang {
            args.push("--lang".into());
            args.push(l.into());
        }
        if let Some(p) = &self.purpose {
            args.push("--purpose".into());
            args.push(p.into());
        }
        args.extend(self.args.iter().map(OsString::from));
        c.args(args).stdin(Stdio::null());
        c
    }

    fn describe(&self) -> String {
        format!(
            "indsats {}{}--role {} {}",
            if self.json { "--json " } else { "" },
            self.lang.as_deref().map(|l| format!("--lang {l} ")).unwrap_or_default(),
            self.role,
            self.args.join(" ")
        )
    }

    pub fn run(self) -> Out {
        let what = self.describe();
        let out = self.command().output().expect("run indsats");
        Out::new(what, out)
    }
}

/// What one invocation did.
pub struct Out {
    pub what: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The error line of `--json` mode.
#[derive(Debug)]
pub struct ErrorLine {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl Out {
    pub fn new(what: String, out: Output) -> Out {
        Out {
            what,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn context(&self) -> String {
        format!("`{}` exited {}\n--- stdout ---\n{}\n--- stderr ---\n{}", self.what, self.code, self.stdout, self.stderr)
    }

    /// Asserts exit 0.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "{}", self.context());
        self
    }

    /// Asserts the exit code.
    pub fn exit(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{}", self.context());
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.context()))
    }

    /// Asserts that stderr is exactly one (non-empty) line and returns it.
    pub fn stderr_line(&self) -> &str {
        let s = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(!s.trim().is_empty() && !s.contains('\n'), "stderr must be exactly one line\n{}", self.context());
        s
    }

    /// Asserts that stderr is one JSON error line and returns it.
    pub fn error(&self) -> ErrorLine {
        let line = self.stderr_line();
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("stderr is not one JSON line ({e})\n{}", self.context()));
        let e = &v["error"];
        assert!(e.is_object(), "no error object\n{}", self.context());
        ErrorLine {
            code: e["code"].as_str().expect("error.code").to_string(),
            message: e["message"].as_str().expect("error.message").to_string(),
            field: e["field"].as_str().map(str::to_string),
        }
    }

    /// Asserts exit `exit`, one JSON error line with `code`, and that the message contains every
    /// one of `words`. Returns the error.
    pub fn fails(self, exit: i32, code: &str, words: &[&str]) -> ErrorLine {
        let out = self.exit(exit);
        let e = out.error();
        assert_eq!(e.code, code, "{}", out.context());
        for w in words {
            assert!(e.message.contains(w), "message lacks {w:?}: {:?}\n{}", e.message, out.context());
        }
        assert!(!out.stdout.contains("\"created\""), "a failed command must print no result\n{}", out.context());
        e
    }
}

/// A tmpfs mounted on a folder for the life of the guard; unmounted lazily on drop.
pub struct Tmpfs {
    pub path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "8m") on `path`. Fails when not allowed (not root).
    pub fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(path).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if out.status.success() {
            Ok(Tmpfs { path: path.to_path_buf() })
        } else {
            Err(format!("mount: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// `mount -o remount,OPTIONS`.
    pub fn remount(&self, options: &str) -> Result<(), String> {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.path)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if out.status.success() { Ok(()) } else { Err(format!("remount: {}", String::from_utf8_lossy(&out.stderr).trim())) }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

/// Whether this process can create a file in `dir` (root can, whatever the mode bits say).
pub fn can_write_in(dir: &Path) -> bool {
    let probe = dir.join(".indsats-write-probe");
    match std::fs::write(&probe, b"x") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}
