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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
