//! The management summary over the demo data: aggregates only, disclosure control, the
//! snapshot hash, roles and the audit trail.

use chrono::{NaiveDate, TimeZone, Utc};
use indsats_api::core::event::EventDetails;
use indsats_api::core::model::*;
use indsats_api::core::validate::Lang;
use indsats_api::demo::DemoOptions;
use indsats_api::*;

const PASS: &str = "correct horse battery";

fn clock() -> FixedClock {
    FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
}
fn user(name: &str, role: Role) -> User {
    User::new(name, role).unwrap()
}

fn demo_store(dir: &std::path::Path) {
    let mut s =
        Session::init(dir, PASS, StrategySource::Default, user("it", Role::Admin), Box::new(clock()), Some(1), KdfParams::FAST_INSECURE)
            .unwrap();
    s.generate_demo(&DemoOptions { participants: 400, seed: 7 }, &mut |_, _| true).unwrap();
}

fn lead(dir: &std::path::Path) -> Session {
    Session::unlock(dir, PASS, user("lead", Role::TeamLead), Box::new(clock()), Some(3)).unwrap()
}

#[test]
fn a_summary_holds_aggregates_only_and_hides_small_cells() {
    let dir = tempfile::tempdir().unwrap();
    demo_store(dir.path());
    let mut s = lead(dir.path());
    let summary = s.summary(Period::Year(2026), Lang::Da, 5).unwrap();
    assert_eq!(summary.goals.len(), 4);
    assert!(summary.goals.iter().all(|g| !g.indicators.is_empty()));
    assert!(!summary.by_initiative.rows.is_empty() && !summary.by_type.rows.is_empty());
    // Something was hidden in 400 participants' worth of initiatives, and something was shown.
    assert!(summary.suppressed.0 > 0, "{:?}", summary.suppressed);
    let published: Vec<f64> = summary.by_initiative.rows.iter().filter_map(|r| r.cells[0].value()).collect();
    assert!(!published.is_empty());
    // Counts of persons are never shown between 1 and 4, and a column whose total is shown never
    // hides exactly one (the total minus the others would give it away).
    for table in [&summary.by_initiative, &summary.by_type] {
        for (ci, col) in table.columns.iter().enumerate() {
            if matches!(col, summary::ResultColumn::Participants | summary::ResultColumn::Starts) {
                for r in &table.rows {
                    if let Cell::Value(v) = r.cells[ci] {
                        assert!(v == 0.0 || v >= 5.0, "{col:?} {} = {v}", r.label);
                    }
                }
            }
            let hidden = table.rows.iter().filter(|r| r.cells[ci] == Cell::Suppressed).count();
            if table.totals[ci] != Cell::Suppressed {
                assert_ne!(hidden, 1, "{col:?}: a single hidden cell could be worked out from the total");
            }
        }
    }
    // No name, pseudonym or CPR number of anyone in the store is in the summary.
    let people = s.participants(&ParticipantFilter { include_closed: true, ..Default::default() }, "test").unwrap();
    let text = format!("{summary:?}");
    for p in &people {
        assert!(!text.contains(&p.name), "{}", p.name);
        assert!(!text.contains(&p.pseudonym), "{}", p.pseudonym);
        if let Some(cpr) = &p.cpr {
            assert!(!text.contains(cpr.digits()));
        }
        assert!(!text.contains(&p.id.to_string()));
    }
    // Reproducible: the same data gives the same summary.
    assert_eq!(s.summary(Period::Year(2026), Lang::Da, 5).unwrap(), summary);
    // English names the goals in English.
    let en = s.summary(Period::Year(2026), Lang::En, 5).unwrap();
    assert_ne!(en.goals[0].title, summary.goals[0].title);
}

#[test]
fn the_snapshot_says_whether_the_data_changed() {
    let dir = tempfile::tempdir().unwrap();
    demo_store(dir.path());
    let mut s = lead(dir.path());
    let summary = s.summary(Period::Quarter { year: 2026, quarter: 3 }, Lang::En, 3).unwrap();
    let hash = summary.provenance.snapshot.clone();
    assert_eq!(hash.len(), 64);
    assert_eq!(s.verify_summary(&hash).unwrap(), (true, hash.clone()));
    // A report is not a change; an event is.
    s.summary(Period::Year(2026), Lang::Da, 5).unwrap();
    assert!(s.verify_summary(&hash).unwrap().0);
    let someone = s.participants(&ParticipantFilter::default(), "test").unwrap()[0].id;
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    s.record_progress(someone, day, EventDetails::Community { kind: indsats_api::core::event::CommunityKind::Volunteering }).unwrap();
    let (same, now) = s.verify_summary(&hash).unwrap();
    assert!(!same);
    assert_ne!(now, hash);
    // The snapshot covers what the numbers are computed from. A first meeting may move the
    // person onto the ladder; a second one changes only the latest contact, which counts for
    // the caseload and for no number of the summary.
    s.record_progress(someone, day, EventDetails::MeetingHeld {}).unwrap();
    let (_, assessed) = s.verify_summary(&now).unwrap();
    s.record_progress(someone, day.succ_opt().unwrap(), EventDetails::MeetingHeld {}).unwrap();
    assert_eq!(s.verify_summary(&assessed).unwrap(), (true, assessed.clone()));
}

#[test]
fn only_team_leads_and_admins_make_summaries_and_each_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    demo_store(dir.path());
    let mut cw = Session::unlock(dir.path(), PASS, user("kbh", Role::Caseworker), Box::new(clock()), Some(3)).unwrap();
    assert_eq!(cw.summary(Period::Year(2026), Lang::Da, 5).unwrap_err().code(), "forbidden");
    drop(cw);
    let mut s = lead(dir.path());
    let e = s.summary(Period::Year(2026), Lang::Da, 2).unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("out_of_range", Some("threshold")));
    let summary = s.summary(Period::Year(2026), Lang::Da, 5).unwrap();
    let log = s.audit_log(&AuditQuery::default()).unwrap();
    let made: Vec<_> = log.iter().filter(|r| r.action == "report.summary").collect();
    assert_eq!(made.len(), 1, "refused attempts are not summaries");
    assert!(made[0].detail.contains(&summary.provenance.snapshot));
    assert_eq!(made[0].user, "lead");
}

#[test]
fn the_overview_follows_every_write_here_and_in_another_process() {
    let dir = tempfile::tempdir().unwrap();
    demo_store(dir.path());
    let s = lead(dir.path());
    let community = |s: &Session| {
        let o = s.overview(Period::Year(2026), 60).unwrap();
        let all: Vec<_> = o.goals.into_iter().flat_map(|(_, _, i)| i).collect();
        all.into_iter().find(|i| i.indicator.measure == Measure::CommunityParticipation).unwrap().computed.numerator
    };
    let before = community(&s);
    assert_eq!(community(&s), before, "the same data, the same number");
    // Another process (here: another session on the same folder) registers community participation.
    let mut other = Session::unlock(dir.path(), PASS, user("kbh", Role::TeamLead), Box::new(clock()), Some(11)).unwrap();
    let people = other.participants(&ParticipantFilter::default(), "test").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let kind = indsats_api::core::event::CommunityKind::Volunteering;
    let fresh = people
        .iter()
        .find(|p| other.timeline(p.id, "test").unwrap().events.iter().all(|(e, _)| !matches!(e.details, EventDetails::Community { .. })))
        .unwrap()
        .id;
    other.record_progress(fresh, day, EventDetails::Community { kind }).unwrap();
    assert_eq!(community(&s), before + 1.0, "a write by another connection shows at once");
    drop(other);
    // And one through this session.
    let mut s = s;
    let second = people
        .iter()
        .filter(|p| p.id != fresh)
        .find(|p| s.timeline(p.id, "test").unwrap().events.iter().all(|(e, _)| !matches!(e.details, EventDetails::Community { .. })))
        .unwrap()
        .id;
    s.record_progress(second, day, EventDetails::Community { kind }).unwrap();
    assert_eq!(community(&s), before + 2.0);
}
