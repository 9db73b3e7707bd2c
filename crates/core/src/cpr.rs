//! The Danish personal identification number (CPR-nummer), DDMMYY-SSSS.
//!
//! The seventh digit fixes the century (cpr.dk): 0–3 → 1900s; 4 and 9 → 2000–2036, else 1900s;
//! 5–8 → 2000–2057, else 1858–1899. Since 2007 valid numbers may fail the modulus 11 check,
//! so a failed check is a warning, never a rejection. Gender is never derived from the number.

use std::fmt;

use chrono::NaiveDate;

use crate::validate::ValidationError;

/// A CPR number whose date and century digit have been checked. Stored as ten digits.
/// `Debug` masks the number so that it never lands in a log by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr(String);

/// The outcome of parsing a CPR number: the number, the birth date it encodes, and whether it
/// passes the (pre-2007) modulus 11 check. A failure there is only a warning to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CprCheck {
    pub cpr: Cpr,
    pub birth_date: NaiveDate,
    pub modulus11_ok: bool,
}

const WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

impl Cpr {
    /// Parses `DDMMYY-SSSS` or `DDMMYYSSSS` (spaces allowed around), checking the date with its
    /// century digit. `today` rejects birth dates in the future.
    pub fn parse(input: &str, today: NaiveDate) -> Result<CprCheck, ValidationError> {
        let trimmed = input.trim();
        let digits: String = match trimmed.len() {
            10 => trimmed.to_string(),
            11 if trimmed.as_bytes()[6] == b'-' => format!("{}{}", &trimmed[..6], &trimmed[7..]),
            _ => return Err(ValidationError::CprFormat),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::CprFormat);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let day = d[0] * 10 + d[1];
        let month = d[2] * 10 + d[3];
        let yy = (d[4] * 10 + d[5]) as i32;
        let year = match d[6] {
            0..=3 => 1900 + yy,
            4 | 9 => {
                if yy <= 36 {
                    2000 + yy
                } else {
                    1900 + yy
                }
            }
            _ => {
                if yy <= 57 {
                    2000 + yy
                } else {
                    1800 + yy
                }
            }
        };
        let birth_date = NaiveDate::from_ymd_opt(year, month, day).ok_or(ValidationError::CprDate { day, month, year })?;
        if birth_date > today {
            return Err(ValidationError::CprInFuture { birth_date });
        }
        let sum: u32 = d.iter().zip(WEIGHTS).map(|(a, w)| a * w).sum();
        Ok(CprCheck { cpr: Cpr(digits), birth_date, modulus11_ok: sum.is_multiple_of(11) })
    }

    /// Rebuilds a number read back from the store (already checked when it was written).
    pub fn from_stored(digits: String) -> Self {
        Cpr(digits)
    }

    /// The ten digits, no separator (how it is stored and matched).
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `DDMMYY-SSSS`, for display to someone allowed to see it.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..6], &self.0[6..])
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cpr(******-****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn century_digit_decides_the_year() {
        // 7th digit 0-3: always 1900s.
        assert_eq!(Cpr::parse("010203-1234", today()).unwrap().birth_date, date(1903, 2, 1));
        // 4 and 9: 2000-2036, else 1900s.
        assert_eq!(Cpr::parse("010203-4234", today()).unwrap().birth_date, date(2003, 2, 1));
        assert_eq!(Cpr::parse("010240-9234", today()).unwrap().birth_date, date(1940, 2, 1));
        // 5-8: 2000-2057, else 1858-1899.
        assert_eq!(Cpr::parse("010210-5234", today()).unwrap().birth_date, date(2010, 2, 1));
        assert_eq!(Cpr::parse("010290-7234", today()).unwrap().birth_date, date(1890, 2, 1));
    }

    #[test]
    fn a_date_that_does_not_exist_in_its_century_is_rejected() {
        // 29 Feb 2000 exists (digit 4 → 2000); 29 Feb 1900 does not (digit 0 → 1900).
        assert!(Cpr::parse("290200-4001", today()).is_ok());
        assert_eq!(Cpr::parse("290200-0001", today()), Err(ValidationError::CprDate { day: 29, month: 2, year: 1900 }));
        assert!(matches!(Cpr::parse("320190-1234", today()), Err(ValidationError::CprDate { .. })));
        assert!(matches!(Cpr::parse("011390-1234", today()), Err(ValidationError::CprDate { .. })));
    }

    #[test]
    fn a_birth_date_in_the_future_is_rejected() {
        // Digit 5 with YY=30 → 2030, after "today".
        assert!(matches!(Cpr::parse("010130-5000", today()), Err(ValidationError::CprInFuture { .. })));
    }

    #[test]
    fn format_errors() {
        for bad in ["", "12345", "0102031234x", "010203_1234", "01020a-1234", "010203--1234"] {
            assert_eq!(Cpr::parse(bad, today()), Err(ValidationError::CprFormat), "{bad:?}");
        }
        assert!(Cpr::parse(" 0102031234 ", today()).is_ok());
    }

    #[test]
    fn modulus_11_is_only_a_warning() {
        // 0707614285: 4*0+3*7+2*0+7*7+6*6+5*1+4*4+3*2+2*8+1*5 = 154 = 14*11 → passes.
        let ok = Cpr::parse("070761-4285", today()).unwrap();
        assert!(ok.modulus11_ok);
        // Same date, a post-2007 style serial that fails the check: still accepted.
        let warn = Cpr::parse("070761-4286", today()).unwrap();
        assert!(!warn.modulus11_ok);
        assert_eq!(warn.cpr.formatted(), "070761-4286");
    }

    #[test]
    fn debug_never_shows_the_number() {
        let c = Cpr::parse("0707614285", today()).unwrap();
        assert!(!format!("{c:?}").contains("0707"));
    }
}
