//! The management summary: what leaves Indsats for management, as data. Everything in it has
//! passed disclosure control; it holds no names, no CPR numbers and no participant ids. The
//! `indsats-export` crate renders it to PDF, XLSX and CSV; it never computes or looks anything up.

use chrono::NaiveDate;
use indsats_core::model::{Direction, InitiativeType, Unit};
use indsats_core::validate::Lang;

use crate::Status;
use crate::period::Period;

/// A published number: a value, a value hidden by disclosure control, or nothing to show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    /// Hidden: fewer persons than the threshold, or hidden so that a hidden cell cannot be worked out.
    Suppressed,
    /// Nothing to count (no denominator, not entered, or not yet happened).
    Missing,
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Who made the summary, when, from what, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Generated at, RFC 3339 in UTC (passed in, never read from a clock here).
    pub generated_at: String,
    /// The user who generated it, with their role.
    pub generated_by: String,
    /// SHA-256 (hex) over the data the numbers are computed from; `indsats report --verify`
    /// recomputes it.
    pub snapshot: String,
    /// The day the numbers are computed as of (the part of the period after it is left out).
    pub as_of: NaiveDate,
    /// Cells under this many persons are suppressed (never below 3).
    pub threshold: u64,
    /// The program version that made it.
    pub version: String,
}

/// One point of an indicator's trend: a month of the period (or the period itself).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// `2026-03`, or the period's own label.
    pub label: String,
    pub value: Cell,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub key: String,
    pub name: String,
    pub unit: Unit,
    pub direction: Direction,
    /// The value for the period, and for the period before (the trend arrow).
    pub value: Cell,
    pub previous: Cell,
    /// How many persons the value is computed over (suppressed when small).
    pub persons: Cell,
    pub target: Option<f64>,
    /// The target is illustrative (not adopted by the council).
    pub illustrative: bool,
    pub status: Status,
    /// Whether the value is entered by hand rather than computed from events.
    pub manual: bool,
    /// The months of the period, for the trend chart (empty for a month period).
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalRow {
    pub key: String,
    pub title: String,
    pub status: Status,
    pub indicators: Vec<IndicatorRow>,
}

/// The columns of the initiative results table, in order (results-based accountability: how
/// much, how well, is anyone better off). Counts are persons (enrolments); `*Share` columns
/// are percentages of the enrolments ended long enough ago; `DaysToStart` is a mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResultColumn {
    /// How much: enrolments active in the period.
    Participants,
    /// How much: enrolments started in the period.
    Starts,
    /// How much: planned hours per week, summed over active enrolments.
    Hours,
    /// How well: enrolments ended in the period as completed, as a share of those ended.
    CompletedShare,
    /// How well: ended as dropped out, as a share of those ended.
    DroppedShare,
    /// How well: mean days from visitation (programme start) to the enrolment's start.
    DaysToStart,
    /// Better off: in ordinary employment N months after the enrolment ended (N = 1, 3, 6, 12).
    Employed(u32),
    /// Better off: in education N months after.
    InEducation(u32),
    /// Better off: self-supporting N months after (off benefit, counted as Jobindsats counts).
    SelfSupporting(u32),
}

/// The horizons of "is anyone better off", in months after the enrolment ended.
pub const HORIZONS: [u32; 4] = [1, 3, 6, 12];

/// One row of the initiative results table.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// The initiative's title, or for the table by type, the type's label.
    pub label: String,
    pub kind: InitiativeType,
    /// One cell per column of the table.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultTable {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<ResultRow>,
    /// The totals over all rows (enrolments, so a person in two initiatives counts twice).
    pub totals: Vec<Cell>,
}

/// The management summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub lang: Lang,
    /// The strategy's name.
    pub strategy: String,
    pub period: Period,
    pub provenance: Provenance,
    pub goals: Vec<GoalRow>,
    /// Initiative results by initiative type (the PDF's table).
    pub by_type: ResultTable,
    /// Initiative results per initiative (XLSX and CSV).
    pub by_initiative: ResultTable,
    /// How many cells disclosure control hid: (primary, complementary).
    pub suppressed: (usize, usize),
}

// ---- Building it ---------------------------------------------------------------------------------

use std::collections::{BTreeMap, BTreeSet};

use indsats_core::model::{Code, Enrolment, Indicator, Initiative, Measure};
use indsats_store::{ManualValue, Reader};
use sha2::{Digest, Sha256};

use crate::disclosure::{DisclosureError, MIN_THRESHOLD, is_primary, is_small, protect_tree};
use crate::measure::{Case, Computed, compute};
use crate::results::{Count, InitiativeResults, initiative_results};
use crate::{ReportError, evaluate, load_cases};
use indsats_core::facts::Facts;

/// What a summary is made with, besides the data: everything `--verify` needs to make it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub period: Period,
    pub as_of: NaiveDate,
    pub lang: Lang,
    pub threshold: u64,
}

/// The columns of the initiative results table, in order.
pub fn result_columns() -> Vec<ResultColumn> {
    use ResultColumn::*;
    vec![
        Participants,
        Starts,
        Hours,
        CompletedShare,
        DroppedShare,
        DaysToStart,
        Employed(1),
        Employed(3),
        Employed(6),
        Employed(12),
        InEducation(6),
        SelfSupporting(6),
        SelfSupporting(12),
    ]
}

/// Everything the numbers are computed from, read once.
pub struct Data {
    pub strategy: String,
    pub goals: Vec<indsats_core::model::Goal>,
    pub indicators: Vec<Indicator>,
    pub cases: Vec<Case>,
    pub manual: Vec<ManualValue>,
    pub initiatives: Vec<Initiative>,
    pub enrolments: Vec<Enrolment>,
}

impl Data {
    pub fn load(r: &Reader<'_>) -> Result<Data, ReportError> {
        Ok(Data {
            strategy: r.strategy()?.map(|s| s.title).unwrap_or_default(),
            goals: r.goals()?,
            indicators: r.indicators()?,
            cases: load_cases(r)?,
            manual: r.manual_values()?,
            initiatives: r.all_initiatives()?,
            enrolments: r.all_enrolments()?,
        })
    }

    /// SHA-256 (hex) over a canonical form of the data: the same data gives the same hash, and
    /// any change to a case, enrolment, entered value, target or initiative changes it.
    pub fn snapshot(&self) -> String {
        let mut h = Sha256::new();
        let field = |h: &mut Sha256, b: &[u8]| {
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        };
        field(&mut h, b"indsats-snapshot-1");
        field(&mut h, self.strategy.as_bytes());
        for g in &self.goals {
            field(&mut h, format!("goal {} {} {}", g.id, g.key, g.title).as_bytes());
        }
        for i in &self.indicators {
            field(&mut h, format!("indicator {} {} {} {} {}", i.id, i.key, i.measure.code(), i.direction.code(), i.unit.code()).as_bytes());
            for t in &i.targets {
                field(&mut h, format!("target {} {} {}", t.year, t.value, t.illustrative).as_bytes());
            }
        }
        for c in &self.cases {
            field(&mut h, format!("case {} {:?} {:?} {:?}", c.id, c.start, c.programme_start, c.closed).as_bytes());
            // The latest contact counts for the caseload, not for any number of the summary.
            field(&mut h, &Facts { last: None, ..c.facts.clone() }.encode());
        }
        for m in &self.manual {
            field(&mut h, format!("manual {} {} {}", m.indicator, m.period, m.value).as_bytes());
        }
        for i in &self.initiatives {
            field(&mut h, format!("initiative {} {} {}", i.id, i.kind.code(), i.title).as_bytes());
        }
        for e in &self.enrolments {
            field(
                &mut h,
                format!("enrolment {} {} {} {} {:?} {:?}", e.id, e.participant, e.initiative, e.start, e.end, e.outcome).as_bytes(),
            );
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

// ---- Disclosure control over everything one summary publishes ----------------------------------
//
// Everything a summary publishes is protected together (docs/indicators.md, "Disclosure
// control"): the initiatives, the types and the totals are one hierarchy per group of columns
// over the same persons; an indicator's months and its period are one hierarchy when the period's
// counts are the sum of its months'; indicators over the same persons (the same denominator) are
// hidden together where one could otherwise give the other's denominator away.

/// What an indicator's denominator counts: indicators over the same persons share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Over {
    /// Active person-months: MM13 and 190 hours.
    PersonMonths,
    /// Active participants of the period: education started, completed, community.
    Active,
    /// The cohort whose fifth programme year ends in the period: the Danish test.
    Cohort,
    /// Programme started in the period and got an offer: days to the first offer.
    Started,
    /// Open at the period's end and started 6 months before: progression.
    Progression,
}

impl Over {
    fn of(m: Measure) -> Option<Over> {
        Some(match m {
            Measure::Manual => return None,
            Measure::OrdinaryEmployment | Measure::Hours190 => Over::PersonMonths,
            Measure::EducationStarted | Measure::EducationCompleted | Measure::CommunityParticipation => Over::Active,
            Measure::DanishTestWithin5y => Over::Cohort,
            Measure::DaysToFirstOffer => Over::Started,
            Measure::ProgressionUp => Over::Progression,
        })
    }

    /// Whether the period's counts are the sums of its months' (the months split the period's
    /// persons or person-months between them). The others count a person in every month they
    /// qualify in, or measure on a single day.
    fn additive(self) -> bool {
        matches!(self, Over::PersonMonths | Over::Cohort | Over::Started)
    }
}

/// Whether a measure counts person-months (its persons are not its numerator).
fn monthly(m: Measure) -> bool {
    matches!(m, Measure::OrdinaryEmployment | Measure::Hours190)
}

/// The counts behind a computed value, as disclosure control sees them: for a share, those in its
/// numerator and those outside it; for a mean number of days, how many it is a mean of.
fn counts(m: Measure, c: &Computed) -> Vec<u64> {
    if m == Measure::DaysToFirstOffer {
        return vec![u64::from(c.denominator)];
    }
    // A share's numerator is a whole count of persons (or person-months).
    let n = c.numerator.max(0.0).round() as u64;
    vec![n, u64::from(c.denominator).saturating_sub(n)]
}

/// Whether a period's value is hidden for itself: fewer persons than the threshold in its
/// numerator, or (for shares) outside it.
fn value_small(m: Measure, c: &Computed, t: u64) -> bool {
    is_small(c.participants.len() as u64, t) || (m != Measure::DaysToFirstOffer && is_primary(&counts(m, c)[1..], t))
}

/// One indicator's numbers before disclosure control: the period, the period before, and the
/// period's months (those begun) for the trend.
struct Numbers {
    result: crate::IndicatorResult,
    months: Vec<(Period, Computed)>,
}

/// What disclosure control hides of one indicator.
#[derive(Default, Clone)]
struct Hidden {
    value: bool,
    previous: bool,
    persons: bool,
    months: Vec<bool>,
}

fn numbers(i: &Indicator, data: &Data, p: &Params) -> Numbers {
    let result = evaluate(i.clone(), p.period, &data.cases, &data.manual, p.as_of);
    let mut months = Vec::new();
    if !matches!(p.period, Period::Month { .. }) {
        for m in p.period.months().into_iter().filter(|m| m.first_day() <= p.as_of) {
            let c =
                if i.measure == Measure::Manual { crate::entered(&data.manual, i, m) } else { compute(i.measure, m, &data.cases, p.as_of) };
            months.push((m, c));
        }
    }
    Numbers { result, months }
}

/// Disclosure control over the indicators, family by family (indicators over the same persons).
/// Adds to `counts_out` how many cells it hid (primary, complementary).
fn protect_indicators(
    indicators: &[Indicator],
    numbers: &[Numbers],
    t: u64,
    counts_out: &mut (usize, usize),
) -> Result<Vec<Hidden>, DisclosureError> {
    let mut hidden: Vec<Hidden> = numbers.iter().map(|n| Hidden { months: vec![false; n.months.len()], ..Hidden::default() }).collect();
    let mut families: BTreeMap<Over, Vec<usize>> = BTreeMap::new();
    for (n, i) in indicators.iter().enumerate() {
        if let Some(o) = Over::of(i.measure) {
            families.entry(o).or_default().push(n);
        }
    }
    for (over, members) in &families {
        let months = numbers[members[0]].months.len();
        for &n in members {
            let r = &numbers[n].result;
            hidden[n].value = value_small(r.indicator.measure, &r.computed, t);
            // The period before has no months here: only its own counts matter.
            hidden[n].previous = value_small(r.indicator.measure, &r.previous, t);
            for (h, (_, c)) in hidden[n].months.iter_mut().zip(&numbers[n].months) {
                *h = is_primary(&counts(r.indicator.measure, c), t);
            }
        }
        let sums_hold = months > 0
            && members.iter().all(|&n| {
                let m = numbers[n].result.indicator.measure;
                let mut sum = vec![0u64; counts(m, &numbers[n].result.computed).len()];
                for (_, c) in &numbers[n].months {
                    for (s, v) in sum.iter_mut().zip(counts(m, c)) {
                        *s += v;
                    }
                }
                sum == counts(m, &numbers[n].result.computed)
            });
        debug_assert!(!over.additive() || months == 0 || sums_hold, "the months of {over:?} must add up to the period");
        if over.additive() && sums_hold {
            // The months are the leaves of one group whose sum is the period, every member's
            // counts side by side: they share the denominator, so they are hidden together.
            let leaves: Vec<Vec<u64>> = (0..months)
                .map(|m| {
                    members
                        .iter()
                        .flat_map(|&n| {
                            let r = &numbers[n].result;
                            counts(r.indicator.measure, &numbers[n].months[m].1)
                        })
                        .collect()
                })
                .collect();
            let force = members.iter().any(|&n| hidden[n].value);
            let tree = protect_tree(&leaves, &vec![0; months], 1, force, t)?;
            let period = tree.root || tree.groups.first().copied().unwrap_or(false);
            for &n in members {
                hidden[n].value = period;
                hidden[n].months.clone_from(&tree.leaves);
            }
        } else {
            // No sums: a month can only be bounded by the period's counts, which publishing
            // leaves at least the threshold wide. But the members share a denominator, so a
            // period hidden in one is hidden in all, or the others would give it away.
            let period = members.iter().any(|&n| hidden[n].value);
            for &n in members {
                hidden[n].value = period;
                let last = numbers[n].months.len().checked_sub(1);
                for (m, h) in hidden[n].months.iter_mut().enumerate() {
                    // A month computed exactly as the period is (progression is measured on the
                    // period's last day; a period of which one month has begun) is the period.
                    let same = months == 1 || (*over == Over::Progression && Some(m) == last);
                    *h |= period && same;
                }
            }
        }
        for &n in members {
            let r = &numbers[n].result;
            let m = r.indicator.measure;
            let persons = r.computed.participants.len() as u64;
            hidden[n].persons = hidden[n].value
                || (monthly(m) && {
                    // A month holds at most the period's persons: published persons would cap the
                    // hidden months. Only when they could not reach it anyway are they shown.
                    let months_hidden: u64 =
                        numbers[n].months.iter().zip(&hidden[n].months).filter(|(_, h)| **h).map(|((_, c), _)| counts(m, c)[0]).sum();
                    persons < months_hidden
                });
            let mut count = |hidden: bool, primary: bool| {
                if hidden {
                    if primary {
                        counts_out.0 += 1;
                    } else {
                        counts_out.1 += 1;
                    }
                }
            };
            count(hidden[n].value && r.computed.value.is_some(), value_small(m, &r.computed, t));
            count(hidden[n].persons, is_small(persons, t));
            count(hidden[n].previous && r.previous.value.is_some(), true);
            for (h, (_, c)) in hidden[n].months.iter().zip(&numbers[n].months) {
                count(*h, is_primary(&counts(m, c), t));
            }
        }
    }
    Ok(hidden)
}

fn indicator_row(n: &Numbers, h: &Hidden, p: &Params) -> IndicatorRow {
    let r = &n.result;
    let i = &r.indicator;
    let manual = i.measure == Measure::Manual;
    let cell = |c: &Computed, hidden: bool| match c.value {
        _ if hidden && !manual => Cell::Suppressed,
        None => Cell::Missing,
        Some(v) => Cell::Value(v),
    };
    let value = cell(&r.computed, h.value);
    let persons = match (manual, h.persons) {
        (true, _) => Cell::Missing,
        (false, true) => Cell::Suppressed,
        (false, false) => Cell::Value(r.computed.participants.len() as f64),
    };
    let trend = n
        .months
        .iter()
        .zip(h.months.iter().copied().chain(std::iter::repeat(false)))
        .map(|((m, c), hidden)| TrendPoint { label: m.to_string(), value: cell(c, hidden) })
        .collect();
    // A hidden value's status is not shown either: it would tell which side of the target it is.
    let status = if value == Cell::Suppressed { Status::Unknown } else { r.status };
    IndicatorRow {
        key: i.key.clone(),
        name: match p.lang {
            Lang::Da => i.name.clone(),
            Lang::En if !i.name_en.is_empty() => i.name_en.clone(),
            Lang::En => i.name.clone(),
        },
        unit: i.unit,
        direction: i.direction,
        value,
        previous: cell(&r.previous, h.previous),
        persons,
        target: r.target,
        illustrative: r.target_illustrative,
        status,
        manual,
        trend,
    }
}

/// The numbers of one results row before disclosure control.
#[derive(Default, Clone)]
struct Raw {
    participants: u64,
    starts: u64,
    hours: f64,
    completed: Count,
    dropped: Count,
    days_total: i64,
    days_n: u64,
    better: BTreeMap<ResultColumn, Count>,
}

impl Raw {
    fn from(r: &InitiativeResults) -> Raw {
        let mut better = BTreeMap::new();
        for (h, months) in HORIZONS.iter().enumerate() {
            better.insert(ResultColumn::Employed(*months), r.employed[h]);
            better.insert(ResultColumn::InEducation(*months), r.in_education[h]);
            better.insert(ResultColumn::SelfSupporting(*months), r.self_supporting[h]);
        }
        Raw {
            participants: u64::from(r.participants),
            starts: u64::from(r.starts),
            hours: r.hours,
            completed: r.completed,
            dropped: r.dropped_out,
            days_total: r.days_to_start_total,
            days_n: u64::from(r.days_n),
            better,
        }
    }
    fn add(&mut self, o: &Raw) {
        self.participants += o.participants;
        self.starts += o.starts;
        self.hours += o.hours;
        for (a, b) in [(&mut self.completed, o.completed), (&mut self.dropped, o.dropped)] {
            a.numerator += b.numerator;
            a.denominator += b.denominator;
        }
        self.days_total += o.days_total;
        self.days_n += o.days_n;
        for (k, v) in &o.better {
            let e = self.better.entry(*k).or_default();
            e.numerator += v.numerator;
            e.denominator += v.denominator;
        }
    }
    fn share(&self, col: ResultColumn) -> Count {
        match col {
            ResultColumn::CompletedShare => self.completed,
            ResultColumn::DroppedShare => self.dropped,
            c => self.better.get(&c).copied().unwrap_or_default(),
        }
    }
    /// The counts behind one cell: persons; for a share, those in its numerator and those outside
    /// it; for a mean, how many it is a mean of. Hours are a sum of hours, not of persons: they
    /// are hidden with the participants.
    fn counts(&self, col: ResultColumn) -> Vec<u64> {
        match col {
            ResultColumn::Participants => vec![self.participants],
            ResultColumn::Hours => Vec::new(),
            ResultColumn::Starts => vec![self.starts],
            ResultColumn::DaysToStart => vec![self.days_n],
            share => {
                let c = self.share(share);
                vec![u64::from(c.numerator), u64::from(c.denominator.saturating_sub(c.numerator))]
            }
        }
    }
    fn value(&self, col: ResultColumn) -> Option<f64> {
        match col {
            ResultColumn::Participants => Some(self.participants as f64),
            ResultColumn::Starts => Some(self.starts as f64),
            ResultColumn::Hours => Some(self.hours.round()),
            ResultColumn::DaysToStart => (self.days_n > 0).then(|| self.days_total as f64 / self.days_n as f64),
            share => self.share(share).share(),
        }
    }
}

/// The columns that are hidden together because they count the same persons: participants with
/// their hours; starts with the mean days to start (a mean over some of the starts); the shares
/// of the enrolments ended in the period; the shares followed up the same months after. Within a
/// group one column's numbers could otherwise bound another's (a share's denominator is the
/// other shares' too).
fn column_group(col: ResultColumn) -> u32 {
    match col {
        ResultColumn::Participants | ResultColumn::Hours => 0,
        ResultColumn::Starts | ResultColumn::DaysToStart => 1,
        ResultColumn::CompletedShare | ResultColumn::DroppedShare => 2,
        ResultColumn::Employed(h) | ResultColumn::InEducation(h) | ResultColumn::SelfSupporting(h) => 3 + h,
    }
}

/// Disclosure control over the two results tables and their totals together: for each group of
/// columns, the initiatives are the leaves, their types the groups, the total the root.
fn protect_results(
    labels: &[(String, InitiativeType)],
    raws: &[Raw],
    kinds: &[InitiativeType],
    t: u64,
    counts: &mut (usize, usize),
) -> Result<(ResultTable, ResultTable), DisclosureError> {
    let columns = result_columns();
    let group: Vec<usize> = labels.iter().map(|(_, k)| kinds.iter().position(|x| x == k).unwrap_or(0)).collect();
    let mut kind_raws = vec![Raw::default(); kinds.len()];
    for (r, g) in raws.iter().zip(&group) {
        kind_raws[*g].add(r);
    }
    let mut total = Raw::default();
    for r in &kind_raws {
        total.add(r);
    }
    let mut initiative_cells = vec![vec![Cell::Missing; columns.len()]; raws.len()];
    let mut kind_cells = vec![vec![Cell::Missing; columns.len()]; kinds.len()];
    let mut totals = vec![Cell::Missing; columns.len()];
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (ci, col) in columns.iter().enumerate() {
        groups.entry(column_group(*col)).or_default().push(ci);
    }
    for cols in groups.values() {
        let vector = |r: &Raw| -> Vec<u64> { cols.iter().flat_map(|ci| r.counts(columns[*ci])).collect() };
        let leaves: Vec<Vec<u64>> = raws.iter().map(vector).collect();
        let tree = protect_tree(&leaves, &group, kinds.len(), false, t)?;
        let positions = raws
            .iter()
            .zip(&tree.leaves)
            .zip(initiative_cells.iter_mut())
            .chain(kind_raws.iter().zip(&tree.groups).zip(kind_cells.iter_mut()))
            .chain(std::iter::once(((&total, &tree.root), &mut totals)));
        for ((r, hidden), cells) in positions {
            for &ci in cols {
                let col = columns[ci];
                cells[ci] = match r.value(col) {
                    // A hidden position shows nothing at all, not even that a share has no
                    // denominator: that would tell the others in its group what it holds.
                    _ if *hidden => Cell::Suppressed,
                    None => Cell::Missing,
                    Some(v) => Cell::Value(v),
                };
                if *hidden {
                    let own = if col == ResultColumn::Hours { r.counts(ResultColumn::Participants) } else { r.counts(col) };
                    if is_primary(&own, t) {
                        counts.0 += 1;
                    } else {
                        counts.1 += 1;
                    }
                }
            }
        }
    }
    let rows = |labels: Vec<(String, InitiativeType)>, cells: Vec<Vec<Cell>>| {
        labels.into_iter().zip(cells).map(|((label, kind), cells)| ResultRow { label, kind, cells }).collect()
    };
    let by_initiative = ResultTable { columns: columns.clone(), rows: rows(labels.to_vec(), initiative_cells), totals: totals.clone() };
    let kind_labels = kinds.iter().map(|k| (String::new(), *k)).collect();
    let by_type = ResultTable { columns, rows: rows(kind_labels, kind_cells), totals };
    Ok((by_initiative, by_type))
}

/// The management summary for `p`, from data already loaded.
pub fn build(data: &Data, p: &Params, provenance: Provenance) -> Result<Summary, ReportError> {
    if p.threshold < MIN_THRESHOLD {
        return Err(DisclosureError::ThresholdTooLow(p.threshold).into());
    }
    let mut counts = (0usize, 0usize);
    // Each indicator with its months on its own thread (they are independent; each is computed
    // whole by one thread, so the numbers do not depend on how many there are).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, data.indicators.len().max(1));
    let mut computed: Vec<(usize, Numbers)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mine = data.indicators.iter().enumerate().filter(|(n, _)| n % threads == t);
                    mine.map(|(n, i)| (n, numbers(i, data, p))).collect::<Vec<_>>()
                })
            })
            .collect();
        // A thread that panicked passes its panic on: a summary never goes out without some of
        // its indicators.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    computed.sort_by_key(|(n, _)| *n);
    let numbers: Vec<Numbers> = computed.into_iter().map(|(_, n)| n).collect();
    let hidden = protect_indicators(&data.indicators, &numbers, p.threshold, &mut counts)?;
    let mut by_indicator: Vec<Option<IndicatorRow>> = numbers.iter().zip(&hidden).map(|(n, h)| Some(indicator_row(n, h, p))).collect();
    let mut goals = Vec::new();
    for g in &data.goals {
        let indicators: Vec<IndicatorRow> = data
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.goal == g.id)
            .filter_map(|(n, _)| by_indicator.get_mut(n).and_then(Option::take))
            .collect();
        let status = indicators.iter().map(|i| i.status).filter(|s| *s != Status::Unknown).max().unwrap_or(Status::Unknown);
        goals.push(GoalRow {
            key: g.key.clone(),
            title: if p.lang == Lang::En && !g.title_en.is_empty() { g.title_en.clone() } else { g.title.clone() },
            status,
            indicators,
        });
    }
    let results = initiative_results(&data.initiatives, &data.enrolments, &data.cases, p.period, p.as_of);
    let mut initiatives: Vec<&Initiative> = data.initiatives.iter().collect();
    initiatives.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let raws: Vec<Raw> = initiatives.iter().map(|i| results.get(&i.id).map(Raw::from).unwrap_or_default()).collect();
    let labels: Vec<(String, InitiativeType)> = initiatives.iter().map(|i| (i.title.clone(), i.kind)).collect();
    let kinds: Vec<InitiativeType> = initiatives.iter().map(|i| i.kind).collect::<BTreeSet<_>>().into_iter().collect();
    let (by_initiative, mut by_type) = protect_results(&labels, &raws, &kinds, p.threshold, &mut counts)?;
    for row in &mut by_type.rows {
        row.label = row.kind.label(p.lang).to_string();
    }
    Ok(Summary {
        lang: p.lang,
        strategy: data.strategy.clone(),
        period: p.period,
        provenance,
        goals,
        by_type,
        by_initiative,
        suppressed: counts,
    })
}

/// The line a report carries so that `indsats report --verify` can make it again: the
/// parameters and the snapshot hash.
pub fn marker(p: &Params, snapshot: &str) -> String {
    let lang = match p.lang {
        Lang::Da => "da",
        Lang::En => "en",
    };
    format!("{MARKER_TAG} period={} as_of={} lang={lang} threshold={} snapshot={snapshot}", p.period, p.as_of, p.threshold)
}

const MARKER_TAG: &str = "indsats-report/1";

/// Finds and reads a [`marker`] in `text`.
pub fn parse_marker(text: &str) -> Option<(Params, String)> {
    let start = text.find(MARKER_TAG)?;
    let rest = &text[start + MARKER_TAG.len()..];
    let mut period = None;
    let mut as_of = None;
    let mut lang = None;
    let mut threshold = None;
    let mut snapshot = None;
    for part in rest.split_whitespace().take(5) {
        let (k, v) = part.split_once('=')?;
        match k {
            "period" => period = v.parse::<Period>().ok(),
            "as_of" => as_of = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
            "lang" => lang = Some(Lang::from_tag(v)),
            "threshold" => threshold = v.parse::<u64>().ok(),
            "snapshot" => {
                let hex: String = v.chars().take_while(char::is_ascii_hexdigit).collect();
                snapshot = (hex.len() == 64).then_some(hex);
            }
            _ => return None,
        }
    }
    Some((Params { period: period?, as_of: as_of?, lang: lang?, threshold: threshold? }, snapshot?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_reads_back() {
        let p = Params {
            period: Period::Quarter { year: 2026, quarter: 3 },
            as_of: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            lang: Lang::En,
            threshold: 5,
        };
        let hash = "ab".repeat(32);
        let text = format!("some text before {} and after", marker(&p, &hash));
        assert_eq!(parse_marker(&text), Some((p.clone(), hash.clone())));
        assert_eq!(parse_marker(&text.replace("threshold=5", "threshold=x")), None);
        assert_eq!(parse_marker("no marker here"), None);
        assert_eq!(parse_marker(&marker(&p, "abc")), None);
    }
}
