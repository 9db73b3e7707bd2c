//! The labour-market ladder, derived from a participant's events (illustrative and configurable):
//!
//! 0 not assessed · 1 preparatory (assessed; Danish, upskilling) · 2 job-oriented offer ·
//! 3 supported job (wage subsidy, IGU) · 4 ordinary job < 190 h per 3 months ·
//! 5 ordinary job ≥ 190 h per 3 months, or ordinary education · 6 self-supporting ≥ 6 months.
//!
//! The step is never stored: it is recomputed from the dated events, so history cannot drift.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use crate::event::{EmploymentKind, EventDetails};
use crate::model::InitiativeType;

/// The thresholds the ladder uses. Municipalities may change them.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderRules {
    /// Hours per 3 months that make an ordinary job count as step 5.
    pub hours_per_quarter: f32,
    /// Months off benefit that count as self-supporting (step 6).
    pub self_supporting_months: u32,
}

impl Default for LadderRules {
    fn default() -> Self {
        Self { hours_per_quarter: 190.0, self_supporting_months: 6 }
    }
}

/// A rung of the ladder, 0–6.
pub type Step = u8;

/// Labels for the steps, Danish and English.
pub const STEP_LABELS: [(&str, &str); 7] = [
    ("Ikke vurderet", "Not assessed"),
    ("Forberedende", "Preparatory"),
    ("Jobrettet tilbud", "Job-oriented offer"),
    ("Støttet job", "Supported job"),
    ("Ordinært job < 190 t", "Ordinary job < 190 h"),
    ("Ordinært job ≥ 190 t / uddannelse", "Ordinary job ≥ 190 h / education"),
    ("Selvforsørgende ≥ 6 mdr.", "Self-supporting ≥ 6 months"),
];

/// What is going on for a participant on a given day, replayed from events.
#[derive(Debug, Default, Clone)]
struct State {
    assessed: bool,
    danish_active: bool,
    offers: BTreeMap<InitiativeType, u32>,
    jobs: Vec<(EmploymentKind, f32)>,
    ordinary_education: u32,
    preparatory_education: u32,
    off_benefit_since: Option<NaiveDate>,
    closed: bool,
}

impl State {
    fn apply(&mut self, date: NaiveDate, e: &EventDetails) {
        use EventDetails as E;
        match e {
            E::Visitation { .. } | E::ContractSigned {} | E::MeetingHeld {} => self.assessed = true,
            // A conversation that took place is an assessment; a cancelled one or a no-show is not.
            E::Conversation { outcome, .. } => {
                if *outcome == crate::event::ConversationOutcome::Held {
                    self.assessed = true;
                }
            }
            E::DanishStarted { .. } | E::ModuleTestPassed { .. } => {
                self.assessed = true;
                self.danish_active = true;
            }
            E::DanishInterrupted { .. } => self.danish_active = false,
            E::OfferStarted { offer, .. } => {
                self.assessed = true;
                *self.offers.entry(*offer).or_default() += 1;
            }
            E::OfferEnded { offer, .. } => {
                if let Some(n) = self.offers.get_mut(offer) {
                    *n = n.saturating_sub(1);
                }
            }
            E::EmploymentStarted { kind, hours_per_week } => {
                self.assessed = true;
                self.jobs.push((*kind, *hours_per_week));
            }
            E::EmploymentEnded { kind } => {
                if let Some(i) = self.jobs.iter().position(|(k, _)| k == kind) {
                    self.jobs.remove(i);
                }
            }
            E::EducationStarted { level } => {
                self.assessed = true;
                if level.is_ordinary() {
                    self.ordinary_education += 1;
                } else {
                    self.preparatory_education += 1;
                }
            }
            E::EducationCompleted { level } | E::EducationInterrupted { level } => {
                let n = if level.is_ordinary() { &mut self.ordinary_education } else { &mut self.preparatory_education };
                *n = n.saturating_sub(1);
            }
            E::BenefitEnded {} => {
                self.assessed = true;
                self.off_benefit_since.get_or_insert(date);
            }
            E::BenefitResumed {} => {
                self.assessed = true;
                self.off_benefit_since = None;
            }
            E::Closure { .. } | E::ProgrammeEnded {} => self.closed = matches!(e, E::Closure { .. }),
            E::ExamRegistered { .. }
            | E::ExamPassed { .. }
            | E::ProgrammeExtended { .. }
            | E::ProgressionMeasured { .. }
            | E::Community { .. } => {}
        }
    }

    fn step(&self, on: NaiveDate, rules: &LadderRules) -> Step {
        if let Some(since) = self.off_benefit_since
            && since.checked_add_months(Months::new(rules.self_supporting_months)).is_some_and(|d| d <= on)
        {
            return 6;
        }
        let ordinary_hours: f32 = self.jobs.iter().filter(|(k, _)| *k == EmploymentKind::Ordinary).map(|(_, h)| h).sum();
        // 13 weeks in 3 months.
        if (ordinary_hours > 0.0 && ordinary_hours * 13.0 >= rules.hours_per_quarter) || self.ordinary_education > 0 {
            return 5;
        }
        if ordinary_hours > 0.0 {
            return 4;
        }
        let active = |f: fn(InitiativeType) -> bool| self.offers.iter().any(|(t, n)| *n > 0 && f(*t));
        if self.jobs.iter().any(|(k, _)| *k != EmploymentKind::Ordinary) || active(InitiativeType::is_supported_job) {
            return 3;
        }
        if active(InitiativeType::is_job_oriented) {
            return 2;
        }
        if self.assessed || self.danish_active || self.preparatory_education > 0 {
            return 1;
        }
        0
    }
}

/// The step on `on`, from events (in any order; those after `on` are ignored).
pub fn step_on(events: &[(NaiveDate, &EventDetails)], on: NaiveDate, rules: &LadderRules) -> Step {
    let mut sorted: Vec<_> = events.iter().filter(|(d, _)| *d <= on).collect();
    sorted.sort_by_key(|(d, _)| *d);
    let mut state = State::default();
    for (d, e) in sorted {
        state.apply(*d, e);
    }
    state.step(on, rules)
}

/// Every day the step changed, from the first event up to and including `until`: the ladder over
/// time. Self-support is reached without an event, so its date is found by looking ahead.
pub fn history(events: &[(NaiveDate, &EventDetails)], until: NaiveDate, rules: &LadderRules) -> Vec<(NaiveDate, Step)> {
    let mut sorted: Vec<_> = events.iter().filter(|(d, _)| *d <= until).collect();
    sorted.sort_by_key(|(d, _)| *d);
    let mut out: Vec<(NaiveDate, Step)> = Vec::new();
    let mut state = State::default();
    let push = |out: &mut Vec<(NaiveDate, Step)>, d: NaiveDate, s: Step| {
        if out.last().is_none_or(|(_, last)| *last != s) {
            out.push((d, s));
        }
    };
    let mut i = 0;
    while i < sorted.len() {
        let day = sorted[i].0;
        while i < sorted.len() && sorted[i].0 == day {
            state.apply(day, sorted[i].1);
            i += 1;
        }
        push(&mut out, day, state.step(day, rules));
        let next = sorted.get(i).map(|(d, _)| *d).unwrap_or(until);
        if let Some(since) = state.off_benefit_since
            && let Some(reached) = since.checked_add_months(Months::new(rules.self_supporting_months))
            && reached > day
            && reached <= next
            && reached <= until
            && (i == sorted.len() || reached < next)
        {
            push(&mut out, reached, state.step(reached, rules));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{DanishCourse, EmploymentKind as K};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_trajectory_climbs_the_ladder() {
        let r = LadderRules::default();
        let visit = EventDetails::ContractSigned {};
        let danish = EventDetails::DanishStarted { course: DanishCourse::Du2, module: 1 };
        let praktik = EventDetails::OfferStarted { offer: InitiativeType::WorkPlacement, hours_per_week: 15.0 };
        let praktik_end = EventDetails::OfferEnded { offer: InitiativeType::WorkPlacement, result: crate::event::OfferResult::Job };
        let subsidy = EventDetails::EmploymentStarted { kind: K::WageSubsidy, hours_per_week: 30.0 };
        let subsidy_end = EventDetails::EmploymentEnded { kind: K::WageSubsidy };
        let small_job = EventDetails::EmploymentStarted { kind: K::Ordinary, hours_per_week: 10.0 };
        let more_job = EventDetails::EmploymentStarted { kind: K::Ordinary, hours_per_week: 8.0 };
        let off = EventDetails::BenefitEnded {};
        let events = vec![
            (d(2024, 1, 10), &visit),
            (d(2024, 2, 1), &danish),
            (d(2024, 6, 1), &praktik),
            (d(2024, 9, 1), &praktik_end),
            (d(2024, 9, 1), &subsidy),
            (d(2025, 3, 1), &subsidy_end),
            (d(2025, 3, 1), &small_job),
            (d(2025, 5, 1), &more_job),
            (d(2025, 6, 1), &off),
        ];
        assert_eq!(step_on(&events, d(2023, 12, 31), &r), 0);
        assert_eq!(step_on(&events, d(2024, 1, 10), &r), 1);
        assert_eq!(step_on(&events, d(2024, 7, 1), &r), 2);
        assert_eq!(step_on(&events, d(2024, 10, 1), &r), 3);
        // 10 h/week × 13 = 130 h < 190.
        assert_eq!(step_on(&events, d(2025, 4, 1), &r), 4);
        // 18 h/week × 13 = 234 h ≥ 190.
        assert_eq!(step_on(&events, d(2025, 5, 1), &r), 5);
        assert_eq!(step_on(&events, d(2025, 11, 30), &r), 5);
        assert_eq!(step_on(&events, d(2025, 12, 1), &r), 6);

        let h = history(&events, d(2026, 1, 1), &r);
        assert_eq!(
            h,
            vec![(d(2024, 1, 10), 1), (d(2024, 6, 1), 2), (d(2024, 9, 1), 3), (d(2025, 3, 1), 4), (d(2025, 5, 1), 5), (d(2025, 12, 1), 6),]
        );
    }

    #[test]
    fn resumed_benefit_resets_self_support_and_rules_are_configurable() {
        let off = EventDetails::BenefitEnded {};
        let on = EventDetails::BenefitResumed {};
        let events = vec![(d(2025, 1, 1), &off), (d(2025, 4, 1), &on), (d(2025, 5, 1), &off)];
        let r = LadderRules::default();
        assert_eq!(step_on(&events, d(2025, 8, 1), &r), 1);
        assert_eq!(step_on(&events, d(2025, 11, 1), &r), 6);
        let strict = LadderRules { self_supporting_months: 12, ..r };
        assert_eq!(step_on(&events, d(2025, 11, 1), &strict), 1);
    }

    #[test]
    fn ordinary_education_is_step_five_and_fgu_is_preparatory() {
        use crate::event::EducationLevel as L;
        let fgu = EventDetails::EducationStarted { level: L::Fgu };
        let eud = EventDetails::EducationStarted { level: L::Vocational };
        let r = LadderRules::default();
        assert_eq!(step_on(&[(d(2025, 1, 1), &fgu)], d(2025, 2, 1), &r), 1);
        assert_eq!(step_on(&[(d(2025, 1, 1), &fgu), (d(2025, 8, 1), &eud)], d(2025, 9, 1), &r), 5);
    }
}
