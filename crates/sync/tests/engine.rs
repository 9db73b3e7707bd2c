//! Whole syncs between real encrypted stores through a real target: a folder here, and the
//! WebDAV (wsgidav) and S3 (s3s-fs) servers that `scripts/sync-servers.sh` starts on 127.0.0.1.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_core::validate::Lang;
use indsats_store::{AuditEntry, ConflictKind, KdfParams, Store};
use indsats_sync::SyncError;
use indsats_sync::engine::{self, Me};
use indsats_sync::keys::DeviceKeys;
use indsats_sync::outbox;
use indsats_sync::target::{Secret, Secrets, Target, TargetConfig};
use indsats_sync::team::{Device, JoinRequest, Roster};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const NAME: &str = "Zarathustra Quixbyfjeld";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}
fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}
fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

struct Laptop {
    _dir: tempfile::TempDir,
    store: Store,
    device: String,
    user: String,
    role: Role,
    keys: DeviceKeys,
}

impl Laptop {
    fn new(device: &str, user: &str, role: Role, seed: u64) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "correct horse battery", KdfParams::FAST_INSECURE, device, t0()).unwrap();
        Laptop { _dir: dir, store, device: device.into(), user: user.into(), role, keys: keys(seed) }
    }

    fn write<T>(&mut self, at: DateTime<Utc>, f: impl FnOnce(&mut indsats_store::Tx<'_>) -> indsats_store::Result<T>) -> T {
        let audit = AuditEntry {
            user: self.user.clone(),
            role: self.role.code().into(),
            action: "test".into(),
            subject: None,
            purpose: "test".into(),
            detail: String::new(),
        };
        self.store.write(at, &audit, f).unwrap()
    }

    async fn sync(&mut self, roster: &Roster, target: &Target, at: DateTime<Utc>) -> Result<engine::SyncReport, SyncError> {
        let me = Me { device: &self.device, keys: &self.keys, roster, user: &self.user, role: self.role.code() };
        engine::sync_once(&mut self.store, &me, target, at).await
    }
}

struct Team {
    roster: Roster,
    a: Laptop,
    b: Laptop,
    lead: Laptop,
}

fn team(name: &str) -> Team {
    let lead = Laptop::new("dev-lead", "mette", Role::TeamLead, 1);
    let a = Laptop::new("dev-anna", "anna", Role::Caseworker, 2);
    let b = Laptop::new("dev-bo", "bo", Role::Caseworker, 3);
    let escrow = keys(4);
    let mut roster =
        Roster::new(name, Device::new(&lead.device, "Mettes bærbare", "mette", Role::TeamLead, &lead.keys), escrow.recipient_string())
            .unwrap();
    for l in [&a, &b] {
        roster.add_device(&JoinRequest::new(&l.device, format!("{}s bærbare", l.user), &l.user, l.role, &l.keys)).unwrap();
    }
    roster.sign(&lead.keys).unwrap();
    Team { roster, a, b, lead }
}

fn initiative(n: u8) -> Initiative {
    Initiative {
        id: InitiativeId::new(1_700_000_000_000, [n; 10]),
        title: format!("Praktik {n}"),
        kind: InitiativeType::WorkPlacement,
        owner: "Jobcenter".into(),
        start: day(1, 1),
        end: Some(day(12, 31)),
        capacity: Some(20),
        status: InitiativeStatus::Active,
        description: String::new(),
    }
}

fn participant(n: u8, caseworker: &str) -> Participant {
    Participant {
        id: ParticipantId::new(1_700_000_000_000 + u64::from(n), [n; 10]),
        pseudonym: format!("D-{n:04}"),
        name: if n == 1 { NAME.into() } else { format!("Deltager {n}") },
        cpr: None,
        birth_year: 1990,
        origin: Origin::NonWestern,
        arrival_date: Some(day(1, 1)),
        programme: ProgrammeKind::SelfSupport,
        programme_start: Some(day(2, 1)),
        programme_end: None,
        caseworker: caseworker.into(),
        case_closed: None,
    }
}

fn meeting(n: u8, p: ParticipantId) -> ProgressEvent {
    ProgressEvent {
        id: EventId::new(1_700_000_100_000, [n; 10]),
        participant: p,
        date: day(3, 1),
        details: EventDetails::MeetingHeld {},
        recorded_by: "anna".into(),
        recorded_at: t0(),
    }
}

fn folder() -> (tempfile::TempDir, Target) {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::open(&TargetConfig::Folder { path: dir.path().to_path_buf() }, &Secrets::none()).unwrap();
    (dir, target)
}

/// A device's change bundles on a folder target (not its access-log bundles).
fn change_bundles_of(dir: &Path, device: &str) -> Vec<PathBuf> {
    files_under(dir).into_iter().filter(|f| f.to_string_lossy().contains(device) && f.extension().is_some_and(|e| e == "bundle")).collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out.sort();
    out
}

/// The rows every device holds: the team's own.
fn team_rows(l: &Laptop) -> Vec<(String, String, String)> {
    l.store
        .synced_rows()
        .unwrap()
        .into_iter()
        .filter(|(t, ..)| !["participant", "enrolment", "progress_event"].contains(&t.as_str()))
        .collect()
}

/// How many rows of participants' cases a device holds.
fn case_rows(l: &Laptop) -> usize {
    l.store.synced_rows().unwrap().len() - team_rows(l).len()
}

fn title(l: &Laptop, n: u8) -> String {
    l.store.read().initiative(initiative(n).id).unwrap().title
}

fn edit_title(l: &mut Laptop, n: u8, title: &str, at: DateTime<Utc>) {
    l.write(at, |tx| {
        let mut i = tx.read().initiative(initiative(n).id)?;
        i.title = title.into();
        tx.update_initiative(&i)
    });
}

/// Two caseworkers and a team lead, offline edits, syncs in turn: everyone ends with the same
/// data, the losing edit in its author's inbox.
async fn three_laptops_through(target: &Target, name: &str) {
    let mut t = team(name);
    let r = &t.roster;
    t.lead.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    t.lead.sync(r, target, t0()).await.unwrap();
    t.a.sync(r, target, t0()).await.unwrap();
    t.b.sync(r, target, t0()).await.unwrap();
    assert_eq!(title(&t.a, 1), "Praktik 1");

    // Offline: anna registers a participant and a meeting; both edit the initiative's title.
    let p = participant(1, "anna");
    t.a.write(t0() + Duration::minutes(1), |tx| {
        tx.insert_participant(&p)?;
        tx.insert_event(&meeting(1, p.id))
    });
    edit_title(&mut t.a, 1, "Praktik (Anna)", t0() + Duration::minutes(2));
    edit_title(&mut t.b, 1, "Praktik (Bo)", t0() + Duration::minutes(3));

    let ra = t.a.sync(r, target, t0() + Duration::minutes(4)).await.unwrap();
    // Anna's case (the participant and the meeting: to her and the lead), then the title (to all).
    assert_eq!((ra.pushed.len(), ra.pushed_changes), (2, 3));
    let rb = t.b.sync(r, target, t0() + Duration::minutes(5)).await.unwrap();
    assert_eq!(rb.conflicts(), 0, "bo's edit is the later one");
    assert_eq!(rb.passed, 1, "anna's case is not bo's");
    let ra = t.a.sync(r, target, t0() + Duration::minutes(6)).await.unwrap();
    assert_eq!(ra.conflicts(), 1);
    t.lead.sync(r, target, t0() + Duration::minutes(7)).await.unwrap();

    for l in [&t.a, &t.b, &t.lead] {
        assert_eq!(title(l, 1), "Praktik (Bo)", "{}", l.device);
        assert_eq!(team_rows(l), team_rows(&t.lead), "{}", l.device);
    }
    assert_eq!(t.a.store.synced_rows().unwrap(), t.lead.store.synced_rows().unwrap(), "anna's caseload: anna and the lead");
    assert_eq!(case_rows(&t.lead), 2);
    assert_eq!(case_rows(&t.b), 0, "bo holds nothing of anna's case");
    assert_eq!(t.lead.store.read().events_of_participant(p.id).unwrap().len(), 1);
    let inbox = t.a.store.conflicts(true).unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!((inbox[0].kind, inbox[0].mine.as_deref()), (ConflictKind::Field, Some("\"Praktik (Anna)\"")));
    assert!(t.b.store.conflicts(true).unwrap().is_empty() && t.lead.store.conflicts(true).unwrap().is_empty());

    // The access log: each laptop's audit rows reached the lead, chain checked, and nobody else.
    let chains = t.lead.store.read().access_chains().unwrap();
    assert_eq!(chains.iter().map(|c| c.device.as_str()).collect::<Vec<_>>(), ["dev-anna", "dev-bo"]);
    assert!(chains.iter().all(|c| c.problem.is_none() && c.first_seq == 1 && c.rows > 0), "{chains:?}");
    let anna_rows =
        t.lead.store.read().audit(&indsats_store::AuditFilter { device: Some("dev-anna".into()), ..Default::default() }).unwrap();
    assert!(anna_rows.iter().all(|r| r.user == "anna") && !anna_rows.is_empty());
    assert!(t.a.store.read().access_chains().unwrap().is_empty() && t.b.store.read().access_chains().unwrap().is_empty());
    let files = target.list(&format!("{name}/access/")).await.unwrap();
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        let bytes = target.get(f).await.unwrap();
        assert!(
            matches!(indsats_sync::access::open(&bytes, t.a.keys.identity(), r), Err(SyncError::NotForUs)),
            "{f} is not for a caseworker"
        );
        assert!(indsats_sync::access::open(&bytes, t.lead.keys.identity(), r).is_ok(), "{f} is for the lead");
    }

    // A second round with nothing new moves nothing.
    let again = t.lead.sync(r, target, t0() + Duration::minutes(8)).await.unwrap();
    assert!(again.pushed.is_empty() && again.merged.is_empty() && again.refused.is_empty() && again.waiting.is_empty());
    let status = outbox::status(&t.lead.store).unwrap();
    assert_eq!((status.pending, status.last_error, status.failures), (0, None, 0));
    assert!(status.last_sync.is_some());
}

#[tokio::test]
async fn three_laptops_converge_through_a_folder() {
    let (_dir, target) = folder();
    three_laptops_through(&target, "ballerup-integration").await;
}

#[tokio::test]
async fn no_file_on_the_target_holds_plaintext() {
    let (dir, target) = folder();
    let mut t = team("ballerup-integration");
    let p = participant(1, "anna");
    t.a.write(t0(), |tx| tx.insert_participant(&p));
    t.a.sync(&t.roster, &target, t0()).await.unwrap();
    let files = files_under(dir.path());
    assert!(!files.is_empty());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        for needle in [NAME.as_bytes(), b"Zarathustra", b"D-0001", b"participant", b"pseudonym"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} holds {:?}", f.display(), String::from_utf8_lossy(needle));
        }
    }
}

#[tokio::test]
async fn a_flipped_byte_or_a_device_not_on_the_roster_is_refused_and_nothing_changes() {
    let (dir, target) = folder();
    let mut t = team("ballerup-integration");
    t.a.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    t.a.sync(&t.roster, &target, t0()).await.unwrap();
    let file = change_bundles_of(dir.path(), "dev-anna").into_iter().next().unwrap();
    let good = std::fs::read(&file).unwrap();
    let mut bad = good.clone();
    let at = bad.len() / 2;
    bad[at] ^= 0x01;
    std::fs::write(&file, &bad).unwrap();

    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(r.refused.len(), 1);
    assert!(matches!(r.refused[0].1, SyncError::Tampered), "{:?}", r.refused[0].1);
    assert!(t.lead.store.synced_rows().unwrap().is_empty());
    assert_eq!(outbox::status(&t.lead.store).unwrap().refused.len(), 1, "the status line shows it");

    // Put right, it goes through.
    std::fs::write(&file, &good).unwrap();
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!((r.merged.len(), r.refused.len()), (1, 0));
    assert!(outbox::status(&t.lead.store).unwrap().refused.is_empty());

    // A device the lead never added: its bundle is refused, whatever it holds.
    let mut stranger = Laptop::new("dev-mallory", "mallory", Role::Caseworker, 9);
    let mut own_roster = t.roster.clone();
    own_roster.add_device(&JoinRequest::new("dev-mallory", "x", "mallory", Role::Caseworker, &stranger.keys)).unwrap();
    stranger.write(t0(), |tx| tx.insert_initiative(&initiative(2)));
    stranger.sync(&own_roster, &target, t0()).await.unwrap();
    let before = t.lead.store.synced_rows().unwrap();
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    // Both its change bundle and its access-log bundle.
    assert_eq!(r.refused.len(), 2, "{:?}", r.refused);
    assert!(r.refused.iter().all(|(_, e)| matches!(e, SyncError::UnknownDevice { device } if device == "dev-mallory")), "{:?}", r.refused);
    assert!(r.refused.iter().any(|(name, _)| name.ends_with(".bundle")) && r.refused.iter().any(|(name, _)| name.ends_with(".access")));
    assert_eq!(t.lead.store.synced_rows().unwrap(), before);
    assert!(t.lead.store.read().access_chain("dev-mallory").unwrap().is_none(), "no chain is kept for a stranger");
}

#[tokio::test]
async fn a_bundle_after_a_gap_waits_and_a_replayed_one_is_skipped_or_refused() {
    let (dir, target) = folder();
    let mut t = team("ballerup-integration");
    t.a.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    t.a.sync(&t.roster, &target, t0()).await.unwrap();
    t.a.write(t0(), |tx| tx.insert_initiative(&initiative(2)));
    t.a.sync(&t.roster, &target, t0()).await.unwrap();
    let mut bundles = change_bundles_of(dir.path(), "dev-anna");
    bundles.sort();
    assert_eq!(bundles.len(), 2);
    // The first has not arrived (a OneDrive folder still downloading it).
    let first = std::fs::read(&bundles[0]).unwrap();
    std::fs::remove_file(&bundles[0]).unwrap();
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(r.waiting, vec![("dev-anna".to_string(), 1)]);
    assert!(r.merged.is_empty() && t.lead.store.synced_rows().unwrap().is_empty());
    std::fs::write(&bundles[0], &first).unwrap();
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(r.merged.len(), 2);
    assert_eq!(t.lead.store.synced_rows().unwrap().len(), 2);

    // The first again, under a name of its own: the name and the signed header differ.
    let copy = bundles[0].with_file_name(format!("000000000003-000000000003-{}.bundle", "0123456789abcdef"));
    std::fs::write(&copy, &first).unwrap();
    let before = t.lead.store.synced_rows().unwrap();
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(r.refused.len(), 1);
    assert_eq!(t.lead.store.synced_rows().unwrap(), before);
    std::fs::remove_file(&copy).unwrap();
    // Listed again under their own names, the applied ones are skipped.
    let r = t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!((r.skipped, r.merged.len(), r.refused.len()), (2, 0, 0));
}

#[tokio::test]
async fn a_push_whose_answer_was_lost_is_not_uploaded_twice() {
    let (dir, target) = folder();
    let mut t = team("ballerup-integration");
    t.a.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    t.a.sync(&t.roster, &target, t0()).await.unwrap();
    // The crash came after the upload and before it was recorded.
    t.a.store.set_sync_state(&[(outbox::PUSHED_TO, None), (outbox::PUSHED_ID, None)]).unwrap();
    let r = t.a.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(r.pushed.len(), 1);
    assert_eq!(files_under(dir.path()).iter().filter(|f| f.extension().is_some_and(|e| e == "bundle")).count(), 1);
    t.lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(t.lead.store.synced_rows().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unreachable_target_is_recorded_and_nothing_is_lost() {
    let gone = tempfile::tempdir().unwrap().path().join("not-mounted");
    let target = Target::open(&TargetConfig::Folder { path: gone }, &Secrets::none()).unwrap();
    let mut t = team("ballerup-integration");
    t.a.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    let e = t.a.sync(&t.roster, &target, t0()).await.unwrap_err();
    assert!(matches!(e, SyncError::TargetUnreachable { .. }), "{e:?}");
    let e = t.a.sync(&t.roster, &target, t0()).await.unwrap_err();
    let status = outbox::status(&t.a.store).unwrap();
    assert_eq!((status.pending, status.failures), (1, 2));
    assert_eq!(status.last_error.as_ref().map(|f| f.code.clone()), Some(e.code().to_string()));
    assert!(status.last_error.unwrap().da.contains("Ingen forbindelse"));
    assert_eq!(engine::next_attempt(status.failures, std::time::Duration::from_secs(300)).as_secs(), 60);
}

// ---- the real servers ----------------------------------------------------------------------

/// The test that kills a server runs alone; the others share the servers.
static SERVERS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

fn script(vars: &std::collections::HashMap<String, String>, command: &str) {
    let status =
        std::process::Command::new(&vars["INDSATS_SYNC_SERVERS_SCRIPT"]).arg(command).status().expect("run scripts/sync-servers.sh");
    assert!(status.success(), "scripts/sync-servers.sh {command} failed");
}

fn webdav(v: &std::collections::HashMap<String, String>) -> Target {
    let config =
        TargetConfig::WebDav { endpoint: v["INDSATS_TEST_WEBDAV_ENDPOINT"].clone(), username: v["INDSATS_TEST_WEBDAV_USERNAME"].clone() };
    Target::open(&config, &Secrets::with_password(Secret::new(&v["INDSATS_TEST_WEBDAV_PASSWORD"]))).unwrap()
}

/// This device's bundles on the target, as (from, to), sorted.
async fn ranges(target: &Target, team: &str, device: &str) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = target
        .list(&format!("{team}/bundles/{device}/"))
        .await
        .unwrap()
        .iter()
        .filter_map(|p| indsats_sync::bundle::parse_name(p))
        .map(|n| (n.from, n.to))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_mid_upload_and_mid_download_then_restarted_leaves_no_duplicate_and_no_gap() {
    let _alone = SERVERS.write().await;
    let v = servers();
    let target = webdav(&v);
    let name = unique_team("kill");
    let mut t = team(&name);
    let p = participant(1, "anna");
    t.a.write(t0(), |tx| tx.insert_participant(&p));
    let mut total = 1u64;
    for round in 0..5u64 {
        // Four bundles of 20,000, then one of 100,000 (about 3 MB) to be cut off.
        let n = if round < 4 { 20_000u64 } else { 100_000 };
        let events: Vec<ProgressEvent> = (0..n)
            .map(|i| {
                let mut e = meeting(0, p.id);
                e.id = EventId::new(1_700_000_100_000 + round * 100_000 + i, [round as u8; 10]);
                e
            })
            .collect();
        t.a.write(t0(), |tx| tx.insert_events(&events));
        total += n;
        if round < 4 {
            t.a.sync(&t.roster, &target, t0()).await.unwrap();
            continue;
        }
        // The last upload: the server dies once the upload has reached it.
        let before = staged_count(&v);
        let killer = {
            let v = v.clone();
            std::thread::spawn(move || {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                while staged_count(&v) <= before && std::time::Instant::now() < deadline {
                    std::thread::sleep(std::time::Duration::from_micros(100));
                }
                let pid = std::fs::read_to_string(&v["INDSATS_TEST_WEBDAV_PID_FILE"]).expect("the server's PID file");
                let killed = std::process::Command::new("kill").args(["-KILL", pid.trim()]).status().expect("run kill");
                assert!(killed.success());
            })
        };
        let cut = t.a.sync(&t.roster, &target, t0()).await;
        killer.join().unwrap();
        println!("upload with the server killed: {:?}", cut.as_ref().map(|r| r.pushed.len()).map_err(|e| e.code()));
        assert!(cut.is_err() || t.a.sync(&t.roster, &target, t0()).await.is_err(), "the server is down");
    }
    script(&v, "restart-webdav");
    let r = t.a.sync(&t.roster, &target, t0()).await.unwrap();
    assert!(r.refused.is_empty());
    assert_eq!(outbox::status(&t.a.store).unwrap().pending, 0);
    let pushed = ranges(&target, &name, "dev-anna").await;
    assert_eq!(pushed.first().map(|r| r.0), Some(1));
    assert!(pushed.windows(2).all(|w| w[1].0 == w[0].1 + 1), "one file per run of changes, no overlap and no gap: {pushed:?}");
    assert_eq!(pushed.last().map(|r| r.1), Some(total));

    // The lead downloads five bundles, merging each; the server dies after the first.
    let lead_sync = {
        let (roster, target) = (t.roster.clone(), target.clone());
        let mut lead = t.lead;
        tokio::spawn(async move {
            let r = lead.sync(&roster, &target, t0()).await.map(|_| ());
            (lead, r)
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    script(&v, "kill-webdav");
    let (mut lead, cut) = lead_sync.await.unwrap();
    let applied = lead.store.peer("dev-anna").unwrap().map_or(0, |(to, _)| to);
    println!("download with the server killed: {:?}, {applied} of {total} changes applied", cut.as_ref().map_err(|e| e.code()));
    assert!(cut.is_err() && applied < total, "the download was cut off: {cut:?}, {applied} of {total} applied");
    script(&v, "restart-webdav");
    lead.sync(&t.roster, &target, t0()).await.unwrap();
    assert_eq!(lead.store.peer("dev-anna").unwrap().map(|(to, _)| to), Some(total));
    assert_eq!(lead.store.read().events_of_participant(p.id).unwrap().len() as u64, total - 1);
    assert_eq!(lead.store.synced_rows().unwrap(), t.a.store.synced_rows().unwrap());
}

fn staged_count(v: &std::collections::HashMap<String, String>) -> usize {
    let staging = PathBuf::from(&v["INDSATS_TEST_WEBDAV_DATA"]).join(indsats_sync::target::STAGING_DIR);
    std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0)
}

fn servers() -> std::collections::HashMap<String, String> {
    let path = std::env::var_os("INDSATS_SYNC_SERVERS_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sync-servers/env"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} ({e}): run `scripts/sync-servers.sh start` first", path.display()));
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("export "))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches(|c| c == '\'' || c == '"').to_owned()))
        .collect()
}

fn unique_team(label: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("team-{label}-{}-{nanos}", std::process::id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_laptops_converge_through_webdav() {
    let v = servers();
    let config =
        TargetConfig::WebDav { endpoint: v["INDSATS_TEST_WEBDAV_ENDPOINT"].clone(), username: v["INDSATS_TEST_WEBDAV_USERNAME"].clone() };
    let target = Target::open(&config, &Secrets::with_password(Secret::new(&v["INDSATS_TEST_WEBDAV_PASSWORD"]))).unwrap();
    three_laptops_through(&target, &unique_team("webdav")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_laptops_converge_through_s3() {
    let _shared = SERVERS.read().await;
    let v = servers();
    let config = TargetConfig::S3 {
        endpoint: v["INDSATS_TEST_S3_ENDPOINT"].clone(),
        bucket: v["INDSATS_TEST_S3_BUCKET"].clone(),
        region: v["INDSATS_TEST_S3_REGION"].clone(),
        access_key_id: v["INDSATS_TEST_S3_ACCESS_KEY_ID"].clone(),
    };
    let target = Target::open(&config, &Secrets::with_password(Secret::new(&v["INDSATS_TEST_S3_SECRET_ACCESS_KEY"]))).unwrap();
    three_laptops_through(&target, &unique_team("s3")).await;
}

/// A caseworker who joins after the team has worked for a while: the bundles sealed before
/// were not encrypted to her laptop. It asks the lead for them, the lead's laptop re-encrypts
/// them to it (the signed inside untouched), and it ends with everyone's data. A device that is
/// not on the roster gets nothing by asking.
#[tokio::test]
async fn a_laptop_that_joins_later_gets_the_earlier_bundles_through_the_lead() {
    let (dir, target) = folder();
    let lead = Laptop::new("dev-lead", "mette", Role::TeamLead, 1);
    let mut a = Laptop::new("dev-anna", "anna", Role::Caseworker, 2);
    let mut b = Laptop::new("dev-bo", "bo", Role::Caseworker, 3);
    let mut lead = lead;
    let escrow = keys(4);
    let mut roster = Roster::new(
        "sent-tilkommen",
        Device::new(&lead.device, "Mettes bærbare", "mette", Role::TeamLead, &lead.keys),
        escrow.recipient_string(),
    )
    .unwrap();
    roster.add_device(&JoinRequest::new(&a.device, "Annas bærbare", "anna", Role::Caseworker, &a.keys)).unwrap();
    roster.sign(&lead.keys).unwrap();

    // Before bo joins: anna and the lead work and sync (two bundles from anna, one from the lead).
    lead.write(t0(), |tx| tx.insert_initiative(&initiative(1)));
    let p = participant(1, "anna");
    a.write(t0(), |tx| tx.insert_participant(&p));
    a.sync(&roster, &target, t0()).await.unwrap();
    a.write(t0() + Duration::minutes(1), |tx| tx.insert_event(&meeting(1, p.id)));
    a.sync(&roster, &target, t0() + Duration::minutes(1)).await.unwrap();
    lead.sync(&roster, &target, t0() + Duration::minutes(2)).await.unwrap();

    // Bo's laptop can open none of the earlier bundles. Anna's two are her caseload, not his: he
    // passes them. He asks for the lead's one. While bo is not on the roster, the lead's laptop
    // makes nothing for him.
    let asked = b.sync(&roster, &target, t0() + Duration::minutes(3)).await.unwrap();
    assert!(asked.merged.is_empty() && asked.refused.is_empty(), "{asked:?}");
    assert_eq!((asked.requested, asked.passed), (1, 2), "{asked:?}");
    assert_eq!(asked.waiting.len(), 1);
    assert_eq!(lead.sync(&roster, &target, t0() + Duration::minutes(3)).await.unwrap().rekeyed, 0, "not on the roster");
    let requests = || async { target.list("sent-tilkommen/requests/").await.unwrap() };
    assert_eq!(requests().await.len(), 1, "bo's request waits until he is on the roster");

    // The lead adds bo. Asking again adds no request.
    roster.add_device(&JoinRequest::new(&b.device, "Bos bærbare", "bo", Role::Caseworker, &b.keys)).unwrap();
    roster.sign(&lead.keys).unwrap();
    let again = b.sync(&roster, &target, t0() + Duration::minutes(4)).await.unwrap();
    assert_eq!((again.requested, again.merged.len(), again.waiting.len()), (0, 0, 1));
    // Asking by hand for anna's first bundle (her caseload) gets bo nothing either.
    let anna_first = target.list("sent-tilkommen/bundles/dev-anna/").await.unwrap().into_iter().min().unwrap();
    let anna_first = indsats_sync::bundle::parse_name(&anna_first).unwrap();
    assert!(anna_first.aud.is_some());
    target.put_new(&indsats_sync::bundle::request_name(&anna_first, &b.device), b"").await.unwrap();

    // The lead's next sync re-encrypts the lead's own bundle only; bo's next sync applies it.
    let served = lead.sync(&roster, &target, t0() + Duration::minutes(5)).await.unwrap();
    assert_eq!(served.rekeyed, 1);
    assert!(!target.exists(&indsats_sync::bundle::rekeyed_name(&anna_first, &b.device)).await.unwrap());
    assert_eq!(requests().await, Vec::<String>::new(), "both requests answered: one with a copy, one refused");
    let got = b.sync(&roster, &target, t0() + Duration::minutes(6)).await.unwrap();
    assert_eq!(got.merged.len(), 1, "{got:?}");
    assert!(got.waiting.is_empty() && got.refused.is_empty());
    assert_eq!(team_rows(&b), team_rows(&lead));
    assert_eq!(b.store.synced_rows().unwrap().len(), 1, "the initiative; not anna's participant and meeting");
    assert_eq!(case_rows(&lead), 2);

    // A second laptop of anna's that joins later gets her caseload too.
    let mut a2 = Laptop::new("dev-anna-2", "anna", Role::Caseworker, 5);
    roster.add_device(&JoinRequest::new(&a2.device, "Annas nye bærbare", "anna", Role::Caseworker, &a2.keys)).unwrap();
    roster.sign(&lead.keys).unwrap();
    let asked = a2.sync(&roster, &target, t0() + Duration::minutes(6)).await.unwrap();
    assert_eq!((asked.requested, asked.passed), (3, 0), "anna's two and the lead's one: {asked:?}");
    assert_eq!(requests().await.len(), 3);
    assert_eq!(lead.sync(&roster, &target, t0() + Duration::minutes(6)).await.unwrap().rekeyed, 3);
    assert!(requests().await.is_empty());
    let got = a2.sync(&roster, &target, t0() + Duration::minutes(7)).await.unwrap();
    assert_eq!(got.merged.len(), 3, "{got:?}");
    assert_eq!(a2.store.synced_rows().unwrap(), lead.store.synced_rows().unwrap());
    // Nothing is asked or made twice.
    assert_eq!(lead.sync(&roster, &target, t0() + Duration::minutes(7)).await.unwrap().rekeyed, 0);
    assert_eq!(b.sync(&roster, &target, t0() + Duration::minutes(7)).await.unwrap().requested, 0);

    // A re-encrypted copy is as private as the original: no known name or table in it.
    for f in files_under(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        for needle in [NAME.as_bytes(), b"participant"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{}", f.display());
        }
    }
}

/// Roles decide what flows: a caseworker's laptop holds the team's rows and its own caseload; the
/// lead's holds every caseload. A case the lead registers for a caseworker goes to that
/// caseworker. Nothing of a caseload is readable by another caseworker's key.
#[tokio::test]
async fn a_caseworker_receives_the_team_and_her_own_caseload_the_lead_everything() {
    let (dir, target) = folder();
    let mut t = team("ballerup-roller");
    let r = t.roster.clone();
    let (pa, pb, pl) = (participant(1, "anna"), participant(2, "bo"), participant(3, "bo"));
    t.lead.write(t0(), |tx| {
        tx.insert_initiative(&initiative(1))?;
        tx.insert_participant(&pl)?;
        tx.insert_initiative(&initiative(2))
    });
    t.a.write(t0(), |tx| {
        tx.insert_participant(&pa)?;
        tx.insert_event(&meeting(1, pa.id))
    });
    t.b.write(t0(), |tx| tx.insert_participant(&pb));
    for round in 0..2 {
        for l in [&mut t.lead, &mut t.a, &mut t.b] {
            let report = l.sync(&r, &target, t0() + Duration::minutes(round)).await.unwrap();
            assert!(report.refused.is_empty() && report.waiting.is_empty(), "{}: {report:?}", l.device);
        }
    }
    let ids = |l: &Laptop, table: &str| {
        l.store.synced_rows().unwrap().into_iter().filter(|(t, ..)| t == table).map(|(_, id, _)| id).collect::<Vec<_>>()
    };
    let mut all = vec![pa.id.to_string(), pb.id.to_string(), pl.id.to_string()];
    all.sort();
    assert_eq!(ids(&t.lead, "participant"), all);
    assert_eq!(ids(&t.a, "participant"), [pa.id.to_string()]);
    let mut bos = vec![pb.id.to_string(), pl.id.to_string()];
    bos.sort();
    assert_eq!(ids(&t.b, "participant"), bos, "bo's own, and the one the lead registered for him");
    assert_eq!(ids(&t.b, "progress_event"), Vec::<String>::new());
    for l in [&t.a, &t.b] {
        assert_eq!(team_rows(l), team_rows(&t.lead), "{}", l.device);
        assert_eq!(ids(l, "initiative").len(), 2);
    }
    // The lead's three changes went out as three bundles: the team's, bo's case, the team's.
    let lead_files = target.list("ballerup-roller/bundles/dev-lead/").await.unwrap();
    assert_eq!(lead_files.len(), 3, "{lead_files:?}");
    let bo_tag = indsats_sync::audience::tag("ballerup-roller", "bo");
    assert_eq!(lead_files.iter().filter(|f| f.contains(&bo_tag)).count(), 1);
    // On the target, a caseload's bundle opens with its caseworker's key and the lead's, and not
    // with another caseworker's; nothing is in plaintext.
    for f in files_under(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()), "{}", f.display());
        let Some(n) = f
            .to_str()
            .and_then(|p| p.split_once("ballerup-roller/"))
            .and_then(|(_, rest)| indsats_sync::bundle::parse_name(&format!("ballerup-roller/{rest}")))
        else {
            continue;
        };
        let anna_reads = indsats_sync::bundle::addressed_to(&bytes, t.a.keys.identity()).unwrap();
        let bo_reads = indsats_sync::bundle::addressed_to(&bytes, t.b.keys.identity()).unwrap();
        assert!(indsats_sync::bundle::addressed_to(&bytes, t.lead.keys.identity()).unwrap());
        match n.aud.as_deref() {
            None => assert!(anna_reads && bo_reads),
            Some(tag) if tag == bo_tag => assert!(!anna_reads && bo_reads),
            Some(_) => assert!(anna_reads && !bo_reads),
        }
    }
    // Nothing new: the next round passes nothing again and moves nothing.
    let again = t.b.sync(&r, &target, t0() + Duration::minutes(5)).await.unwrap();
    assert_eq!((again.passed, again.merged.len(), again.pushed.len()), (0, 0, 0));
}

/// A management export queued on the lead's laptop goes to the target at the next sync that
/// reaches it, encrypted (IT's escrow opens it to the same bytes), and is sent once.
#[tokio::test]
async fn a_queued_export_reaches_the_target_once_and_only_encrypted() {
    let mut t = team("eksport");
    let report = b"%PDF-1.7 Ledelsesrapport 2026 (syntetisk)".to_vec();
    let name = "2026-0123456789ab/ledelsesrapport.pdf";
    t.lead.write(t0(), |tx| tx.queue_export(name, &report).map(|_| ()));
    // Queued twice (the same report): one file.
    t.lead.write(t0(), |tx| tx.queue_export(name, &report).map(|_| ()));
    assert_eq!(t.lead.store.exports().unwrap().len(), 1);

    // Offline: it waits, and nothing is lost.
    let gone = tempfile::tempdir().unwrap().path().join("not-mounted");
    let offline = Target::open(&TargetConfig::Folder { path: gone }, &Secrets::none()).unwrap();
    t.lead.sync(&t.roster, &offline, t0()).await.unwrap_err();
    assert_eq!(t.lead.store.exports().unwrap()[0].state, "pending");

    let (dir, target) = folder();
    let r = t.lead.sync(&t.roster, &target, t0() + Duration::minutes(1)).await.unwrap();
    assert_eq!(r.exports, 1);
    let queued = &t.lead.store.exports().unwrap()[0];
    assert_eq!((queued.state.as_str(), queued.sent_at.as_deref()), ("sent", Some("2026-11-24T09:01:00Z")));
    let file = dir.path().join("eksport/exports/2026-0123456789ab/ledelsesrapport.pdf.age");
    let sealed = std::fs::read(&file).unwrap();
    assert!(!sealed.windows(7).any(|w| w == b"Ledelse"), "no plaintext on the target");
    let escrow = keys(4);
    let decryptor = age::Decryptor::new_buffered(&sealed[..]).unwrap();
    let mut opened = Vec::new();
    std::io::Read::read_to_end(&mut decryptor.decrypt(std::iter::once(escrow.identity() as &dyn age::Identity)).unwrap(), &mut opened)
        .unwrap();
    assert_eq!(opened, report);
    // A caseworker's laptop in the team can open it too; the next sync sends nothing again.
    let decryptor = age::Decryptor::new_buffered(&sealed[..]).unwrap();
    assert!(decryptor.decrypt(std::iter::once(t.a.keys.identity() as &dyn age::Identity)).is_ok());
    assert_eq!(t.lead.sync(&t.roster, &target, t0() + Duration::minutes(2)).await.unwrap().exports, 0);
}

/// Write authority: a caseworker's laptop that changes the strategy (here: a bundle made on it
/// with a strategy row, as a tampered or broken laptop would) is refused on the lead's laptop
/// for its own chain only, with a message that says what to do; the other caseworker's bundles
/// are merged, and the refused chain stays refused on the next sync.
#[tokio::test]
async fn a_bundle_outside_its_device_s_authority_stops_that_device_s_chain_only() {
    let (_dir, target) = folder();
    let mut t = team("ballerup-ret");
    let r = t.roster.clone();
    let strategy = Strategy {
        id: StrategyId::new(1_700_000_000_000, [9; 10]),
        key: "egen".into(),
        municipality: "Ballerup".into(),
        title: "Anna's own".into(),
        vision: String::new(),
        period_start: 2026,
        period_end: 2029,
    };
    t.a.write(t0(), |tx| {
        tx.insert_participant(&participant(1, "anna"))?;
        tx.insert_strategy(&strategy)
    });
    t.b.write(t0(), |tx| tx.insert_participant(&participant(2, "bo")));
    t.a.sync(&r, &target, t0()).await.unwrap();
    t.b.sync(&r, &target, t0()).await.unwrap();
    let report = t.lead.sync(&r, &target, t0()).await.unwrap();
    assert_eq!(report.refused.len(), 1, "{report:?}");
    let (name, err) = &report.refused[0];
    assert!(name.contains("dev-anna"), "{name}");
    assert_eq!(err.code(), "not_authorised");
    assert!(err.message(Lang::Da).contains("resten af teamet synkroniserer videre"), "{}", err.message(Lang::Da));
    // anna's own case went in a bundle before the team's rows: that one is hers to write.
    assert_eq!(report.merged.iter().map(|m| m.device.as_str()).collect::<Vec<_>>(), ["dev-anna", "dev-bo"]);
    let rows = t.lead.store.synced_rows().unwrap();
    assert!(rows.iter().all(|(table, ..)| table != "strategy"), "the strategy row is not applied");
    assert_eq!(rows.iter().filter(|(table, ..)| table == "participant").count(), 2);
    let anna_applied = t.lead.store.peer("dev-anna").unwrap().map(|(to, _)| to);
    assert_eq!(anna_applied, Some(1), "anna's chain stops before the strategy row");
    // A later, harmless bundle of anna's waits behind the refused one.
    t.a.write(t0() + Duration::minutes(1), |tx| tx.insert_initiative(&initiative(1)));
    t.a.sync(&r, &target, t0() + Duration::minutes(1)).await.unwrap();
    let again = t.lead.sync(&r, &target, t0() + Duration::minutes(2)).await.unwrap();
    assert_eq!(again.refused.len(), 1, "{again:?}");
    assert_eq!(t.lead.store.peer("dev-anna").unwrap().map(|(to, _)| to), Some(1));
    assert!(t.lead.store.read().initiative(initiative(1).id).is_err());
}
