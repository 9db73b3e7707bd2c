//! Merging other laptops' changes: last writer wins per field, conflicts, tombstones, order,
//! and convergence of three replicas over random schedules. Real SQLCipher stores.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use indsats_core::cpr::Cpr;
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_store::*;
use proptest::prelude::*;
use proptest::strategy::Strategy as _;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        user: "test".into(),
        role: "teamleader".into(),
        action: action.into(),
        subject: None,
        purpose: "test".into(),
        detail: String::new(),
    }
}

fn create(dir: &Path, device: &str) -> Store {
    Store::create(dir, "correct horse battery", KdfParams::FAST_INSECURE, device, t0()).unwrap()
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

fn participant(n: u8, cpr: Option<&str>) -> Participant {
    Participant {
        id: ParticipantId::new(1_700_000_000_000 + u64::from(n), [n; 10]),
        pseudonym: format!("D-{n:04}"),
        name: format!("Deltager {n}"),
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

/// A strategy with one goal and one indicator, for targets.
fn set_up_strategy(s: &mut Store) -> IndicatorId {
    let sid = StrategyId::new(1_700_000_000_000, [1; 10]);
    let gid = GoalId::new(1_700_000_000_000, [2; 10]);
    let ind = IndicatorId::new(1_700_000_000_000, [3; 10]);
    s.write(t0(), &audit("strategy.load"), |tx| {
        tx.insert_strategy(&indsats_core::model::Strategy {
            id: sid,
            key: "test".into(),
            municipality: "Ballerup".into(),
            title: "Test".into(),
            vision: String::new(),
            period_start: 2026,
            period_end: 2029,
        })?;
        tx.insert_goal(&Goal {
            id: gid,
            strategy: sid,
            key: "g".into(),
            position: 1,
            title: "Mål".into(),
            title_en: "Goal".into(),
            description: String::new(),
        })?;
        tx.insert_indicator(&Indicator {
            id: ind,
            goal: gid,
            key: "i".into(),
            name: "Indikator".into(),
            name_en: "Indicator".into(),
            definition: String::new(),
            unit: Unit::Percent,
            direction: Direction::Up,
            measure: Measure::Manual,
            baseline: None,
            baseline_year: None,
            source: String::new(),
            targets: Vec::new(),
        })
    })
    .unwrap();
    ind
}

fn event(n: u8, p: ParticipantId, details: EventDetails) -> ProgressEvent {
    ProgressEvent {
        id: EventId::new(1_700_000_100_000, [n; 10]),
        participant: p,
        date: day(2026, 3, 1),
        details,
        recorded_by: "kbh".into(),
        recorded_at: t0(),
    }
}

/// The changes of `from` that `to` has not applied yet.
fn pending(from: &Store, to: &Store) -> Vec<RemoteChange> {
    let after = to.peer(from.device()).unwrap().map_or(0, |(n, _)| n);
    from.read().own_changes(after, u32::MAX).unwrap()
}

fn sync(from: &Store, to: &mut Store, now: DateTime<Utc>) -> MergeReport {
    let changes = pending(from, to);
    let bundle = format!("{}-{}", from.device(), changes.last().map_or(0, |c| c.seq));
    to.merge(now, &audit("sync.apply"), from.device(), &bundle, &changes, &Authority::Lead).unwrap()
}

fn facts_of(s: &Store) -> Vec<indsats_core::facts::Facts> {
    let mut out = Vec::new();
    s.read().for_each_raw_case(|c| out.push(c.decode().unwrap().facts)).unwrap();
    out
}

fn title_of(s: &Store, id: InitiativeId) -> String {
    s.read().initiative(id).unwrap().title
}

fn edit_title(s: &mut Store, id: InitiativeId, title: &str, now: DateTime<Utc>) {
    s.write(now, &audit("initiative.update"), |tx| {
        let mut i = tx.read().initiative(id)?;
        i.title = title.into();
        tx.update_initiative(&i)
    })
    .unwrap();
}

struct Three {
    _dirs: Vec<tempfile::TempDir>,
    a: Store,
    b: Store,
    lead: Store,
}

fn three() -> Three {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = create(dirs[0].path(), "device-a");
    let b = create(dirs[1].path(), "device-b");
    let lead = create(dirs[2].path(), "device-lead");
    Three { _dirs: dirs, a, b, lead }
}

#[test]
fn another_laptop_s_initiative_arrives_with_its_fields() {
    let mut t = three();
    t.a.write(t0(), &audit("initiative.add"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let r = sync(&t.a, &mut t.lead, t0());
    assert_eq!((r.changes, r.applied, r.conflicts, r.skew_ms), (1, 1, 0, None));
    assert_eq!(t.lead.read().initiative(initiative(1).id).unwrap(), initiative(1));
    assert_eq!(t.lead.peer("device-a").unwrap().map(|(n, _)| n), Some(1));
    // Nothing new: an empty run changes nothing.
    assert_eq!(sync(&t.a, &mut t.lead, t0()).changes, 0);
    // The lead's own change log is untouched: it would push nothing.
    assert!(t.lead.read().own_changes(0, 100).unwrap().is_empty());
}

#[test]
fn concurrent_edits_of_a_field_converge_and_the_loser_s_laptop_gets_a_conflict() {
    let mut t = three();
    t.lead.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    sync(&t.lead, &mut t.a, t0());
    sync(&t.lead, &mut t.b, t0());
    let id = initiative(1).id;
    // Offline, both edit the title; b later by the wall clock.
    edit_title(&mut t.a, id, "Praktik i Ballerup", t0() + Duration::minutes(1));
    edit_title(&mut t.b, id, "Virksomhedspraktik", t0() + Duration::minutes(2));
    let to_b = sync(&t.a, &mut t.b, t0() + Duration::minutes(3));
    let to_a = sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    assert_eq!(title_of(&t.a, id), "Virksomhedspraktik");
    assert_eq!(title_of(&t.b, id), "Virksomhedspraktik");
    assert_eq!((to_b.conflicts, to_a.conflicts), (0, 1), "only a's own edit lost");
    let c = t.a.conflicts(true).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].kind, c[0].table.as_str(), c[0].field.as_deref()), (ConflictKind::Field, "initiative", Some("title")));
    assert_eq!(c[0].mine.as_deref(), Some("\"Praktik i Ballerup\""));
    assert_eq!(c[0].theirs.as_deref(), Some("\"Virksomhedspraktik\""));
    assert_eq!(c[0].theirs_device, "device-b");
    assert_eq!(c[0].mine_at, t0() + Duration::minutes(1));
    assert_eq!(c[0].theirs_at, t0() + Duration::minutes(2));
    assert!(t.b.conflicts(true).unwrap().is_empty());
    // The lead gets both, in either order, and holds the same.
    sync(&t.b, &mut t.lead, t0() + Duration::minutes(4));
    sync(&t.a, &mut t.lead, t0() + Duration::minutes(4));
    assert_eq!(t.lead.synced_rows().unwrap(), t.a.synced_rows().unwrap());
    assert_eq!(t.lead.synced_rows().unwrap(), t.b.synced_rows().unwrap());
    assert!(t.lead.conflicts(false).unwrap().is_empty(), "the lead made neither edit");
}

#[test]
fn an_edit_made_after_seeing_the_other_is_not_a_conflict() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let id = initiative(1).id;
    edit_title(&mut t.a, id, "Første udgave", t0() + Duration::minutes(1));
    sync(&t.a, &mut t.b, t0() + Duration::minutes(2));
    // b's wall clock is behind a's: the clock b took in from a still orders its edit after.
    edit_title(&mut t.b, id, "Anden udgave", t0() - Duration::hours(1));
    let r = sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    assert_eq!((r.applied, r.conflicts), (1, 0));
    assert_eq!(title_of(&t.a, id), "Anden udgave");
}

#[test]
fn settling_a_conflict_with_mine_wins_everywhere_without_a_new_conflict() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    sync(&t.a, &mut t.b, t0());
    let id = initiative(1).id;
    edit_title(&mut t.a, id, "A", t0() + Duration::minutes(1));
    edit_title(&mut t.b, id, "B", t0() + Duration::minutes(2));
    sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    let c = t.a.conflicts(true).unwrap().remove(0);
    t.a.write(t0() + Duration::minutes(4), &audit("conflict.resolve"), |tx| tx.resolve_conflict(c.id, &Resolution::Mine, "unused"))
        .unwrap();
    assert_eq!(title_of(&t.a, id), "A");
    assert!(t.a.conflicts(true).unwrap().is_empty());
    assert_eq!(t.a.conflicts(false).unwrap()[0].resolution.as_deref(), Some("mine"));
    let r = sync(&t.a, &mut t.b, t0() + Duration::minutes(5));
    assert_eq!(r.conflicts, 0);
    assert_eq!(title_of(&t.b, id), "A");
    // A conflict is settled once.
    let again =
        t.a.write(t0() + Duration::minutes(6), &audit("conflict.resolve"), |tx| tx.resolve_conflict(c.id, &Resolution::Theirs, "x"));
    assert!(matches!(again, Err(StoreError::ConflictClosed { .. })));
}

#[test]
fn an_edit_against_a_concurrent_delete_is_a_conflict_and_the_delete_wins() {
    let mut t = three();
    let p = participant(1, None);
    let enrolment = Enrolment {
        id: EnrolmentId::new(1_700_000_200_000, [7; 10]),
        participant: p.id,
        initiative: initiative(1).id,
        start: day(2026, 2, 1),
        end: None,
        outcome: None,
    };
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_initiative(&initiative(1))?;
        tx.insert_participant(&p)?;
        tx.insert_enrolment(&enrolment)
    })
    .unwrap();
    sync(&t.a, &mut t.b, t0());
    // a ends the enrolment while b deletes it as registered in error, even a minute before.
    t.a.write(t0() + Duration::minutes(2), &audit("x"), |tx| tx.end_enrolment(enrolment.id, day(2026, 6, 1), EnrolmentOutcome::Completed))
        .unwrap();
    t.b.write(t0() + Duration::minutes(1), &audit("x"), |tx| tx.delete_enrolment(enrolment.id)).unwrap();
    let to_a = sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    let to_b = sync(&t.a, &mut t.b, t0() + Duration::minutes(3));
    assert!(t.a.read().enrolment(enrolment.id).is_err());
    assert!(t.b.read().enrolment(enrolment.id).is_err());
    assert_eq!((to_a.conflicts, to_b.conflicts), (1, 0));
    let c = t.a.conflicts(true).unwrap().remove(0);
    assert_eq!(c.kind, ConflictKind::Deleted);
    assert!(c.mine.as_deref().unwrap().contains("\"outcome\":\"completed\""), "{:?}", c.mine);
    assert_eq!(c.theirs, None);
    // Keeping mine registers the enrolment again, as it was, under a new id.
    let new_id = EnrolmentId::new(1_700_000_300_000, [8; 10]);
    t.a.write(t0() + Duration::minutes(4), &audit("x"), |tx| tx.resolve_conflict(c.id, &Resolution::Mine, &new_id.to_string())).unwrap();
    let back = t.a.read().enrolment(new_id).unwrap();
    assert_eq!((back.end, back.outcome), (Some(day(2026, 6, 1)), Some(EnrolmentOutcome::Completed)));
    sync(&t.a, &mut t.b, t0() + Duration::minutes(5));
    assert_eq!(t.a.synced_rows().unwrap(), t.b.synced_rows().unwrap());
}

#[test]
fn a_deleted_event_leaves_the_participant_s_facts_on_every_laptop() {
    let mut t = three();
    let p = participant(1, None);
    let e = event(1, p.id, EventDetails::EmploymentStarted { kind: indsats_core::event::EmploymentKind::Ordinary, hours_per_week: 37.0 });
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_participant(&p)?;
        tx.insert_event(&e)
    })
    .unwrap();
    sync(&t.a, &mut t.lead, t0());
    let cases = |s: &Store| facts_of(s);
    assert_eq!(cases(&t.lead), cases(&t.a));
    assert!(cases(&t.lead)[0].last.is_some(), "the lead's facts have the job");
    t.a.write(t0() + Duration::minutes(1), &audit("event.delete"), |tx| tx.delete_event(e.id)).unwrap();
    sync(&t.a, &mut t.lead, t0() + Duration::minutes(2));
    assert!(t.lead.read().events_of_participant(p.id).unwrap().is_empty());
    assert_eq!(cases(&t.lead), cases(&t.a));
    assert!(cases(&t.lead)[0].last.is_none(), "the job is gone from the facts too");
}

#[test]
fn two_laptops_registering_one_cpr_keep_it_on_the_earlier_registration_everywhere() {
    let mut t = three();
    let cpr = "0101901234";
    let mine = participant(1, Some(cpr));
    let theirs = participant(2, Some(cpr));
    t.a.write(t0() + Duration::minutes(1), &audit("x"), |tx| tx.insert_participant(&mine)).unwrap();
    t.b.write(t0(), &audit("x"), |tx| tx.insert_participant(&theirs)).unwrap();
    let to_a = sync(&t.b, &mut t.a, t0() + Duration::minutes(2));
    let to_b = sync(&t.a, &mut t.b, t0() + Duration::minutes(2));
    assert_eq!((to_a.conflicts, to_b.conflicts), (1, 1), "each laptop registered one of the two");
    for s in [&t.a, &t.b] {
        assert_eq!(s.read().participant_by_cpr(cpr).unwrap(), Some(theirs.id), "b registered first");
        assert_eq!(s.read().participant(mine.id).unwrap().cpr, None);
    }
    assert_eq!(t.a.synced_rows().unwrap(), t.b.synced_rows().unwrap());
    let c = t.a.conflicts(true).unwrap().remove(0);
    assert_eq!((c.kind, c.mine.as_deref(), c.theirs.as_deref()), (ConflictKind::DuplicateCpr, Some("\"D-0001\""), Some("\"D-0002\"")));
}

#[test]
fn an_edit_that_arrives_before_its_row_is_laid_over_the_row_when_it_comes() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    sync(&t.a, &mut t.b, t0());
    edit_title(&mut t.b, initiative(1).id, "Rettet af b", t0() + Duration::minutes(1));
    // The lead hears from b first: b's edit of a row it does not have yet.
    let first = sync(&t.b, &mut t.lead, t0() + Duration::minutes(2));
    assert_eq!((first.changes, first.applied), (1, 0));
    sync(&t.a, &mut t.lead, t0() + Duration::minutes(2));
    assert_eq!(title_of(&t.lead, initiative(1).id), "Rettet af b");
    sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    assert_eq!(t.lead.synced_rows().unwrap(), t.a.synced_rows().unwrap());
}

#[test]
fn targets_set_on_two_laptops_meet_in_one_row() {
    let mut t = three();
    let ind = set_up_strategy(&mut t.lead);
    sync(&t.lead, &mut t.a, t0());
    sync(&t.lead, &mut t.b, t0());
    let set = |s: &mut Store, v: f64, at: DateTime<Utc>| {
        s.write(at, &audit("x"), |tx| tx.set_target(ind, &YearTarget { year: 2027, value: v, illustrative: false })).unwrap();
    };
    set(&mut t.a, 40.0, t0() + Duration::minutes(1));
    set(&mut t.b, 45.0, t0() + Duration::minutes(2));
    sync(&t.a, &mut t.b, t0() + Duration::minutes(3));
    let r = sync(&t.b, &mut t.a, t0() + Duration::minutes(3));
    assert_eq!(r.conflicts, 1, "a's 40 lost to b's 45");
    assert_eq!(t.a.synced_rows().unwrap(), t.b.synced_rows().unwrap());
    assert!(t.a.synced_rows().unwrap().iter().any(|(tbl, _, row)| tbl == "indicator_target" && row.contains("\"value\":45.0")));
}

#[test]
fn a_run_after_a_gap_or_a_replay_is_refused_and_changes_nothing() {
    let mut t = three();
    for n in 1..=3 {
        t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(n))).unwrap();
    }
    let all = pending(&t.a, &t.lead);
    let before = t.lead.synced_rows().unwrap();
    let gap = t.lead.merge(t0(), &audit("sync.apply"), "device-a", "x", &all[1..], &Authority::Lead);
    assert!(matches!(gap, Err(StoreError::OutOfOrder { applied: 0, from: 2, .. })), "{gap:?}");
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "b1", &all[..1], &Authority::Lead).unwrap();
    let replay = t.lead.merge(t0(), &audit("sync.apply"), "device-a", "b1", &all[..1], &Authority::Lead);
    assert!(matches!(replay, Err(StoreError::OutOfOrder { applied: 1, from: 1, .. })));
    let mut holes = all[1..].to_vec();
    holes.remove(0);
    holes.insert(0, all[1].clone());
    holes[1].seq = 4;
    assert!(matches!(t.lead.merge(t0(), &audit("x"), "device-a", "x", &holes, &Authority::Lead), Err(StoreError::BadChange { .. })));
    assert_eq!(t.lead.synced_rows().unwrap().len(), before.len() + 1);
    assert_eq!(t.lead.peer("device-a").unwrap().map(|(n, _)| n), Some(1));
}

#[test]
fn a_change_naming_an_unknown_table_or_field_is_refused_and_changes_nothing() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let good = pending(&t.a, &t.lead);
    for (table, op, field, value) in [
        ("audit_log", "insert", None, Some("{}")),
        ("initiative", "update", Some("id"), Some("\"x\"")),
        ("initiative", "update", Some("title; DROP TABLE participant"), Some("\"x\"")),
        ("initiative", "insert", None, Some("{\"owner\":\"x\",\"secret\":1}")),
        ("initiative", "insert", None, Some("not json")),
        ("initiative", "frobnicate", None, None),
    ] {
        let mut bad = good.clone();
        bad.push(RemoteChange {
            seq: 2,
            hlc: 1,
            table: table.into(),
            row_id: "r".into(),
            op: op.into(),
            field: field.map(Into::into),
            value: value.map(Into::into),
            base: None,
        });
        let r = t.lead.merge(t0(), &audit("x"), "device-a", "x", &bad, &Authority::Lead);
        assert!(matches!(r, Err(StoreError::BadChange { .. })), "{table} {op} {field:?}: {r:?}");
        assert!(t.lead.synced_rows().unwrap().is_empty());
        assert_eq!(t.lead.peer("device-a").unwrap(), None);
    }
    // This laptop's own changes coming back are refused too.
    let own = t.a.merge(t0(), &audit("x"), "device-a", "x", &good, &Authority::Lead);
    assert!(matches!(own, Err(StoreError::BadChange { .. })));
}

#[test]
fn a_clock_far_ahead_is_accepted_with_the_skew_reported() {
    let mut t = three();
    t.a.write(t0() + Duration::days(3), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let r = sync(&t.a, &mut t.lead, t0());
    assert_eq!(r.applied, 1);
    assert_eq!(r.skew_ms, Some(3 * 24 * 3_600_000));
    // The lead's next edit is ordered after a's, so it wins.
    edit_title(&mut t.lead, initiative(1).id, "Rettet", t0() + Duration::minutes(1));
    sync(&t.lead, &mut t.a, t0() + Duration::minutes(1));
    assert_eq!(title_of(&t.a, initiative(1).id), "Rettet");
}

// ---- Three replicas, random schedules -----------------------------------------------------

#[derive(Debug, Clone)]
enum Step {
    /// Replica edits an initiative's title (to one of a few values, so equal values happen).
    Title(usize, u8, u8),
    /// Replica edits an initiative's capacity.
    Capacity(usize, u8, u8),
    /// Replica sets a target (a deterministic id: concurrent inserts of one row).
    Target(usize, u8),
    /// Replica records an event for the shared participant.
    Event(usize),
    /// Replica deletes the newest event it has.
    DeleteEvent(usize),
    /// `to` applies everything new from `from`.
    Sync(usize, usize),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, 0..3u8, 0..4u8).prop_map(|(r, i, v)| Step::Title(r, i, v)),
        2 => (0..3usize, 0..3u8, 0..4u8).prop_map(|(r, i, v)| Step::Capacity(r, i, v)),
        1 => (0..3usize, 0..4u8).prop_map(|(r, v)| Step::Target(r, v)),
        1 => (0..3usize).prop_map(Step::Event),
        1 => (0..3usize).prop_map(Step::DeleteEvent),
        4 => (0..3usize, 0..3usize).prop_filter("another replica", |(a, b)| a != b).prop_map(|(a, b)| Step::Sync(a, b)),
    ]
}

fn replica(stores: &mut [Store], i: usize) -> &mut Store {
    &mut stores[i]
}

fn sync_pair(stores: &mut [Store], from: usize, to: usize, now: DateTime<Utc>) {
    let changes = pending(&stores[from], &stores[to]);
    if changes.is_empty() {
        return;
    }
    let device = stores[from].device().to_string();
    stores[to].merge(now, &audit("sync.apply"), &device, "b", &changes, &Authority::Lead).unwrap();
}

fn run_schedule(steps: &[Step], skews: [i64; 3]) -> Result<(), TestCaseError> {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let names = ["caseworker-1", "caseworker-2", "teamlead"];
    let mut stores: Vec<Store> = dirs.iter().zip(names).map(|(d, n)| create(d.path(), n)).collect();
    let p = participant(1, None);
    // The team lead sets up the shared rows and everyone has them before going offline.
    let ind = set_up_strategy(&mut stores[2]);
    stores[2]
        .write(t0(), &audit("x"), |tx| {
            for n in 0..3 {
                tx.insert_initiative(&initiative(n))?;
            }
            tx.insert_participant(&p)
        })
        .unwrap();
    sync_pair(&mut stores, 2, 0, t0());
    sync_pair(&mut stores, 2, 1, t0());
    let titles = ["Praktik", "Virksomhedspraktik", "Praktik i Ballerup", "Sprogpraktik"];
    for (k, s) in steps.iter().enumerate() {
        let at = |r: usize| t0() + Duration::seconds(k as i64 + 1) + Duration::seconds(skews[r]);
        match *s {
            Step::Title(r, i, v) => {
                let id = initiative(i).id;
                edit_title(replica(&mut stores, r), id, titles[usize::from(v)], at(r));
            }
            Step::Capacity(r, i, v) => {
                let id = initiative(i).id;
                replica(&mut stores, r)
                    .write(at(r), &audit("x"), |tx| {
                        let mut x = tx.read().initiative(id)?;
                        x.capacity = Some(10 + u32::from(v));
                        tx.update_initiative(&x)
                    })
                    .unwrap();
            }
            Step::Target(r, v) => {
                replica(&mut stores, r)
                    .write(at(r), &audit("x"), |tx| {
                        tx.set_target(ind, &YearTarget { year: 2027, value: 40.0 + f64::from(v), illustrative: false })
                    })
                    .unwrap();
            }
            Step::Event(r) => {
                let mut e = event(k as u8, p.id, EventDetails::MeetingHeld {});
                e.id = EventId::new(1_700_000_100_000 + k as u64, [r as u8; 10]);
                replica(&mut stores, r).write(at(r), &audit("x"), |tx| tx.insert_event(&e)).unwrap();
            }
            Step::DeleteEvent(r) => {
                let newest = stores[r].read().events_of_participant(p.id).unwrap().pop();
                if let Some(e) = newest {
                    replica(&mut stores, r).write(at(r), &audit("x"), |tx| tx.delete_event(e.id).map(|_| ())).unwrap();
                }
            }
            Step::Sync(from, to) => sync_pair(&mut stores, from, to, at(to)),
        }
    }
    // Everyone online at last: every pair syncs until nothing is new.
    let end = t0() + Duration::hours(1);
    for _ in 0..2 {
        for from in 0..3 {
            for to in 0..3 {
                if from != to {
                    sync_pair(&mut stores, from, to, end);
                }
            }
        }
    }
    let rows = stores[0].synced_rows().unwrap();
    prop_assert_eq!(&rows, &stores[1].synced_rows().unwrap());
    prop_assert_eq!(&rows, &stores[2].synced_rows().unwrap());
    prop_assert_eq!(facts_of(&stores[0]), facts_of(&stores[2]));

    // Nothing lost without a person seeing it: every edit that is not the field's final value
    // was replaced on its own laptop by a later edit there, or by an edit made after seeing it,
    // or is in that laptop's conflicts inbox.
    let log: Vec<(usize, ChangeRow)> =
        (0..3).flat_map(|i| stores[i].read().own_changes(0, u32::MAX).unwrap().into_iter().map(move |c| (i, c))).collect();
    for (i, u) in log.iter().filter(|(_, c)| c.op == "update") {
        let final_row = rows.iter().find(|(t, id, _)| *t == u.table && *id == u.row_id).map(|(_, _, r)| r.clone());
        let Some(final_row) = final_row else { continue }; // deleted: a tombstone, not an edit
        let final_value: serde_json::Value =
            serde_json::from_str::<serde_json::Value>(&final_row).unwrap()[u.field.as_deref().unwrap()].clone();
        let mine: serde_json::Value = serde_json::from_str(u.value.as_deref().unwrap()).unwrap();
        if mine == final_value {
            continue;
        }
        let own_later = log.iter().any(|(j, c)| j == i && c.seq > u.seq && c.row_id == u.row_id && c.field == u.field);
        let seen_by = log.iter().any(|(_, c)| c.row_id == u.row_id && c.field == u.field && c.base == Some((u.hlc, names[*i].to_string())));
        // The same value written later elsewhere (later by (HLC, device), the merge's order): the
        // two agreed, and that write answers for both. (An insert writes every field: its row
        // holds the value.)
        let value_of = |c: &ChangeRow| -> Option<serde_json::Value> {
            let v: serde_json::Value = serde_json::from_str(c.value.as_deref()?).ok()?;
            if c.op == "insert" { v.get(u.field.as_deref()?).cloned() } else { Some(v) }
        };
        let agreed = log.iter().any(|(j, c)| {
            j != i
                && c.row_id == u.row_id
                && (c.field == u.field || c.op == "insert")
                && (c.hlc, names[*j]) > (u.hlc, names[*i])
                && value_of(c) == Some(mine.clone())
        });
        let in_inbox =
            stores[*i].conflicts(false).unwrap().iter().any(|c| c.row_id == u.row_id && c.mine_at.timestamp_millis() as u64 == u.hlc >> 16);
        prop_assert!(own_later || seen_by || agreed || in_inbox, "the edit {:?} of {} was lost unseen", u, names[*i]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn three_replicas_converge_over_random_schedules_and_no_edit_is_lost_unseen(
        steps in proptest::collection::vec(step(), 1..40),
        skews in [-30i64..30, -30i64..30, -30i64..30],
    ) {
        run_schedule(&steps, skews)?;
    }
}

#[test]
fn every_change_is_traced_to_its_case_s_caseworker_even_after_a_delete() {
    let mut t = three();
    let set = set_up_strategy(&mut t.a);
    let p = participant(1, None);
    let enrolment = Enrolment {
        id: EnrolmentId::new(1_700_000_200_000, [7; 10]),
        participant: p.id,
        initiative: initiative(1).id,
        start: day(2026, 2, 1),
        end: None,
        outcome: None,
    };
    let e = event(1, p.id, EventDetails::MeetingHeld {});
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_initiative(&initiative(1))?;
        tx.insert_participant(&p)?;
        tx.insert_enrolment(&enrolment)?;
        tx.insert_event(&e)
    })
    .unwrap();
    t.a.write(t0(), &audit("x"), |tx| {
        tx.end_enrolment(enrolment.id, day(2026, 6, 1), EnrolmentOutcome::Completed)?;
        tx.delete_event(e.id)?;
        tx.delete_enrolment(enrolment.id)
    })
    .unwrap();
    let r = t.a.read();
    let changes = r.own_changes(0, 1000).unwrap();
    let owners = r.case_owners(&changes).unwrap();
    let by_table: Vec<(&str, Option<&str>)> = changes.iter().zip(&owners).map(|(c, o)| (c.table.as_str(), o.as_deref())).collect();
    for (table, owner) in &by_table {
        match *table {
            "participant" | "enrolment" | "progress_event" => assert_eq!(*owner, Some("kbh"), "{table}"),
            _ => assert_eq!(*owner, None, "{table}"),
        }
    }
    // The deletes and the update of rows that are gone are traced through the change log.
    assert_eq!(by_table.iter().filter(|(t, _)| *t == "enrolment").count(), 4, "insert, end date, outcome, delete");
    assert_eq!(by_table.iter().filter(|(t, _)| *t == "progress_event").count(), 2);
    assert!(by_table.iter().any(|(t, _)| *t == "indicator"), "the team's rows are there too ({set})");
    // Only the changes themselves are read: a change of a case this store knows nothing of
    // goes to nobody's caseload.
    let mut stranger = changes.iter().find(|c| c.table == "progress_event").unwrap().clone();
    stranger.row_id = "unknown".into();
    stranger.op = "delete".into();
    assert_eq!(r.case_owners(&[stranger]).unwrap(), [Some(String::new())]);
}

#[test]
fn a_passed_bundle_moves_the_chain_on_and_changes_no_data() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let before = t.b.synced_rows().unwrap();
    assert!(matches!(t.b.pass(t0(), "device-a", "0123456789abcdef", 2, 3), Err(StoreError::OutOfOrder { .. })));
    t.b.pass(t0(), "device-a", "0123456789abcdef", 1, 3).unwrap();
    assert_eq!(t.b.peer("device-a").unwrap(), Some((3, "0123456789abcdef".to_string())));
    assert_eq!(t.b.synced_rows().unwrap(), before);
    assert!(matches!(t.b.pass(t0(), "device-a", "fedcba9876543210", 1, 3), Err(StoreError::OutOfOrder { .. })), "a replay");
    t.b.pass(t0(), "device-a", "fedcba9876543210", 4, 4).unwrap();
    assert_eq!(t.b.peer("device-a").unwrap(), Some((4, "fedcba9876543210".to_string())));
    // A merge must go on from there: the passed run is not merged again.
    let changes = t.a.read().own_changes(0, 10).unwrap();
    assert!(matches!(
        t.b.merge(t0(), &audit("sync.apply"), "device-a", "x", &changes, &Authority::Lead),
        Err(StoreError::OutOfOrder { applied: 4, .. })
    ));
    assert_eq!(t.b.synced_rows().unwrap(), before);
}

// ---- Write authority (docs/sync.md, "Who acts, and write authority") ------------------------

fn member(user: &str) -> Authority {
    Authority::Member { user: user.into() }
}

fn events_of(s: &Store, p: ParticipantId) -> usize {
    s.read().events_of_participant(p).unwrap().len()
}

#[test]
fn a_member_s_bundle_is_held_to_what_the_roster_lets_it_write() {
    let mut t = three();
    // a's caseworker is "kbh": her own new case, an event on it, and an initiative are hers to write.
    let p = participant(1, None);
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_initiative(&initiative(1))?;
        tx.insert_participant(&p)?;
        tx.insert_event(&event(1, p.id, EventDetails::MeetingHeld {}))
    })
    .unwrap();
    let mine = pending(&t.a, &t.lead);
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a1", &mine, &member("kbh")).unwrap();
    assert_eq!(events_of(&t.lead, p.id), 1);

    // b's user "bo" records an event on kbh's case: refused whole, nothing applied, b's chain waits.
    t.b.merge(t0(), &audit("sync.apply"), "device-a", "a1", &mine, &Authority::Lead).unwrap();
    t.b.write(t0() + Duration::minutes(1), &audit("x"), |tx| tx.insert_event(&event(2, p.id, EventDetails::MeetingHeld {}))).unwrap();
    let theirs = pending(&t.b, &t.lead);
    let r = t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &theirs, &member("bo"));
    assert!(matches!(&r, Err(StoreError::NotAuthorised { device, .. }) if device == "device-b"), "{r:?}");
    assert!(r.unwrap_err().message(indsats_core::Lang::Da).contains("Teamlederen"));
    assert_eq!(events_of(&t.lead, p.id), 1);
    assert_eq!(t.lead.peer("device-b").unwrap(), None);
    // The same bundle from a lead's device is applied: it is the authority, not the content.
    t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &theirs, &Authority::Lead).unwrap();
    assert_eq!(events_of(&t.lead, p.id), 2);

    // Nor may a member register a case into another caseload, or write the strategy's rows.
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut c = create(dirs[0].path(), "device-c");
    let mut lead2 = create(dirs[1].path(), "device-lead2");
    c.write(t0(), &audit("x"), |tx| tx.insert_participant(&participant(2, None))).unwrap();
    let r = lead2.merge(t0(), &audit("sync.apply"), "device-c", "c1", &pending(&c, &lead2), &member("bo"));
    assert!(matches!(r, Err(StoreError::NotAuthorised { .. })), "{r:?}");
    let dirs2: Vec<_> = (0..1).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut d = create(dirs2[0].path(), "device-d");
    set_up_strategy(&mut d);
    let r = lead2.merge(t0(), &audit("sync.apply"), "device-d", "d1", &pending(&d, &lead2), &member("kbh"));
    assert!(matches!(r, Err(StoreError::NotAuthorised { .. })), "{r:?}");
    assert!(lead2.synced_rows().unwrap().is_empty(), "nothing of either refused bundle is applied");
    // The strategy every laptop loads at set-up, with the same ids and content, is no write of
    // the strategy: a member's copy of it is taken as known, and changes nothing.
    set_up_strategy(&mut lead2);
    let before = lead2.synced_rows().unwrap();
    lead2.merge(t0(), &audit("sync.apply"), "device-d", "d1", &pending(&d, &lead2), &member("kbh")).unwrap();
    assert_eq!(lead2.synced_rows().unwrap(), before);
    assert_eq!(lead2.peer("device-d").unwrap().map(|(n, _)| n), Some(3));
}

#[test]
fn a_case_handed_over_still_takes_its_former_caseworker_s_offline_edits() {
    let mut t = three();
    let p = participant(1, None);
    t.a.write(t0(), &audit("x"), |tx| tx.insert_participant(&p)).unwrap();
    let first = pending(&t.a, &t.lead);
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a1", &first, &member("kbh")).unwrap();
    // Another lead's device moves the case to "bo" while kbh, offline, still records a conversation.
    let handover = RemoteChange {
        seq: 1,
        hlc: first[0].hlc + 10,
        table: "participant".into(),
        row_id: p.id.to_string(),
        op: "update".into(),
        field: Some("caseworker".into()),
        value: Some("\"bo\"".into()),
        base: None,
    };
    t.lead.merge(t0(), &audit("sync.apply"), "device-lead2", "l1", &[handover], &Authority::Lead).unwrap();
    assert_eq!(t.lead.read().participant(p.id).unwrap().caseworker, "bo");
    t.a.write(t0() + Duration::minutes(5), &audit("x"), |tx| tx.insert_event(&event(1, p.id, EventDetails::MeetingHeld {}))).unwrap();
    let later = pending(&t.a, &t.lead);
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a2", &later, &member("kbh")).unwrap();
    assert_eq!(events_of(&t.lead, p.id), 1, "the former caseworker's offline edit lands");
    // Someone who never had the case is still refused.
    let mut theirs = later.clone();
    theirs[0].seq = 1;
    let r = t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &theirs, &member("zed"));
    assert!(matches!(r, Err(StoreError::NotAuthorised { .. })), "{r:?}");
}

#[test]
fn a_bundle_that_cannot_be_applied_is_refused_as_the_sender_s_not_this_laptop_s() {
    let mut t = three();
    t.a.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(1))).unwrap();
    let good = pending(&t.a, &t.lead);
    let p = participant(1, None);
    let wrong = |table: &str, op: &str, row: &str, field: Option<&str>, value: &str, hlc: u64| RemoteChange {
        seq: 2,
        hlc,
        table: table.into(),
        row_id: row.into(),
        op: op.into(),
        field: field.map(Into::into),
        value: Some(value.into()),
        base: None,
    };
    let hlc = good[0].hlc + 1;
    let details = serde_json::json!({
        "participant_id": p.id.to_string(), "date": "2026-03-01", "type": "meeting_held",
        "details": "{not json", "recorded_by": "kbh", "recorded_at": "2026-11-24T09:00:00Z"
    });
    let far = indsats_core::hlc::HlcTimestamp::new((t0() + Duration::days(400)).timestamp_millis() as u64, 0).0;
    for (what, change) in [
        ("a text where a number belongs", wrong("initiative", "update", &initiative(1).id.to_string(), Some("capacity"), "\"mange\"", hlc)),
        ("event details that do not read", wrong("progress_event", "insert", "e1", None, &details.to_string(), hlc)),
        ("a clock 400 days ahead", wrong("initiative", "update", &initiative(1).id.to_string(), Some("title"), "\"x\"", far)),
        ("a clock beyond 2^63", wrong("initiative", "update", &initiative(1).id.to_string(), Some("title"), "\"x\"", u64::MAX)),
    ] {
        let mut bundle = good.clone();
        bundle.push(change);
        let dir = tempfile::tempdir().unwrap();
        let mut lead = create(dir.path(), "device-l");
        // The event's case is the lead's to know for the details case.
        lead.write(t0(), &audit("x"), |tx| tx.insert_participant(&p)).unwrap();
        let r = lead.merge(t0(), &audit("sync.apply"), "device-a", "x", &bundle, &Authority::Lead);
        assert!(matches!(r, Err(StoreError::BadChange { .. })), "{what}: {r:?}");
        assert_eq!(lead.peer("device-a").unwrap(), None, "{what}: nothing applied");
        assert!(lead.read().initiative(initiative(1).id).is_err(), "{what}: not even the good change before it");
    }
    // The good part alone still merges.
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "x", &good, &Authority::Lead).unwrap();
}

#[test]
fn a_correction_belongs_to_its_case_goes_to_its_caseworker_and_is_written_only_by_them() {
    let mut t = three();
    let p = participant(1, None);
    let e = event(1, p.id, EventDetails::MeetingHeld {});
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_participant(&p)?;
        tx.insert_event(&e)
    })
    .unwrap();
    let first = pending(&t.a, &t.lead);
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a1", &first, &member("kbh")).unwrap();
    let correction = Correction {
        id: CorrectionId::new(1_700_000_300_000, [3; 10]),
        participant: p.id,
        target: CorrectionTarget::Event,
        target_id: e.id.to_string(),
        kind: CorrectionKind::Edit,
        changes: vec![FieldChange { field: "date".into(), from: Some("2026-03-01".into()), to: Some("2026-03-02".into()) }],
        reason: "tastefejl".into(),
        made_by: "kbh".into(),
        made_at: t0(),
    };
    let fixed = ProgressEvent { date: day(2026, 3, 2), ..e.clone() };
    t.a.write(t0() + Duration::minutes(1), &audit("event.edit"), |tx| {
        tx.update_event(&fixed)?;
        tx.insert_correction(&correction)
    })
    .unwrap();
    let later = pending(&t.a, &t.lead);
    // Sync sends it to the case's caseworker (and the leads), like the case itself.
    let owners = t.a.read().case_owners(&later).unwrap();
    assert!(later.iter().any(|c| c.table == "correction"));
    assert!(owners.iter().all(|o| o.as_deref() == Some("kbh")), "{owners:?}");

    // Another caseworker's device may not write it, nor move a record to another case.
    let r = t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &renumbered(&later), &member("bo"));
    assert!(matches!(r, Err(StoreError::NotAuthorised { .. })), "{r:?}");
    let moved = RemoteChange {
        seq: 1,
        hlc: later[0].hlc + 10,
        table: "progress_event".into(),
        row_id: e.id.to_string(),
        op: "update".into(),
        field: Some("participant_id".into()),
        value: Some(format!("\"{}\"", participant(2, None).id)),
        base: None,
    };
    let r = t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &[moved], &member("kbh"));
    assert!(matches!(&r, Err(StoreError::NotAuthorised { detail, .. }) if detail.contains("moves progress_event")), "{r:?}");

    // Its caseworker's device may: the date and the correction beside it arrive together.
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a2", &later, &member("kbh")).unwrap();
    assert_eq!(t.lead.read().event(e.id).unwrap().date, day(2026, 3, 2));
    assert_eq!(t.lead.read().corrections_of_participant(p.id).unwrap(), [correction]);
}

/// `changes` as the first bundle of another device (its own sequence from 1).
fn renumbered(changes: &[RemoteChange]) -> Vec<RemoteChange> {
    changes.iter().enumerate().map(|(i, c)| RemoteChange { seq: i as u64 + 1, ..c.clone() }).collect()
}

#[test]
fn a_journal_note_goes_only_to_its_case_s_caseworker_and_only_they_write_it() {
    let mut t = three();
    let p = participant(1, None);
    t.a.write(t0(), &audit("x"), |tx| tx.insert_participant(&p)).unwrap();
    let first = pending(&t.a, &t.lead);
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a1", &first, &member("kbh")).unwrap();
    let note = JournalNote {
        id: NoteId::new(1_700_000_400_000, [4; 10]),
        participant: p.id,
        event: None,
        replaces: None,
        text: "Talte om praktik".into(),
        written_by: "kbh".into(),
        written_at: t0(),
    };
    t.a.write(t0() + Duration::minutes(1), &audit("note.write"), |tx| tx.insert_note(&note)).unwrap();
    let later = pending(&t.a, &t.lead);
    assert_eq!(t.a.read().case_owners(&later).unwrap(), [Some("kbh".to_string())]);
    let r = t.lead.merge(t0(), &audit("sync.apply"), "device-b", "b1", &renumbered(&later), &member("bo"));
    assert!(matches!(r, Err(StoreError::NotAuthorised { .. })), "{r:?}");
    t.lead.merge(t0(), &audit("sync.apply"), "device-a", "a2", &later, &member("kbh")).unwrap();
    assert_eq!(t.lead.read().notes_of_participant(p.id).unwrap(), [note]);
}

// ---- Carried history (docs/sync.md, "Handing a case over") ----------------------------------

fn carried_from(device: &str, changes: &[RemoteChange]) -> Vec<CarriedChange> {
    changes.iter().map(|c| CarriedChange { device: device.into(), change: c.clone() }).collect()
}

/// The sending device's own first change: the handover of `p` to `to`.
fn handover_change(p: ParticipantId, to: &str, hlc: u64) -> RemoteChange {
    RemoteChange {
        seq: 1,
        hlc,
        table: "participant".into(),
        row_id: p.to_string(),
        op: "update".into(),
        field: Some("caseworker".into()),
        value: Some(format!("{to:?}")),
        base: None,
    }
}

fn event_dates(s: &Store, p: ParticipantId) -> Vec<NaiveDate> {
    s.read().events_of_participant(p).unwrap().iter().map(|e| e.date).collect()
}

#[test]
fn a_carried_history_lands_under_its_own_device_and_never_outweighs_that_device_s_own_writes() {
    let mut t = three();
    // kbh's laptop (a) registers the case and a conversation; the lead hands it to bo.
    let p = participant(1, None);
    t.a.write(t0(), &audit("x"), |tx| {
        tx.insert_participant(&p)?;
        tx.insert_event(&event(1, p.id, EventDetails::MeetingHeld {}))
    })
    .unwrap();
    let history = pending(&t.a, &t.b);
    let hlc = history.last().unwrap().hlc + 10;
    let handover = vec![handover_change(p.id, "bo", hlc)];

    // bo's laptop (b) has never been able to read the case: the lead's handover carries it.
    let r = t
        .b
        .merge_carrying(t0(), &audit("sync.apply"), "device-lead", "l1", &handover, &carried_from("device-a", &history), &Authority::Lead)
        .unwrap();
    assert!(r.applied >= 3, "{r:?}");
    assert_eq!(t.b.read().participant(p.id).unwrap().caseworker, "bo");
    assert_eq!(event_dates(&t.b, p.id), [day(2026, 3, 1)]);
    assert_eq!(t.b.peer("device-a").unwrap(), None, "carried changes do not move their device's chain");
    // a's own bundle, when b sees it later, is the same writes: skipped, and a's chain goes on.
    let before = t.b.synced_rows().unwrap();
    t.b.merge(t0(), &audit("sync.apply"), "device-a", "a1", &history, &member("kbh")).unwrap();
    assert_eq!(t.b.synced_rows().unwrap(), before);
    assert_eq!(t.b.peer("device-a").unwrap().map(|(n, _)| n), Some(history.len() as u64));

    // A device whose user never had the case may not carry it; nor may anyone carry the
    // strategy's or an initiative's rows, or claim its own chain's changes as carried.
    let mut initiative_store = create(tempfile::tempdir().unwrap().path(), "device-i");
    initiative_store.write(t0(), &audit("x"), |tx| tx.insert_initiative(&initiative(9))).unwrap();
    let strategy_rows = initiative_store.read().own_changes(0, 10).unwrap();
    let mut own_as_carried = history.clone();
    own_as_carried.iter_mut().for_each(|c| c.seq += 5);
    for (what, sender, authority, carried, refused_as_bad) in [
        ("a case zed never had", "device-z", member("zed"), carried_from("device-a", &history), false),
        ("an initiative's rows", "device-lead", Authority::Lead, carried_from("device-i", &strategy_rows), false),
        ("the sender's own chain", "device-lead", Authority::Lead, carried_from("device-lead", &own_as_carried), true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut c = create(dir.path(), "device-c");
        let r = c.merge_carrying(t0(), &audit("sync.apply"), sender, "x1", &handover, &carried, &authority);
        match r {
            Err(StoreError::NotAuthorised { device, .. }) if !refused_as_bad => assert_eq!(device, sender, "{what}"),
            Err(StoreError::BadChange { device, .. }) if refused_as_bad => assert_eq!(device, sender, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
        assert!(c.synced_rows().unwrap().is_empty(), "{what}: nothing applied");
        assert_eq!(c.peer(sender).unwrap(), None, "{what}: the sender's chain waits");
    }

    // kbh's other laptop (k) may carry the case (kbh is its caseworker), but what it carries of
    // a's writes is a's to say: a forged copy of a's event (another date) lands only until a's
    // own bundle comes, and then a's write wins, with a's chain going on.
    let mut forged = history.clone();
    for c in forged.iter_mut().filter(|c| c.table == "progress_event") {
        c.value = c.value.as_ref().map(|v| v.replace("2026-03-01", "2026-01-15"));
    }
    assert_ne!(forged, history, "the forgery changes the event");
    let dir = tempfile::tempdir().unwrap();
    let mut d = create(dir.path(), "device-d");
    d.merge_carrying(t0(), &audit("sync.apply"), "device-k", "k1", &handover, &carried_from("device-a", &forged), &member("kbh")).unwrap();
    assert_eq!(event_dates(&d, p.id), [day(2026, 1, 15)]);
    d.merge(t0(), &audit("sync.apply"), "device-a", "a1", &history, &member("kbh")).unwrap();
    assert_eq!(event_dates(&d, p.id), [day(2026, 3, 1)], "the device's own write wins over a carried copy");
    assert_eq!(d.read().participant(p.id).unwrap().caseworker, "bo", "the handover itself stands");
    assert_eq!(d.peer("device-a").unwrap().map(|(n, _)| n), Some(history.len() as u64));
    // Once a's own writes are held, a differing carried copy of them is refused, for the
    // carrying device's chain only.
    let mut handover2 = handover.clone();
    handover2[0].seq = 2;
    handover2[0].hlc += 1;
    let r = d.merge_carrying(t0(), &audit("sync.apply"), "device-k", "k2", &handover2, &carried_from("device-a", &forged), &member("kbh"));
    assert!(matches!(&r, Err(StoreError::BadChange { device, .. }) if device == "device-k"), "{r:?}");
    assert_eq!(event_dates(&d, p.id), [day(2026, 3, 1)]);
    assert_eq!(d.peer("device-k").unwrap().map(|(n, _)| n), Some(1));
}
