//! indsats-report: the strategy's indicators computed from the participants' events.
//!
//! # Layout
//! - [`period`]: months, quarters, years.
//! - [`measure`]: each measure as a pure function of the cases (tested on golden data).
//! - this file: loading the cases through the store, every indicator of the strategy for a period,
//!   and the status rule.
//!
//! **Architecture invariant:** the same data and period give the same numbers (no clock, no
//! randomness, no order dependence). Values carry the participants behind them; only indsats-api
//! hands those out, in an audited drill-down.

pub mod disclosure;
pub mod measure;
pub mod period;
pub mod results;
pub mod summary;

use chrono::NaiveDate;
use indsats_core::model::{Direction, Indicator, Measure};
use indsats_core::validate::Lang;
use indsats_store::{ManualValue, Reader};

pub use measure::{Case, Computed, compute};

/// Replaces or inserts `changed` cases in `cases` (both sorted by id), keeping it sorted.
pub fn merge_cases(cases: &mut Vec<Case>, changed: Vec<Case>) {
    for c in changed {
        match cases.binary_search_by_key(&c.id, |x| x.id) {
            Ok(i) => cases[i] = c,
            Err(i) => cases.insert(i, c),
        }
    }
}
pub use period::{Period, PeriodError};

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] indsats_store::StoreError),
    #[error(transparent)]
    Disclosure(#[from] disclosure::DisclosureError),
}

/// Where an indicator stands against its target for the period's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    /// No value (nothing to count, or entered by hand and not entered) or no target.
    Unknown,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::Unknown => "unknown",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::OnTrack, Lang::Da) => "På sporet",
            (Status::OnTrack, Lang::En) => "On track",
            (Status::AtRisk, Lang::Da) => "I risiko",
            (Status::AtRisk, Lang::En) => "At risk",
            (Status::OffTrack, Lang::Da) => "Bagud",
            (Status::OffTrack, Lang::En) => "Off track",
            (Status::Unknown, Lang::Da) => "Ukendt",
            (Status::Unknown, Lang::En) => "Unknown",
        }
    }
}

/// How far from the target "at risk" reaches, as a share of the target.
pub const AT_RISK_BAND: f64 = 0.10;

/// The status rule (also in docs/indicators.md): a value that reaches the year's target is on
/// track; one within 10 % of the target short of it is at risk; anything further is off track.
/// "Reaches" follows the indicator's direction.
pub fn status(direction: Direction, value: Option<f64>, target: Option<f64>) -> Status {
    let (Some(v), Some(t)) = (value, target) else { return Status::Unknown };
    let band = t.abs() * AT_RISK_BAND;
    match direction {
        Direction::Up if v >= t => Status::OnTrack,
        Direction::Up if v >= t - band => Status::AtRisk,
        Direction::Down if v <= t => Status::OnTrack,
        Direction::Down if v <= t + band => Status::AtRisk,
        _ => Status::OffTrack,
    }
}

/// One indicator for one period, with the same for the period before (the trend).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult {
    pub indicator: Indicator,
    pub period: Period,
    pub computed: Computed,
    pub previous: Computed,
    pub target: Option<f64>,
    pub target_illustrative: bool,
    pub status: Status,
}

/// Every participant's case, from the facts the store keeps beside the events, sorted by id.
/// A large store's facts are decoded on all cores while SQLite reads on one.
pub fn load_cases(r: &Reader<'_>) -> indsats_store::Result<Vec<Case>> {
    load_cases_since(r, 0)
}

/// The cases whose facts were written after `stamp` ([`Reader::facts_stamp`]), sorted by id;
/// all of them for 0.
pub fn load_cases_since(r: &Reader<'_>, stamp: i64) -> indsats_store::Result<Vec<Case>> {
    let mut raw = Vec::new();
    r.for_each_raw_case_since(stamp, |c| raw.push(c))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let decode = |part: Vec<indsats_store::RawCase>| -> indsats_store::Result<Vec<Case>> {
        part.into_iter()
            .map(|raw| {
                let c = raw.decode()?;
                Ok(Case { id: c.id, start: c.start, programme_start: c.programme_start, closed: c.case_closed, facts: c.facts })
            })
            .collect()
    };
    let mut cases = if threads <= 1 || raw.len() < 20_000 {
        decode(raw)?
    } else {
        let size = raw.len().div_ceil(threads);
        let mut parts = Vec::with_capacity(threads);
        while raw.len() > size {
            let rest = raw.split_off(size);
            parts.push(std::mem::replace(&mut raw, rest));
        }
        parts.push(raw);
        let decoded: Vec<indsats_store::Result<Vec<Case>>> = std::thread::scope(|s| {
            let handles: Vec<_> = parts.into_iter().map(|p| s.spawn(move || decode(p))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(indsats_store::StoreError::Encoding("a decoding thread failed".into()))))
                .collect()
        });
        let mut all = Vec::new();
        for part in decoded {
            all.extend(part?);
        }
        all
    };
    cases.sort_unstable_by_key(|c| c.id);
    Ok(cases)
}

/// Every indicator over already loaded cases, in their order, using the machine's cores for a
/// large store (each indicator is computed whole by one thread, so the numbers do not depend on
/// how many there are).
pub fn evaluate_all(
    indicators: Vec<Indicator>,
    period: Period,
    cases: &[Case],
    manual: &[ManualValue],
    as_of: NaiveDate,
) -> Vec<IndicatorResult> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(indicators.len());
    if threads <= 1 || cases.len() < 20_000 {
        return indicators.into_iter().map(|i| evaluate(i, period, cases, manual, as_of)).collect();
    }
    let mut groups: Vec<Vec<(usize, Indicator)>> = vec![Vec::new(); threads];
    for (n, i) in indicators.into_iter().enumerate() {
        groups[n % threads].push((n, i));
    }
    let mut out: Vec<(usize, IndicatorResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|g| s.spawn(move || g.into_iter().map(|(n, i)| (n, evaluate(i, period, cases, manual, as_of))).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    out.sort_by_key(|(n, _)| *n);
    out.into_iter().map(|(_, r)| r).collect()
}

/// A manual indicator's value for `period`: the one entered for exactly that period.
pub(crate) fn entered(manual: &[ManualValue], indicator: &Indicator, period: Period) -> Computed {
    let label = period.to_string();
    let value = manual.iter().find(|m| m.indicator == indicator.id && m.period == label).map(|m| m.value);
    Computed { value, numerator: 0.0, denominator: 0, participants: Vec::new() }
}

/// One indicator over already loaded cases and entered values.
pub fn evaluate(indicator: Indicator, period: Period, cases: &[Case], manual: &[ManualValue], as_of: NaiveDate) -> IndicatorResult {
    let (computed, previous) = if indicator.measure == Measure::Manual {
        (entered(manual, &indicator, period), entered(manual, &indicator, period.previous()))
    } else {
        (compute(indicator.measure, period, cases, as_of), compute(indicator.measure, period.previous(), cases, as_of))
    };
    let target = indicator.targets.iter().find(|t| t.year == period.year());
    let status = status(indicator.direction, computed.value, target.map(|t| t.value));
    IndicatorResult {
        period,
        computed,
        previous,
        target: target.map(|t| t.value),
        target_illustrative: target.is_some_and(|t| t.illustrative),
        status,
        indicator,
    }
}

/// A goal's status: the worst of its indicators' known statuses (unknown when none is known).
pub fn goal_status(results: &[&IndicatorResult]) -> Status {
    results.iter().map(|r| r.status).filter(|s| *s != Status::Unknown).max().unwrap_or(Status::Unknown)
}

/// Which participants a measure is computed over is fixed by the measure; manual ones have none.
pub fn is_computed(m: Measure) -> bool {
    m != Measure::Manual
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_rule_follows_the_direction() {
        use Status::*;
        assert_eq!(status(Direction::Up, Some(40.0), Some(40.0)), OnTrack);
        assert_eq!(status(Direction::Up, Some(36.5), Some(40.0)), AtRisk);
        assert_eq!(status(Direction::Up, Some(35.9), Some(40.0)), OffTrack);
        assert_eq!(status(Direction::Down, Some(30.0), Some(30.0)), OnTrack);
        assert_eq!(status(Direction::Down, Some(33.0), Some(30.0)), AtRisk);
        assert_eq!(status(Direction::Down, Some(33.1), Some(30.0)), OffTrack);
        assert_eq!(status(Direction::Up, None, Some(30.0)), Unknown);
        assert_eq!(status(Direction::Up, Some(3.0), None), Unknown);
    }
}
