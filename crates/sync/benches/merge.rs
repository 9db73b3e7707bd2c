//! Import and merge (release build, this machine): a caseworker's 100,000 changes (300
//! participants and their progress events, made through the store as the app makes them)
//! sealed into one bundle; the team lead's laptop opens it (age, signature, zstd, parse) and
//! merges it into its encrypted store in one transaction, facts refreshed. Target: < 3 s.
//! Also bundling them as the outbox does on the caseworker's laptop: read from the change log,
//! traced to their cases (the audience), sealed. Target: < 2 s.
//!
//! One timed pass is printed first; Criterion then reports the mean over fresh stores.

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_store::{AuditEntry, Authority, KdfParams, RemoteChange, Store};
use indsats_sync::bundle::{self, SealedBundle};
use indsats_sync::keys::DeviceKeys;
use indsats_sync::outbox::next_bundles;
use indsats_sync::team::{Device, JoinRequest, Roster};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

const PARTICIPANTS: usize = 300;
const EVENTS: usize = 100_000 - PARTICIPANTS;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn audit() -> AuditEntry {
    AuditEntry {
        user: "anna".into(),
        role: "caseworker".into(),
        action: "bench".into(),
        subject: None,
        purpose: "bench".into(),
        detail: String::new(),
    }
}

fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

struct Setup {
    _dir: tempfile::TempDir,
    store: Store,
    anna: DeviceKeys,
    lead: DeviceKeys,
    roster: Roster,
    sealed: SealedBundle,
}

fn setup() -> Setup {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), "correct horse battery", KdfParams::FAST_INSECURE, "dev-anna", now()).unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(d));
    let people: Vec<Participant> = (0..PARTICIPANTS)
        .map(|i| Participant {
            id: ParticipantId::new(1_700_000_000_000 + i as u64, rng.random()),
            pseudonym: format!("D-{i:06}"),
            name: format!("Deltager {i}"),
            cpr: None,
            birth_year: 1980 + (i % 20) as i32,
            origin: Origin::NonWestern,
            arrival_date: Some(day(0)),
            programme: ProgrammeKind::SelfSupport,
            programme_start: Some(day(10)),
            programme_end: None,
            caseworker: "anna".into(),
            case_closed: None,
        })
        .collect();
    let events: Vec<ProgressEvent> = (0..EVENTS)
        .map(|i| ProgressEvent {
            id: EventId::new(1_760_000_000_000 + i as u64, rng.random()),
            participant: people[rng.random_range(0..PARTICIPANTS)].id,
            date: day(20 + (i % 300) as u32),
            details: EventDetails::MeetingHeld {},
            recorded_by: "anna".into(),
            recorded_at: now(),
        })
        .collect();
    store
        .write(now(), &audit(), |tx| {
            for p in &people {
                tx.insert_participant(p)?;
            }
            tx.insert_events(&events)
        })
        .unwrap();
    let (lead, anna, bo, escrow) = (keys(1), keys(2), keys(3), keys(4));
    let mut roster = Roster::new(
        "ballerup-integration",
        Device::new("dev-lead", "Mettes bærbare", "mette", Role::TeamLead, &lead),
        escrow.recipient_string(),
    )
    .unwrap();
    roster.add_device(&JoinRequest::new("dev-anna", "Annas bærbare", "anna", Role::Caseworker, &anna)).unwrap();
    roster.add_device(&JoinRequest::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo)).unwrap();
    roster.sign(&lead).unwrap();
    let sealed = bundle_all(&store, &roster, &anna);
    Setup { _dir: dir, store, anna, lead, roster, sealed }
}

/// The outbox's work for 100,000 pending changes: one caseload, so one bundle.
fn bundle_all(store: &Store, roster: &Roster, anna: &DeviceKeys) -> SealedBundle {
    let mut sealed = next_bundles(&store.read(), roster, "dev-anna", anna, "", 0, 200_000).unwrap();
    assert_eq!(sealed.len(), 1);
    sealed.remove(0)
}

fn import(s: &Setup, store: &mut Store) -> u64 {
    let opened = bundle::open(&s.sealed.bytes, s.lead.identity(), &s.roster).unwrap();
    let changes: Vec<RemoteChange> = opened
        .changes
        .into_iter()
        .map(|c| RemoteChange { seq: c.s, hlc: c.h, table: c.t, row_id: c.r, op: c.o.as_str().into(), field: c.f, value: c.v, base: c.b })
        .collect();
    store.merge(now(), &audit(), "dev-anna", &opened.id, &changes, &Authority::Member { user: "anna".into() }).unwrap().applied
}

fn lead_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "correct horse battery", KdfParams::FAST_INSECURE, "dev-lead", now()).unwrap();
    (dir, store)
}

fn merge(c: &mut Criterion) {
    let s = setup();
    let (_d, mut store) = lead_store();
    let t = Instant::now();
    let applied = import(&s, &mut store);
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(applied, 100_000);
    assert_eq!(store.read().counts(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap().events, EVENTS as u64);
    println!(
        "import and merge of 100000 changes ({} bytes on the wire): {secs:.3} s (open, verify, decompress, parse, merge in one transaction, facts of {PARTICIPANTS} participants)",
        s.sealed.bytes.len()
    );
    let t = Instant::now();
    let again = bundle_all(&s.store, &s.roster, &s.anna);
    println!("bundling 100000 changes from the store (read, trace to cases, seal): {:.3} s", t.elapsed().as_secs_f64());
    assert_eq!(again.id, s.sealed.id);
    let mut g = c.benchmark_group("merge");
    g.sample_size(10).throughput(Throughput::Elements(100_000));
    g.bench_function("import and merge 100k changes", |b| {
        b.iter_batched(lead_store, |(_d, mut store)| black_box(import(&s, &mut store)), BatchSize::PerIteration)
    });
    g.bench_function("bundle 100k changes from the store", |b| b.iter(|| black_box(bundle_all(&s.store, &s.roster, &s.anna))));
    g.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
