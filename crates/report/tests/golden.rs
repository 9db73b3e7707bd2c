//! Golden data: a handful of participants whose every number below was worked out by hand, for
//! 2026-Q1 (January, February, March 2026; 31 + 28 + 31 = 90 days).

use chrono::NaiveDate;
use indsats_core::event::*;
use indsats_core::ids::ParticipantId;
use indsats_core::model::{InitiativeType, Measure, TargetGroup};
use indsats_report::{Case, Period, compute};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn id(n: u8) -> ParticipantId {
    ParticipantId::new(1_700_000_000_000 + u64::from(n), [n; 10])
}
fn ordinary(hours: f32) -> EventDetails {
    EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: hours }
}
fn case(n: u8, start: NaiveDate, closed: Option<NaiveDate>, events: Vec<(NaiveDate, EventDetails)>) -> Case {
    Case::from_events(id(n), Some(start), Some(start), closed, &events)
}

const A: u8 = 1;
const B: u8 = 2;
const C: u8 = 3;
const D: u8 = 4;
const E: u8 = 5;
const F: u8 = 6;
const G: u8 = 7;
const H: u8 = 8;

fn cases() -> Vec<Case> {
    vec![
        // A: an ordinary job (20 h) starting mid-February; a community event before the period.
        case(
            A,
            d(2024, 1, 1),
            None,
            vec![(d(2025, 12, 31), EventDetails::Community { kind: CommunityKind::Association }), (d(2026, 2, 15), ordinary(20.0))],
        ),
        // B: wage subsidy (not MM13) since June 2025; starts FGU (preparatory) in January.
        case(
            B,
            d(2024, 1, 1),
            None,
            vec![
                (d(2025, 6, 1), EventDetails::EmploymentStarted { kind: EmploymentKind::WageSubsidy, hours_per_week: 30.0 }),
                (d(2026, 1, 20), EventDetails::EducationStarted { level: EducationLevel::Fgu }),
            ],
        ),
        // C: an ordinary job (37 h) since 2025; moves away on 10 February.
        case(
            C,
            d(2024, 1, 1),
            Some(d(2026, 2, 10)),
            vec![
                (d(2025, 1, 1), ordinary(37.0)),
                (d(2025, 12, 1), EventDetails::EducationStarted { level: EducationLevel::Vocational }),
                (d(2026, 2, 10), EventDetails::Closure { reason: ClosureReason::MovedAway }),
            ],
        ),
        // D: programme from 5 March; a work placement 20 days later; community in March.
        case(
            D,
            d(2026, 3, 5),
            None,
            vec![
                (d(2026, 3, 5), EventDetails::Visitation { target_group: TargetGroup::ActivityReady }),
                (d(2026, 3, 20), EventDetails::Community { kind: CommunityKind::Volunteering }),
                (d(2026, 3, 25), EventDetails::OfferStarted { offer: InitiativeType::WorkPlacement, hours_per_week: 15.0 }),
            ],
        ),
        // E: 15 h/week since 1 November 2025: just over 190 hours in every 3-month window.
        case(E, d(2024, 1, 1), None, vec![(d(2025, 11, 1), ordinary(15.0))]),
        // F: 14 h/week since 1 November 2025: just under.
        case(F, d(2024, 1, 1), None, vec![(d(2025, 11, 1), ordinary(14.0))]),
        // G and H: programme started in Q1 2021, so their 5 years end in Q1 2026; closed before it.
        case(G, d(2021, 2, 1), Some(d(2025, 12, 31)), vec![(d(2025, 11, 1), EventDetails::ExamPassed { exam: DanishExam::Pd2 })]),
        // H passed one day after the deadline (15 March 2026).
        case(H, d(2021, 3, 15), Some(d(2025, 12, 31)), vec![(d(2026, 3, 16), EventDetails::ExamPassed { exam: DanishExam::Pd2 })]),
    ]
}

const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 24) {
    Some(d) => d,
    None => panic!(),
};

fn q1() -> Period {
    "2026-Q1".parse().unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn mm13_counts_person_months_in_ordinary_employment() {
    // Active person-months: A 3, B 3, C 2 (moved away 10 Feb), D 1 (from March), E 3, F 3 = 15.
    // In ordinary employment: A Feb+Mar (2; mid-month start counts), C Jan+Feb (2), E 3, F 3 = 10.
    // B's wage subsidy does not count. G and H are closed before the period.
    let r = compute(Measure::OrdinaryEmployment, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (10.0, 15));
    assert!(close(r.value, 1000.0 / 15.0), "{:?}", r.value);
    assert_eq!(r.participants, vec![id(A), id(C), id(E), id(F)]);
}

#[test]
fn hours_190_over_the_three_months_ending_each_month() {
    // E: 15 h/week → Jan window 1 Nov–31 Jan, 92 days × 15/7 = 197.1 h ✓; Feb window 1 Dec–28 Feb,
    //    90 days = 192.9 h ✓; Mar window 1 Jan–31 Mar, 90 days = 192.9 h ✓.
    // F: 14 h/week → 92 × 2 = 184 h, 90 × 2 = 180 h: never.
    // C: 37 h/week → Jan 486 h ✓; Feb window ends at the move on 10 Feb: 72 days = 380.6 h ✓.
    // A: from 15 Feb, 20 h → Mar window 45 days = 128.6 h ✗.
    let r = compute(Measure::Hours190, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (5.0, 15));
    assert!(close(r.value, 100.0 / 3.0));
    assert_eq!(r.participants, vec![id(C), id(E)]);
}

#[test]
fn education_and_community_in_the_period() {
    // Active in Q1: A, B, C, D, E, F = 6. Education started in Q1: B (C's was in December).
    let r = compute(Measure::EducationStarted, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator, r.participants.clone()), (1.0, 6, vec![id(B)]));
    assert!(close(r.value, 100.0 / 6.0));
    let r = compute(Measure::EducationCompleted, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (0.0, 6));
    // Community in Q1: D (A's was on 31 December).
    let r = compute(Measure::CommunityParticipation, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.participants.clone()), (1.0, vec![id(D)]));
}

#[test]
fn danish_test_within_five_years_of_programme_start() {
    // Cohort: programme start in Q1 2021 → G (deadline 1 Feb 2026) and H (15 Mar 2026).
    // G passed in November 2025 ✓; H one day late ✗. Being closed does not leave the cohort.
    let r = compute(Measure::DanishTestWithin5y, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator, r.participants.clone()), (1.0, 2, vec![id(G)]));
    assert!(close(r.value, 50.0));
}

#[test]
fn progression_up_over_six_months() {
    // Open on 31 Mar 2026 and started by 30 Sep 2025: A, B, E, F (C moved away, D started in March).
    // A: 0 → 5 (20 h × 13 = 260 h ≥ 190). B: 3 → 3 (wage subsidy; FGU is preparatory).
    // E: 0 → 5 (195 h). F: 0 → 4 (182 h). Up: A, E, F.
    let r = compute(Measure::ProgressionUp, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (3.0, 4));
    assert!(close(r.value, 75.0));
}

#[test]
fn days_to_first_job_oriented_offer() {
    // Programme started in Q1: D, on 5 March; work placement on 25 March: 20 days.
    let r = compute(Measure::DaysToFirstOffer, q1(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (20.0, 1));
    assert!(close(r.value, 20.0));
}

#[test]
fn a_month_on_its_own_and_manual_measures() {
    // March alone: active A, B, D, E, F (C moved away) = 5; ordinary: A, E, F = 3.
    let r = compute(Measure::OrdinaryEmployment, "2026-03".parse().unwrap(), &cases(), TODAY);
    assert_eq!((r.numerator, r.denominator), (3.0, 5));
    let r = compute(Measure::Manual, q1(), &cases(), TODAY);
    assert_eq!((r.value, r.denominator), (None, 0));
}

#[test]
fn the_same_data_gives_the_same_numbers_in_any_order() {
    let mut reversed = cases();
    reversed.reverse();
    for m in
        [Measure::OrdinaryEmployment, Measure::Hours190, Measure::ProgressionUp, Measure::DaysToFirstOffer, Measure::DanishTestWithin5y]
    {
        let (a, b) = (compute(m, q1(), &cases(), TODAY), compute(m, q1(), &reversed, TODAY));
        assert_eq!((a.value, a.numerator, a.denominator), (b.value, b.numerator, b.denominator), "{m:?}");
        let (mut pa, mut pb) = (a.participants, b.participants);
        pa.sort();
        pb.sort();
        assert_eq!(pa, pb, "{m:?}");
    }
}

#[test]
fn a_benefit_resumed_within_a_month_breaks_self_support() {
    // Off benefit 1 Jan 2025, resumed 20 Jan 2025, off again 1 Feb 2025: self-supporting (step 6)
    // is reached 6 months after the *last* stop, 1 Aug 2025, not 1 Jul.
    let events = vec![
        (d(2024, 6, 1), EventDetails::Visitation { target_group: TargetGroup::JobReady }),
        (d(2025, 1, 1), EventDetails::BenefitEnded {}),
        (d(2025, 1, 20), EventDetails::BenefitResumed {}),
        (d(2025, 2, 1), EventDetails::BenefitEnded {}),
    ];
    let c = vec![case(9, d(2024, 6, 1), None, events)];
    // Progression for July 2025 (window 31 Jan → 31 Jul): 1 → 6 by then? Not yet: step 6 from 1 Aug.
    let july = compute(Measure::ProgressionUp, "2025-07".parse().unwrap(), &c, TODAY);
    assert_eq!((july.numerator, july.denominator), (0.0, 1));
    let august = compute(Measure::ProgressionUp, "2025-08".parse().unwrap(), &c, TODAY);
    assert_eq!((august.numerator, august.denominator), (1.0, 1));
}

#[test]
fn months_after_today_are_left_out() {
    // As known on 15 February: January and February only. Active person-months: A 2, B 2, C 2,
    // E 2, F 2 = 10 (D starts in March); ordinary: A Feb, C 2, E 2, F 2 = 7.
    let r = compute(Measure::OrdinaryEmployment, q1(), &cases(), d(2026, 2, 15));
    assert_eq!((r.numerator, r.denominator), (7.0, 10));
    // A period wholly in the future has no value.
    let r = compute(Measure::OrdinaryEmployment, "2027".parse().unwrap(), &cases(), TODAY);
    assert_eq!((r.value, r.denominator), (None, 0));
}
