//! Bundle performance (release build, this machine), for a bundle of 100,000 realistic changes
//! (progress-event inserts with v7 ids, a caseload of 300) sealed to a team of three devices
//! and the escrow:
//! - seal (JSON lines, zstd level 3, ed25519, age): < 2 s
//! - bytes per change on the wire: < 100
//! - open (age, verify, zstd, parse) is measured and printed too.
//!
//! One timed pass is printed first (seconds and bytes per change); Criterion then reports means.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indsats_core::model::Role;
use indsats_sync::bundle::{Change, Header, Op, SealedBundle, open, seal};
use indsats_sync::keys::DeviceKeys;
use indsats_sync::team::{Device, Roster};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

const TEAM: &str = "ballerup-integration";
const N: usize = 100_000;

struct Setup {
    anna: DeviceKeys,
    bo: DeviceKeys,
    roster: Roster,
    recipients: Vec<age::x25519::Recipient>,
    header: Header,
    changes: Vec<Change>,
}

fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

fn realistic(n: usize, seed: u64) -> Vec<Change> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let base = 1_772_355_600_000u64; // 2026-03-01T09:00Z
    let participants: Vec<String> =
        (0..300u64).map(|i| indsats_core::ids::uuid_v7(base - 86_400_000 * (i + 1), rng.random()).to_string()).collect();
    let kinds = ["meeting_held", "cv_updated", "job_interview", "internship_started", "danish_class", "no_show"];
    let users = ["mette", "anna", "bo"];
    let mut millis = base;
    (0..n)
        .map(|i| {
            millis += rng.random_range(1_000..120_000);
            let p = &participants[rng.random_range(0..participants.len())];
            let kind = kinds[rng.random_range(0..kinds.len())];
            let by = users[rng.random_range(0..users.len())];
            let day = 1 + i % 28;
            let minute = i % 540;
            let row = format!(
                r#"{{"participant_id":"{p}","date":"2026-03-{day:02}","type":"{kind}","details":{},"recorded_by":"{by}","recorded_at":"2026-03-{day:02}T{:02}:{:02}:00.000Z"}}"#,
                serde_json::to_string(&format!("{{\"type\":\"{kind}\"}}")).unwrap(),
                8 + minute / 60,
                minute % 60
            );
            Change {
                s: 1 + i as u64,
                h: (millis << 16) | rng.random_range(0..4u64),
                t: "progress_event".into(),
                r: indsats_core::ids::uuid_v7(millis, rng.random()).to_string(),
                o: Op::Insert,
                f: None,
                v: Some(row),
                b: None,
                d: None,
            }
        })
        .collect()
}

fn setup() -> Setup {
    let (lead, anna, bo, escrow) = (keys(1), keys(2), keys(3), keys(4));
    let mut roster =
        Roster::new(TEAM, Device::new("dev-lead", "Mettes bærbare", "mette", Role::TeamLead, &lead), escrow.recipient_string()).unwrap();
    roster.devices.push(Device::new("dev-anna", "Annas bærbare", "anna", Role::Caseworker, &anna));
    roster.devices.push(Device::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo));
    roster.sign(&lead).unwrap();
    let recipients = roster.recipients().unwrap();
    let changes = realistic(N, 1);
    let header = Header::new(TEAM, "dev-anna", "", &changes).unwrap();
    Setup { anna, bo, roster, recipients, header, changes }
}

fn seal_once(s: &Setup) -> SealedBundle {
    seal(&s.header, &s.changes, &s.anna, &s.recipients).unwrap()
}

fn bundle(c: &mut Criterion) {
    let s = setup();
    let json: usize = s.changes.iter().map(|c| serde_json::to_string(c).unwrap().len() + 1).sum();

    let t = Instant::now();
    let sealed = seal_once(&s);
    let seal_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let opened = open(&sealed.bytes, s.bo.identity(), &s.roster).unwrap();
    let open_s = t.elapsed().as_secs_f64();
    assert_eq!(opened.changes.len(), N);
    println!(
        "bundle of {N} changes: seal {seal_s:.3} s, open {open_s:.3} s, {} bytes on the wire = {:.1} bytes per change ({:.1} bytes of JSON per change)",
        sealed.bytes.len(),
        sealed.bytes.len() as f64 / N as f64,
        json as f64 / N as f64,
    );

    let mut g = c.benchmark_group("bundle");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("seal 100k changes", |b| b.iter(|| black_box(seal_once(&s))));
    g.bench_function("open 100k changes", |b| b.iter(|| black_box(open(&sealed.bytes, s.bo.identity(), &s.roster).unwrap())));
    g.finish();
}

criterion_group!(benches, bundle);
criterion_main!(benches);
