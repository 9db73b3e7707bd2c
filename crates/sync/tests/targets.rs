//! The sync target against real servers: a folder in a temporary directory, wsgidav (WebDAV) and
//! s3s-fs (S3), both on 127.0.0.1, started by `scripts/sync-servers.sh start`, which writes their
//! addresses and test passwords to target/sync-servers/env. Without that file these tests fail
//! and say so; they never skip.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use indsats_core::validate::Lang;
use indsats_sync::SyncError;
use indsats_sync::target::{
    KeyringSecretStore, MemorySecretStore, PutOutcome, STAGING_DIR, Secret, SecretStore, Secrets, Target, TargetConfig,
};

/// The crash tests kill a shared server, so they hold this lock for writing; every other test
/// that uses the servers holds it for reading.
static SERVERS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

const START: &str = "run `scripts/sync-servers.sh start` first: it starts the WebDAV (wsgidav) and S3 (s3s-fs) test servers on 127.0.0.1";

struct Servers {
    vars: HashMap<String, String>,
}

impl Servers {
    fn load() -> Servers {
        let path = std::env::var_os("INDSATS_SYNC_SERVERS_ENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sync-servers/env"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {} ({e}): {START}", path.display()));
        let vars = text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("export "))
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches(|c| c == '\'' || c == '"').to_owned()))
            .collect();
        Servers { vars }
    }

    fn get(&self, key: &str) -> &str {
        self.vars.get(key).map(String::as_str).unwrap_or_else(|| panic!("{key} is missing from the servers' env file: {START}"))
    }

    fn webdav_config(&self) -> TargetConfig {
        TargetConfig::WebDav {
            endpoint: self.get("INDSATS_TEST_WEBDAV_ENDPOINT").to_owned(),
            username: self.get("INDSATS_TEST_WEBDAV_USERNAME").to_owned(),
        }
    }

    fn webdav(&self) -> Target {
        let secrets = Secrets::with_password(Secret::new(self.get("INDSATS_TEST_WEBDAV_PASSWORD")));
        Target::open(&self.webdav_config(), &secrets).expect("open the WebDAV target")
    }

    fn s3_config(&self) -> TargetConfig {
        TargetConfig::S3 {
            endpoint: self.get("INDSATS_TEST_S3_ENDPOINT").to_owned(),
            bucket: self.get("INDSATS_TEST_S3_BUCKET").to_owned(),
            region: self.get("INDSATS_TEST_S3_REGION").to_owned(),
            access_key_id: self.get("INDSATS_TEST_S3_ACCESS_KEY_ID").to_owned(),
        }
    }

    fn s3(&self) -> Target {
        let secrets = Secrets::with_password(Secret::new(self.get("INDSATS_TEST_S3_SECRET_ACCESS_KEY")));
        Target::open(&self.s3_config(), &secrets).expect("open the S3 target")
    }

    /// SIGKILLs the server whose PID file is `pid_key` (a crash).
    fn kill(&self, pid_key: &str) {
        let pid = std::fs::read_to_string(self.get(pid_key)).expect("the server's PID file");
        let status = Command::new("kill").args(["-KILL", pid.trim()]).status().expect("run kill");
        assert!(status.success(), "kill -KILL {} failed", pid.trim());
    }

    fn script(&self, command: &str) {
        let status = Command::new(self.get("INDSATS_SYNC_SERVERS_SCRIPT")).arg(command).status().expect("run scripts/sync-servers.sh");
        assert!(status.success(), "scripts/sync-servers.sh {command} failed");
    }
}

/// Fails with a clear message when the server does not answer.
async fn ping_or_explain(target: &Target) {
    if let Err(e) = target.ping().await {
        panic!("{} does not answer ({e}): {START}", target.describe());
    }
}

/// A name no other test or earlier run uses.
fn unique(label: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("test-{label}-{}-{nanos}", std::process::id())
}

/// An address on 127.0.0.1 where nothing listens.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

fn is_conflict(result: &Result<PutOutcome, SyncError>) -> bool {
    matches!(result, Err(SyncError::TargetConflict { .. }))
}

/// What every target must do.
async fn contract(target: &Target, base: &str) {
    ping_or_explain(target).await;
    let a = format!("{base}/bundles/dev-a/000000000001-000000000010-aaaaaaaaaaaaaaaa.bundle");
    let b = format!("{base}/bundles/dev-a/000000000011-000000000020-bbbbbbbbbbbbbbbb.bundle");
    let c = format!("{base}/bundles/dev-b/000000000001-000000000005-cccccccccccccccc.bundle");
    let invite = format!("{base}/invites/empty.invite");

    // put_new, get, exists
    assert_eq!(target.put_new(&a, b"alpha").await.expect("put a"), PutOutcome::Written);
    assert_eq!(target.get(&a).await.expect("get a"), b"alpha");
    assert!(target.exists(&a).await.expect("exists a"));
    assert!(!target.exists(&b).await.expect("exists b"));

    // a retry with the same bytes succeeds; other bytes under the name are refused, and the file
    // stays as it was
    assert_eq!(target.put_new(&a, b"alpha").await.expect("retry a"), PutOutcome::AlreadyExists);
    assert!(is_conflict(&target.put_new(&a, b"alphx").await), "same length, other bytes");
    assert!(is_conflict(&target.put_new(&a, b"a longer file").await), "other length");
    let refused = target.put_new(&a, b"alphx").await.expect_err("refused");
    assert_eq!(refused.code(), "target_conflict");
    assert!(refused.message(Lang::Da).contains("overskriver den ikke"), "{}", refused.message(Lang::Da));
    assert!(refused.message(Lang::En).contains("does not overwrite"), "{}", refused.message(Lang::En));
    assert_eq!(target.get(&a).await.expect("get a"), b"alpha");

    // list: recursive, sorted, files only, under a prefix with or without its slash
    assert_eq!(target.put_new(&c, &noise(70_000, 3)).await.expect("put c"), PutOutcome::Written);
    assert_eq!(target.put_new(&b, b"beta").await.expect("put b"), PutOutcome::Written);
    assert_eq!(target.put_new(&invite, b"").await.expect("put an empty file"), PutOutcome::Written);
    assert_eq!(target.put_new(&invite, b"").await.expect("retry the empty file"), PutOutcome::AlreadyExists);
    assert_eq!(target.get(&c).await.expect("get c"), noise(70_000, 3));
    assert_eq!(target.list(&format!("{base}/bundles")).await.expect("list"), vec![a.clone(), b.clone(), c.clone()]);
    assert_eq!(target.list(&format!("{base}/bundles/dev-b/")).await.expect("list dev-b"), vec![c.clone()]);
    assert_eq!(target.list(base).await.expect("list all"), vec![a.clone(), b.clone(), c.clone(), invite.clone()]);
    assert_eq!(target.list(&format!("{base}/nothing-here")).await.expect("list a missing folder"), Vec::<String>::new());
    let everything = target.list("").await.expect("list the root");
    assert!(everything.contains(&a));
    assert!(everything.iter().all(|p| !p.starts_with(STAGING_DIR)), "staging files are hidden");

    // put_replace: the roster, replaced whole
    let roster = format!("{base}/team.json");
    target.put_replace(&roster, br#"{"version":1}"#).await.expect("roster v1");
    assert_eq!(target.get(&roster).await.expect("get v1"), br#"{"version":1}"#);
    target.put_replace(&roster, br#"{"version":2,"devices":[]}"#).await.expect("roster v2");
    assert_eq!(target.get(&roster).await.expect("get v2"), br#"{"version":2,"devices":[]}"#);
    assert!(is_conflict(&target.put_new(&roster, b"not the roster").await));

    // missing files and bad names
    let missing = target.get(&format!("{base}/bundles/dev-a/missing.bundle")).await.expect_err("missing");
    assert!(matches!(missing, SyncError::TargetNotFound { .. }), "{missing:?}");
    for bad in ["/abs", "a/../b", "dir/", "", ".indsats-staging/x.tmp"] {
        let err = target.put_new(bad, b"x").await.expect_err(bad);
        assert!(matches!(err, SyncError::TargetPath { .. }), "{bad}: {err:?}");
    }

    // delete: an answered request goes; deleting what is not there is no error
    let request = format!("{base}/requests/dev-c/dev-a-000000000001-000000000010-aaaaaaaaaaaaaaaa");
    assert_eq!(target.put_new(&request, b"").await.expect("put a request"), PutOutcome::Written);
    target.delete(&request).await.expect("delete the request");
    assert!(!target.exists(&request).await.expect("exists after delete"));
    target.delete(&request).await.expect("delete again");
    assert_eq!(target.list(&format!("{base}/requests")).await.expect("list requests"), Vec::<String>::new());
    assert!(matches!(target.delete("a/../b").await, Err(SyncError::TargetPath { .. })));

    // nothing young is swept
    target.sweep_staging(Duration::from_secs(3600)).await.expect("sweep");
    assert_eq!(target.get(&b).await.expect("b survives"), b"beta");
}

// --- folder ----------------------------------------------------------------------------------------

#[tokio::test]
async fn folder_target_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = Target::open(&TargetConfig::Folder { path: dir.path().to_path_buf() }, &Secrets::none()).expect("open");
    contract(&target, "team-a").await;

    // the staging folder is empty again and each published file has one name (the hard link
    // from staging is gone)
    assert!(names_in(&dir.path().join(STAGING_DIR)).is_empty(), "staging left: {:?}", names_in(&dir.path().join(STAGING_DIR)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let file = dir.path().join("team-a/bundles/dev-a/000000000001-000000000010-aaaaaaaaaaaaaaaa.bundle");
        assert_eq!(std::fs::metadata(file).expect("metadata").nlink(), 1);
    }
}

/// Eight writers race for one new name with different bytes: `link(2)` lets exactly one win, and
/// the file holds the winner's bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn folder_writers_racing_for_a_name_never_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = Target::open(&TargetConfig::Folder { path: dir.path().to_path_buf() }, &Secrets::none()).expect("open");
    for round in 0..5 {
        let path = format!("team/bundles/dev/race-{round}.bundle");
        let writers: Vec<_> = (0..8u64)
            .map(|i| {
                let (target, path) = (target.clone(), path.clone());
                tokio::spawn(async move { (i, target.put_new(&path, &noise(100_000, i + 1)).await) })
            })
            .collect();
        let mut winners = Vec::new();
        for writer in writers {
            let (i, result) = writer.await.expect("writer");
            match result {
                Ok(PutOutcome::Written) => winners.push(i),
                Err(SyncError::TargetConflict { .. }) => {}
                other => panic!("writer {i}: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        assert_eq!(target.get(&path).await.expect("get"), noise(100_000, winners[0] + 1));
    }
}

#[tokio::test]
async fn folder_that_is_not_there_is_unreachable_and_never_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gone = dir.path().join("network-drive-not-connected");
    let target = Target::open(&TargetConfig::Folder { path: gone.clone() }, &Secrets::none()).expect("opens while offline");
    let err = target.ping().await.expect_err("no folder");
    assert!(matches!(err, SyncError::TargetUnreachable { .. }), "{err:?}");
    assert!(err.message(Lang::En).contains("Work continues offline"), "{}", err.message(Lang::En));
    assert!(err.message(Lang::Da).contains("offline"), "{}", err.message(Lang::Da));
    assert!(matches!(target.put_new("team/x.bundle", b"x").await, Err(SyncError::TargetUnreachable { .. })));
    assert!(matches!(target.list("team").await, Err(SyncError::TargetUnreachable { .. })));
    assert!(!gone.exists(), "a missing target folder must not be created (it would be a local folder)");

    // the drive comes back: the same target works
    std::fs::create_dir(&gone).expect("connect the drive");
    assert_eq!(target.put_new("team/x.bundle", b"x").await.expect("put"), PutOutcome::Written);
}

// --- WebDAV ----------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webdav_target_keeps_the_contract() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    contract(&servers.webdav(), &unique("webdav")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webdav_wrong_password_is_an_auth_error() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    ping_or_explain(&servers.webdav()).await;
    let target = Target::open(&servers.webdav_config(), &Secrets::with_password(Secret::new("wrong"))).expect("open");
    let err = target.ping().await.expect_err("wrong password");
    assert!(matches!(err, SyncError::TargetAuth { .. }), "{err:?}");
    assert_eq!(err.code(), "target_auth");
    assert!(err.message(Lang::En).contains("correct it in Settings") || err.message(Lang::En).contains("Correct it in Settings"));
    assert!(err.message(Lang::Da).contains("Indstillinger"));
    let base = unique("webdav-auth");
    assert!(matches!(target.put_new(&format!("{base}/x.bundle"), b"x").await, Err(SyncError::TargetAuth { .. })));
    assert!(matches!(target.put_replace(&format!("{base}/team.json"), b"x").await, Err(SyncError::TargetAuth { .. })));
    assert!(matches!(target.list(&base).await, Err(SyncError::TargetAuth { .. })));
    assert!(matches!(target.get(&format!("{base}/x.bundle")).await, Err(SyncError::TargetAuth { .. })));
    assert!(!servers.webdav().exists(&format!("{base}/x.bundle")).await.expect("exists"), "nothing was written");
}

#[tokio::test]
async fn webdav_nobody_listening_is_unreachable() {
    let config = TargetConfig::WebDav { endpoint: dead_endpoint(), username: "indsats".into() };
    let target = Target::open(&config, &Secrets::with_password(Secret::new("x"))).expect("opens while offline");
    let err = target.ping().await.expect_err("nobody there");
    assert!(matches!(err, SyncError::TargetUnreachable { .. }), "{err:?}");
    assert!(err.message(Lang::En).contains("sync retries"), "{}", err.message(Lang::En));
    assert!(matches!(target.put_new("team/x.bundle", b"x").await, Err(SyncError::TargetUnreachable { .. })));
    assert!(matches!(target.get("team/x.bundle").await, Err(SyncError::TargetUnreachable { .. })));
    assert!(matches!(target.list("team").await, Err(SyncError::TargetUnreachable { .. })));
}

/// A 20 MB upload cut off by a server crash: no partial file under the final name, and the retry
/// after the restart ends with exactly one complete file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webdav_upload_cut_off_by_a_crash_leaves_no_partial_file() {
    let _alone = SERVERS.write().await;
    let servers = Servers::load();
    let target = servers.webdav();
    ping_or_explain(&target).await;
    let data_dir = PathBuf::from(servers.get("INDSATS_TEST_WEBDAV_DATA"));
    let staging_dir = data_dir.join(STAGING_DIR);
    let base = unique("webdav-crash");
    let path = format!("{base}/bundles/dev/000000000001-000000100000-0123456789abcdef.bundle");
    let data = noise(20 * 1024 * 1024, 7);

    let before = names_in(&staging_dir);
    let upload = tokio::spawn({
        let (target, path, data) = (target.clone(), path.clone(), data.clone());
        async move { target.put_new(&path, &data).await }
    });
    // The server has begun writing the upload when its staging file appears: crash it then.
    let deadline = Instant::now() + Duration::from_secs(30);
    while names_in(&staging_dir).difference(&before).next().is_none() {
        assert!(Instant::now() < deadline && !upload.is_finished(), "the upload never reached the server");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    servers.kill("INDSATS_TEST_WEBDAV_PID_FILE");
    let first = upload.await.expect("the upload task");
    assert!(
        matches!(first, Err(SyncError::TargetUnreachable { .. })),
        "the crash must cut the upload off (if it finished first, the machine is faster than this test expects): {first:?}"
    );
    assert!(!data_dir.join(&path).exists(), "no file, partial or whole, under the final name");
    let cut_off: Vec<u64> = names_in(&staging_dir)
        .difference(&before)
        .filter_map(|name| std::fs::metadata(staging_dir.join(name)).ok())
        .map(|meta| meta.len())
        .collect();
    assert!(cut_off.iter().any(|&len| len < data.len() as u64), "the cut-off upload is a partial staging file: {cut_off:?}");

    servers.script("restart-webdav");
    assert!(!target.exists(&path).await.expect("exists after restart"));
    assert_eq!(target.put_new(&path, &data).await.expect("retry"), PutOutcome::Written);
    assert_eq!(target.get(&path).await.expect("get"), data);
    assert_eq!(target.list(&base).await.expect("list"), vec![path.clone()]);
    assert_eq!(std::fs::metadata(data_dir.join(&path)).expect("on disk").len(), data.len() as u64);
    assert_eq!(target.put_new(&path, &data).await.expect("second retry"), PutOutcome::AlreadyExists);

    // The partial staging file is swept (this test runs alone, so every staging file is stale).
    assert!(target.sweep_staging(Duration::ZERO).await.expect("sweep") >= 1);
    assert!(names_in(&staging_dir).is_empty(), "staging after the sweep: {:?}", names_in(&staging_dir));
}

// --- S3 ----------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_target_keeps_the_contract() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    contract(&servers.s3(), &unique("s3")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_wrong_secret_is_an_auth_error() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    ping_or_explain(&servers.s3()).await;
    let target = Target::open(&servers.s3_config(), &Secrets::with_password(Secret::new("wrong-secret"))).expect("open");
    let err = target.ping().await.expect_err("wrong secret");
    assert!(matches!(err, SyncError::TargetAuth { .. }), "{err:?}");
    let base = unique("s3-auth");
    assert!(matches!(target.put_new(&format!("{base}/x.bundle"), b"x").await, Err(SyncError::TargetAuth { .. })));
    assert!(matches!(target.list(&base).await, Err(SyncError::TargetAuth { .. })));
    assert!(matches!(target.get(&format!("{base}/x.bundle")).await, Err(SyncError::TargetAuth { .. })));

    // a key id the server does not know is an auth error too
    let mut config = servers.s3_config();
    if let TargetConfig::S3 { access_key_id, .. } = &mut config {
        *access_key_id = "nobody".into();
    }
    let stranger =
        Target::open(&config, &Secrets::with_password(Secret::new(servers.get("INDSATS_TEST_S3_SECRET_ACCESS_KEY")))).expect("open");
    let unknown = stranger.ping().await;
    assert!(matches!(unknown, Err(SyncError::TargetAuth { .. })), "{unknown:?}");
}

/// What `put_new` relies on: the S3 server refuses `PutObject` with `If-None-Match: *` when the key
/// exists (OpenDAL's `if_not_exists`), and leaves the object as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_server_honours_if_none_match() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    ping_or_explain(&servers.s3()).await;
    let builder = opendal::services::S3::default()
        .endpoint(servers.get("INDSATS_TEST_S3_ENDPOINT"))
        .bucket(servers.get("INDSATS_TEST_S3_BUCKET"))
        .region(servers.get("INDSATS_TEST_S3_REGION"))
        .access_key_id(servers.get("INDSATS_TEST_S3_ACCESS_KEY_ID"))
        .secret_access_key(servers.get("INDSATS_TEST_S3_SECRET_ACCESS_KEY"))
        .disable_config_load()
        .disable_ec2_metadata();
    let op = opendal::Operator::new(builder).expect("operator").finish();
    let key = format!("{}/x.bundle", unique("s3-inm"));
    op.write_with(&key, b"first".to_vec()).if_not_exists(true).await.expect("first write");
    let second = op.write_with(&key, b"second".to_vec()).if_not_exists(true).await.expect_err("refused");
    assert_eq!(second.kind(), opendal::ErrorKind::ConditionNotMatch, "{second}");
    assert_eq!(op.read(&key).await.expect("read").to_vec(), b"first");
}

#[tokio::test]
async fn s3_nobody_listening_is_unreachable() {
    let config =
        TargetConfig::S3 { endpoint: dead_endpoint(), bucket: "indsats".into(), region: "us-east-1".into(), access_key_id: "key".into() };
    let target = Target::open(&config, &Secrets::with_password(Secret::new("secret"))).expect("opens while offline");
    let err = target.ping().await.expect_err("nobody there");
    assert!(matches!(err, SyncError::TargetUnreachable { .. }), "{err:?}");
    assert!(matches!(target.put_new("team/x.bundle", b"x").await, Err(SyncError::TargetUnreachable { .. })));
    assert!(matches!(target.list("team").await, Err(SyncError::TargetUnreachable { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_missing_bucket_is_a_settings_error() {
    let _shared = SERVERS.read().await;
    let servers = Servers::load();
    let mut config = servers.s3_config();
    if let TargetConfig::S3 { bucket, .. } = &mut config {
        *bucket = unique("missing");
    }
    let target =
        Target::open(&config, &Secrets::with_password(Secret::new(servers.get("INDSATS_TEST_S3_SECRET_ACCESS_KEY")))).expect("open");
    // (s3s-fs makes a missing bucket on PutObject, unlike S3; the connection test finds it missing.)
    let err = target.ping().await.expect_err("no bucket");
    assert!(matches!(err, SyncError::TargetConfig { .. }), "{err:?}");
    assert!(err.message(Lang::En).contains("Correct them in Settings"), "{}", err.message(Lang::En));
}

/// The same crash for S3: s3s-fs, like S3 itself, makes an object visible only when its upload
/// is complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn s3_upload_cut_off_by_a_crash_leaves_no_partial_file() {
    let _alone = SERVERS.write().await;
    let servers = Servers::load();
    let target = servers.s3();
    ping_or_explain(&target).await;
    let data_dir = PathBuf::from(servers.get("INDSATS_TEST_S3_DATA"));
    let object_dir = data_dir.join(servers.get("INDSATS_TEST_S3_BUCKET"));
    let base = unique("s3-crash");
    let path = format!("{base}/bundles/dev/000000000001-000000100000-0123456789abcdef.bundle");
    let data = noise(20 * 1024 * 1024, 11);

    // s3s-fs receives an object into `.tmp.N.internal.part` at its root, then renames it.
    let receiving = |dir: &Path| names_in(dir).into_iter().filter(|n| n.starts_with(".tmp.")).collect::<BTreeSet<_>>();
    let before = receiving(&data_dir);
    let upload = tokio::spawn({
        let (target, path, data) = (target.clone(), path.clone(), data.clone());
        async move { target.put_new(&path, &data).await }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiving(&data_dir).difference(&before).next().is_none() {
        assert!(Instant::now() < deadline && !upload.is_finished(), "the upload never reached the server");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    servers.kill("INDSATS_TEST_S3_PID_FILE");
    let first = upload.await.expect("the upload task");
    assert!(
        matches!(first, Err(SyncError::TargetUnreachable { .. })),
        "the crash must cut the upload off (if it finished first, the machine is faster than this test expects): {first:?}"
    );
    assert!(!object_dir.join(&path).exists(), "no object, partial or whole, under the final name");

    servers.script("restart-s3");
    assert!(!target.exists(&path).await.expect("exists after restart"));
    assert_eq!(target.put_new(&path, &data).await.expect("retry"), PutOutcome::Written);
    assert_eq!(target.get(&path).await.expect("get"), data);
    assert_eq!(target.list(&base).await.expect("list"), vec![path.clone()]);
    assert_eq!(std::fs::metadata(object_dir.join(&path)).expect("on disk").len(), data.len() as u64);
    assert_eq!(target.put_new(&path, &data).await.expect("second retry"), PutOutcome::AlreadyExists);
}

// --- settings and secrets ------------------------------------------------------------------------

#[test]
fn settings_hold_no_secret_and_read_back() {
    let config =
        TargetConfig::WebDav { endpoint: "https://cloud.example.dk/remote.php/dav/files/mette/Indsats".into(), username: "mette".into() };
    let json = serde_json::to_value(&config).expect("to json");
    assert_eq!(
        json,
        serde_json::json!({"kind": "webdav", "endpoint": "https://cloud.example.dk/remote.php/dav/files/mette/Indsats", "username": "mette"})
    );
    assert_eq!(serde_json::from_value::<TargetConfig>(json).expect("from json"), config);
    let s3: TargetConfig = serde_json::from_str(
        r#"{"kind":"s3","endpoint":"https://s3.example.dk","bucket":"indsats","region":"eu-north-1","access_key_id":"AKIA"}"#,
    )
    .expect("s3 settings");
    assert_eq!(s3.secret_name().as_deref(), Some("s3:AKIA@https://s3.example.dk/indsats"));
    let folder: TargetConfig = serde_json::from_str(r#"{"kind":"folder","path":"/mnt/share/indsats"}"#).expect("folder settings");
    assert_eq!(folder.secret_name(), None);
}

#[test]
fn bad_settings_are_refused_before_any_connection() {
    let open = |config: TargetConfig| Target::open(&config, &Secrets::with_password(Secret::new("pw")));
    let plain = open(TargetConfig::WebDav { endpoint: "http://cloud.example.dk/dav".into(), username: "mette".into() });
    assert!(matches!(plain, Err(SyncError::TargetConfig { .. })), "plain http to another machine: {plain:?}");
    let inline = open(TargetConfig::WebDav { endpoint: "https://mette:pw@cloud.example.dk/dav".into(), username: "mette".into() });
    assert!(matches!(inline, Err(SyncError::TargetConfig { .. })));
    let relative = open(TargetConfig::Folder { path: "relative/folder".into() });
    assert!(matches!(relative, Err(SyncError::TargetConfig { .. })));
    let no_region = open(TargetConfig::S3 {
        endpoint: "https://s3.example.dk".into(),
        bucket: "b".into(),
        region: String::new(),
        access_key_id: "k".into(),
    });
    assert!(matches!(no_region, Err(SyncError::TargetConfig { .. })));
    let err = open(TargetConfig::WebDav { endpoint: "http://cloud.example.dk/dav".into(), username: "mette".into() }).expect_err("refused");
    assert!(err.message(Lang::Da).contains("Indstillinger"), "{}", err.message(Lang::Da));
}

#[test]
fn secrets_come_from_the_secret_store() {
    let store = MemorySecretStore::new();
    let config = TargetConfig::WebDav { endpoint: "https://cloud.example.dk/dav".into(), username: "mette".into() };
    let missing = Target::open(&config, &Secrets::load(&store, &config).expect("load"));
    assert!(matches!(missing, Err(SyncError::TargetSecretMissing { .. })), "{missing:?}");
    assert!(missing.expect_err("missing").message(Lang::En).contains("Enter it in Settings"));

    config.save_secret(&store, &Secret::new("hemmelig")).expect("save");
    let secrets = Secrets::load(&store, &config).expect("load");
    assert_eq!(secrets.password().map(Secret::expose), Some("hemmelig"));
    assert!(!format!("{secrets:?}").contains("hemmelig"), "secrets never print");
    let target = Target::open(&config, &secrets).expect("open");
    assert!(!format!("{target:?}").contains("hemmelig"));

    config.forget_secret(&store).expect("forget");
    config.forget_secret(&store).expect("forgetting twice is fine");
    assert!(Secrets::load(&store, &config).expect("load").password().is_none());
}

/// The OS keystore of this machine (keyutils on Linux): set, read back, replace, delete.
#[test]
fn keyring_secret_store_round_trip() {
    let store = KeyringSecretStore::platform("indsats-test").expect("the platform keystore");
    let name = unique("keyring");
    assert!(store.get(&name).expect("get before set").is_none());
    store.set(&name, &Secret::new("første")).expect("set");
    assert_eq!(store.get(&name).expect("get").as_ref().map(Secret::expose), Some("første"));
    store.set(&name, &Secret::new("anden")).expect("replace");
    assert_eq!(store.get(&name).expect("get").as_ref().map(Secret::expose), Some("anden"));
    store.delete(&name).expect("delete");
    assert!(store.get(&name).expect("get after delete").is_none());
    store.delete(&name).expect("deleting twice is fine");
}
