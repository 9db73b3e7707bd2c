//! Initiative results, results-based accountability style: how much, how well, and is anyone
//! better off. Pure functions of the enrolments and the cases; `docs/indicators.md` has the
//! definitions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use indsats_core::ids::{InitiativeId, ParticipantId};
use indsats_core::model::{Enrolment, EnrolmentOutcome, Initiative};

use crate::measure::Case;
use crate::period::Period;
use crate::summary::HORIZONS;

/// A share with what it is a share of: `numerator` of `denominator` enrolments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    pub numerator: u32,
    pub denominator: u32,
}

impl Count {
    pub fn share(self) -> Option<f64> {
        (self.denominator > 0).then(|| f64::from(self.numerator) * 100.0 / f64::from(self.denominator))
    }
    fn add(&mut self, hit: bool) {
        self.denominator += 1;
        self.numerator += u32::from(hit);
    }
}

/// One initiative's results for a period, as known on a day.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InitiativeResults {
    /// How much: persons enrolled at some point of the period.
    pub participants: u32,
    /// How much: enrolments started in the period.
    pub starts: u32,
    /// How much: planned hours in the period (offers of the initiative's type, while enrolled).
    pub hours: f64,
    /// How well: of the enrolments ended in the period, those completed (or that went to a job
    /// or education) and those dropped out.
    pub completed: Count,
    pub dropped_out: Count,
    /// How well: days from programme start to the enrolment's start, summed, over `days_n`
    /// enrolments started in the period (those with a programme start on or before it).
    pub days_to_start_total: i64,
    pub days_n: u32,
    /// Better off, per horizon of [`HORIZONS`]: of the enrolments whose horizon day (end + N
    /// months) falls in the period up to today, those in ordinary employment, in ordinary
    /// education, and self-supporting (off benefit as Jobindsats counts) on that day.
    pub employed: [Count; 4],
    pub in_education: [Count; 4],
    pub self_supporting: [Count; 4],
    /// The persons behind the numbers (drill-down inside the app only).
    pub persons: Vec<ParticipantId>,
}

impl InitiativeResults {
    pub fn days_to_start(&self) -> Option<f64> {
        (self.days_n > 0).then(|| self.days_to_start_total as f64 / f64::from(self.days_n))
    }
}

fn overlap_days(from: NaiveDate, to: NaiveDate, b_from: NaiveDate, b_to: Option<NaiveDate>) -> i64 {
    let f = from.max(b_from);
    let t = b_to.map_or(to, |b| to.min(b));
    if t < f { 0 } else { (t - f).num_days() + 1 }
}

/// Results per initiative for `period` as known on `as_of`. `cases` must be sorted by id (as
/// [`crate::load_cases`] returns them); enrolments of unknown participants are skipped.
pub fn initiative_results(
    initiatives: &[Initiative],
    enrolments: &[Enrolment],
    cases: &[Case],
    period: Period,
    as_of: NaiveDate,
) -> BTreeMap<InitiativeId, InitiativeResults> {
    let from = period.first_day();
    let to = period.last_day().min(as_of);
    let kinds: BTreeMap<InitiativeId, _> = initiatives.iter().map(|i| (i.id, i.kind)).collect();
    let mut out: BTreeMap<InitiativeId, InitiativeResults> = initiatives.iter().map(|i| (i.id, InitiativeResults::default())).collect();
    let mut persons: BTreeMap<InitiativeId, BTreeSet<ParticipantId>> = BTreeMap::new();
    if to < from {
        return out;
    }
    for e in enrolments {
        let (Some(r), Some(kind)) = (out.get_mut(&e.initiative), kinds.get(&e.initiative)) else { continue };
        let Ok(ci) = cases.binary_search_by_key(&e.participant, |c| c.id) else { continue };
        let case = &cases[ci];
        let active = e.start <= to && e.end.is_none_or(|end| end >= from);
        if active {
            persons.entry(e.initiative).or_default().insert(e.participant);
            let (a, b) = (e.start.max(from), e.end.map_or(to, |end| end.min(to)));
            let hours: f64 = case
                .facts
                .offers
                .iter()
                .filter(|o| o.kind == *kind)
                .map(|o| overlap_days(a, b, o.from, o.to) as f64 * f64::from(o.hours_per_week) / 7.0)
                .sum();
            r.hours += hours;
        }
        if e.start >= from && e.start <= to {
            r.starts += 1;
            if let Some(ps) = case.programme_start.filter(|ps| *ps <= e.start) {
                r.days_to_start_total += (e.start - ps).num_days();
                r.days_n += 1;
            }
        }
        let Some(end) = e.end else { continue };
        if end >= from && end <= to {
            let outcome = e.outcome;
            r.completed.add(matches!(
                outcome,
                Some(EnrolmentOutcome::Completed | EnrolmentOutcome::WentToJob | EnrolmentOutcome::WentToEducation)
            ));
            r.dropped_out.add(outcome == Some(EnrolmentOutcome::DroppedOut));
        }
        for (h, months) in HORIZONS.iter().enumerate() {
            let Some(day) = end.checked_add_months(Months::new(*months)) else { continue };
            if day < from || day > to {
                continue;
            }
            // A case closed by then (moved away, died) is not followed further.
            if case.closed.is_some_and(|c| c < day) {
                continue;
            }
            r.employed[h].add(case.facts.employed_on(day));
            r.in_education[h].add(case.facts.in_education_on(day));
            r.self_supporting[h].add(case.facts.self_supporting_on(day));
        }
    }
    for (id, who) in persons {
        if let Some(r) = out.get_mut(&id) {
            r.participants = who.len() as u32;
            r.persons = who.into_iter().collect();
        }
    }
    out
}
