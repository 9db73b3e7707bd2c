//! Reporting periods: a month, a quarter or a year.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

impl Period {
    pub fn first_day(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
            Period::Year(year) => (year, 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let months = match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
            Period::Year(_) => 12,
        };
        self.first_day().checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The calendar months the period covers, as month periods.
    pub fn months(self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut d = self.first_day();
        while d <= self.last_day() {
            out.push(Period::Month { year: d.year(), month: d.month() });
            d = d.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
        }
        out
    }

    /// The year whose target the period is measured against.
    pub fn year(self) -> i32 {
        self.last_day().year()
    }

    /// The period of the same length just before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month { year: year - 1, month: 12 },
            Period::Month { year, month } => Period::Month { year, month: month - 1 },
            Period::Quarter { year, quarter: 1 } => Period::Quarter { year: year - 1, quarter: 4 },
            Period::Quarter { year, quarter } => Period::Quarter { year, quarter: quarter - 1 },
            Period::Year(y) => Period::Year(y - 1),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Year(y) => write!(f, "{y}"),
        }
    }
}

/// A period that could not be read: `2026`, `2026-Q3` and `2026-05` are the forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown period {0:?}: write a year (2026), a quarter (2026-Q3) or a month (2026-05)")]
pub struct PeriodError(pub String);

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || PeriodError(t.to_string());
        let year_of = |y: &str| y.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
        if let Some((y, rest)) = t.split_once('-') {
            let year = year_of(y).ok_or_else(bad)?;
            if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                let quarter = q.parse::<u32>().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
                return Ok(Period::Quarter { year, quarter });
            }
            let month = rest.parse::<u32>().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
            return Ok(Period::Month { year, month });
        }
        year_of(t).map(Period::Year).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_and_span_their_days() {
        let q: Period = "2026-Q1".parse().unwrap();
        assert_eq!((q.first_day(), q.last_day()), (d(2026, 1, 1), d(2026, 3, 31)));
        assert_eq!(q.months().len(), 3);
        let m: Period = "2024-02".parse().unwrap();
        assert_eq!(m.last_day(), d(2024, 2, 29));
        let y: Period = " 2026 ".parse().unwrap();
        assert_eq!((y.months().len(), y.year(), y.previous()), (12, 2026, Period::Year(2025)));
        assert_eq!(Period::Month { year: 2026, month: 1 }.previous().to_string(), "2025-12");
        for bad in ["", "26", "2026-13", "2026-Q5", "x-01"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
