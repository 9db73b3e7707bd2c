//! SQLCipher against plain SQLite on the same schema and the same workload: the overhead of
//! encryption at rest (target ≤ 1.3×). Both use WAL and the store's pragmas. The workloads are
//! the store's own write pattern (rows + change log in transactions of 100 people) and its reads
//! (an aggregate over all events, timelines, prefix searches) on a cold connection.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use indsats_store::DbKey;
use rusqlite::Connection;

const PARTICIPANTS: usize = 2_000;
const EVENTS_PER: usize = 30;

fn connect(path: &Path, key: Option<&DbKey>) -> Connection {
    let c = Connection::open(path).unwrap();
    if let Some(k) = key {
        c.execute_batch(&k.sqlcipher_pragma()).unwrap();
    }
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).unwrap();
    if key.is_none() {
        // The same page size for plain SQLite (the cipher settings come with the key).
        c.execute_batch("PRAGMA page_size = 16384;").unwrap();
    }
    c.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;")
        .unwrap();
    c
}

fn write_workload(c: &mut Connection) {
    c.execute("INSERT INTO device (num, id) VALUES (1, 'bench')", []).unwrap();
    let mut seq = 0i64;
    for batch in 0..PARTICIPANTS / 100 {
        let tx = c.transaction().unwrap();
        {
            let mut p = tx
                .prepare_cached(
                    "INSERT INTO participant (id, pseudonym, name, cpr, birth_year, origin, programme, caseworker)
                     VALUES (?1, ?2, ?3, NULL, 1990, 'non_western', 'selvforsoergelse', 'cw')",
                )
                .unwrap();
            let mut e = tx
                .prepare_cached(
                    "INSERT INTO progress_event (id, participant_id, date, type, details, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, 'meeting_held', '{\"type\":\"meeting_held\"}', 'cw', '2026-01-01T10:00:00Z')",
                )
                .unwrap();
            let mut l = tx
                .prepare_cached(
                    "INSERT INTO change_log (key, device, seq, hlc, tbl, row_id, op, field, value)
                     VALUES ((1 << 40) + ?1, 1, ?1, ?1, 'progress_event', ?2, 'insert', NULL, ?3)",
                )
                .unwrap();
            for k in 0..100 {
                let n = batch * 100 + k;
                let pid = format!("p{n:08}");
                p.execute((&pid, format!("D-{n:08}"), format!("Deltager{n} Efternavn{}", n % 97))).unwrap();
                for j in 0..EVENTS_PER {
                    let eid = format!("e{n:08}-{j:03}");
                    e.execute((&eid, &pid, format!("2025-{:02}-{:02}", j % 12 + 1, j % 28 + 1))).unwrap();
                    seq += 1;
                    l.execute((seq, &eid, "{\"participant_id\":\"p\",\"date\":\"2025-01-01\",\"type\":\"meeting_held\"}")).unwrap();
                }
            }
        }
        tx.commit().unwrap();
    }
}

fn read_workload(c: &Connection) {
    let n: i64 = c.query_row("SELECT count(*) FROM (SELECT type, count(*) FROM progress_event GROUP BY type)", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let mut t = c.prepare_cached("SELECT id, date, details FROM progress_event WHERE participant_id = ?1 ORDER BY date").unwrap();
    for k in (0..PARTICIPANTS).step_by(7) {
        let rows = t.query_map([format!("p{k:08}")], |r| r.get::<_, String>(0)).unwrap().count();
        assert_eq!(rows, EVENTS_PER);
    }
    let mut s = c
        .prepare_cached("SELECT p.id FROM participant_fts f JOIN participant p ON p.num = f.rowid WHERE participant_fts MATCH ?1 LIMIT 20")
        .unwrap();
    for q in ["\"delt\"*", "\"efternavn1\"*", "\"deltager19\"*"] {
        assert!(s.query_map([q], |r| r.get::<_, String>(0)).unwrap().count() > 0);
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("sqlcipher_overhead");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    let mut write_means = Vec::new();
    let mut read_means = Vec::new();
    let mut warm_means = Vec::new();
    for encrypted in [false, true] {
        let label = if encrypted { "sqlcipher" } else { "plain" };
        let key = encrypted.then(|| DbKey::generate().unwrap());
        let (mut total, mut n) = (Duration::ZERO, 0u32);
        g.bench_function(format!("write/{label}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let dir = tempfile::tempdir().unwrap();
                    let mut conn = connect(&dir.path().join("bench.db"), key.as_ref());
                    indsats_store::apply_schema_for_benchmark(&conn).unwrap();
                    let t = Instant::now();
                    write_workload(&mut conn);
                    spent += t.elapsed();
                }
                total += spent;
                n += iters as u32;
                spent
            })
        });
        write_means.push(total / n.max(1));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.db");
        {
            let mut conn = connect(&path, key.as_ref());
            indsats_store::apply_schema_for_benchmark(&conn).unwrap();
            write_workload(&mut conn);
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        let (mut total, mut n) = (Duration::ZERO, 0u32);
        g.bench_function(format!("read/{label}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let conn = connect(&path, key.as_ref());
                    read_workload(&conn);
                    spent += t.elapsed();
                }
                total += spent;
                n += iters as u32;
                spent
            })
        });
        read_means.push(total / n.max(1));

        // The app's pattern: one long-lived connection whose page cache holds decrypted pages.
        let warm = connect(&path, key.as_ref());
        read_workload(&warm);
        let (mut total, mut n) = (Duration::ZERO, 0u32);
        g.bench_function(format!("read_warm/{label}"), |b| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                for _ in 0..iters {
                    read_workload(&warm);
                }
                let spent = t.elapsed();
                total += spent;
                n += iters as u32;
                spent
            })
        });
        warm_means.push(total / n.max(1));
    }
    g.finish();
    let ratio = |m: &[Duration]| m[1].as_secs_f64() / m[0].as_secs_f64();
    let line = format!(
        "SQLCipher overhead (target ≤ 1.3×): write {:.2}× ({:?} vs {:?}), cold read {:.2}× ({:?} vs {:?}), warm read {:.2}× ({:?} vs {:?})",
        ratio(&write_means),
        write_means[1],
        write_means[0],
        ratio(&read_means),
        read_means[1],
        read_means[0],
        ratio(&warm_means),
        warm_means[1],
        warm_means[0]
    );
    println!("{line}");
    let summary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data/summary.txt");
    let _ = std::fs::create_dir_all(summary.parent().unwrap_or(std::path::Path::new(".")));
    let mut text = std::fs::read_to_string(&summary).unwrap_or_default();
    text.push_str(&line);
    text.push('\n');
    let _ = std::fs::write(summary, text);
}

criterion_group!(benches, bench);
criterion_main!(benches);
