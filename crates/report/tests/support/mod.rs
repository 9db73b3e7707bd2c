//! Synthetic municipalities for the attacker test and the benchmark: cases with their events,
//! initiatives and enrolments, made from a seed. Synthetic data only: no real people.
//! Shared by `tests/attacker.rs` and `benches/summary.rs`.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate};
use indsats_core::event::*;
use indsats_core::ids::{EnrolmentId, GoalId, IndicatorId, InitiativeId, ParticipantId, StrategyId};
use indsats_core::model::*;
use indsats_report::Case;
use indsats_report::summary::Data;

/// A small, fast, deterministic generator (SplitMix64): the data must not depend on anything but
/// the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn day(&mut self, from: NaiveDate, days: i64) -> NaiveDate {
        from + Duration::days(self.below(days.max(1) as u64) as i64)
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// The day the data is made on: nothing is dated after it.
pub fn today() -> NaiveDate {
    d(2026, 11, 24)
}

/// The size of a municipality.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub participants: usize,
    pub initiatives: usize,
    /// How many initiative types the initiatives are of (at most 11).
    pub types: usize,
}

/// Every computed measure once, and one entered by hand, under three goals.
pub fn indicators() -> (Vec<Goal>, Vec<Indicator>) {
    let strategy = StrategyId::named("synthetic");
    let goals: Vec<Goal> = (0..3)
        .map(|g| Goal {
            id: GoalId::named(&format!("goal-{g}")),
            strategy,
            key: format!("goal-{g}"),
            position: g,
            title: format!("Mål {g}"),
            title_en: format!("Goal {g}"),
            description: String::new(),
        })
        .collect();
    let measures = [
        Measure::OrdinaryEmployment,
        Measure::Hours190,
        Measure::EducationStarted,
        Measure::EducationCompleted,
        Measure::DanishTestWithin5y,
        Measure::ProgressionUp,
        Measure::DaysToFirstOffer,
        Measure::CommunityParticipation,
        Measure::Manual,
    ];
    let indicators = measures
        .iter()
        .enumerate()
        .map(|(n, m)| Indicator {
            id: IndicatorId::named(m.code()),
            goal: goals[n % goals.len()].id,
            key: m.code().to_string(),
            name: m.label(indsats_core::validate::Lang::Da).to_string(),
            name_en: String::new(),
            definition: String::new(),
            unit: if *m == Measure::DaysToFirstOffer { Unit::Days } else { Unit::Percent },
            direction: if *m == Measure::DaysToFirstOffer { Direction::Down } else { Direction::Up },
            measure: *m,
            baseline: None,
            baseline_year: None,
            source: String::new(),
            targets: vec![
                YearTarget { year: 2025, value: 30.0, illustrative: true },
                YearTarget { year: 2026, value: 32.0, illustrative: true },
            ],
        })
        .collect();
    (goals, indicators)
}

pub fn participant(n: usize) -> ParticipantId {
    ParticipantId::new(1_600_000_000_000 + n as u64, [(n % 251) as u8; 10])
}

pub fn initiative(n: usize, kind: InitiativeType) -> Initiative {
    Initiative {
        id: InitiativeId::new(1_650_000_000_000 + n as u64, [(n % 251) as u8; 10]),
        title: format!("Indsats {n:05}"),
        kind,
        owner: "Jobcenter".into(),
        start: d(2024, 1, 1),
        end: None,
        capacity: None,
        status: InitiativeStatus::Active,
        description: String::new(),
    }
}

/// A municipality of `size`, made from `seed`. Initiatives are of very different sizes (a few
/// take most participants, many have a handful), so that small counts occur everywhere.
pub fn municipality(size: Size, seed: u64) -> Data {
    let mut rng = Rng::new(seed);
    let (goals, indicators) = indicators();
    let mut kinds: Vec<InitiativeType> = InitiativeType::ALL.to_vec();
    // A seeded choice of which types are in use.
    for i in (1..kinds.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        kinds.swap(i, j);
    }
    kinds.truncate(size.types.clamp(1, InitiativeType::ALL.len()));
    let initiatives: Vec<Initiative> = (0..size.initiatives).map(|n| initiative(n, rng.pick(&kinds))).collect();
    let last = today() - Duration::days(4);
    let mut cases = Vec::with_capacity(size.participants);
    let mut enrolments = Vec::new();
    for p in 0..size.participants {
        let id = participant(p);
        let start = rng.day(d(2019, 1, 1), (d(2026, 10, 31) - d(2019, 1, 1)).num_days());
        let programme_start = rng.chance(0.9).then_some(start);
        let closed = rng.chance(0.15).then(|| rng.day(start + Duration::days(30), 1500)).filter(|c| *c <= last);
        let mut events: Vec<(NaiveDate, EventDetails)> = Vec::new();
        // Now and then an event registered before the case started.
        let from = if rng.chance(0.05) { start - Duration::days(60) } else { start };
        for _ in 0..(rng.chance(0.45) as usize + rng.chance(0.1) as usize) {
            let kind = if rng.chance(0.75) { EmploymentKind::Ordinary } else { EmploymentKind::WageSubsidy };
            let day = rng.day(from, 1500);
            events.push((day, EventDetails::EmploymentStarted { kind, hours_per_week: (8 + rng.below(30)) as f32 }));
            if rng.chance(0.5) {
                events.push((day + Duration::days(20 + rng.below(480) as i64), EventDetails::EmploymentEnded { kind }));
            }
        }
        if rng.chance(0.15) {
            let level =
                rng.pick(&[EducationLevel::Fgu, EducationLevel::Vocational, EducationLevel::UpperSecondary, EducationLevel::Higher]);
            let day = rng.day(from, 1800);
            events.push((day, EventDetails::EducationStarted { level }));
            if rng.chance(0.4) {
                events.push((day + Duration::days(100 + rng.below(600) as i64), EventDetails::EducationCompleted { level }));
            }
        }
        for _ in 0..rng.below(4) {
            events.push((rng.day(from, 2200), EventDetails::Community { kind: CommunityKind::Volunteering }));
        }
        if rng.chance(0.35) {
            events.push((rng.day(from + Duration::days(100), 2200), EventDetails::ExamPassed { exam: DanishExam::Pd2 }));
        }
        if rng.chance(0.5) {
            let offer =
                rng.pick(&[InitiativeType::WorkPlacement, InitiativeType::Mentor, InitiativeType::Guidance, InitiativeType::DanishCourse]);
            let day = rng.day(from, 400);
            events.push((day, EventDetails::OfferStarted { offer, hours_per_week: (5 + rng.below(26)) as f32 }));
            if rng.chance(0.6) {
                events.push((
                    day + Duration::days(30 + rng.below(300) as i64),
                    EventDetails::OfferEnded { offer, result: OfferResult::Completed },
                ));
            }
        }
        if rng.chance(0.2) {
            let day = rng.day(from, 2000);
            events.push((day, EventDetails::BenefitEnded {}));
            if rng.chance(0.3) {
                events.push((day + Duration::days(10 + rng.below(200) as i64), EventDetails::BenefitResumed {}));
            }
        }
        let how_many = match rng.below(100) {
            0..35 => 0,
            35..75 => 1,
            75..93 => 2,
            _ => 3,
        };
        for _ in 0..how_many {
            if initiatives.is_empty() {
                break;
            }
            // Skewed: the first initiatives are large, the last ones small.
            let u = rng.unit();
            let i = &initiatives[((u * u * u) * initiatives.len() as f64) as usize % initiatives.len()];
            let start = rng.day(d(2024, 9, 1), (last - d(2024, 9, 1)).num_days());
            let end = rng.chance(0.6).then(|| start + Duration::days(14 + rng.below(300) as i64)).filter(|e| *e <= last);
            let outcome = end.and_then(|_| {
                rng.chance(0.85).then(|| {
                    rng.pick(&[
                        EnrolmentOutcome::Completed,
                        EnrolmentOutcome::DroppedOut,
                        EnrolmentOutcome::WentToJob,
                        EnrolmentOutcome::WentToEducation,
                    ])
                })
            });
            if rng.chance(0.5) {
                events.push((start, EventDetails::OfferStarted { offer: i.kind, hours_per_week: (5 + rng.below(30)) as f32 }));
            }
            enrolments.push(Enrolment {
                id: EnrolmentId::new(1_700_000_000_000 + enrolments.len() as u64, [(enrolments.len() % 251) as u8; 10]),
                participant: id,
                initiative: i.id,
                start,
                end,
                outcome,
            });
        }
        events.retain(|(day, _)| *day <= last);
        cases.push(Case::from_events(id, Some(start), programme_start, closed, &events));
    }
    cases.sort_by_key(|c| c.id);
    Data { strategy: "Syntetisk strategi".into(), goals, indicators, cases, manual: Vec::new(), initiatives, enrolments }
}
