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

use std::collections::BTreeMap;

use indsats_core::model::{Code, Enrolment, Indicator, Initiative, Measure};
use indsats_store::{ManualValue, Reader};
use sha2::{Digest, Sha256};

use crate::disclosure::{DisclosureError, protect_column};
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

/// Hidden when some persons but fewer than the threshold are behind it.
fn small(n: u64, threshold: u64) -> bool {
    n > 0 && n < threshold
}

fn indicator_row(i: &Indicator, data: &Data, p: &Params, counts: &mut (usize, usize)) -> IndicatorRow {
    let r = evaluate(i.clone(), p.period, &data.cases, &data.manual, p.as_of);
    let manual = i.measure == Measure::Manual;
    let t = p.threshold;
    // A computed value is hidden when few persons are in its numerator, or few are outside it.
    let hide = |c: &Computed| {
        let persons = c.participants.len() as u64;
        let outside = u64::from(c.denominator).saturating_sub(c.numerator.max(0.0) as u64);
        small(persons, t) || (i.measure != Measure::DaysToFirstOffer && small(outside, t))
    };
    let cell = |c: &Computed, counts: &mut (usize, usize)| match c.value {
        None => Cell::Missing,
        Some(_) if !manual && hide(c) => {
            counts.0 += 1;
            Cell::Suppressed
        }
        Some(v) => Cell::Value(v),
    };
    let value = cell(&r.computed, counts);
    let previous = cell(&r.previous, counts);
    let persons = if manual {
        Cell::Missing
    } else {
        let n = r.computed.participants.len() as u64;
        if small(n, t) { Cell::Suppressed } else { Cell::Value(n as f64) }
    };
    let mut trend = Vec::new();
    if !matches!(p.period, Period::Month { .. }) {
        let months: Vec<Period> = p.period.months().into_iter().filter(|m| m.first_day() <= p.as_of).collect();
        let computed: Vec<Computed> = months
            .iter()
            .map(|m| if manual { crate::entered(&data.manual, i, *m) } else { compute(i.measure, *m, &data.cases, p.as_of) })
            .collect();
        // Months hidden for few persons take a second month with them (the period's value is published).
        let numerators: Vec<u64> = computed.iter().map(|c| if manual { 0 } else { c.participants.len() as u64 }).collect();
        let column = protect_column(&numerators, t).map(|x| x.0).unwrap_or_else(|_| vec![None; numerators.len()]);
        for ((m, c), published) in months.iter().zip(&computed).zip(column) {
            let value = match c.value {
                None => Cell::Missing,
                Some(_) if !manual && (published.is_none() || hide(c)) => {
                    counts.1 += 1;
                    Cell::Suppressed
                }
                Some(v) => Cell::Value(v),
            };
            trend.push(TrendPoint { label: m.to_string(), value });
        }
    }
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
        previous,
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
}

/// Disclosure control over a results table, column by column (each column is published with
/// its total): counts directly; shares through their numerator and its complement; hours with
/// the participants; mean days with how many it is a mean of.
fn protect_results(
    labels: Vec<(String, InitiativeType)>,
    raws: &[Raw],
    t: u64,
    counts: &mut (usize, usize),
) -> Result<ResultTable, DisclosureError> {
    let columns = result_columns();
    let n = raws.len();
    let mut cells = vec![vec![Cell::Missing; columns.len()]; n];
    let mut totals = vec![Cell::Missing; columns.len()];
    let mut total = Raw::default();
    for r in raws {
        total.add(r);
    }
    let column = |values: Vec<u64>, counts: &mut (usize, usize)| -> Result<(Vec<bool>, bool), DisclosureError> {
        if values.is_empty() {
            return Ok((Vec::new(), false));
        }
        let (c, tot, p, comp) = protect_column(&values, t)?;
        counts.0 += p;
        counts.1 += comp;
        Ok((c.iter().map(Option::is_none).collect(), tot.is_none()))
    };
    let (part_hidden, part_total_hidden) = column(raws.iter().map(|r| r.participants).collect(), counts)?;
    for (ci, col) in columns.iter().enumerate() {
        let (hidden, total_hidden): (Vec<bool>, bool) = match col {
            ResultColumn::Participants | ResultColumn::Hours => (part_hidden.clone(), part_total_hidden),
            ResultColumn::Starts => column(raws.iter().map(|r| r.starts).collect(), counts)?,
            ResultColumn::DaysToStart => column(raws.iter().map(|r| r.days_n).collect(), counts)?,
            share => {
                let (a, at) = column(raws.iter().map(|r| u64::from(r.share(*share).numerator)).collect(), counts)?;
                let (b, bt) =
                    column(raws.iter().map(|r| u64::from(r.share(*share).denominator - r.share(*share).numerator)).collect(), counts)?;
                (a.iter().zip(&b).map(|(x, y)| *x || *y).collect(), at || bt)
            }
        };
        let value = |r: &Raw| -> Option<f64> {
            match col {
                ResultColumn::Participants => Some(r.participants as f64),
                ResultColumn::Starts => Some(r.starts as f64),
                ResultColumn::Hours => Some(r.hours.round()),
                ResultColumn::DaysToStart => (r.days_n > 0).then(|| r.days_total as f64 / r.days_n as f64),
                share => r.share(*share).share(),
            }
        };
        let cell = |r: &Raw, hidden: bool| match value(r) {
            None => Cell::Missing,
            Some(_) if hidden => Cell::Suppressed,
            Some(v) => Cell::Value(v),
        };
        for (ri, r) in raws.iter().enumerate() {
            cells[ri][ci] = cell(r, hidden[ri]);
        }
        totals[ci] = cell(&total, total_hidden);
    }
    let rows = labels.into_iter().zip(cells).map(|((label, kind), cells)| ResultRow { label, kind, cells }).collect();
    Ok(ResultTable { columns, rows, totals })
}

/// The management summary for `p`, from data already loaded.
pub fn build(data: &Data, p: &Params, provenance: Provenance) -> Result<Summary, ReportError> {
    let mut counts = (0usize, 0usize);
    let mut goals = Vec::new();
    // Each indicator with its trend on its own thread (they are independent; each is computed
    // whole by one thread, so the numbers do not depend on how many there are).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, data.indicators.len().max(1));
    let mut rows: Vec<(usize, IndicatorRow, (usize, usize))> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (n, i) in data.indicators.iter().enumerate().filter(|(n, _)| n % threads == t) {
                        let mut c = (0, 0);
                        let row = indicator_row(i, data, p, &mut c);
                        out.push((n, row, c));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    rows.sort_by_key(|(n, _, _)| *n);
    let mut by_indicator: Vec<Option<IndicatorRow>> = Vec::with_capacity(rows.len());
    for (_, row, c) in rows {
        counts.0 += c.0;
        counts.1 += c.1;
        by_indicator.push(Some(row));
    }
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
    let labels = initiatives.iter().map(|i| (i.title.clone(), i.kind)).collect();
    let by_initiative = protect_results(labels, &raws, p.threshold, &mut counts)?;
    let mut by_kind: BTreeMap<InitiativeType, Raw> = BTreeMap::new();
    for (i, r) in initiatives.iter().zip(&raws) {
        by_kind.entry(i.kind).or_default().add(r);
    }
    let kinds: Vec<InitiativeType> = by_kind.keys().copied().collect();
    let kind_raws: Vec<Raw> = by_kind.into_values().collect();
    let by_type = protect_results(kinds.iter().map(|k| (k.label(p.lang).to_string(), *k)).collect(), &kind_raws, p.threshold, &mut counts)?;
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
