//! A read-only data folder and a full disk, on real file systems: a small tmpfs mounted for the
//! test (root, as in CI). Without the right to mount, the read-only case falls back to file
//! permissions and the full-disk case says it was not run.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{TimeZone, Utc};
use indsats_core::ids::InitiativeId;
use indsats_core::model::*;
use indsats_store::*;

const PASS: &str = "correct horse battery";

struct Mount(PathBuf);
impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Option<Mount> {
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(dir).status().ok()?.success();
        ok.then(|| Mount(dir.to_path_buf()))
    }
    fn remount(&self, options: &str) -> bool {
        Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(&self.0).status().is_ok_and(|s| s.success())
    }
    fn remount_ro(&self) -> bool {
        Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).status().is_ok_and(|s| s.success())
    }
}
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn audit() -> AuditEntry {
    AuditEntry { user: "t".into(), role: "admin".into(), action: "t".into(), subject: None, purpose: "t".into(), detail: String::new() }
}

fn initiative(n: u32, big: usize) -> Initiative {
    Initiative {
        id: InitiativeId::new(u64::from(n), [(n % 251) as u8, (n / 251) as u8, 1, 2, 3, 4, 5, 6, 7, 8]),
        title: format!("Initiative {n}"),
        kind: InitiativeType::Mentor,
        owner: "x".into(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        end: None,
        capacity: None,
        status: InitiativeStatus::Active,
        description: "y".repeat(big),
    }
}

#[test]
fn a_full_disk_gives_a_clear_error_and_no_corruption() {
    let base = tempfile::tempdir().unwrap();
    let Some(m) = Mount::tmpfs(base.path(), "3m") else {
        eprintln!("not run: mounting a small tmpfs needs root (CI runs as root)");
        return;
    };
    let dir = base.path().join("data");
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut s = Store::create(&dir, PASS, KdfParams::FAST_INSECURE, "d", now).unwrap();
    let mut written = 0;
    let mut err = None;
    for n in 0..10_000 {
        match s.write(now, &audit(), |tx| tx.insert_initiative(&initiative(n, 20_000))) {
            Ok(()) => written += 1,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let err = err.expect("a 3 MiB disk must fill up");
    assert_eq!(err.code(), "disk_full", "{err:?}");
    assert!(err.message(indsats_core::Lang::Da).contains("Disken"));
    drop(s);
    // Space is freed (the tmpfs grows; nothing is deleted), as a user would before reopening.
    assert!(m.remount("size=16m"));
    // Everything committed before the disk filled is intact, and nothing after.
    let s = Store::open(&dir, PASS).unwrap();
    assert_eq!(s.read().counts(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap().initiatives_active, written);
    assert_eq!(s.read().verify_audit().unwrap(), u64::from(written));
}

#[test]
fn a_read_only_data_dir_gives_a_clear_error() {
    let base = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mount = Mount::tmpfs(base.path(), "8m");
    let dir = base.path().join("data");
    {
        let mut s = Store::create(&dir, PASS, KdfParams::FAST_INSECURE, "d", now).unwrap();
        s.write(now, &audit(), |tx| tx.insert_initiative(&initiative(1, 10))).unwrap();
    }
    match &mount {
        Some(m) => assert!(m.remount_ro()),
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
            if std::fs::write(dir.join("probe"), b"x").is_ok() {
                eprintln!("not run: this user can write to read-only folders and cannot mount");
                return;
            }
        }
    }
    let err = match Store::open(&dir, PASS) {
        Err(e) => e,
        Ok(mut s) => s.write(now, &audit(), |tx| tx.insert_initiative(&initiative(2, 10))).unwrap_err(),
    };
    assert_eq!(err.code(), "read_only", "{err:?}");
    assert!(err.message(indsats_core::Lang::En).contains("read-only"));
    // A new store cannot be made there either, and says so.
    let err = Store::create(&dir.join("sub"), PASS, KdfParams::FAST_INSECURE, "d", now).unwrap_err();
    assert_eq!(err.code(), "read_only", "{err:?}");
}
