//! The measures: each a pure function from the participants' cases to a value with its numerator,
//! denominator and the participants behind the numerator. The definitions are the ones
//! `docs/strategy-file.md` gives for each measure code; `docs/indicators.md` details them.

use chrono::{Months, NaiveDate};
use indsats_core::event::{EmploymentKind, EventDetails};
use indsats_core::ids::ParticipantId;
use indsats_core::ladder::{self, LadderRules};
use indsats_core::model::{InitiativeType, Measure};

use crate::period::Period;

/// What the engine needs to know of one participant. No names, no CPR numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: ParticipantId,
    /// The start of the programme, or the arrival when there is none.
    pub start: Option<NaiveDate>,
    pub programme_start: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    /// The timeline, in date order.
    pub events: Vec<(NaiveDate, EventDetails)>,
}

/// An employment, from its start event to its end event (open when still running).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Job {
    kind: EmploymentKind,
    hours_per_week: f32,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Case {
    /// Whether the case is open at some point of [from, to]: started by `to`, not closed before `from`.
    fn active(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let started = self.start.or_else(|| self.events.first().map(|(d, _)| *d));
        started.is_some_and(|s| s <= to) && self.closed.is_none_or(|c| c >= from)
    }

    fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = Vec::new();
        for (d, e) in &self.events {
            match e {
                EventDetails::EmploymentStarted { kind, hours_per_week } => {
                    jobs.push(Job { kind: *kind, hours_per_week: *hours_per_week, from: *d, to: None })
                }
                EventDetails::EmploymentEnded { kind } => {
                    if let Some(j) = jobs.iter_mut().find(|j| j.kind == *kind && j.to.is_none()) {
                        j.to = Some(*d);
                    }
                }
                _ => {}
            }
        }
        // A closed case ends whatever was still registered as running.
        if let Some(c) = self.closed {
            for j in jobs.iter_mut().filter(|j| j.to.is_none()) {
                j.to = Some(c.max(j.from));
            }
        }
        jobs
    }

    fn has_event_in(&self, from: NaiveDate, to: NaiveDate, f: impl Fn(&EventDetails) -> bool) -> bool {
        self.events.iter().any(|(d, e)| *d >= from && *d <= to && f(e))
    }
}

/// A computed value: `value` is `numerator / denominator` (× 100 for shares), or the mean for
/// day counts; `None` when the denominator is 0 or the measure is entered by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: u32,
    /// The participants counted in the numerator, for drill-down inside the app (audited).
    pub participants: Vec<ParticipantId>,
}

impl Computed {
    fn share(numerator: u32, denominator: u32, participants: Vec<ParticipantId>) -> Computed {
        let value = (denominator > 0).then(|| f64::from(numerator) * 100.0 / f64::from(denominator));
        Computed { value, numerator: f64::from(numerator), denominator, participants }
    }
}

fn overlap_days(a_from: NaiveDate, a_to: NaiveDate, b_from: NaiveDate, b_to: Option<NaiveDate>) -> i64 {
    let from = a_from.max(b_from);
    let to = b_to.map_or(a_to, |b| a_to.min(b));
    if to < from { 0 } else { (to - from).num_days() + 1 }
}

/// A monthly share, summed over the period's months (those begun by `as_of`) as person-months.
fn monthly(period: Period, as_of: NaiveDate, cases: &[Case], counts: impl Fn(&Case, NaiveDate, NaiveDate) -> bool) -> Computed {
    let (mut num, mut den) = (0u32, 0u32);
    let mut who = Vec::new();
    for m in period.months().into_iter().filter(|m| m.first_day() <= as_of) {
        let (from, to) = (m.first_day(), m.last_day());
        for c in cases.iter().filter(|c| c.active(from, to)) {
            den += 1;
            if counts(c, from, to) {
                num += 1;
                if who.last() != Some(&c.id) && !who.contains(&c.id) {
                    who.push(c.id);
                }
            }
        }
    }
    Computed::share(num, den, who)
}

/// Computes `measure` for `period` as known on `as_of` (today): the part of the period after it
/// has not happened and is left out. `Manual` gives no value: it is entered by a person.
pub fn compute(measure: Measure, period: Period, cases: &[Case], as_of: NaiveDate) -> Computed {
    let from = period.first_day();
    let to = period.last_day().min(as_of);
    if to < from {
        return Computed { value: None, numerator: 0.0, denominator: 0, participants: Vec::new() };
    }
    match measure {
        Measure::Manual => Computed { value: None, numerator: 0.0, denominator: 0, participants: Vec::new() },
        // MM13: in ordinary (unsupported) employment at some point of the month.
        Measure::OrdinaryEmployment => monthly(period, as_of, cases, |c, f, t| {
            c.jobs().iter().any(|j| j.kind == EmploymentKind::Ordinary && overlap_days(f, t, j.from, j.to) > 0)
        }),
        // At least 190 hours of ordinary employment in the 3 months ending with the month.
        Measure::Hours190 => monthly(period, as_of, cases, |c, _, t| {
            let window_from = t.checked_sub_months(Months::new(3)).and_then(|d| d.succ_opt()).unwrap_or(t);
            let hours: f64 = c
                .jobs()
                .iter()
                .filter(|j| j.kind == EmploymentKind::Ordinary)
                .map(|j| overlap_days(window_from, t, j.from, j.to) as f64 * f64::from(j.hours_per_week) / 7.0)
                .sum();
            hours >= 190.0
        }),
        Measure::EducationStarted => event_share(cases, from, to, |e| matches!(e, EventDetails::EducationStarted { .. })),
        Measure::EducationCompleted => event_share(cases, from, to, |e| matches!(e, EventDetails::EducationCompleted { .. })),
        Measure::CommunityParticipation => event_share(cases, from, to, |e| matches!(e, EventDetails::Community { .. })),
        // The cohort whose fifth programme year ends in the period; passed a test within it.
        Measure::DanishTestWithin5y => {
            let mut who = Vec::new();
            let mut den = 0;
            for c in cases {
                let Some(deadline) = c.programme_start.and_then(|s| s.checked_add_months(Months::new(60))) else { continue };
                if deadline < from || deadline > to {
                    continue;
                }
                den += 1;
                if c.events.iter().any(|(d, e)| *d <= deadline && matches!(e, EventDetails::ExamPassed { .. })) {
                    who.push(c.id);
                }
            }
            Computed::share(who.len() as u32, den, who)
        }
        // Open at the period's end and started at least 6 months before it: a higher step on
        // the ladder at the end than 6 months earlier.
        Measure::ProgressionUp => {
            let rules = LadderRules::default();
            let Some(before) = to.checked_sub_months(Months::new(6)) else {
                return Computed::share(0, 0, Vec::new());
            };
            let mut who = Vec::new();
            let mut den = 0;
            for c in cases.iter().filter(|c| c.active(to, to) && c.start.is_some_and(|s| s <= before)) {
                den += 1;
                let pairs: Vec<_> = c.events.iter().map(|(d, e)| (*d, e)).collect();
                if ladder::step_on(&pairs, to, &rules) > ladder::step_on(&pairs, before, &rules) {
                    who.push(c.id);
                }
            }
            Computed::share(who.len() as u32, den, who)
        }
        // Programme started in the period: days to the first job-oriented offer, on average,
        // over those who got one.
        Measure::DaysToFirstOffer => {
            let mut total = 0i64;
            let mut who = Vec::new();
            for c in cases {
                let Some(s) = c.programme_start.filter(|s| *s >= from && *s <= to) else { continue };
                let first = c.events.iter().find(|(d, e)| {
                    *d >= s && matches!(e, EventDetails::OfferStarted { offer, .. } if InitiativeType::is_job_oriented(*offer))
                });
                if let Some((d, _)) = first {
                    total += (*d - s).num_days();
                    who.push(c.id);
                }
            }
            let n = who.len() as u32;
            Computed { value: (n > 0).then(|| total as f64 / f64::from(n)), numerator: total as f64, denominator: n, participants: who }
        }
    }
}

fn event_share(cases: &[Case], from: NaiveDate, to: NaiveDate, f: impl Fn(&EventDetails) -> bool) -> Computed {
    let mut den = 0;
    let mut who = Vec::new();
    for c in cases.iter().filter(|c| c.active(from, to)) {
        den += 1;
        if c.has_event_in(from, to, &f) {
            who.push(c.id);
        }
    }
    Computed::share(who.len() as u32, den, who)
}
