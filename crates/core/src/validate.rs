//! Every rule that rejects bad input, as pure functions, and the messages that tell a person what
//! to do about it, in Danish (the default) and English.

use chrono::NaiveDate;

/// The language a message is shown in. Danish is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    /// Reads `da`, `en`, `da_DK.UTF-8`, `en-GB` and the like; anything else is Danish.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("en") { Lang::En } else { Lang::Da }
    }

    /// A date as people in this language write it.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Lang::Da => d.format("%d-%m-%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Input that a rule rejects. Nothing is written when one of these is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} is {len} characters long; at most {max} are allowed")]
    TooLong { field: &'static str, max: usize, len: usize },
    #[error("{field} must be between {min} and {max}, got {value}")]
    OutOfRange { field: &'static str, min: f64, max: f64, value: f64 },
    #[error("unknown {field} {value:?}; expected one of: {expected}")]
    UnknownCode { field: &'static str, value: String, expected: String },
    #[error("{field} {value:?} is not a date")]
    InvalidDate { field: &'static str, value: String },
    #[error("the CPR number must be DDMMYY-SSSS (10 digits)")]
    CprFormat,
    #[error("the CPR number's date {day:02}-{month:02}-{year} does not exist")]
    CprDate { day: u32, month: u32, year: i32 },
    #[error("the CPR number gives a birth date in the future ({birth_date})")]
    CprInFuture { birth_date: NaiveDate },
    #[error("a participant with this CPR number already exists")]
    DuplicateCpr,
    #[error("{end_field} ({end}) is before {start_field} ({start})")]
    EndBeforeStart { start_field: &'static str, end_field: &'static str, start: NaiveDate, end: NaiveDate },
    #[error("score {score} is outside the scale 1-{max}")]
    ScoreOutOfScale { score: u8, max: u8 },
    #[error("the enrolment ({start}..{end:?}) lies outside the initiative's period ({period_start}..{period_end:?})")]
    EnrolmentOutsideInitiative { start: NaiveDate, end: Option<NaiveDate>, period_start: NaiveDate, period_end: Option<NaiveDate> },
    #[error("{field} ({date}) is in the future")]
    InFuture { field: &'static str, date: NaiveDate },
    #[error("a programme lasts at most 5 years ({start}..{end})")]
    ProgrammeTooLong { start: NaiveDate, end: NaiveDate },
    #[error("the initiative is closed")]
    InitiativeClosed,
    #[error("the participant's case is closed")]
    CaseClosed,
    #[error("the participant is already enrolled in this initiative from {start}")]
    AlreadyEnrolled { start: NaiveDate },
    #[error("{field} {value:?} is not a number")]
    NotANumber { field: &'static str, value: String },
    #[error("indicator {indicator} is computed from events; only manual indicators take entered values")]
    NotManual { indicator: String },
}

/// A field's name as a person reads it.
pub fn field_label(field: &str, lang: Lang) -> &str {
    let (da, en) = match field {
        "name" => ("Navn", "Name"),
        "title" => ("Titel", "Title"),
        "owner" => ("Ansvarlig", "Owner"),
        "caseworker" => ("Sagsbehandler", "Caseworker"),
        "cpr" => ("CPR-nummer", "CPR number"),
        "birth_year" => ("Fødselsår", "Birth year"),
        "arrival_date" | "arrival" => ("Indrejsedato", "Arrival date"),
        "start" => ("Startdato", "Start date"),
        "end" => ("Slutdato", "End date"),
        "programme_start" => ("Programstart", "Programme start"),
        "programme_end" => ("Programslut", "Programme end"),
        "date" => ("Dato", "Date"),
        "capacity" => ("Kapacitet", "Capacity"),
        "hours_per_week" | "hours" => ("Timer pr. uge", "Hours per week"),
        "course" => ("Danskuddannelse", "Danish course"),
        "new_end" => ("Ny slutdato", "New end date"),
        "note" => ("Notat", "Note"),
        "pseudonym" => ("Pseudonym", "Pseudonym"),
        "module" => ("Modul", "Module"),
        "score" => ("Score", "Score"),
        "contribution" => ("Bidrag til målet", "Contribution to the goal"),
        "purpose" => ("Formål", "Purpose"),
        "type" => ("Type", "Type"),
        "status" => ("Status", "Status"),
        "origin" => ("Herkomst", "Origin"),
        "programme" => ("Program", "Programme"),
        "target_group" => ("Målgruppe", "Target group"),
        "event" => ("Hændelse", "Event"),
        "outcome" => ("Resultat", "Outcome"),
        "passphrase" => ("Adgangsfrase", "Passphrase"),
        "user" => ("Bruger", "User"),
        "role" => ("Rolle", "Role"),
        "closed" => ("Lukkedato", "Closing date"),
        "details" => ("Detaljer", "Details"),
        "reason" => ("Begrundelse", "Reason"),
        "initiative" => ("Indsats", "Initiative"),
        "keep" | "backup_keep" => ("Antal sikkerhedskopier", "Backups kept"),
        "every_days" | "backup_every_days" => ("Dage mellem sikkerhedskopier", "Days between backups"),
        _ => (field, field),
    };
    match lang {
        Lang::Da => da,
        Lang::En => en,
    }
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }
}

impl ValidationError {
    /// A stable code the front ends can choose a message or a field highlight by.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required { .. } => "required",
            Self::TooLong { .. } => "too_long",
            Self::OutOfRange { .. } => "out_of_range",
            Self::UnknownCode { .. } => "unknown_code",
            Self::InvalidDate { .. } => "invalid_date",
            Self::CprFormat => "cpr_format",
            Self::CprDate { .. } => "cpr_date",
            Self::CprInFuture { .. } => "cpr_in_future",
            Self::DuplicateCpr => "duplicate_cpr",
            Self::EndBeforeStart { .. } => "end_before_start",
            Self::ScoreOutOfScale { .. } => "score_out_of_scale",
            Self::EnrolmentOutsideInitiative { .. } => "enrolment_outside_initiative",
            Self::InFuture { .. } => "in_future",
            Self::ProgrammeTooLong { .. } => "programme_too_long",
            Self::InitiativeClosed => "initiative_closed",
            Self::CaseClosed => "case_closed",
            Self::AlreadyEnrolled { .. } => "already_enrolled",
            Self::NotANumber { .. } => "not_a_number",
            Self::NotManual { .. } => "not_manual",
        }
    }

    /// The field the error belongs beside, where there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Required { field }
            | Self::TooLong { field, .. }
            | Self::OutOfRange { field, .. }
            | Self::UnknownCode { field, .. }
            | Self::InvalidDate { field, .. }
            | Self::InFuture { field, .. }
            | Self::NotANumber { field, .. } => Some(field),
            Self::CprFormat | Self::CprDate { .. } | Self::CprInFuture { .. } | Self::DuplicateCpr => Some("cpr"),
            Self::EndBeforeStart { end_field, .. } => Some(end_field),
            Self::ScoreOutOfScale { .. } => Some("score"),
            Self::EnrolmentOutsideInitiative { .. } | Self::AlreadyEnrolled { .. } => Some("start"),
            Self::ProgrammeTooLong { .. } => Some("programme_end"),
            Self::NotManual { .. } => Some("indicator"),
            Self::InitiativeClosed | Self::CaseClosed => None,
        }
    }

    /// The message for a person: what is wrong and what to do, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |f: &str| field_label(f, lang).to_string();
        let d = |x: NaiveDate| lang.date(x);
        let od = |x: &Option<NaiveDate>| match (x, lang) {
            (Some(x), _) => lang.date(*x),
            (None, Lang::Da) => "åben".to_string(),
            (None, Lang::En) => "open".to_string(),
        };
        match (self, lang) {
            (Self::Required { field }, Lang::Da) => format!("{} skal udfyldes.", l(field)),
            (Self::Required { field }, Lang::En) => format!("{} is required: fill it in.", l(field)),
            (Self::TooLong { field, max, len }, Lang::Da) => {
                format!("{} er {len} tegn; højst {max} er tilladt. Forkort teksten.", l(field))
            }
            (Self::TooLong { field, max, len }, Lang::En) => {
                format!("{} is {len} characters; at most {max} are allowed. Shorten it.", l(field))
            }
            (Self::OutOfRange { field, min, max, value }, Lang::Da) => {
                format!("{} skal ligge mellem {} og {} (er {}). Ret værdien.", l(field), num(*min), num(*max), num(*value))
            }
            (Self::OutOfRange { field, min, max, value }, Lang::En) => {
                format!("{} must be between {} and {} (it is {}). Correct the value.", l(field), num(*min), num(*max), num(*value))
            }
            (Self::UnknownCode { field, value, expected }, Lang::Da) => {
                format!("Ukendt {} «{value}». Vælg en af: {expected}.", l(field).to_lowercase())
            }
            (Self::UnknownCode { field, value, expected }, Lang::En) => {
                format!("Unknown {} “{value}”. Choose one of: {expected}.", l(field).to_lowercase())
            }
            (Self::InvalidDate { field, value }, Lang::Da) => {
                format!("{} «{value}» er ikke en dato. Skriv den som DD-MM-ÅÅÅÅ.", l(field))
            }
            (Self::InvalidDate { field, value }, Lang::En) => {
                format!("{} “{value}” is not a date. Write it as YYYY-MM-DD or DD-MM-YYYY.", l(field))
            }
            (Self::CprFormat, Lang::Da) => {
                "CPR-nummeret skal skrives som DDMMÅÅ-LLLL (10 cifre). Ret nummeret, eller lad feltet stå tomt.".into()
            }
            (Self::CprFormat, Lang::En) => {
                "The CPR number must be written DDMMYY-SSSS (10 digits). Correct it, or leave the field empty.".into()
            }
            (Self::CprDate { day, month, year }, Lang::Da) => format!(
                "CPR-nummeret giver datoen {day:02}-{month:02}-{year}, som ikke findes (7. ciffer afgør århundredet). Kontrollér nummeret."
            ),
            (Self::CprDate { day, month, year }, Lang::En) => format!(
                "The CPR number gives the date {day:02}-{month:02}-{year}, which does not exist (the 7th digit fixes the century). Check the number."
            ),
            (Self::CprInFuture { birth_date }, Lang::Da) => format!(
                "CPR-nummeret giver fødselsdatoen {}, som ligger i fremtiden (7. ciffer afgør århundredet). Kontrollér nummeret.",
                d(*birth_date)
            ),
            (Self::CprInFuture { birth_date }, Lang::En) => format!(
                "The CPR number gives the birth date {}, which is in the future (the 7th digit fixes the century). Check the number.",
                d(*birth_date)
            ),
            (Self::DuplicateCpr, Lang::Da) => {
                "Der findes allerede en deltager med dette CPR-nummer. Søg deltageren frem i stedet for at oprette en ny.".into()
            }
            (Self::DuplicateCpr, Lang::En) => {
                "A participant with this CPR number already exists. Search for them instead of creating a new one.".into()
            }
            (Self::EndBeforeStart { start_field, end_field, start, end }, Lang::Da) => {
                format!("{} ({}) ligger før {} ({}). Ret en af datoerne.", l(end_field), d(*end), l(start_field).to_lowercase(), d(*start))
            }
            (Self::EndBeforeStart { start_field, end_field, start, end }, Lang::En) => format!(
                "{} ({}) is before {} ({}). Correct one of the dates.",
                l(end_field),
                d(*end),
                l(start_field).to_lowercase(),
                d(*start)
            ),
            (Self::ScoreOutOfScale { score, max }, Lang::Da) => {
                format!("Scoren {score} ligger uden for skalaen 1–{max}. Vælg en score fra 1 til {max}.")
            }
            (Self::ScoreOutOfScale { score, max }, Lang::En) => {
                format!("The score {score} is outside the scale 1–{max}. Choose a score from 1 to {max}.")
            }
            (Self::EnrolmentOutsideInitiative { start, end, period_start, period_end }, Lang::Da) => format!(
                "Forløbet ({} – {}) ligger uden for indsatsens periode ({} – {}). Ret forløbets datoer eller indsatsens periode.",
                d(*start),
                od(end),
                d(*period_start),
                od(period_end)
            ),
            (Self::EnrolmentOutsideInitiative { start, end, period_start, period_end }, Lang::En) => format!(
                "The enrolment ({} – {}) lies outside the initiative's period ({} – {}). Correct the enrolment's dates or the initiative's period.",
                d(*start),
                od(end),
                d(*period_start),
                od(period_end)
            ),
            (Self::InFuture { field, date }, Lang::Da) => {
                format!("{} ({}) ligger i fremtiden. Registrér det, når det er sket.", l(field), d(*date))
            }
            (Self::InFuture { field, date }, Lang::En) => {
                format!("{} ({}) is in the future. Record it once it has happened.", l(field), d(*date))
            }
            (Self::ProgrammeTooLong { start, end }, Lang::Da) => {
                format!("Programmet ({} – {}) er længere end 5 år, som er loftet. Ret slutdatoen.", d(*start), d(*end))
            }
            (Self::ProgrammeTooLong { start, end }, Lang::En) => {
                format!("The programme ({} – {}) is longer than the 5-year maximum. Correct the end date.", d(*start), d(*end))
            }
            (Self::InitiativeClosed, Lang::Da) => "Indsatsen er lukket. Vælg en aktiv eller planlagt indsats.".into(),
            (Self::InitiativeClosed, Lang::En) => "The initiative is closed. Choose an active or planned initiative.".into(),
            (Self::CaseClosed, Lang::Da) => "Deltagerens sag er lukket. Genåbn sagen, før der registreres mere.".into(),
            (Self::CaseClosed, Lang::En) => "The participant's case is closed. Reopen it before recording more.".into(),
            (Self::AlreadyEnrolled { start }, Lang::Da) => {
                format!("Deltageren er allerede tilmeldt indsatsen fra {}. Afslut det forløb først.", d(*start))
            }
            (Self::AlreadyEnrolled { start }, Lang::En) => {
                format!("The participant is already enrolled in this initiative from {}. End that enrolment first.", d(*start))
            }
            (Self::NotANumber { field, value }, Lang::Da) => format!("{} «{value}» er ikke et tal. Skriv et tal, fx 42,5.", l(field)),
            (Self::NotANumber { field, value }, Lang::En) => format!("{} «{value}» is not a number. Write a number, e.g. 42.5.", l(field)),
            (Self::NotManual { indicator }, Lang::Da) => {
                format!("Indikatoren {indicator} beregnes ud fra hændelserne og kan ikke indtastes. Vælg en manuel indikator.")
            }
            (Self::NotManual { indicator }, Lang::En) => {
                format!("Indicator {indicator} is computed from events and cannot be entered. Choose a manual indicator.")
            }
        }
    }
}

/// Text that is required and at most `max` characters; returns it trimmed.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ValidationError::Required { field });
    }
    optional_text(field, v, max).map(|_| v.to_string())
}

/// Text of at most `max` characters (counted as characters, not bytes).
pub fn optional_text(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    let len = value.trim().chars().count();
    if len > max {
        return Err(ValidationError::TooLong { field, max, len });
    }
    Ok(())
}

/// An end date, where there is one, is not before its start.
pub fn period(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), ValidationError> {
    match end {
        Some(end) if end < start => Err(ValidationError::EndBeforeStart { start_field: "start", end_field: "end", start, end }),
        _ => Ok(()),
    }
}

/// A date on which something happened is not after today.
pub fn not_in_future(field: &'static str, date: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
    if date > today {
        return Err(ValidationError::InFuture { field, date });
    }
    Ok(())
}

/// A number inside an inclusive range.
pub fn in_range(field: &'static str, value: f64, min: f64, max: f64) -> Result<(), ValidationError> {
    if !(min..=max).contains(&value) || value.is_nan() {
        return Err(ValidationError::OutOfRange { field, min, max, value });
    }
    Ok(())
}

/// An enrolment lies inside its initiative's period: it starts inside it, and its end, once known,
/// is not after the initiative's end.
pub fn enrolment_within(
    start: NaiveDate,
    end: Option<NaiveDate>,
    period_start: NaiveDate,
    period_end: Option<NaiveDate>,
) -> Result<(), ValidationError> {
    period(start, end)?;
    let starts_inside = start >= period_start && period_end.is_none_or(|pe| start <= pe);
    // An enrolment whose end is not known yet is fine: it must end by the initiative's end, which
    // is checked when its end is set.
    let ends_inside = match (end, period_end) {
        (Some(e), Some(pe)) => e <= pe,
        _ => true,
    };
    if starts_inside && ends_inside {
        Ok(())
    } else {
        Err(ValidationError::EnrolmentOutsideInitiative { start, end, period_start, period_end })
    }
}

/// A programme (selvforsørgelses- og hjemrejseprogram / introduktionsprogram) lasts at most 5 years.
pub fn programme(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), ValidationError> {
    if let Some(end) = end {
        if end < start {
            return Err(ValidationError::EndBeforeStart { start_field: "programme_start", end_field: "programme_end", start, end });
        }
        let limit = start.checked_add_months(chrono::Months::new(60)).unwrap_or(NaiveDate::MAX);
        if end > limit {
            return Err(ValidationError::ProgrammeTooLong { start, end });
        }
    }
    Ok(())
}

/// Parses a date as Danish Excel and people write it (`DD-MM-YYYY`, `DD.MM.YYYY`, `DD/MM/YYYY`)
/// or as ISO 8601 (`YYYY-MM-DD`).
pub fn parse_date(field: &'static str, value: &str) -> Result<NaiveDate, ValidationError> {
    let v = value.trim();
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(v, fmt) {
            return Ok(d);
        }
    }
    Err(ValidationError::InvalidDate { field, value: v.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn end_not_before_start() {
        assert!(period(d(2026, 1, 1), None).is_ok());
        assert!(period(d(2026, 1, 1), Some(d(2026, 1, 1))).is_ok());
        let e = period(d(2026, 2, 1), Some(d(2026, 1, 12))).unwrap_err();
        assert_eq!(e.code(), "end_before_start");
        assert_eq!(e.field(), Some("end"));
        assert_eq!(e.message(Lang::Da), "Slutdato (12-01-2026) ligger før startdato (01-02-2026). Ret en af datoerne.");
        assert_eq!(e.message(Lang::En), "End date (2026-01-12) is before start date (2026-02-01). Correct one of the dates.");
    }

    #[test]
    fn enrolment_inside_initiative_period() {
        let (ps, pe) = (d(2026, 1, 1), Some(d(2026, 12, 31)));
        assert!(enrolment_within(d(2026, 3, 1), Some(d(2026, 6, 1)), ps, pe).is_ok());
        assert!(enrolment_within(d(2026, 3, 1), Some(d(2027, 6, 1)), d(2026, 1, 1), None).is_ok());
        // Still going, end unknown: fine inside a bounded initiative.
        assert!(enrolment_within(d(2026, 3, 1), None, ps, pe).is_ok());
        for (s, e) in [(d(2025, 12, 31), Some(d(2026, 2, 1))), (d(2026, 3, 1), Some(d(2027, 1, 1))), (d(2027, 1, 2), None)] {
            assert_eq!(enrolment_within(s, e, ps, pe).unwrap_err().code(), "enrolment_outside_initiative", "{s} {e:?}");
        }
        // A reversed enrolment is reported as such, not as outside.
        assert_eq!(enrolment_within(d(2026, 5, 1), Some(d(2026, 4, 1)), ps, pe).unwrap_err().code(), "end_before_start");
    }

    #[test]
    fn no_event_in_the_future() {
        let today = d(2026, 11, 24);
        assert!(not_in_future("date", today, today).is_ok());
        let e = not_in_future("date", d(2026, 11, 25), today).unwrap_err();
        assert!(e.message(Lang::Da).contains("25-11-2026"));
    }

    #[test]
    fn text_lengths_count_characters() {
        assert_eq!(required_text("name", "  Åse  ", 3).unwrap(), "Åse");
        assert_eq!(required_text("name", "   ", 10).unwrap_err().code(), "required");
        assert_eq!(required_text("name", "ææææ", 3).unwrap_err(), ValidationError::TooLong { field: "name", max: 3, len: 4 });
    }

    #[test]
    fn ranges_and_nan() {
        assert!(in_range("hours_per_week", 37.0, 0.0, 60.0).is_ok());
        assert!(in_range("hours_per_week", 61.0, 0.0, 60.0).is_err());
        assert!(in_range("hours_per_week", f64::NAN, 0.0, 60.0).is_err());
    }

    #[test]
    fn programme_at_most_five_years() {
        assert!(programme(d(2022, 3, 1), Some(d(2027, 3, 1))).is_ok());
        assert_eq!(programme(d(2022, 3, 1), Some(d(2027, 3, 2))).unwrap_err().code(), "programme_too_long");
        assert_eq!(programme(d(2022, 3, 1), Some(d(2021, 3, 2))).unwrap_err().field(), Some("programme_end"));
    }

    #[test]
    fn dates_in_danish_and_iso_form() {
        assert_eq!(parse_date("date", "24-11-2026").unwrap(), d(2026, 11, 24));
        assert_eq!(parse_date("date", "24.11.2026").unwrap(), d(2026, 11, 24));
        assert_eq!(parse_date("date", "2026-11-24").unwrap(), d(2026, 11, 24));
        assert_eq!(parse_date("date", "31-02-2026").unwrap_err().code(), "invalid_date");
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let all = [
            ValidationError::Required { field: "name" },
            ValidationError::CprFormat,
            ValidationError::DuplicateCpr,
            ValidationError::ScoreOutOfScale { score: 7, max: 5 },
            ValidationError::InitiativeClosed,
            ValidationError::CaseClosed,
        ];
        for e in all {
            assert_ne!(e.message(Lang::Da), e.message(Lang::En));
            assert!(e.message(Lang::Da).ends_with('.'));
        }
    }
}
