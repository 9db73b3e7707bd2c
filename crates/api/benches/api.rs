//! The foundation's performance targets, measured through indsats-api on the real encrypted store
//! (release build, this machine):
//! - log one progress event, durably: p95 < 5 ms
//! - participant search as you type at 200,000 participants: p95 < 10 ms
//! - demo generation: ≥ 100,000 events per second into the encrypted store
//!
//! The municipal (5,000) and national (200,000 participants) stores are generated once with a
//! fixed clock and seed and kept under `target/bench-data/`. Criterion reports means; the
//! percentiles, which the targets are stated in, are measured per call and printed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use indsats_api::core::event::EventDetails;
use indsats_api::core::model::Role;
use indsats_api::demo::DemoOptions;
use indsats_api::*;
use rand::{Rng, SeedableRng};

const PASS: &str = "benchmark passphrase";

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()))
}

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
}

fn admin() -> User {
    User::new("bench", Role::Admin).unwrap()
}

/// A demo store of `n` participants, generated once and reused.
fn demo_store(n: u32) -> PathBuf {
    let dir = bench_dir().join(format!("demo-{n}-seed1-schema{}", indsats_store::SCHEMA_VERSION));
    // A cache made by an older build (other cipher settings) no longer opens: make it again.
    if dir.join("done").exists() && indsats_store::Store::open(&dir, PASS).is_err() {
        let _ = std::fs::remove_file(dir.join("done"));
    }
    if !dir.join("done").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let mut s = Session::init(&dir, PASS, StrategySource::Default, admin(), clock(), Some(1), KdfParams::FAST_INSECURE).unwrap();
        let sum = s.generate_demo(&DemoOptions { participants: n, seed: 1 }, &mut |_, _| true).unwrap();
        let took = t.elapsed();
        report(&format!(
            "demo store {n}: {} participants, {} events, {} enrolments in {:.1} s ({:.0} events/s)",
            sum.participants,
            sum.events,
            sum.enrolments,
            took.as_secs_f64(),
            sum.events as f64 / took.as_secs_f64()
        ));
        std::fs::write(dir.join("done"), b"").unwrap();
    }
    dir
}

fn report(line: &str) {
    println!("{line}");
    let _ = std::fs::create_dir_all(bench_dir());
    let path = bench_dir().join("summary.txt");
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    text.push_str(line);
    text.push('\n');
    let _ = std::fs::write(path, text);
}

fn percentiles(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1];
    report(&format!(
        "{label}: n={} p50={:.3} ms p95={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    ));
}

fn log_event(c: &mut Criterion) {
    let dir = demo_store(5_000);
    // Ids from the OS's entropy: the cached store keeps the events of earlier runs.
    let mut s = Session::unlock(&dir, PASS, User::new("bench", Role::Caseworker).unwrap(), clock(), None).unwrap();
    let people: Vec<_> = s.participants(&ParticipantFilter::default(), "benchmark").unwrap().into_iter().map(|p| p.id).collect();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut samples = Vec::new();
    for _ in 0..1_000 {
        let p = people[rng.random_range(0..people.len())];
        let t = Instant::now();
        s.record_progress(p, day, EventDetails::MeetingHeld {}).unwrap();
        samples.push(t.elapsed());
    }
    percentiles("log one event durably (municipal store, fsync'd, with change log and audit)", samples);
    c.bench_function("log_event_durable", |b| {
        b.iter(|| {
            let p = people[rng.random_range(0..people.len())];
            s.record_progress(p, day, EventDetails::MeetingHeld {}).unwrap()
        })
    });
}

/// What a caseworker types, one keystroke at a time: prefixes of names and pseudonyms.
fn keystrokes(rng: &mut impl Rng) -> Vec<String> {
    const NAMES: &[&str] =
        &["amina haddad", "mohammad", "fatima ali", "yusuf abdi", "olena kova", "hassan", "layla", "tesfay", "reza karimi", "d-4"];
    let mut out = Vec::new();
    for _ in 0..60 {
        let name = NAMES[rng.random_range(0..NAMES.len())];
        for end in 1..=name.len() {
            if name.is_char_boundary(end) {
                out.push(name[..end].to_string());
            }
        }
    }
    out
}

fn search(c: &mut Criterion) {
    let dir = demo_store(200_000);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4);
    let queries = keystrokes(&mut rng);
    // The query alone, on the store.
    let store = indsats_store::Store::open(&dir, PASS).unwrap();
    let mut samples = Vec::new();
    for q in &queries {
        let t = Instant::now();
        let _ = store.read().search(q, 20).unwrap();
        samples.push(t.elapsed());
    }
    percentiles("search as you type at 200,000 participants (FTS5 query)", samples);
    drop(store);
    // Through the API: the query and its audit row, committed durably.
    let mut s = Session::unlock(&dir, PASS, User::new("bench", Role::Caseworker).unwrap(), clock(), None).unwrap();
    let mut samples = Vec::new();
    for q in &queries {
        let t = Instant::now();
        let _ = s.find_participants(q, 20, "benchmark").unwrap();
        samples.push(t.elapsed());
    }
    percentiles("search as you type at 200,000 participants (API: query + audit row, fsync'd)", samples);
    let mut i = 0;
    c.bench_function("search_200k_api", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            s.find_participants(&queries[i], 20, "benchmark").unwrap()
        })
    });
}

fn demo_rate(c: &mut Criterion) {
    let n = 2_000;
    // One run to learn how many events a run writes (deterministic per seed and day).
    let probe = tempfile::tempdir().unwrap();
    let mut s = Session::init(probe.path(), PASS, StrategySource::Default, admin(), clock(), Some(1), KdfParams::FAST_INSECURE).unwrap();
    let sum = s.generate_demo(&DemoOptions { participants: n, seed: 9 }, &mut |_, _| true).unwrap();
    let mut g = c.benchmark_group("demo_generation");
    g.sample_size(10).throughput(Throughput::Elements(sum.events));
    let mut total = Duration::ZERO;
    let mut runs = 0u32;
    g.bench_function(BenchmarkId::new("participants", n), |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().unwrap();
                let mut s =
                    Session::init(dir.path(), PASS, StrategySource::Default, admin(), clock(), Some(1), KdfParams::FAST_INSECURE).unwrap();
                let t = Instant::now();
                s.generate_demo(&DemoOptions { participants: n, seed: 9 }, &mut |_, _| true).unwrap();
                spent += t.elapsed();
            }
            total += spent;
            runs += iters as u32;
            spent
        })
    });
    g.finish();
    if runs == 0 {
        return; // filtered out on the command line
    }
    let mean = total / runs;
    report(&format!(
        "demo generation: {n} participants, {} events in {:.3} s mean → {:.0} events/s (target ≥ 100,000)",
        sum.events,
        mean.as_secs_f64(),
        sum.events as f64 / mean.as_secs_f64()
    ));
}

criterion_group!(benches, demo_rate, log_event, search);
criterion_main!(benches);
