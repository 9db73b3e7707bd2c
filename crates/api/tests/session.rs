//! The Session against a real encrypted store: roles, audited reads, rules, the demo.

use chrono::{NaiveDate, TimeZone, Utc};
use indsats_api::core::event::{DanishCourse, EmploymentKind, EventDetails};
use indsats_api::core::model::*;
use indsats_api::demo::DemoOptions;
use indsats_api::*;
use indsats_api::{Period, Status};

const PASS: &str = "correct horse battery";

fn clock() -> FixedClock {
    FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn user(name: &str, role: Role) -> User {
    User::new(name, role).unwrap()
}

/// A new store owned by mette (an admin), and a session of hers acting with `role`.
fn init(dir: &std::path::Path, role: Role) -> Session {
    let s =
        Session::init(dir, PASS, StrategySource::Default, user("mette", Role::Admin), Box::new(clock()), Some(1), KdfParams::FAST_INSECURE)
            .unwrap();
    if role == Role::Admin {
        return s;
    }
    drop(s);
    as_role(dir, role)
}

/// mette again, acting with `role`.
fn as_role(dir: &std::path::Path, role: Role) -> Session {
    Session::unlock(dir, PASS, Ask::role(role), Box::new(clock()), Some(2)).unwrap()
}

fn person(name: &str) -> NewParticipant {
    NewParticipant {
        name: name.into(),
        cpr: None,
        birth_year: Some(1990),
        origin: Origin::NonWestern,
        arrival_date: Some(day(2021, 5, 1)),
        programme: ProgrammeKind::SelfSupport,
        programme_start: Some(day(2021, 6, 1)),
        programme_end: None,
        caseworker: None,
        not_a_duplicate: false,
    }
}

fn audit_actions(dir: &std::path::Path) -> Vec<(String, Option<String>, String)> {
    let mut lead = Session::unlock(dir, PASS, Ask::role(Role::TeamLead), Box::new(clock()), Some(9)).unwrap();
    lead.audit_log(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .filter(|r| r.action != "session.unlock")
        .map(|r| (r.action, r.subject, r.purpose))
        .collect()
}

#[test]
fn the_default_strategy_is_loaded_at_first_setup() {
    let dir = tempfile::tempdir().unwrap();
    let s = init(dir.path(), Role::Admin);
    let goals = s.goals().unwrap();
    assert_eq!(
        goals.iter().map(|g| g.goal.key.as_str()).collect::<Vec<_>>(),
        ["selvforsoergelse", "uddannelse", "inklusion", "demokrati-dansk"]
    );
    assert!(goals.iter().all(|g| !g.indicators.is_empty()));
    assert!(goals.iter().flat_map(|g| &g.indicators).flat_map(|i| &i.targets).all(|t| t.illustrative));
    assert_eq!(s.strategy().unwrap().unwrap().municipality, "Ballerup Kommune");
}

#[test]
fn a_bad_strategy_file_leaves_no_store_behind() {
    let dir = tempfile::tempdir().unwrap();
    let broken = DEFAULT_STRATEGY.replacen("title_en", "titel_en", 1);
    let err = Session::init(
        dir.path(),
        PASS,
        StrategySource::File(broken),
        user("a", Role::Admin),
        Box::new(clock()),
        None,
        KdfParams::FAST_INSECURE,
    )
    .unwrap_err();
    assert_eq!(err.class(), ErrorClass::BadInput);
    assert!(err.message(indsats_api::core::Lang::Da).contains("titel_en"));
    assert!(!indsats_api::is_initialised(dir.path()));
    init(dir.path(), Role::Admin);
}

#[test]
fn reads_of_a_person_and_searches_are_audited_with_purpose_and_aggregates_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let added = s.add_participant(person("Amina Haddad")).unwrap();
    let before = audit_actions(dir.path()).len();
    let hits = s.find_participants("amin", 10, "opfølgning").unwrap();
    assert_eq!(hits.len(), 1);
    let view = s.participant(added.id, "samtale").unwrap();
    assert_eq!(view.participant.name, "Amina Haddad");
    s.status(60).unwrap();
    s.goals().unwrap();
    let rows = audit_actions(dir.path());
    // Newest first: audit.read (the listing itself), participant.read, participant.search.
    let new: Vec<_> = rows[..rows.len() - before].to_vec();
    assert!(new.contains(&("participant.search".into(), Some("amin".into()), "opfølgning".into())), "{new:?}");
    assert!(new.contains(&("participant.read".into(), Some(added.id.to_string()), "samtale".into())), "{new:?}");
    assert_eq!(new.len(), 3, "status and goals are aggregates and are not audited as reads: {new:?}");
    // A read without a purpose is refused.
    assert_eq!(s.participant(added.id, "  ").unwrap_err().code(), "required");
}

#[test]
fn roles_decide_what_may_be_done() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let e = s.audit_log(&AuditQuery::default()).unwrap_err();
    assert_eq!((e.code(), e.class()), ("forbidden", ErrorClass::BadInput));
    assert!(e.message(indsats_api::core::Lang::Da).contains("Sagsbehandler"), "{}", e.message(indsats_api::core::Lang::Da));
    assert_eq!(s.set_target("mm13-ustoettet-beskaeftigelse", 2027, 40.0).unwrap_err().code(), "forbidden");
    assert_eq!(s.generate_demo(&DemoOptions { participants: 5, seed: 1 }, &mut |_, _| true).unwrap_err().code(), "forbidden");
    drop(s);
    let mut lead = as_role(dir.path(), Role::TeamLead);
    lead.set_target("mm13-ustoettet-beskaeftigelse", 2027, 40.0).unwrap();
    let ind = lead.goals().unwrap().into_iter().flat_map(|g| g.indicators).find(|i| i.key == "mm13-ustoettet-beskaeftigelse").unwrap();
    let t = ind.targets.iter().find(|t| t.year == 2027).unwrap();
    assert_eq!((t.value, t.illustrative), (40.0, false));
    assert!(lead.verify_audit().unwrap().own_rows > 0);
}

#[test]
fn the_ladder_and_target_group_follow_the_logged_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let p = s.add_participant(person("Yusuf Abdi")).unwrap().id;
    use indsats_api::core::model::TargetGroup;
    s.record_progress(p, day(2025, 6, 1), EventDetails::Visitation { target_group: TargetGroup::EducationReady }).unwrap();
    s.record_progress(p, day(2026, 1, 10), EventDetails::Visitation { target_group: TargetGroup::JobReady }).unwrap();
    s.record_progress(p, day(2026, 2, 1), EventDetails::DanishStarted { course: DanishCourse::Du2, module: 1 }).unwrap();
    s.record_progress(p, day(2026, 5, 1), EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 20.0 })
        .unwrap();
    let v = s.participant(p, "test").unwrap();
    // The latest assessment wins; the earlier one is still there (history is never overwritten).
    assert_eq!(v.target_group, Some((TargetGroup::JobReady, day(2026, 1, 10))));
    assert_eq!(v.events.iter().filter(|e| e.details.type_code() == "visitation").count(), 2);
    assert_eq!(v.ladder_step, 5);
    assert_eq!(v.ladder_history, vec![(day(2025, 6, 1), 1), (day(2026, 5, 1), 5)]);
    // The old three-group target groups do not exist after the 2026 reform.
    let e = s.record_progress(p, day(2026, 3, 1), EventDetails::Visitation { target_group: TargetGroup::EducationReady }).unwrap_err();
    assert_eq!(e.code(), "unknown_code");
    // No events in the future, none after the case is closed.
    assert_eq!(s.record_progress(p, day(2026, 11, 25), EventDetails::MeetingHeld {}).unwrap_err().code(), "in_future");
    s.close_case(p, Some(day(2026, 6, 1))).unwrap();
    assert_eq!(s.record_progress(p, day(2026, 7, 1), EventDetails::MeetingHeld {}).unwrap_err().code(), "case_closed");
    // Closed by mistake: reopened, the case takes events again; reopening an open case is nothing.
    s.reopen_case(p).unwrap();
    assert_eq!(s.participant(p, "test").unwrap().participant.case_closed, None);
    s.record_progress(p, day(2026, 7, 1), EventDetails::MeetingHeld {}).unwrap();
    s.reopen_case(p).unwrap();
}

#[test]
fn enrolment_rules_and_initiative_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let i = s
        .add_initiative(NewInitiative {
            title: "Praktik".into(),
            kind: InitiativeType::WorkPlacement,
            owner: "Jobcenter".into(),
            start: day(2026, 1, 1),
            end: Some(day(2026, 12, 31)),
            capacity: Some(10),
            status: InitiativeStatus::Active,
            description: String::new(),
        })
        .unwrap();
    s.link_initiative(i, "selvforsoergelse", "Vej til job").unwrap();
    assert_eq!(s.link_initiative(i, "no-such-goal", "x").unwrap_err().code(), "not_found");
    let a = s.add_participant(person("A")).unwrap().id;
    let b = s.add_participant(person("B")).unwrap().id;
    let ea = s.enrol(a, i, day(2026, 2, 1), None).unwrap();
    assert_eq!(s.enrol(a, i, day(2026, 3, 1), None).unwrap_err().code(), "already_enrolled");
    assert_eq!(s.enrol(b, i, day(2025, 3, 1), None).unwrap_err().code(), "enrolment_outside_initiative");
    let eb = s.enrol(b, i, day(2026, 3, 1), None).unwrap();
    s.end_enrolment(ea, day(2026, 5, 1), EnrolmentOutcome::WentToJob).unwrap();
    s.end_enrolment(eb, day(2026, 5, 1), EnrolmentOutcome::DroppedOut).unwrap();
    let v = s.initiative(i).unwrap();
    assert_eq!((v.participants, v.ended, v.completed_or_better, v.dropped_out, v.to_job_or_education), (2, 2, 1, 1, 1));
    assert_eq!(v.goals.len(), 1);
    s.set_initiative_status(i, InitiativeStatus::Closed, None).unwrap();
    let c = s.add_participant(person("C")).unwrap().id;
    assert_eq!(s.enrol(c, i, day(2026, 6, 1), None).unwrap_err().code(), "initiative_closed");
    assert_eq!(s.goals().unwrap()[0].initiatives.len(), 1);
}

#[test]
fn cpr_rules_at_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let with = |cpr: &str| NewParticipant { cpr: Some(cpr.into()), birth_year: None, ..person("X") };
    let ok = s.add_participant(with("070761-4286")).unwrap();
    assert_eq!(ok.warnings, vec![Warning::CprModulus11]);
    assert_eq!(s.participant(ok.id, "t").unwrap().participant.birth_year, 1961);
    assert_eq!(s.add_participant(with("0707614286")).unwrap_err().code(), "duplicate_cpr");
    assert_eq!(s.add_participant(with("290200-0001")).unwrap_err().code(), "cpr_date");
    assert_eq!(s.add_participant(with("12345")).unwrap_err().code(), "cpr_format");
    let no_year = NewParticipant { birth_year: None, ..person("Y") };
    assert_eq!(s.add_participant(no_year).unwrap_err().code(), "required");
}

#[test]
fn the_demo_is_deterministic_per_seed_and_day() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let mut summaries = Vec::new();
    let mut snapshots = Vec::new();
    for dir in [a.path(), b.path()] {
        let mut s = init(dir, Role::Admin);
        let mut calls = 0;
        let summary = s
            .generate_demo(&DemoOptions { participants: 600, seed: 42 }, &mut |done, total| {
                calls += 1;
                assert!(done <= total);
                true
            })
            .unwrap();
        assert_eq!(calls, 3, "progress after each batch of 250");
        let people = s.participants(&ParticipantFilter { include_closed: true, ..Default::default() }, "test").unwrap();
        let first = people[0].id;
        let timeline = s.timeline(first, "test").unwrap();
        snapshots.push((
            people
                .iter()
                .map(|p| (p.id, p.name.clone(), p.cpr.as_ref().map(|c| c.digits().to_string()), p.case_closed))
                .collect::<Vec<_>>(),
            timeline.events.iter().map(|(e, step)| (e.id, e.date, e.details.clone(), *step)).collect::<Vec<_>>(),
            s.status(60).unwrap().ladder,
        ));
        summaries.push(summary);
    }
    assert_eq!(summaries[0], summaries[1]);
    assert_eq!(snapshots[0], snapshots[1]);
    let s = &summaries[0];
    assert_eq!(s.participants, 600);
    assert!(s.events > 600 * 10, "a believable number of events: {s:?}");
    assert!(s.enrolments > 300, "{s:?}");
}

#[test]
fn the_demo_can_be_cancelled_between_batches() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Admin);
    let err = s.generate_demo(&DemoOptions { participants: 600, seed: 1 }, &mut |done, _| done < 250).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(s.status(60).unwrap().counts.participants_open + s.status(60).unwrap().counts.participants_closed, 250);
}

#[test]
fn passphrase_change_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Admin);
    assert_eq!(
        s.change_passphrase("wrong passphrase", "new passphrase", KdfParams::FAST_INSECURE).unwrap_err().class(),
        ErrorClass::Locked
    );
    s.change_passphrase(PASS, "new passphrase", KdfParams::FAST_INSECURE).unwrap();
    drop(s);
    assert_eq!(Session::unlock(dir.path(), PASS, Ask::role(Role::Admin), Box::new(clock()), None).unwrap_err().class(), ErrorClass::Locked);
    let mut s = Session::unlock(dir.path(), "new passphrase", Ask::role(Role::Admin), Box::new(clock()), None).unwrap();
    let rows = s.audit_log(&AuditQuery { action: Some("store.passphrase".into()), ..Default::default() }).unwrap();
    assert_eq!(rows.len(), 1);
    let unlocks = s.audit_log(&AuditQuery { action: Some("session.unlock".into()), ..Default::default() }).unwrap();
    let actions: Vec<&str> = unlocks.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["session.unlock", "session.unlock_failed"], "the refused unlock is counted and logged by the next one");
    assert_eq!(unlocks[0].user, "mette");
    assert!(unlocks[1].detail.starts_with("1 forsøg 2026-"), "{:?}", unlocks[1].detail);
    drop(s);
    // Logged once: the count starts again.
    let mut s = Session::unlock(dir.path(), "new passphrase", Ask::role(Role::Admin), Box::new(clock()), None).unwrap();
    let failed = s.audit_log(&AuditQuery { action: Some("session.unlock_failed".into()), ..Default::default() }).unwrap();
    assert_eq!(failed.len(), 1);
}

#[test]
fn a_cpr_search_is_logged_by_the_person_found_never_by_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let found = s.add_participant(NewParticipant { cpr: Some("070761-4286".into()), birth_year: None, ..person("Hodan Warsame") }).unwrap();
    assert_eq!(s.find_participants("070761-4286", 10, "henvendelse").unwrap().len(), 1);
    assert!(s.find_participants("0101011234", 10, "henvendelse").unwrap().is_empty());
    let mut lead = as_role(dir.path(), Role::TeamLead);
    let rows = lead.audit_log(&AuditQuery { action: Some("participant.search".into()), ..Default::default() }).unwrap();
    assert_eq!(rows.len(), 2);
    // Newest first: the search that found no one, then the one that found Hodan.
    assert_eq!((rows[0].subject.as_deref(), rows[0].detail.as_str()), (None, "cpr: ingen fundet"));
    assert_eq!(rows[1].subject, Some(found.id.to_string()));
    for r in &rows {
        let text = format!("{r:?}");
        assert!(!text.contains("0707614286") && !text.contains("070761-4286") && !text.contains("0101011234"), "{text}");
    }
    // The person can be shown who looked them up: the search is among the rows about them.
    let about = lead.audit_log(&AuditQuery { subject: Some(found.id.to_string()), ..Default::default() }).unwrap();
    assert!(about.iter().any(|r| r.action == "participant.search" && r.purpose == "henvendelse"));
    // A search by name records whom it showed, so the person's rows hold it too.
    let other = s.add_participant(person("Hodan Ali")).unwrap();
    assert_eq!(s.find_participants("Hodan", 10, "opslag").unwrap().len(), 2);
    s.participant(other.id, "opslag").unwrap();
    let rows = lead.audit_log(&AuditQuery { citizen: Some(other.pseudonym.clone()), ..Default::default() }).unwrap();
    let acts: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert!(acts.contains(&"participant.search") && acts.contains(&"participant.read") && acts.contains(&"participant.create"), "{acts:?}");
    assert!(rows.iter().all(|r| r.subject_label.as_deref() != Some(found.pseudonym.as_str())), "only Hodan Ali's rows");
    let by_name = lead.audit_log(&AuditQuery { citizen: Some("Hodan".into()), ..Default::default() }).unwrap_err();
    assert_eq!(by_name.code(), "citizen_ambiguous");
}

#[test]
fn indicators_are_aggregates_and_the_drill_down_is_audited_for_team_leads_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let a = s.add_participant(NewParticipant { programme_start: Some(day(2025, 6, 1)), ..person("Amina Haddad") }).unwrap();
    s.add_participant(NewParticipant { programme_start: Some(day(2025, 6, 1)), ..person("Omar Said") }).unwrap();
    s.record_progress(a.id, day(2026, 1, 5), EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 30.0 })
        .unwrap();
    let period: Period = "2026-Q1".parse().unwrap();
    let results = s.indicators(period).unwrap();
    let mm13 = results.iter().find(|r| r.indicator.measure == Measure::OrdinaryEmployment).unwrap();
    // Two open cases for three months; Amina employed in all three: 3 / 6 person-months.
    assert_eq!((mm13.computed.numerator, mm13.computed.denominator), (3.0, 6));
    assert_eq!(mm13.computed.value, Some(50.0));
    assert!(results.iter().all(|r| r.computed.participants.is_empty()), "aggregates only");
    // The 2026 target is illustrative 34 %: 50 % is on track.
    assert_eq!(mm13.status, Status::OnTrack);
    let goals = s.goal_status(period).unwrap();
    assert_eq!(goals[0].0.key, "selvforsoergelse");

    assert_eq!(s.indicator_participants(&mm13.indicator.key, period, "kontrol").unwrap_err().code(), "forbidden");
    drop(s);
    let mut lead = as_role(dir.path(), Role::TeamLead);
    let who = lead.indicator_participants(&mm13.indicator.key, period, "årsstatus").unwrap();
    assert_eq!(who.iter().map(|h| h.pseudonym.as_str()).collect::<Vec<_>>(), vec![a.pseudonym.as_str()]);
    let rows = lead.audit_log(&AuditQuery { action: Some("indicator.".into()), ..Default::default() }).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].purpose.as_str(), rows[0].user.as_str()), ("årsstatus", "mette"));
    assert_eq!(lead.indicator_participants("no-such", period, "x").unwrap_err().code(), "not_found");
}

#[test]
fn an_initiative_is_edited_under_the_rules_of_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Caseworker);
    let new = NewInitiative {
        title: "Sprogcafé".into(),
        kind: InitiativeType::DanishCourse,
        owner: "Team Nord".into(),
        start: day(2026, 1, 5),
        end: None,
        capacity: Some(12),
        status: InitiativeStatus::Active,
        description: String::new(),
    };
    let id = s.add_initiative(new.clone()).unwrap();
    let edit = NewInitiative { title: "Sprogcafé med praktik".into(), capacity: Some(20), ..new.clone() };
    s.update_initiative(id, edit).unwrap();
    let view = s.initiative(id).unwrap();
    assert_eq!((view.initiative.title.as_str(), view.initiative.capacity), ("Sprogcafé med praktik", Some(20)));
    // An end before the start is refused and changes nothing.
    let bad = NewInitiative { end: Some(day(2025, 12, 1)), ..new };
    assert!(s.update_initiative(id, bad).is_err());
    assert_eq!(s.initiative(id).unwrap().initiative.title, "Sprogcafé med praktik");
    assert!(
        audit_actions(dir.path()).iter().any(|(a, subject, _)| a == "initiative.update" && subject.as_deref() == Some(&id.to_string()))
    );
}

#[test]
fn drafts_are_each_users_own_and_survive_a_new_session() {
    // Several people on one store: the demo's (anyone may explore it).
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = init(dir.path(), Role::Admin);
        s.generate_demo(&DemoOptions { participants: 5, seed: 1 }, &mut |_, _| true).unwrap();
        s.save_draft("progress", r#"{"type":"module_test_passed"}"#).unwrap();
        assert!(s.save_draft("", "{}").is_err(), "a draft needs a form name");
    }
    let other = Session::unlock(dir.path(), PASS, user("alex", Role::Caseworker), Box::new(clock()), Some(2)).unwrap();
    assert!(other.drafts().unwrap().is_empty(), "another user's drafts are not shown");
    let s = Session::unlock(dir.path(), PASS, user("mette", Role::Caseworker), Box::new(clock()), Some(3)).unwrap();
    let drafts = s.drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!((drafts[0].0.as_str(), drafts[0].1.as_str()), ("progress", r#"{"type":"module_test_passed"}"#));
    s.discard_draft("progress").unwrap();
    assert!(s.drafts().unwrap().is_empty());
}

#[test]
fn who_acts_is_the_store_s_to_decide_and_a_front_end_may_only_ask_for_less() {
    let dir = tempfile::tempdir().unwrap();
    let s = Session::init(
        dir.path(),
        PASS,
        StrategySource::Default,
        user("mette", Role::Caseworker),
        Box::new(clock()),
        Some(1),
        KdfParams::FAST_INSECURE,
    )
    .unwrap();
    assert_eq!(s.identity().source, Source::Owner);
    drop(s);
    // More rights than the store's owner has, or another person: refused, with what to do.
    let e = Session::unlock(dir.path(), PASS, Ask::role(Role::TeamLead), Box::new(clock()), None).unwrap_err();
    assert_eq!((e.code(), e.class()), ("role_not_granted", ErrorClass::BadInput));
    assert!(e.message(indsats_api::core::Lang::Da).contains("indsats role set"), "{}", e.message(indsats_api::core::Lang::Da));
    let e = Session::unlock(dir.path(), PASS, user("bo", Role::Caseworker), Box::new(clock()), None).unwrap_err();
    assert_eq!(e.code(), "not_this_user");
    // Asking for nothing is acting as the owner.
    let mut s = Session::unlock(dir.path(), PASS, Ask::default(), Box::new(clock()), None).unwrap();
    assert_eq!((s.user().name.as_str(), s.user().role), ("mette", Role::Caseworker));
    assert_eq!(s.set_target("mm13-ustoettet-beskaeftigelse", 2027, 40.0).unwrap_err().code(), "forbidden");
    // Raising the owner's role takes the passphrase again, and is audited.
    assert_eq!(s.change_role("not the passphrase", Role::TeamLead).unwrap_err().class(), ErrorClass::Locked);
    assert_eq!(s.user().role, Role::Caseworker);
    s.change_role(PASS, Role::TeamLead).unwrap();
    assert_eq!(s.user().role, Role::TeamLead);
    s.set_target("mm13-ustoettet-beskaeftigelse", 2027, 40.0).unwrap();
    drop(s);
    let mut lead = as_role(dir.path(), Role::TeamLead);
    let rows = lead.audit_log(&AuditQuery { action: Some("store.role_change".into()), ..Default::default() }).unwrap();
    assert_eq!((rows.len(), rows[0].detail.as_str(), rows[0].user.as_str()), (1, "caseworker -> team_lead", "mette"));
    // A caseworker writes only her own caseload; the lead registers a case for anyone.
    let theirs = lead.add_participant(NewParticipant { caseworker: Some("bo".into()), ..person("Farida Nour") }).unwrap();
    drop(lead);
    let mut cw = as_role(dir.path(), Role::Caseworker);
    let e = cw.record_progress(theirs.id, day(2026, 11, 2), EventDetails::MeetingHeld {}).unwrap_err();
    assert_eq!(e.code(), "not_your_case");
    assert_eq!(
        cw.add_participant(NewParticipant { caseworker: Some("bo".into()), ..person("Sami Nour") }).unwrap_err().code(),
        "not_your_case"
    );
    drop(cw);
    assert_eq!(Session::unlock(dir.path(), PASS, Ask::default(), Box::new(clock()), None).unwrap().user().role, Role::TeamLead);
    // Demo data never goes among real people.
    let dir2 = tempfile::tempdir().unwrap();
    let mut real = init(dir2.path(), Role::Admin);
    real.add_participant(person("Amina Haddad")).unwrap();
    let e = real.generate_demo(&DemoOptions { participants: 5, seed: 1 }, &mut |_, _| true).unwrap_err();
    assert_eq!((e.code(), e.class()), ("not_a_demo_store", ErrorClass::BadInput));
    assert_eq!(real.identity().source, Source::Owner);
}

#[test]
fn two_laptops_loading_the_same_strategy_make_the_same_rows() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = init(d1.path(), Role::TeamLead);
    let b = Session::init(
        d2.path(),
        PASS,
        StrategySource::Default,
        user("anna", Role::Caseworker),
        Box::new(clock()),
        Some(99),
        KdfParams::FAST_INSECURE,
    )
    .unwrap();
    let ids = |s: &Session| {
        s.goals().unwrap().into_iter().map(|g| (g.goal.id, g.indicators.iter().map(|i| i.id).collect::<Vec<_>>())).collect::<Vec<_>>()
    };
    assert_eq!(a.strategy().unwrap().map(|s| s.id), b.strategy().unwrap().map(|s| s.id));
    assert_eq!(ids(&a), ids(&b), "goal and indicator ids meet when the team syncs");
}

#[test]
fn the_worklist_of_a_demo_team_has_every_caseworker_s_work_and_the_team_s_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Admin);
    let summary = s.generate_demo(&DemoOptions { participants: 600, seed: 7 }, &mut |_, _| true).unwrap();
    drop(s);
    let mut lead = as_role(dir.path(), Role::TeamLead);
    use indsats_api::worklist::WorklistScope;
    let team = lead.worklist(WorklistScope::Team, 60).unwrap();
    let today = day(2026, 11, 24);
    assert_eq!(team.today, today);
    assert_eq!(team.caseworker, None);

    // The workload: one row per demo caseworker, whose open cases add up to the open caseload.
    assert_eq!(team.workload.len(), summary.caseworkers as usize, "{:?}", team.workload);
    let open = lead.participants(&ParticipantFilter::default(), "test").unwrap().len() as u32;
    assert_eq!(team.workload.iter().map(|w| w.open_cases).sum::<u32>(), open);
    assert!(team.workload.iter().all(|w| w.open_cases > 0), "{:?}", team.workload);
    // The demo makes a worklist with something in it: overdue work, work due this week, cases
    // nobody has been in contact with for 60 days.
    assert!(!team.overdue.is_empty() && !team.without_contact.is_empty(), "{team:#?}");
    assert!(team.workload.iter().any(|w| w.overdue > 0));

    // A few people are registered twice, one after the other: the same name and birth year,
    // the second without a CPR number. (By chance, two registrations in a row share both about
    // once in 60,000.)
    let mut people = lead.participants(&ParticipantFilter { include_closed: true, ..Default::default() }, "test").unwrap();
    people.sort_by_key(|p| p.id);
    let twice = people.windows(2).filter(|w| w[0].name == w[1].name && w[0].birth_year == w[1].birth_year && w[1].cpr.is_none()).count();
    assert!((2..=10).contains(&twice), "{twice} people registered twice in 600");

    // Each caseworker's own worklist holds exactly her cases, and her overdue items are the
    // workload's count; the team's lists are the caseworkers' together.
    let mut overdue_total = 0;
    for w in &team.workload {
        let mine = lead.worklist(WorklistScope::Caseworker(w.caseworker.clone()), 60).unwrap();
        assert_eq!(mine.caseworker.as_deref(), Some(w.caseworker.as_str()));
        assert!(mine.workload.is_empty(), "the workload is the team's view");
        let items = mine.overdue.iter().chain(&mine.this_week).chain(&mine.upcoming_conversations);
        assert!(items.clone().all(|d| d.item.caseworker == w.caseworker), "{mine:#?}");
        assert!(mine.without_contact.iter().all(|c| c.caseworker == w.caseworker));
        assert_eq!(mine.overdue.len() as u32, w.overdue, "{}", w.caseworker);
        assert!(mine.overdue.iter().all(|d| d.item.due < today && d.days_overdue > 0 && d.item.done < d.item.needed));
        assert!(mine.this_week.iter().all(|d| (0..=7).contains(&-d.days_overdue)));
        assert!(
            mine.upcoming_conversations
                .iter()
                .all(|d| d.days_overdue < -7 && d.kind == indsats_api::core::deadlines::DueKind::Conversation)
        );
        assert!(mine.without_contact.iter().all(|c| c.last_event.is_none_or(|d| d < today - chrono::Duration::days(60))));
        overdue_total += mine.overdue.len();
    }
    assert_eq!(team.overdue.len(), overdue_total.min(indsats_api::worklist::LIST_MAX as usize));

    // A caseworker sees only her own (an empty one: mette has no cases) and never the team's.
    drop(lead);
    let mut cw = as_role(dir.path(), Role::Caseworker);
    let own = cw.worklist(WorklistScope::Mine, 60).unwrap();
    assert!(own.overdue.is_empty() && own.without_contact.is_empty(), "{own:#?}");
    assert!(cw.worklist(WorklistScope::Team, 60).is_err());
    assert!(cw.worklist(WorklistScope::Caseworker(team.workload[0].caseworker.clone()), 60).is_err());
}

#[test]
fn a_backup_is_due_once_per_period_and_keeps_the_newest_of_this_store() {
    let dir = tempfile::tempdir().unwrap();
    drop(init(&dir.path().join("store"), Role::Caseworker));
    let folder = dir.path().join("kopier");
    let at = |d: u32, h: u32| {
        Session::unlock(
            &dir.path().join("store"),
            PASS,
            Ask::role(Role::Caseworker),
            Box::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap())),
            None,
        )
        .unwrap()
    };
    // None yet: due at once (the folder is made).
    let first = at(24, 9).backup_if_due(&folder, 2, 1).unwrap().expect("due");
    assert!(first.made.file.starts_with(&folder));
    // Later the same day: not due; the next morning (less than 24 hours on): due.
    assert_eq!(at(24, 17).backup_if_due(&folder, 2, 1).unwrap(), None);
    let second = at(25, 7).backup_if_due(&folder, 2, 1).unwrap().expect("due the next day");
    assert!(second.removed.is_empty());
    // Every third day: not on the 26th or 27th, then on the 28th, which leaves the newest two.
    assert_eq!(at(26, 9).backup_if_due(&folder, 2, 3).unwrap(), None);
    assert_eq!(at(27, 9).backup_if_due(&folder, 2, 3).unwrap(), None);
    let third = at(28, 9).backup_if_due(&folder, 2, 3).unwrap().expect("due after three days");
    assert_eq!(third.removed, vec![first.made.file.clone()]);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
    // Bad settings change nothing.
    let e = at(28, 10).backup_if_due(&folder, 2, 0).unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("out_of_range", Some("every_days")));
    let e = at(29, 10).backup_if_due(&folder, 0, 1).unwrap_err();
    assert_eq!((e.code(), e.field().as_deref()), ("out_of_range", Some("keep")));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
    let backups: Vec<_> = audit_actions(&dir.path().join("store")).into_iter().filter(|(a, _, _)| a == "store.backup").collect();
    assert_eq!(backups.len(), 3);
}

#[test]
fn an_import_reports_its_progress_and_a_cancel_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = init(dir.path(), Role::Admin);
    let mut csv = String::from("navn;fødselsår\n");
    for i in 0..1_200 {
        csv.push_str(&format!("Testperson {i};1990\n"));
    }
    let before = s.status(30).unwrap().counts;
    let mut seen = Vec::new();
    let e = s
        .import_with_progress(import::Kind::Participants, csv.as_bytes(), None, import::ImportMode::AllOrNothing, &mut |done, total| {
            seen.push((done, total));
            // Cancel once the rows are checked and the writes have begun.
            done < total / 2
        })
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(seen.first(), Some(&(0, 2_400)));
    assert!(seen.contains(&(1_000, 2_400)) && seen.contains(&(1_200, 2_400)), "{seen:?}");
    assert_eq!(s.status(30).unwrap().counts, before, "nothing written");
    let mut last = (0, 0);
    let r = s
        .import_with_progress(import::Kind::Participants, csv.as_bytes(), None, import::ImportMode::AllOrNothing, &mut |done, total| {
            last = (done, total);
            true
        })
        .unwrap();
    assert_eq!((r.imported, r.written), (1_200, true));
    assert_eq!(last, (2_200, 2_400));
}
