//! The management summary at national scale, built as the app builds it (`summary::build`:
//! every indicator with its months, the initiative results, and disclosure control over all of it
//! together), from a synthetic national data set held in memory: 200,000 participants, 5,000
//! initiatives of all 11 types. Reading the store is not part of it (crates/api's bench times
//! that with the real encrypted store).
//!
//! Disclosure control is also timed on its own: the results tables' seven groups of columns, each
//! a hierarchy of 5,000 initiatives under their types and the total, as `build` protects them.
//!
//! Besides criterion's estimate, one timed run of each is printed and appended to
//! `target/bench-data/summary.txt` like the other benchmarks.

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use indsats_core::validate::Lang;
use indsats_report::Period;
use indsats_report::disclosure::protect_tree;
use indsats_report::results::{InitiativeResults, initiative_results};
use indsats_report::summary::{self, Params, Provenance};

#[path = "../tests/support/mod.rs"]
mod support;

const PARTICIPANTS: usize = 200_000;
const INITIATIVES: usize = 5_000;

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
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

/// The results tables' counts, grouped as `summary::build` protects them: participants; starts
/// with the mean days' count; completed and dropped out with those outside them; and the shares
/// followed up 1, 3, 6 and 12 months after.
fn results_groups(r: &InitiativeResults) -> Vec<Vec<u64>> {
    let share = |c: indsats_report::results::Count| [u64::from(c.numerator), u64::from(c.denominator - c.numerator)];
    vec![
        vec![u64::from(r.participants)],
        vec![u64::from(r.starts), u64::from(r.days_n)],
        [share(r.completed), share(r.dropped_out)].concat(),
        share(r.employed[0]).to_vec(),
        share(r.employed[1]).to_vec(),
        [share(r.employed[2]), share(r.in_education[2]), share(r.self_supporting[2])].concat(),
        [share(r.employed[3]), share(r.self_supporting[3])].concat(),
    ]
}

fn national(c: &mut Criterion) {
    let t = Instant::now();
    let data = support::municipality(support::Size { participants: PARTICIPANTS, initiatives: INITIATIVES, types: 11 }, 1);
    let made = t.elapsed();
    let p = Params { period: Period::Year(2026), as_of: support::today(), lang: Lang::Da, threshold: 5 };
    let provenance = || Provenance {
        generated_at: "2026-11-24T09:00:00Z".into(),
        generated_by: "bench".into(),
        snapshot: "0".repeat(64),
        as_of: p.as_of,
        threshold: p.threshold,
        version: "bench".into(),
    };

    // The whole summary, best of 3.
    let mut best = f64::MAX;
    let mut suppressed = (0, 0);
    for _ in 0..3 {
        let t = Instant::now();
        let s = summary::build(&data, &p, provenance()).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        suppressed = s.suppressed;
    }

    // Disclosure control of the results tables alone, on the same numbers.
    let results = initiative_results(&data.initiatives, &data.enrolments, &data.cases, p.period, p.as_of);
    let mut initiatives: Vec<_> = data.initiatives.iter().collect();
    initiatives.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let mut kinds: Vec<_> = initiatives.iter().map(|i| i.kind).collect();
    kinds.sort();
    kinds.dedup();
    let group: Vec<usize> = initiatives.iter().map(|i| kinds.iter().position(|k| *k == i.kind).unwrap_or(0)).collect();
    let empty = InitiativeResults::default();
    let rows: Vec<Vec<Vec<u64>>> = initiatives.iter().map(|i| results_groups(results.get(&i.id).unwrap_or(&empty))).collect();
    let groups: Vec<Vec<Vec<u64>>> = (0..rows[0].len()).map(|g| rows.iter().map(|r| r[g].clone()).collect()).collect();
    let protect = || -> usize {
        groups.iter().map(|leaves| protect_tree(leaves, &group, kinds.len(), false, 5).unwrap().leaves.iter().filter(|h| **h).count()).sum()
    };
    let mut disclosure = f64::MAX;
    let mut hidden = 0;
    for _ in 0..3 {
        let t = Instant::now();
        hidden = protect();
        disclosure = disclosure.min(t.elapsed().as_secs_f64());
    }
    report(&format!(
        "management summary, national in memory ({PARTICIPANTS} participants, {INITIATIVES} initiatives, {} enrolments, 2026; data made in {:.1} s): built {:.0} ms (target < 2,000 ms with reading the store), of which disclosure control of the results tables {:.1} ms ({hidden} initiative positions hidden); {} cells hidden primary, {} complementary (best of 3)",
        data.enrolments.len(),
        made.as_secs_f64(),
        best * 1e3,
        disclosure * 1e3,
        suppressed.0,
        suppressed.1,
    ));

    let mut g = c.benchmark_group("summary");
    g.sample_size(10);
    g.bench_function("build national", |b| b.iter(|| summary::build(&data, &p, provenance()).unwrap().suppressed));
    g.bench_function("disclosure control, results tables, national", |b| b.iter(protect));
    g.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
