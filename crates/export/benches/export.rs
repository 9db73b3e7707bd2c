//! The performance target for the management summary: PDF + XLSX of a national-scale summary
//! (15 indicators with monthly trends, 8,000 initiatives, 11 initiative types) in well under 2 s
//! (release build, this machine). The summary is synthetic and built deterministically; the
//! numbers behind it are the report crate's business, so this measures rendering only.
//!
//! Besides criterion's estimate, one timed run of each format is printed and appended to
//! `target/bench-data/summary.txt` like the other benchmarks.

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use indsats_core::validate::Lang;

#[path = "../tests/support/mod.rs"]
mod support;

const INITIATIVES: usize = 8000;

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

fn summary_pdf_xlsx(c: &mut Criterion) {
    let s = support::national(Lang::Da, INITIATIVES);

    let t = Instant::now();
    let pdf = indsats_export::pdf(&s).unwrap();
    let pdf_time = t.elapsed();
    let t = Instant::now();
    let xlsx = indsats_export::xlsx(&s).unwrap();
    let xlsx_time = t.elapsed();
    let t = Instant::now();
    let csv: usize = indsats_export::csv(&s).iter().map(|(_, c)| c.len()).sum();
    let csv_time = t.elapsed();
    report(&format!(
        "management summary, national ({INITIATIVES} initiatives): pdf {:.0} ms ({} kB), xlsx {:.0} ms ({} kB), csv {:.0} ms ({} kB)",
        pdf_time.as_secs_f64() * 1e3,
        pdf.len() / 1024,
        xlsx_time.as_secs_f64() * 1e3,
        xlsx.len() / 1024,
        csv_time.as_secs_f64() * 1e3,
        csv / 1024,
    ));

    let mut g = c.benchmark_group("summary");
    g.sample_size(10);
    g.bench_function("pdf+xlsx national", |b| {
        b.iter(|| {
            let pdf = indsats_export::pdf(&s).unwrap();
            let xlsx = indsats_export::xlsx(&s).unwrap();
            (pdf.len(), xlsx.len())
        })
    });
    g.finish();
}

criterion_group!(benches, summary_pdf_xlsx);
criterion_main!(benches);
