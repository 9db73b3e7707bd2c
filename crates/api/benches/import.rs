//! The import's rate target, measured through indsats-api on the real encrypted store (release
//! build, this machine): participants from a Danish Excel CSV file, ≥ 50,000 rows per second
//! into an empty store, all checks and the one transaction included.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indsats_api::core::model::Role;
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

fn report(line: &str) {
    println!("{line}");
    let _ = std::fs::create_dir_all(bench_dir());
    let path = bench_dir().join("summary.txt");
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    text.push_str(line);
    text.push('\n');
    let _ = std::fs::write(path, text);
}

/// A Danish Excel CSV of `n` synthetic participants (generated names and CPR numbers).
fn caseload_csv(n: u32) -> Vec<u8> {
    let mut out = String::from("navn;cpr;herkomst;indrejsedato;program;programstart\r\n");
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
    for i in 0..n {
        // Each row its own birth date and serial (the seventh digit 0 puts the year in the 1900s).
        let (d, m, y, serial) = (1 + i % 28, 1 + (i / 28) % 12, 60 + (i / 336) % 40, i / 13_440);
        let name = ["Amira", "Bashir", "Ceylan", "Dilan", "Esra"][rng.random_range(0..5)];
        out.push_str(&format!(
            "{name} Testperson {i};{d:02}{m:02}{y:02}{serial:04};non_western;15-03-2020;selvforsoergelse;01-04-2020\r\n"
        ));
    }
    out.into_bytes()
}

fn import_rate(c: &mut Criterion) {
    let n = 20_000;
    let csv = caseload_csv(n);
    let fresh = || {
        let dir = tempfile::tempdir_in(bench_dir()).unwrap();
        let s = Session::init(dir.path(), PASS, StrategySource::Default, admin(), clock(), Some(1), KdfParams::FAST_INSECURE).unwrap();
        (dir, s)
    };
    let _ = std::fs::create_dir_all(bench_dir());
    let (_dir, mut s) = fresh();
    let t = Instant::now();
    let r = s.import(import::Kind::Participants, &csv, None, import::ImportMode::AllOrNothing).unwrap();
    let took = t.elapsed();
    assert!(r.problems.is_empty(), "{:?}", &r.problems[..r.problems.len().min(3)]);
    report(&format!(
        "import {} participants from CSV into an empty encrypted store: {:.2} s ({:.0} rows/s)",
        r.imported,
        took.as_secs_f64(),
        f64::from(n) / took.as_secs_f64()
    ));
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(n)));
    g.bench_function("participants_20k_csv", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, mut s) = fresh();
                let t = Instant::now();
                s.import(import::Kind::Participants, &csv, None, import::ImportMode::AllOrNothing).unwrap();
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, import_rate);
criterion_main!(benches);
