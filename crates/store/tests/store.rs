//! The store against real SQLCipher files in temporary folders.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use indsats_core::cpr::Cpr;
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_store::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        user: "test".into(),
        role: "caseworker".into(),
        action: action.into(),
        subject: None,
        purpose: "test".into(),
        detail: String::new(),
    }
}
const PASS: &str = "correct horse battery";

fn create(dir: &Path) -> Store {
    Store::create(dir, PASS, KdfParams::FAST_INSECURE, "device-a", now()).unwrap()
}

fn participant(n: u8, name: &str, cpr: Option<&str>) -> Participant {
    Participant {
        id: ParticipantId::new(1_700_000_000_000 + u64::from(n), [n; 10]),
        pseudonym: format!("D-{n:04}"),
        name: name.into(),
        cpr: cpr.map(|c| Cpr::parse(c, day(2026, 11, 24)).unwrap().cpr),
        birth_year: 1990,
        origin: Origin::NonWestern,
        arrival_date: Some(day(2020, 1, 1)),
        programme: ProgrammeKind::SelfSupport,
        programme_start: Some(day(2020, 2, 1)),
        programme_end: None,
        caseworker: "kbh".into(),
        case_closed: None,
    }
}

fn initiative(n: u8) -> Initiative {
    Initiative {
        id: InitiativeId::new(1_700_000_000_000, [n; 10]),
        title: format!("Praktik {n}"),
        kind: InitiativeType::WorkPlacement,
        owner: "Jobcenter".into(),
        start: day(2026, 1, 1),
        end: Some(day(2026, 12, 31)),
        capacity: Some(20),
        status: InitiativeStatus::Active,
        description: String::new(),
    }
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn a_known_name_is_in_no_file_of_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    let name = "Zarathustra Quixbyfjeld";
    s.write(now(), &audit("participant.create"), |tx| tx.insert_participant(&participant(1, name, Some("070761-4285")))).unwrap();
    // Before and after a checkpoint: the WAL, the shm and the main file are all checked.
    for phase in 0..2 {
        let files = files_of(dir.path());
        assert!(files.iter().any(|(n, _)| n == "indsats.db-wal") || phase == 1);
        for (n, bytes) in &files {
            for needle in [name.as_bytes(), "Zarathustra".as_bytes(), b"0707614285", b"SQLite format 3"] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{:?} found in {n}", String::from_utf8_lossy(needle));
            }
        }
        s.checkpoint().unwrap();
    }
    assert_eq!(s.read().participant(participant(1, name, None).id).unwrap().name, name);
}

#[test]
fn the_wrong_passphrase_is_refused_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = create(dir.path());
        s.write(now(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
        s.checkpoint().unwrap();
    }
    let before = files_of(dir.path());
    let err = Store::open(dir.path(), "not the passphrase").unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert_eq!(err.code(), "wrong_passphrase");
    assert_eq!(files_of(dir.path()), before, "a wrong passphrase must not change a byte");
    assert!(Store::open(dir.path(), PASS).is_ok());
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let key = keys::read_wrapped(dir.path(), PASS).unwrap();
    {
        let c = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        c.execute_batch(&key.sqlcipher_pragma()).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    }
    let err = Store::open(dir.path(), PASS).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION));
    assert!(err.message(indsats_core::Lang::Da).contains("Opdatér Indsats"));
    assert!(err.message(indsats_core::Lang::En).contains("Update Indsats"));
}

#[test]
fn every_write_carries_change_log_and_audit_and_a_failed_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    s.write(now(), &audit("initiative.create"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let c1 = s.read().counts(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap();
    assert_eq!((c1.changes, c1.audit_rows), (1, 1));

    // A write that fails half-way leaves no trace: not the first insert, no change row, no audit.
    let err = s
        .write(now(), &audit("two"), |tx| {
            tx.insert_initiative(&initiative(2))?;
            tx.insert_initiative(&initiative(1)) // same id again: constraint violation
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
    let c2 = s.read().counts(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap();
    assert_eq!(c1, c2);
    assert!(s.read().initiative(initiative(2).id).is_err());

    // An update logs only the fields that changed.
    s.write(now(), &audit("initiative.close"), |tx| tx.set_initiative_status(initiative(1).id, InitiativeStatus::Closed, None)).unwrap();
    let c3 = s.read().counts(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap();
    assert_eq!((c3.changes, c3.audit_rows), (2, 2));
    assert_eq!(s.read().verify_audit().unwrap(), 2);
}

#[test]
fn duplicate_cpr_enrolment_rules_and_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    s.write(now(), &audit("p"), |tx| tx.insert_participant(&participant(1, "Amina Test", Some("0707614285")))).unwrap();
    let err = s.write(now(), &audit("p"), |tx| tx.insert_participant(&participant(2, "Other", Some("070761-4285")))).unwrap_err();
    assert_eq!(err.code(), "duplicate_cpr");

    s.write(now(), &audit("i"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let mut e = Enrolment {
        id: EnrolmentId::new(1, [1; 10]),
        participant: participant(1, "", None).id,
        initiative: initiative(1).id,
        start: day(2025, 12, 1),
        end: None,
        outcome: None,
    };
    assert_eq!(s.write(now(), &audit("e"), |tx| tx.insert_enrolment(&e)).unwrap_err().code(), "enrolment_outside_initiative");
    e.start = day(2026, 2, 1);
    e.end = Some(day(2026, 1, 15));
    assert_eq!(s.write(now(), &audit("e"), |tx| tx.insert_enrolment(&e)).unwrap_err().code(), "end_before_start");
    e.end = Some(day(2026, 6, 1));
    s.write(now(), &audit("e"), |tx| tx.insert_enrolment(&e)).unwrap();

    let missing = InitiativeId::new(5, [5; 10]);
    let err = s.write(now(), &audit("x"), |tx| tx.set_initiative_status(missing, InitiativeStatus::Closed, None)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { kind: "initiative", .. }));
    assert!(err.message(indsats_core::Lang::Da).contains("Der findes ingen indsats"));
}

#[test]
fn search_by_prefix_folds_diacritics_and_cpr_matches_whole_numbers_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    s.write(now(), &audit("p"), |tx| {
        tx.insert_participant(&participant(1, "Åse Nørgaard", Some("0707614285")))?;
        tx.insert_participant(&participant(2, "Amir Haddad", None))?;
        tx.insert_participant(&participant(3, "Amina Haddad", None))
    })
    .unwrap();
    let names = |q: &str| s.read().search(q, 10).unwrap().into_iter().map(|h| h.name).collect::<Vec<_>>();
    assert_eq!(names("ami had").len(), 2);
    assert_eq!(names("amin"), vec!["Amina Haddad"]);
    assert_eq!(names("ase"), vec!["Åse Nørgaard"]);
    assert_eq!(names("nør"), vec!["Åse Nørgaard"]);
    assert_eq!(names("070761-4285"), vec!["Åse Nørgaard"]);
    assert!(names("070761").is_empty(), "partial CPR numbers must not match");
    assert_eq!(names("D-0002"), vec!["Amir Haddad"]);
}

#[test]
fn the_audit_chain_finds_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    for n in 0..5 {
        s.write(now(), &audit(&format!("a{n}")), |_| Ok(())).unwrap();
    }
    assert_eq!(s.read().verify_audit().unwrap(), 5);
    let key = keys::read_wrapped(dir.path(), PASS).unwrap();
    let c = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    c.execute_batch(&key.sqlcipher_pragma()).unwrap();
    c.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 3", []).unwrap();
    assert!(matches!(s.read().verify_audit(), Err(StoreError::AuditTampered { seq: 3 })));
    c.execute("DELETE FROM audit_log WHERE seq = 3", []).unwrap();
    assert!(matches!(s.read().verify_audit(), Err(StoreError::AuditTampered { seq: 4 })));
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let n = 60;
    let handles: Vec<_> = (0..2u8)
        .map(|w| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut s = Store::open(&dir, PASS).unwrap();
                for k in 0..n {
                    let p = Participant {
                        id: ParticipantId::new(1_000 + u64::from(k), [w, k, 0, 0, 0, 0, 0, 0, 0, 1]),
                        pseudonym: format!("W{w}-{k}"),
                        ..participant(0, "x", None)
                    };
                    s.write(now(), &audit("p"), |tx| tx.insert_participant(&p)).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = Store::open(dir.path(), PASS).unwrap();
    let c = s.read().counts(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap();
    assert_eq!(c.participants_open, 2 * u32::from(n));
    assert_eq!(c.changes, 2 * u64::from(n));
    assert_eq!(s.read().verify_audit().unwrap(), 2 * u64::from(n));
}

#[test]
fn passphrase_change_rewraps_without_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = create(dir.path());
        s.write(now(), &audit("i"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
        s.checkpoint().unwrap();
    }
    let db_before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    assert!(matches!(
        Store::change_passphrase(dir.path(), "wrong one!", "new passphrase", KdfParams::FAST_INSECURE),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        Store::change_passphrase(dir.path(), PASS, "short", KdfParams::FAST_INSECURE),
        Err(StoreError::PassphraseTooShort { .. })
    ));
    Store::change_passphrase(dir.path(), PASS, "new passphrase", KdfParams::FAST_INSECURE).unwrap();
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), db_before);
    assert!(matches!(Store::open(dir.path(), PASS), Err(StoreError::WrongPassphrase)));
    let s = Store::open(dir.path(), "new passphrase").unwrap();
    assert_eq!(s.read().initiative(initiative(1).id).unwrap().title, "Praktik 1");
}

#[test]
fn create_refuses_an_existing_store() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let err = Store::create(dir.path(), PASS, KdfParams::FAST_INSECURE, "d", now()).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyInitialised { .. }));
    assert!(matches!(Store::open(&dir.path().join("nothing"), PASS), Err(StoreError::NotInitialised { .. })));
}

#[test]
fn events_round_trip_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    let p = participant(1, "A", None);
    let ev = ProgressEvent {
        id: EventId::new(2, [2; 10]),
        participant: p.id,
        date: day(2026, 3, 1),
        details: EventDetails::ModuleTestPassed { course: indsats_core::event::DanishCourse::Du2, module: 4 },
        recorded_by: "kbh".into(),
        recorded_at: now(),
    };
    s.write(now(), &audit("e"), |tx| {
        tx.insert_participant(&p)?;
        tx.insert_event(&ev)
    })
    .unwrap();
    assert_eq!(s.read().events_of_participant(p.id).unwrap(), vec![ev]);
}

fn event(n: u8, p: &Participant, date: NaiveDate, details: EventDetails) -> ProgressEvent {
    ProgressEvent {
        id: EventId::new(1_700_000_100_000 + u64::from(n), [n; 10]),
        participant: p.id,
        date,
        details,
        recorded_by: "kbh".into(),
        recorded_at: now(),
    }
}

fn facts_of(s: &Store) -> Vec<(ParticipantId, indsats_core::facts::Facts)> {
    let mut out = Vec::new();
    s.read().for_each_case(|c| out.push((c.id, c.facts))).unwrap();
    out
}

fn derived(events: &[(NaiveDate, EventDetails)]) -> indsats_core::facts::Facts {
    let refs: Vec<_> = events.iter().map(|(d, e)| (*d, e)).collect();
    indsats_core::facts::Facts::derive(&refs)
}

#[test]
fn facts_follow_every_event_write_and_are_rebuilt_after_a_version_change() {
    use indsats_core::event::EmploymentKind;
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    let (a, b) = (participant(1, "Aske Test", None), participant(2, "Bo Test", None));
    let job = (day(2026, 2, 1), EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 37.0 });
    let ended = (day(2026, 6, 1), EventDetails::EmploymentEnded { kind: EmploymentKind::Ordinary });
    // A new participant, their events and the case closed, in one transaction (the bulk path).
    s.write(now(), &audit("t"), |tx| {
        tx.insert_participant(&a)?;
        tx.insert_events(&[event(1, &a, job.0, job.1.clone())])?;
        tx.set_case_closed(a.id, Some(day(2026, 9, 30)))
    })
    .unwrap();
    let closed_of = |s: &Store, id: ParticipantId| {
        let mut found = None;
        s.read()
            .for_each_case(|c| {
                if c.id == id {
                    found = Some(c.case_closed);
                }
            })
            .unwrap();
        found.expect("a facts row for every participant")
    };
    assert_eq!(closed_of(&s, a.id), Some(day(2026, 9, 30)), "closing in the same transaction reaches the facts row");
    s.write(now(), &audit("t"), |tx| tx.set_case_closed(a.id, None)).unwrap();
    assert_eq!(closed_of(&s, a.id), None, "and so does reopening later");
    // An existing participant gets an event, and so does one added later with none yet.
    s.write(now(), &audit("t"), |tx| tx.insert_participant(&b)).unwrap();
    s.write(now(), &audit("t"), |tx| tx.insert_event(&event(2, &a, ended.0, ended.1.clone()))).unwrap();
    let want = vec![(a.id, derived(&[job.clone(), ended.clone()])), (b.id, derived(&[]))];
    let mut got = facts_of(&s);
    got.sort_by_key(|(id, _)| *id);
    assert_eq!(got, want);
    assert!(got[0].1.employed_on(day(2026, 3, 1)) && !got[0].1.employed_on(day(2026, 7, 1)));

    // Readers that loaded the facts before reload only what changed after, by the stamp.
    let stamp = s.read().facts_stamp().unwrap();
    let changed_since = |s: &Store, stamp: i64| {
        let mut ids = Vec::new();
        s.read().for_each_raw_case_since(stamp, |c| ids.push(c.id)).unwrap();
        ids
    };
    assert!(changed_since(&s, stamp).is_empty());
    s.write(now(), &audit("t"), |tx| tx.insert_event(&event(9, &b, day(2026, 3, 3), EventDetails::MeetingHeld {}))).unwrap();
    assert_eq!(changed_since(&s, stamp), vec![b.id], "only the participant who got an event");
    assert!(s.read().facts_stamp().unwrap() > stamp);
    let want = vec![(a.id, derived(&[job.clone(), ended.clone()])), (b.id, derived(&[(day(2026, 3, 3), EventDetails::MeetingHeld {})]))];

    // A failed write leaves the facts as they were.
    let err = s.write(now(), &audit("t"), |tx| {
        tx.insert_event(&event(3, &a, day(2026, 7, 1), job.1.clone()))?;
        Err::<(), _>(StoreError::Encoding("abandon".into()))
    });
    assert!(err.is_err());
    assert_eq!(facts_of(&s).len(), 2);
    let mut again = facts_of(&s);
    again.sort_by_key(|(id, _)| *id);
    assert_eq!(again, want);

    // Damage the facts and mark them as written by another version: opening rebuilds them.
    drop(s);
    {
        let key = indsats_store::keys::read_wrapped(dir.path(), PASS).unwrap();
        let conn = rusqlite::Connection::open(dir.path().join("indsats.db")).unwrap();
        conn.execute_batch(&key.sqlcipher_pragma()).unwrap();
        conn.execute_batch("DELETE FROM case_fact; UPDATE meta SET value = '0' WHERE key = 'facts_version';").unwrap();
    }
    let s = Store::open(dir.path(), PASS).unwrap();
    let mut rebuilt = facts_of(&s);
    rebuilt.sort_by_key(|(id, _)| *id);
    assert_eq!(rebuilt, want);
}

#[test]
fn manual_values_are_entered_corrected_and_refused_for_computed_indicators() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    let strategy = Strategy {
        id: StrategyId::new(1_700_000_000_000, [1; 10]),
        key: "s".into(),
        municipality: "Testrup".into(),
        title: "Test".into(),
        vision: String::new(),
        period_start: 2026,
        period_end: 2029,
    };
    let goal = Goal {
        id: GoalId::new(1_700_000_000_000, [2; 10]),
        strategy: strategy.id,
        key: "G1".into(),
        position: 1,
        title: "Mål".into(),
        title_en: "Goal".into(),
        description: String::new(),
    };
    let indicator = |n: u8, measure: Measure| Indicator {
        id: IndicatorId::new(1_700_000_000_000, [n; 10]),
        goal: goal.id,
        key: format!("I{n}"),
        name: format!("Indikator {n}"),
        name_en: format!("Indicator {n}"),
        definition: String::new(),
        unit: Unit::Percent,
        direction: Direction::Up,
        measure,
        baseline: None,
        baseline_year: None,
        source: String::new(),
        targets: Vec::new(),
    };
    let (manual, computed) = (&indicator(3, Measure::Manual), &indicator(4, Measure::OrdinaryEmployment));
    s.write(now(), &audit("t"), |tx| {
        tx.insert_strategy(&strategy)?;
        tx.insert_goal(&goal)?;
        tx.insert_indicator(manual)?;
        tx.insert_indicator(computed)
    })
    .unwrap();
    let value = |ind: &Indicator, v: f64| ManualValue {
        indicator: ind.id,
        period: "2026".into(),
        value: v,
        note: "fra trivselsmålingen".into(),
        entered_by: "kbh".into(),
        entered_at: now(),
    };
    s.write(now(), &audit("t"), |tx| tx.set_manual_value(&value(manual, 41.0))).unwrap();
    s.write(now(), &audit("t"), |tx| tx.set_manual_value(&value(manual, 42.5))).unwrap();
    let got = s.read().manual_values().unwrap();
    assert_eq!(got, vec![value(manual, 42.5)]);
    for (ind, v, code) in [(computed, 3.0, "not_manual"), (manual, f64::NAN, "not_a_number")] {
        let e = s.write(now(), &audit("t"), |tx| tx.set_manual_value(&value(ind, v))).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
    }
    assert_eq!(s.read().manual_values().unwrap(), vec![value(manual, 42.5)]);
}

#[test]
fn a_draft_survives_reopening_stays_encrypted_and_leaves_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let note = "Qwertzuiop Draftbody";
    {
        let s = create(dir.path());
        let changes = s.read().counts(day(2026, 11, 24)).unwrap().changes;
        s.save_draft("kim/progress", &format!(r#"{{"note":"{note} 1"}}"#), now()).unwrap();
        s.save_draft("kim/progress", &format!(r#"{{"note":"{note} 2"}}"#), now()).unwrap();
        s.save_draft("alex/progress", "{}", now()).unwrap();
        assert_eq!(s.read().counts(day(2026, 11, 24)).unwrap().changes, changes, "a draft is not a change to sync");
        s.checkpoint().unwrap();
        for (n, bytes) in files_of(dir.path()) {
            assert!(!bytes.windows(10).any(|w| w == b"Qwertzuiop"), "draft text in {n}");
        }
    }
    let s = Store::open(dir.path(), PASS).unwrap();
    let mine = s.drafts("kim/").unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].0, "kim/progress");
    assert!(mine[0].1.contains(&format!("{note} 2")));
    s.discard_draft("kim/progress").unwrap();
    assert!(s.drafts("kim/").unwrap().is_empty());
    assert_eq!(s.drafts("alex/").unwrap().len(), 1);
}

/// Another device's log: `n` rows from seq `from` on, chained from `anchor`; returns the rows and
/// the hash of the last.
fn remote_rows(anchor: &[u8], from: i64, n: i64, tag: &str) -> (Vec<AuditRecord>, Vec<u8>) {
    let mut prev = anchor.to_vec();
    let mut rows = Vec::new();
    for seq in from..from + n {
        let r = AuditRecord { seq, at: format!("2026-11-24T09:00:{:02}.000000Z", seq % 60), entry: audit(&format!("{tag}{seq}")) };
        prev = chain_hash(&prev, r.seq, &r.at, &r.entry);
        rows.push(r);
    }
    (rows, prev)
}

#[test]
fn the_team_s_access_log_keeps_each_device_s_chain_and_finds_a_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    let take = |s: &mut Store, dev: &str, id: &str, anchor: &[u8], rows: &[AuditRecord]| {
        s.receive_access(now(), &audit("sync.access"), dev, id, anchor, rows).unwrap()
    };
    let (first, h5) = remote_rows(&CHAIN_START, 1, 5, "a");
    assert_eq!(take(&mut s, "dev-a", "b1", &CHAIN_START, &first), AccessReceipt::Added { rows: 5 });
    assert!(s.read().access_bundle_seen("dev-a", "b1").unwrap());
    // The same rows again (a retried upload under another name): nothing new, no problem.
    assert_eq!(take(&mut s, "dev-a", "b1x", &CHAIN_START, &first), AccessReceipt::Added { rows: 0 });
    let overlap: Vec<AuditRecord> = first[3..].to_vec();
    let (more, _) = remote_rows(&h5, 6, 3, "a");
    let mut run = overlap;
    run.extend(more.clone());
    let anchor3 = {
        let mut p = CHAIN_START.to_vec();
        for r in &first[..3] {
            p = chain_hash(&p, r.seq, &r.at, &r.entry);
        }
        p
    };
    assert_eq!(take(&mut s, "dev-a", "b2", &anchor3, &run), AccessReceipt::Added { rows: 3 });
    // A gap waits and is not recorded as read.
    let (late, _) = remote_rows(&[7u8; 32], 20, 2, "a");
    assert_eq!(take(&mut s, "dev-a", "b3", &[7u8; 32], &late), AccessReceipt::Gap { expected: 9 });
    assert!(!s.read().access_bundle_seen("dev-a", "b3").unwrap());

    // The device's log was cut to 6 rows and went on: its rows 7.. differ from those held.
    let (cut, _) = remote_rows(&CHAIN_START, 1, 6, "a");
    let mut h6 = CHAIN_START.to_vec();
    for r in &cut {
        h6 = chain_hash(&h6, r.seq, &r.at, &r.entry);
    }
    let (rewritten, _) = remote_rows(&h6, 7, 4, "b");
    let got = take(&mut s, "dev-a", "b4", &h6, &rewritten);
    assert_eq!(got, AccessReceipt::Problem { seq: 7, problem: "changed".into() });
    let c = s.read().access_chain("dev-a").unwrap().unwrap();
    assert_eq!((c.rows, c.last_seq, c.problem.as_deref(), c.problem_seq), (8, 8, Some("changed"), Some(7)));
    // What was held stays, and the device's chain stops until someone looks into it.
    let (next, _) = remote_rows(&[1u8; 32], 9, 1, "c");
    assert!(matches!(take(&mut s, "dev-a", "b5", &[1u8; 32], &next), AccessReceipt::Problem { .. }));
    let held = s.read().audit(&AuditFilter { device: Some("dev-a".into()), ..Default::default() }).unwrap();
    assert_eq!(held.len(), 8);
    assert!(held.iter().all(|r| r.action.starts_with('a')), "{held:?}");

    // A bundle that does not continue from the last row held is broken.
    let (b1, _) = remote_rows(&CHAIN_START, 1, 2, "x");
    take(&mut s, "dev-b", "c1", &CHAIN_START, &b1);
    let (b2, _) = remote_rows(&[9u8; 32], 3, 2, "x");
    assert_eq!(take(&mut s, "dev-b", "c2", &[9u8; 32], &b2), AccessReceipt::Problem { seq: 2, problem: "broken".into() });
    // Another device is untouched by either; a later lead starts its copy where it can read.
    let (c5, _) = remote_rows(&[3u8; 32], 50, 2, "y");
    assert_eq!(take(&mut s, "dev-c", "d1", &[3u8; 32], &c5), AccessReceipt::Added { rows: 2 });
    let chains = s.read().access_chains().unwrap();
    assert_eq!(
        chains.iter().map(|c| (c.device.as_str(), c.problem.is_some())).collect::<Vec<_>>(),
        [("dev-a", true), ("dev-b", true), ("dev-c", false)]
    );
    assert_eq!(chains[2].first_seq, 50);
    // Receiving is itself logged, and this laptop's own chain still holds.
    assert!(s.read().verify_audit().unwrap() >= 7);
}

#[test]
fn the_review_sample_is_kept_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    s.write(now(), &audit("participant.read"), |_| Ok(())).unwrap();
    let own = s.device().to_string();
    let id = s.write(now(), &audit("audit.sample"), |tx| tx.draw_review("2026-11", &own, 1, "mette")).unwrap();
    assert_eq!(id, "2026-11-1");
    let again = s.write(now(), &audit("audit.sample"), |tx| tx.draw_review("2026-11", &own, 1, "mette")).unwrap();
    assert_eq!(again, id, "a row is drawn once a month");
    s.write(now(), &audit("audit.review"), |tx| tx.mark_review(&id, ReviewOutcome::Questioned, "hvorfor?", "mette")).unwrap();
    let r = s.read().review(&id).unwrap().unwrap();
    assert_eq!((r.outcome, r.note.as_str(), r.reviewer.as_deref()), (Some(ReviewOutcome::Questioned), "hvorfor?", Some("mette")));
    assert_eq!(s.read().audit_row(&own, 1).unwrap().unwrap().action, "participant.read");
    let missing = s.write(now(), &audit("audit.review"), |tx| tx.mark_review("2026-11-9", ReviewOutcome::Ok, "", "mette"));
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));
}

#[test]
fn failed_unlocks_are_counted_beside_the_store_until_taken() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    assert_eq!(read_failed(dir.path()).unwrap(), None);
    record_failed_unlock(dir.path(), now()).unwrap();
    record_failed_unlock(dir.path(), now() + chrono::Duration::minutes(2)).unwrap();
    let f = read_failed(dir.path()).unwrap().unwrap();
    assert_eq!((f.count, f.first.as_str(), f.last.as_str()), (2, "2026-11-24T09:00:00Z", "2026-11-24T09:02:00Z"));
    clear_failed(dir.path()).unwrap();
    assert_eq!(read_failed(dir.path()).unwrap(), None);
}

// ---- Backup and restore -------------------------------------------------------------------------

fn writer_participant(w: u8, k: u16) -> Participant {
    Participant {
        id: ParticipantId::new(2_000 + u64::from(k), [w, (k >> 8) as u8, k as u8, 0, 0, 0, 0, 0, 0, 2]),
        pseudonym: format!("B{w}-{k}"),
        ..participant(0, "Backup Person", None)
    }
}

#[test]
fn a_backup_taken_during_writes_restores_every_acknowledged_write_and_passes_its_checks() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    // Another process writes all through the backup; it records each write as acknowledged.
    let acknowledged = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(0));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (dir, acknowledged, stop) = (dir.path().to_path_buf(), acknowledged.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut w = Store::open(&dir, PASS).unwrap();
            let mut k = 0u16;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) || k < 40 {
                let p = writer_participant(1, k);
                w.write(now(), &audit("p"), |tx| tx.insert_participant(&p)).unwrap();
                k += 1;
                acknowledged.store(k, std::sync::atomic::Ordering::SeqCst);
            }
            k
        })
    };
    while acknowledged.load(std::sync::atomic::Ordering::SeqCst) < 20 {
        std::thread::yield_now();
    }
    let before = acknowledged.load(std::sync::atomic::Ordering::SeqCst);
    let out = dir.path().join("backup.indsats-backup");
    let info = s.backup(&out, now()).unwrap();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(written >= 40);
    assert_eq!(info.device, "device-a");
    assert_eq!(info.bytes, std::fs::metadata(&out).unwrap().len());
    assert_eq!(backup_info(&out).unwrap(), info);
    // No part of the backup's work is left beside it.
    let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(beside.iter().all(|n| !n.ends_with(".parts")), "{beside:?}");

    let to = tempfile::tempdir().unwrap();
    let into = to.path().join("restored");
    let (restored_info, restored) = restore(&out, &into, PASS).unwrap();
    assert_eq!(restored_info, info);
    assert_eq!(restored.device(), "device-a");
    let c = restored.read().counts(day(2026, 11, 24)).unwrap();
    assert!(c.participants_open >= u32::from(before), "{} < {before}", c.participants_open);
    assert!(c.participants_open <= u32::from(written));
    assert_eq!(c.changes, info.changes);
    // Every write acknowledged before the backup began is there, and the audit chain holds.
    for k in 0..before {
        restored.read().participant(writer_participant(1, k).id).unwrap();
    }
    assert_eq!(restored.read().verify_audit().unwrap(), c.changes);
    assert_eq!(restored.sync_state(backup::RESTORED).unwrap().as_deref(), Some(info.created_at.as_str()));
    // The restored store opens with its passphrase like any other.
    drop(restored);
    drop(Store::open(&into, PASS).unwrap());
    // The backup holds nothing readable: no name in it.
    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes.windows(b"Backup Person".len()).any(|w| w == b"Backup Person"));
}

#[test]
fn a_damaged_backup_is_refused_and_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = create(dir.path());
    s.write(now(), &audit("p"), |tx| tx.insert_participant(&participant(1, "Ana Example", None))).unwrap();
    let out = dir.path().join("b");
    s.backup(&out, now()).unwrap();
    let good = std::fs::read(&out).unwrap();
    let to = tempfile::tempdir().unwrap();
    let into = to.path().join("r");
    let refused = |bytes: &[u8]| {
        let f = to.path().join("try");
        std::fs::write(&f, bytes).unwrap();
        let e = restore(&f, &into, PASS).expect_err("a damaged backup is refused");
        assert!(!into.exists(), "nothing is restored");
        let leftovers: Vec<_> = std::fs::read_dir(to.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        e
    };
    // A flipped byte anywhere: in the header, the key file, the database, the seal.
    let header_end = 20 + u32::from_le_bytes(good[16..20].try_into().unwrap()) as usize;
    for at in [3, 17, 22, header_end + 10, good.len() / 2, good.len() - 40, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let e = refused(&bad);
        assert!(
            matches!(e, StoreError::BackupDamaged { .. } | StoreError::NotABackup { .. } | StoreError::BackupPassphrase),
            "byte {at}: {e:?}"
        );
        assert!(!e.message(indsats_core::Lang::Da).is_empty());
    }
    let mut bad = good.clone();
    bad[good.len() / 2] ^= 0x80;
    assert!(matches!(refused(&bad), StoreError::BackupDamaged { why: BackupFault::Changed, .. }));
    // Cut off, or with something added.
    for cut in [10, 100, good.len() / 3, good.len() - 1] {
        assert!(
            matches!(refused(&good[..cut]), StoreError::BackupDamaged { why: BackupFault::Truncated, .. } | StoreError::NotABackup { .. }),
            "cut at {cut}"
        );
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"more");
    assert!(matches!(refused(&longer), StoreError::BackupDamaged { why: BackupFault::Extended, .. }));
    // Not a backup at all.
    assert!(matches!(refused(b"name;cpr\n"), StoreError::NotABackup { .. }));
    // The wrong passphrase.
    let e = restore(&out, &into, "not the passphrase").unwrap_err();
    assert!(matches!(e, StoreError::BackupPassphrase), "{e:?}");
    assert!(!into.exists());
    // The good one restores.
    let (_, r) = restore(&out, &into, PASS).unwrap();
    assert_eq!(r.read().participant(participant(1, "", None).id).unwrap().name, "Ana Example");
}

#[test]
fn a_backup_overwrites_nothing_and_a_restore_goes_only_into_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let s = create(dir.path());
    let out = dir.path().join("exists");
    std::fs::write(&out, b"keep me").unwrap();
    assert!(matches!(s.backup(&out, now()), Err(StoreError::BackupExists { .. })));
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    let out = dir.path().join("b");
    s.backup(&out, now()).unwrap();
    // Into the live store's folder, or any folder with something in it: refused, untouched.
    assert!(matches!(restore(&out, dir.path(), PASS), Err(StoreError::RestoreNotEmpty { .. })));
    drop(Store::open(dir.path(), PASS).unwrap());
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("note.txt"), b"x").unwrap();
    assert!(matches!(restore(&out, other.path(), PASS), Err(StoreError::RestoreNotEmpty { .. })));
    assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 1);
    // An empty folder that exists is fine.
    let empty = tempfile::tempdir().unwrap();
    restore(&out, empty.path(), PASS).unwrap();
    assert!(is_initialised(empty.path()));
}
