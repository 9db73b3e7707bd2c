//! The measures: each a pure function from the participants' cases to a value with its numerator,
//! denominator and the participants behind the numerator. The definitions are the ones
//! `docs/strategy-file.md` gives for each measure code; `docs/indicators.md` details them.

use chrono::{Months, NaiveDate};
use indsats_core::event::{EmploymentKind, EventDetails};
use indsats_core::facts::{Facts, Job, Mark};
use indsats_core::ids::ParticipantId;
use indsats_core::model::Measure;

use crate::period::Period;

/// What the engine needs to know of one participant: the dates of their case and the facts
/// derived from their events. No names, no CPR numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: ParticipantId,
    /// The start of the programme, or the arrival when there is none.
    pub start: Option<NaiveDate>,
    pub programme_start: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub facts: Facts,
}

impl Case {
    /// A case from its events (the store keeps the facts; tests and imports derive them here).
    pub fn from_events(
        id: ParticipantId,
        start: Option<NaiveDate>,
        programme_start: Option<NaiveDate>,
        closed: Option<NaiveDate>,
        events: &[(NaiveDate, EventDetails)],
    ) -> Case {
        let refs: Vec<_> = events.iter().map(|(d, e)| (*d, e)).collect();
        Case { id, start, programme_start, closed, facts: Facts::derive(&refs) }
    }

    /// Whether the case is open at some point of [from, to]: started by `to`, not closed before `from`.
    pub fn active(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let started = self.start.or(self.facts.first);
        started.is_some_and(|s| s <= to) && self.closed.is_none_or(|c| c >= from)
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

/// A month of a monthly measure: its days, and the 3-month window ending with it.
struct Month {
    from: NaiveDate,
    to: NaiveDate,
    window_from: NaiveDate,
}

/// A monthly share, summed over the period's months (those begun by `as_of`) as person-months.
/// Cases outer, months inner: each case's facts are read once for all months.
fn monthly(period: Period, as_of: NaiveDate, cases: &[Case], counts: impl Fn(&Case, &Month) -> bool) -> Computed {
    let months: Vec<Month> = period
        .months()
        .into_iter()
        .filter(|m| m.first_day() <= as_of)
        .map(|m| {
            let (from, to) = (m.first_day(), m.last_day());
            let window_from = to.checked_sub_months(Months::new(3)).and_then(|d| d.succ_opt()).unwrap_or(to);
            Month { from, to, window_from }
        })
        .collect();
    let (mut num, mut den) = (0u32, 0u32);
    let mut who = Vec::new();
    for c in cases {
        let Some(started) = c.start.or(c.facts.first) else { continue };
        let mut counted = false;
        for m in months.iter().filter(|m| started <= m.to && c.closed.is_none_or(|x| x >= m.from)) {
            den += 1;
            if counts(c, m) {
                num += 1;
                counted = true;
            }
        }
        if counted {
            who.push(c.id);
        }
    }
    Computed::share(num, den, who)
}

/// The end of a job: its end event, or the case's closing when it was still running.
fn job_end(j: &Job, closed: Option<NaiveDate>) -> Option<NaiveDate> {
    j.to.or(closed.map(|c| c.max(j.from)))
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
        Measure::OrdinaryEmployment => monthly(period, as_of, cases, |c, m| {
            c.facts
                .jobs
                .iter()
                .any(|j| j.kind == EmploymentKind::Ordinary && j.from <= m.to && job_end(j, c.closed).is_none_or(|end| end >= m.from))
        }),
        // At least 190 hours of ordinary employment in the 3 months ending with the month.
        Measure::Hours190 => monthly(period, as_of, cases, |c, m| {
            let hours: f64 = c
                .facts
                .jobs
                .iter()
                .filter(|j| j.kind == EmploymentKind::Ordinary)
                .map(|j| overlap_days(m.window_from, m.to, j.from, job_end(j, c.closed)) as f64 * f64::from(j.hours_per_week) / 7.0)
                .sum();
            hours >= 190.0
        }),
        Measure::EducationStarted => mark_share(cases, from, to, Mark::EducationStarted),
        Measure::EducationCompleted => mark_share(cases, from, to, Mark::EducationCompleted),
        Measure::CommunityParticipation => mark_share(cases, from, to, Mark::Community),
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
                if c.facts.first_mark(Mark::ExamPassed, NaiveDate::MIN).is_some_and(|d| d <= deadline) {
                    who.push(c.id);
                }
            }
            Computed::share(who.len() as u32, den, who)
        }
        // Open at the period's end and started at least 6 months before it: a higher step on
        // the ladder at the end than 6 months earlier.
        Measure::ProgressionUp => {
            let Some(before) = to.checked_sub_months(Months::new(6)) else {
                return Computed::share(0, 0, Vec::new());
            };
            let mut who = Vec::new();
            let mut den = 0;
            for c in cases.iter().filter(|c| c.active(to, to) && c.start.is_some_and(|s| s <= before)) {
                den += 1;
                if c.facts.step_on(to) > c.facts.step_on(before) {
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
                if let Some(d) = c.facts.first_mark(Mark::JobOffer, s) {
                    total += (d - s).num_days();
                    who.push(c.id);
                }
            }
            let n = who.len() as u32;
            Computed { value: (n > 0).then(|| total as f64 / f64::from(n)), numerator: total as f64, denominator: n, participants: who }
        }
    }
}

fn mark_share(cases: &[Case], from: NaiveDate, to: NaiveDate, mark: Mark) -> Computed {
    let mut den = 0;
    let mut who = Vec::new();
    for c in cases.iter().filter(|c| c.active(from, to)) {
        den += 1;
        if c.facts.has_mark(mark, from, to) {
            who.push(c.id);
        }
    }
    Computed::share(who.len() as u32, den, who)
}
