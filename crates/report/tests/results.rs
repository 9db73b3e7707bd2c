//! Golden data for initiative results: every number below was worked out by hand, for 2026-Q2
//! (1 April – 30 June 2026, 91 days), computed on 24 November 2026.

use chrono::NaiveDate;
use indsats_core::event::*;
use indsats_core::ids::{EnrolmentId, InitiativeId, ParticipantId};
use indsats_core::model::*;
use indsats_report::results::{Count, initiative_results};
use indsats_report::{Case, Period};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn pid(n: u8) -> ParticipantId {
    ParticipantId::new(1_700_000_000_000 + u64::from(n), [n; 10])
}
fn initiative(n: u8, kind: InitiativeType) -> Initiative {
    Initiative {
        id: InitiativeId::new(1_700_000_000_000, [n; 10]),
        title: format!("Indsats {n}"),
        kind,
        owner: "Jobcenter".into(),
        start: d(2025, 1, 1),
        end: None,
        capacity: None,
        status: InitiativeStatus::Active,
        description: String::new(),
    }
}
fn enrol(n: u8, p: u8, i: &Initiative, start: NaiveDate, end: Option<NaiveDate>, outcome: Option<EnrolmentOutcome>) -> Enrolment {
    Enrolment { id: EnrolmentId::new(1_700_000_000_000, [n; 10]), participant: pid(p), initiative: i.id, start, end, outcome }
}
fn offer(kind: InitiativeType, hours: f32) -> EventDetails {
    EventDetails::OfferStarted { offer: kind, hours_per_week: hours }
}
fn ended(kind: InitiativeType) -> EventDetails {
    EventDetails::OfferEnded { offer: kind, result: OfferResult::Completed }
}
fn c(n: u8, programme_start: NaiveDate, closed: Option<NaiveDate>, events: Vec<(NaiveDate, EventDetails)>) -> Case {
    Case::from_events(pid(n), Some(programme_start), Some(programme_start), closed, &events)
}
fn n(numerator: u32, denominator: u32) -> Count {
    Count { numerator, denominator }
}

#[test]
fn how_much_how_well_and_is_anyone_better_off() {
    use InitiativeType::{Mentor, WorkPlacement as Wp};
    let (x, y) = (initiative(1, Wp), initiative(2, Mentor));
    let mut cases = vec![
        // P1: placement Jan–Mar (completed), an ordinary job from 15 April; a mentor from 1 April.
        c(
            1,
            d(2026, 1, 1),
            None,
            vec![
                (d(2026, 1, 20), offer(Wp, 10.0)),
                (d(2026, 3, 31), ended(Wp)),
                (d(2026, 4, 1), offer(Mentor, 2.0)),
                (d(2026, 4, 15), EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 37.0 }),
            ],
        ),
        // P2: placement 10 April – 20 May, 14 h a week, dropped out; off benefit from 21 May
        // (June is not yet a whole month on 20 June: not self-supporting then).
        c(
            2,
            d(2026, 3, 1),
            None,
            vec![(d(2026, 4, 10), offer(Wp, 14.0)), (d(2026, 5, 20), ended(Wp)), (d(2026, 5, 21), EventDetails::BenefitEnded {})],
        ),
        // P3: placement since February, 7 h a week, still running.
        c(3, d(2025, 6, 1), None, vec![(d(2026, 2, 1), offer(Wp, 7.0))]),
        // P4: placement Dec–15 March (completed); starts vocational education 1 April; moves
        // away 15 April (followed at 1 month, 15 April, not at 3 months).
        c(
            4,
            d(2025, 1, 1),
            Some(d(2026, 4, 15)),
            vec![(d(2026, 4, 1), EventDetails::EducationStarted { level: EducationLevel::Vocational })],
        ),
    ];
    cases.sort_by_key(|c| c.id);
    let enrolments = vec![
        enrol(1, 1, &x, d(2026, 1, 20), Some(d(2026, 3, 31)), Some(EnrolmentOutcome::Completed)),
        enrol(2, 2, &x, d(2026, 4, 10), Some(d(2026, 5, 20)), Some(EnrolmentOutcome::DroppedOut)),
        enrol(3, 3, &x, d(2026, 2, 1), None, None),
        enrol(4, 4, &x, d(2025, 12, 1), Some(d(2026, 3, 15)), Some(EnrolmentOutcome::Completed)),
        enrol(5, 1, &y, d(2026, 4, 1), None, None),
        // A participant the store does not know: skipped.
        enrol(6, 99, &x, d(2026, 4, 1), None, None),
    ];
    let r = initiative_results(&[x.clone(), y.clone()], &enrolments, &cases, Period::Quarter { year: 2026, quarter: 2 }, d(2026, 11, 24));
    let rx = &r[&x.id];
    // Active in Q2: P2 and P3 (P1 and P4 ended in March).
    assert_eq!(rx.participants, 2);
    assert_eq!(rx.persons, vec![pid(2), pid(3)]);
    assert_eq!(rx.starts, 1);
    // P2: 41 days (10–30 April, 1–20 May) × 14/7 = 82; P3: 91 days × 7/7 = 91. P1's mentor hours are not placement hours.
    assert!((rx.hours - 173.0).abs() < 1e-9, "{}", rx.hours);
    assert_eq!((rx.completed, rx.dropped_out), (n(0, 1), n(1, 1)));
    // P2: programme start 1 March → 10 April = 40 days.
    assert_eq!(rx.days_to_start(), Some(40.0));
    // 1 month: P1 on 30 April (employed), P4 on 15 April (in education, closed that day), P2 on 20 June.
    assert_eq!(rx.employed[0], n(1, 3));
    assert_eq!(rx.in_education[0], n(1, 3));
    assert_eq!(rx.self_supporting[0], n(0, 3));
    // 3 months: P1 on 30 June (employed); P4 closed before 15 June: not followed.
    assert_eq!(rx.employed[1], n(1, 1));
    // 6 and 12 months: after the quarter.
    assert_eq!((rx.employed[2], rx.employed[3]), (n(0, 0), n(0, 0)));

    let ry = &r[&y.id];
    assert_eq!((ry.participants, ry.starts), (1, 1));
    // 1 April – 30 June = 91 days × 2/7 = 26 hours; 90 days from programme start.
    assert!((ry.hours - 26.0).abs() < 1e-9, "{}", ry.hours);
    assert_eq!(ry.days_to_start(), Some(90.0));
    assert_eq!(ry.completed, n(0, 0));
}

#[test]
fn a_period_after_today_has_no_results() {
    let x = initiative(1, InitiativeType::WorkPlacement);
    let cases = vec![c(1, d(2026, 1, 1), None, vec![])];
    let enrolments = vec![enrol(1, 1, &x, d(2026, 1, 20), None, None)];
    let r = initiative_results(std::slice::from_ref(&x), &enrolments, &cases, Period::Year(2027), d(2026, 11, 24));
    assert_eq!(r[&x.id].participants, 0);
}
