//! The dated facts the indicators are computed from, derived from one participant's events:
//! employment spells, education spells, benefit gaps, the ladder steps and a few dated marks.
//!
//! They are derived data: the store keeps them beside the events (refreshed in the same
//! transaction as every event write) so that a dashboard reads a few facts per participant
//! instead of replaying every event. [`VERSION`] changes whenever the derivation does; the store
//! rebuilds every participant's facts when it finds an older version.

use chrono::{Datelike, Months, NaiveDate};

use crate::event::{EmploymentKind, EventDetails};
use crate::ladder::{self, LadderRules, Step};
use crate::model::{Code, InitiativeType};

/// Bump when [`Facts::derive`] or the encoding changes: stores rebuild their facts.
pub const VERSION: u32 = 4;

/// An employment, from its start event to its end event (open when still registered as running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    pub kind: EmploymentKind,
    pub hours_per_week: f32,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// An offer (work placement, mentor, Danish, …), from its start event to its end event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    pub kind: InitiativeType,
    pub hours_per_week: f32,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A dated event that some indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mark {
    EducationStarted,
    EducationCompleted,
    Community,
    ExamPassed,
    /// A job-oriented offer (work placement, mentor, guidance) started.
    JobOffer,
}

const MARKS: [Mark; 5] = [Mark::EducationStarted, Mark::EducationCompleted, Mark::Community, Mark::ExamPassed, Mark::JobOffer];

/// A spell from `from` to `to` (inclusive; open when `None`).
pub type Spell = (NaiveDate, Option<NaiveDate>);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// The days of the first and the latest event.
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    pub jobs: Vec<Job>,
    pub offers: Vec<Offer>,
    /// In ordinary education (not FGU or other preparatory education).
    pub education: Vec<Spell>,
    /// Registered off benefit: from a "benefit ended" event to the day before "benefit resumed".
    pub off_benefit: Vec<Spell>,
    /// Dated marks, in date order.
    pub marks: Vec<(NaiveDate, Mark)>,
    /// The ladder: each change of step, in date order (with the default [`LadderRules`]).
    pub steps: Vec<(NaiveDate, Step)>,
}

/// Facts that could not be read back: the store rebuilds them from the events.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored facts are unreadable ({0}); they are rebuilt from the events")]
pub struct DecodeError(&'static str);

fn covers(s: &Spell, day: NaiveDate) -> bool {
    s.0 <= day && s.1.is_none_or(|to| day <= to)
}

impl Facts {
    /// Derives the facts from a participant's events, in any order.
    pub fn derive(events: &[(NaiveDate, &EventDetails)]) -> Facts {
        let mut sorted: Vec<(NaiveDate, &EventDetails)> = events.to_vec();
        sorted.sort_by_key(|(d, _)| *d);
        let mut f = Facts { first: sorted.first().map(|(d, _)| *d), last: sorted.last().map(|(d, _)| *d), ..Facts::default() };
        let mut open_education: Vec<(crate::event::EducationLevel, NaiveDate)> = Vec::new();
        for (d, e) in &sorted {
            let d = *d;
            match e {
                EventDetails::EmploymentStarted { kind, hours_per_week } => {
                    f.jobs.push(Job { kind: *kind, hours_per_week: *hours_per_week, from: d, to: None })
                }
                EventDetails::EmploymentEnded { kind } => {
                    if let Some(j) = f.jobs.iter_mut().find(|j| j.kind == *kind && j.to.is_none()) {
                        j.to = Some(d);
                    }
                }
                EventDetails::EducationStarted { level } => {
                    f.marks.push((d, Mark::EducationStarted));
                    if level.is_ordinary() {
                        open_education.push((*level, d));
                    }
                }
                EventDetails::EducationCompleted { level } | EventDetails::EducationInterrupted { level } => {
                    if matches!(e, EventDetails::EducationCompleted { .. }) {
                        f.marks.push((d, Mark::EducationCompleted));
                    }
                    if let Some(i) = open_education.iter().position(|(l, _)| l == level) {
                        let (_, from) = open_education.remove(i);
                        f.education.push((from, Some(d)));
                    }
                }
                EventDetails::BenefitEnded {} if f.off_benefit.last().is_none_or(|s| s.1.is_some()) => f.off_benefit.push((d, None)),
                EventDetails::BenefitResumed {} => {
                    if let Some(s) = f.off_benefit.last_mut().filter(|s| s.1.is_none()) {
                        // Back on benefit from `d`: the gap ended the day before (or is empty).
                        s.1 = Some(d.pred_opt().unwrap_or(d).max(s.0));
                        if d <= s.0 {
                            f.off_benefit.pop();
                        }
                    }
                }
                EventDetails::Community { .. } => f.marks.push((d, Mark::Community)),
                EventDetails::ExamPassed { .. } => f.marks.push((d, Mark::ExamPassed)),
                EventDetails::OfferStarted { offer, hours_per_week } => {
                    f.offers.push(Offer { kind: *offer, hours_per_week: *hours_per_week, from: d, to: None });
                    if InitiativeType::is_job_oriented(*offer) {
                        f.marks.push((d, Mark::JobOffer));
                    }
                }
                EventDetails::OfferEnded { offer, .. } => {
                    if let Some(o) = f.offers.iter_mut().find(|o| o.kind == *offer && o.to.is_none()) {
                        o.to = Some(d);
                    }
                }
                _ => {}
            }
        }
        f.education.extend(open_education.into_iter().map(|(_, from)| (from, None)));
        f.education.sort_by_key(|s| s.0);
        f.steps = ladder::history(&sorted, NaiveDate::MAX, &LadderRules::default());
        f
    }

    /// The ladder step on `day`.
    pub fn step_on(&self, day: NaiveDate) -> Step {
        let i = self.steps.partition_point(|(d, _)| *d <= day);
        if i == 0 { 0 } else { self.steps[i - 1].1 }
    }

    /// Whether any `mark` falls in [from, to].
    pub fn has_mark(&self, mark: Mark, from: NaiveDate, to: NaiveDate) -> bool {
        let i = self.marks.partition_point(|(d, _)| *d < from);
        self.marks[i..].iter().take_while(|(d, _)| *d <= to).any(|(_, m)| *m == mark)
    }

    /// The first `mark` on or after `from`.
    pub fn first_mark(&self, mark: Mark, from: NaiveDate) -> Option<NaiveDate> {
        let i = self.marks.partition_point(|(d, _)| *d < from);
        self.marks[i..].iter().find(|(_, m)| *m == mark).map(|(d, _)| *d)
    }

    /// In ordinary (unsupported) employment on `day`.
    pub fn employed_on(&self, day: NaiveDate) -> bool {
        self.jobs.iter().any(|j| j.kind == EmploymentKind::Ordinary && covers(&(j.from, j.to), day))
    }

    /// In ordinary education on `day`.
    pub fn in_education_on(&self, day: NaiveDate) -> bool {
        self.education.iter().any(|s| covers(s, day))
    }

    /// Self-supporting on `day`, counted as Jobindsats counts a benefit period: it ends only after
    /// a full calendar month without benefit. So `day` must lie in a gap that, by `day`, already
    /// holds a whole calendar month; a benefit resumed before that continues the period.
    pub fn self_supporting_on(&self, day: NaiveDate) -> bool {
        self.off_benefit.iter().any(|s| {
            if !covers(s, day) {
                return false;
            }
            // The first whole calendar month of the gap.
            let first_month = if s.0.day() == 1 {
                s.0
            } else {
                s.0.with_day(1).and_then(|m| m.checked_add_months(Months::new(1))).unwrap_or(NaiveDate::MAX)
            };
            let month_end = first_month.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX);
            month_end <= day
        })
    }

    /// A compact binary form (little-endian; dates as days from the common era).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.jobs.len() * 13 + (self.marks.len() + self.steps.len()) * 5 + 64);
        let date = |out: &mut Vec<u8>, d: NaiveDate| out.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
        let opt =
            |out: &mut Vec<u8>, d: Option<NaiveDate>| out.extend_from_slice(&d.map_or(i32::MIN, |d| d.num_days_from_ce()).to_le_bytes());
        let len = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n.min(u16::MAX as usize) as u16).to_le_bytes());
        out.push(VERSION as u8);
        opt(&mut out, self.first);
        opt(&mut out, self.last);
        len(&mut out, self.jobs.len());
        for j in self.jobs.iter().take(u16::MAX as usize) {
            out.push(EmploymentKind::ALL.iter().position(|k| *k == j.kind).unwrap_or(0) as u8);
            out.extend_from_slice(&j.hours_per_week.to_le_bytes());
            date(&mut out, j.from);
            opt(&mut out, j.to);
        }
        len(&mut out, self.offers.len());
        for o in self.offers.iter().take(u16::MAX as usize) {
            out.push(InitiativeType::ALL.iter().position(|k| *k == o.kind).unwrap_or(0) as u8);
            out.extend_from_slice(&o.hours_per_week.to_le_bytes());
            date(&mut out, o.from);
            opt(&mut out, o.to);
        }
        for spells in [&self.education, &self.off_benefit] {
            len(&mut out, spells.len());
            for s in spells.iter().take(u16::MAX as usize) {
                date(&mut out, s.0);
                opt(&mut out, s.1);
            }
        }
        len(&mut out, self.marks.len());
        for (d, m) in self.marks.iter().take(u16::MAX as usize) {
            date(&mut out, *d);
            out.push(MARKS.iter().position(|x| x == m).unwrap_or(0) as u8);
        }
        len(&mut out, self.steps.len());
        for (d, s) in self.steps.iter().take(u16::MAX as usize) {
            date(&mut out, *d);
            out.push(*s);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Facts, DecodeError> {
        let mut r = Bytes(bytes);
        if r.u8()? != VERSION as u8 {
            return Err(DecodeError("an older version"));
        }
        let mut f = Facts { first: r.opt()?, last: r.opt()?, ..Facts::default() };
        // Each list is allocated once, at its exact length (a dashboard decodes 200,000 of these).
        let n = usize::from(r.u16()?);
        f.jobs.reserve_exact(n);
        for _ in 0..n {
            let kind = *EmploymentKind::ALL.get(usize::from(r.u8()?)).ok_or(DecodeError("unknown employment kind"))?;
            let hours_per_week = f32::from_le_bytes(r.take()?);
            f.jobs.push(Job { kind, hours_per_week, from: r.date()?, to: r.opt()? });
        }
        let n = usize::from(r.u16()?);
        f.offers.reserve_exact(n);
        for _ in 0..n {
            let kind = *InitiativeType::ALL.get(usize::from(r.u8()?)).ok_or(DecodeError("unknown offer"))?;
            let hours_per_week = f32::from_le_bytes(r.take()?);
            f.offers.push(Offer { kind, hours_per_week, from: r.date()?, to: r.opt()? });
        }
        for spells in [&mut f.education, &mut f.off_benefit] {
            let n = usize::from(r.u16()?);
            spells.reserve_exact(n);
            for _ in 0..n {
                spells.push((r.date()?, r.opt()?));
            }
        }
        let n = usize::from(r.u16()?);
        f.marks.reserve_exact(n);
        for _ in 0..n {
            let d = r.date()?;
            f.marks.push((d, *MARKS.get(usize::from(r.u8()?)).ok_or(DecodeError("unknown mark"))?));
        }
        let n = usize::from(r.u16()?);
        f.steps.reserve_exact(n);
        for _ in 0..n {
            let d = r.date()?;
            f.steps.push((d, r.u8()?));
        }
        if !r.0.is_empty() {
            return Err(DecodeError("trailing bytes"));
        }
        Ok(f)
    }
}

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or(DecodeError("truncated"))?;
        self.0 = rest;
        Ok(*head)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.take()?))
    }
    fn date(&mut self) -> Result<NaiveDate, DecodeError> {
        NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(self.take()?)).ok_or(DecodeError("a date out of range"))
    }
    fn opt(&mut self) -> Result<Option<NaiveDate>, DecodeError> {
        let n = i32::from_le_bytes(self.take()?);
        if n == i32::MIN { Ok(None) } else { NaiveDate::from_num_days_from_ce_opt(n).map(Some).ok_or(DecodeError("a date out of range")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{CommunityKind, EducationLevel};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(events: &[(NaiveDate, EventDetails)]) -> Facts {
        let refs: Vec<_> = events.iter().map(|(d, e)| (*d, e)).collect();
        Facts::derive(&refs)
    }

    #[test]
    fn a_benefit_period_ends_only_after_a_full_calendar_month_without_benefit() {
        // Off benefit from 15 March: April is the first whole month, so self-supporting from 30 April.
        let f = facts(&[(d(2026, 3, 15), EventDetails::BenefitEnded {})]);
        assert!(!f.self_supporting_on(d(2026, 3, 31)));
        assert!(!f.self_supporting_on(d(2026, 4, 29)));
        assert!(f.self_supporting_on(d(2026, 4, 30)));
        assert!(f.self_supporting_on(d(2027, 1, 1)));
        // From the 1st: that month itself counts.
        let f = facts(&[(d(2026, 3, 1), EventDetails::BenefitEnded {})]);
        assert!(!f.self_supporting_on(d(2026, 3, 30)));
        assert!(f.self_supporting_on(d(2026, 3, 31)));
        // Resumed on 20 April: no whole month without benefit, so the period never ended.
        let f = facts(&[(d(2026, 3, 15), EventDetails::BenefitEnded {}), (d(2026, 4, 20), EventDetails::BenefitResumed {})]);
        assert!((d(2026, 3, 1).iter_days().take(120)).all(|day| !f.self_supporting_on(day)));
        // Resumed on 2 May, after all of April off: self-supporting on 30 April and 1 May only.
        let f = facts(&[(d(2026, 3, 15), EventDetails::BenefitEnded {}), (d(2026, 5, 2), EventDetails::BenefitResumed {})]);
        let days: Vec<_> = d(2026, 3, 1).iter_days().take(120).filter(|day| f.self_supporting_on(*day)).collect();
        assert_eq!(days, vec![d(2026, 4, 30), d(2026, 5, 1)]);
    }

    #[test]
    fn spells_marks_and_steps_come_from_the_events() {
        let f = facts(&[
            (d(2026, 5, 1), EventDetails::EmploymentEnded { kind: EmploymentKind::Ordinary }),
            (d(2026, 1, 10), EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 37.0 }),
            (d(2026, 2, 1), EventDetails::EducationStarted { level: EducationLevel::Fgu }),
            (d(2026, 6, 1), EventDetails::EducationStarted { level: EducationLevel::Vocational }),
            (d(2026, 3, 3), EventDetails::Community { kind: CommunityKind::Association }),
        ]);
        assert_eq!(
            f.jobs,
            vec![Job { kind: EmploymentKind::Ordinary, hours_per_week: 37.0, from: d(2026, 1, 10), to: Some(d(2026, 5, 1)) }]
        );
        assert!(f.employed_on(d(2026, 5, 1)) && !f.employed_on(d(2026, 5, 2)) && !f.employed_on(d(2026, 1, 9)));
        // FGU is preparatory: not "in education"; vocational is.
        assert!(!f.in_education_on(d(2026, 3, 1)) && f.in_education_on(d(2027, 1, 1)));
        assert!(f.has_mark(Mark::EducationStarted, d(2026, 2, 1), d(2026, 2, 1)));
        assert!(f.has_mark(Mark::Community, d(2026, 3, 1), d(2026, 3, 31)) && !f.has_mark(Mark::Community, d(2026, 4, 1), d(2026, 12, 31)));
        assert_eq!(f.step_on(d(2026, 1, 9)), 0);
        assert_eq!(f.step_on(d(2026, 1, 10)), 5);
        assert_eq!(f.step_on(d(2026, 5, 2)), 1);
        assert_eq!(f.step_on(d(2026, 6, 1)), 5);
    }

    #[test]
    fn the_encoding_round_trips_and_refuses_damage() {
        let f = facts(&[
            (d(2026, 1, 10), EventDetails::EmploymentStarted { kind: EmploymentKind::WageSubsidy, hours_per_week: 12.5 }),
            (d(2026, 3, 15), EventDetails::BenefitEnded {}),
            (d(2026, 4, 1), EventDetails::OfferStarted { offer: InitiativeType::Mentor, hours_per_week: 3.0 }),
            (d(2026, 6, 1), EventDetails::EducationStarted { level: EducationLevel::Vocational }),
            (d(2026, 7, 1), EventDetails::ExamPassed { exam: crate::event::DanishExam::Pd2 }),
        ]);
        let bytes = f.encode();
        assert_eq!(Facts::decode(&bytes), Ok(f));
        assert!(Facts::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Facts::decode(&longer).is_err());
        let mut old = bytes;
        old[0] = 0;
        assert!(Facts::decode(&old).is_err());
    }
}
