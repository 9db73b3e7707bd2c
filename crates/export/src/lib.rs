//! indsats-export: the management summary rendered to PDF, XLSX and CSV.
//!
//! # Layout
//! - [`text`]: every word, number and date in Danish (the default) and English.
//! - `csv_files.rs`: one CSV file per table, in the dialect the language's Excel expects.
//! - `workbook.rs`: the XLSX workbook with the same tables and a native line chart per indicator.
//! - `pdf_doc.rs`: the 2–5 page A4 PDF; `pdf_layout.rs` is its small page-layout engine (text
//!   shaping and measuring with the embedded DejaVu Sans, pages as lists of drawing operations).
//! - [`extract`]: the citizen's access extract (GDPR art. 15), every recorded access to one
//!   person's data by whom, when and why, as CSV and as a tagged A4 PDF, with its own words.
//! - [`plan`]: the participant's plan for the citizen (current goals, agreed activities, the next
//!   conversation) as a short tagged A4 PDF, with its own words.
//!
//! **Invariant:** the exports never compute or look anything up. They print the
//! [`Summary`](indsats_report::summary::Summary), which has already passed disclosure control,
//! and the same summary gives the same bytes: no clock, no randomness, no hash-map order. The
//! documents' creation times are the summary's `generated_at`.

mod csv_files;
pub mod extract;
mod pdf_doc;
mod pdf_layout;
pub mod plan;
pub mod text;
mod workbook;

pub use extract::{AccessExtract, AccessLine};
pub use plan::{NextConversation, ParticipantPlan, PlanActivity, PlanGoal, PlanLink};

use chrono::{DateTime, Utc};
use indsats_core::validate::Lang;
use indsats_report::summary::{Params, Provenance, Summary};

/// The line every export carries so that `indsats report --verify` can make the report again:
/// its parameters and data snapshot (see [`indsats_report::summary::marker`]).
pub fn marker(s: &Summary) -> String {
    let p = &s.provenance;
    let params = Params { period: s.period, as_of: p.as_of, lang: s.lang, threshold: p.threshold };
    indsats_report::summary::marker(&params, &p.snapshot)
}

/// Finds the marker in an exported file: a PDF (document metadata), an XLSX (document
/// keywords) or the about CSV. `None` when the bytes are none of these.
pub fn find_marker(bytes: &[u8]) -> Option<(Params, String)> {
    if bytes.starts_with(b"PK") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let mut core = zip.by_name("docProps/core.xml").ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut core, &mut text).ok()?;
        return indsats_report::summary::parse_marker(&text);
    }
    indsats_report::summary::parse_marker(&String::from_utf8_lossy(bytes))
}

/// The summary as CSV files, one per table: `(file name, contents)`, in a fixed order. Danish
/// files are separated by `;` with a decimal comma, English by `,` with a decimal point; both are
/// UTF-8 with a byte-order mark and CRLF line ends (RFC 4180).
pub fn csv(summary: &Summary) -> Vec<(String, String)> {
    csv_files::files(summary)
}

/// The summary as an XLSX workbook.
pub fn xlsx(summary: &Summary) -> Result<Vec<u8>, ExportError> {
    workbook::workbook(summary)
}

/// The summary as a PDF document (A4).
pub fn pdf(summary: &Summary) -> Result<Vec<u8>, ExportError> {
    pdf_doc::document(summary)
}

/// Why an export failed, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the summary's generation time {0:?} is not an RFC 3339 time; make the summary again")]
    GeneratedAt(String),
    #[error("the table {table} has {rows} rows, more than a spreadsheet holds ({max}); choose a shorter period or fewer initiatives")]
    TooManyRows { table: &'static str, rows: usize, max: usize },
    #[error("the spreadsheet could not be written: {0}; try again, and report it if it happens again")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the PDF could not be written: {0}; try again, and report it if it happens again")]
    Pdf(String),
    #[error("the font built into Indsats could not be read; reinstall Indsats")]
    Font,
}

impl ExportError {
    /// A stable code for front ends and exit statuses.
    pub fn code(&self) -> &'static str {
        match self {
            Self::GeneratedAt(_) => "generated_at",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::Xlsx(_) => "xlsx",
            Self::Pdf(_) => "pdf",
            Self::Font => "font",
        }
    }

    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Self::GeneratedAt(t) => {
                if da {
                    format!("Oversigtens dannelsestidspunkt ({t:?}) er ikke et gyldigt tidspunkt. Dan oversigten igen.")
                } else {
                    format!("The summary's generation time ({t:?}) is not a valid time. Make the summary again.")
                }
            }
            Self::TooManyRows { table, rows, max } => {
                if da {
                    format!(
                        "Tabellen {table} har {rows} rækker, flere end et regneark kan rumme ({max}). Vælg en kortere periode eller færre indsatser."
                    )
                } else {
                    format!(
                        "The table {table} has {rows} rows, more than a spreadsheet holds ({max}). Choose a shorter period or fewer initiatives."
                    )
                }
            }
            Self::Xlsx(e) => {
                if da {
                    format!("Regnearket kunne ikke dannes ({e}). Prøv igen; sker det igen, så meld fejlen.")
                } else {
                    format!("The spreadsheet could not be made ({e}). Try again; if it happens again, report it.")
                }
            }
            Self::Pdf(e) => {
                if da {
                    format!("PDF-filen kunne ikke dannes ({e}). Prøv igen; sker det igen, så meld fejlen.")
                } else {
                    format!("The PDF could not be made ({e}). Try again; if it happens again, report it.")
                }
            }
            Self::Font => {
                if da {
                    "Skrifttypen, der er indbygget i Indsats, kunne ikke læses. Geninstallér Indsats.".into()
                } else {
                    "The font built into Indsats could not be read. Reinstall Indsats.".into()
                }
            }
        }
    }
}

/// The summary's generation time: its documents' creation time.
fn generated_at(p: &Provenance) -> Result<DateTime<Utc>, ExportError> {
    DateTime::parse_from_rfc3339(p.generated_at.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ExportError::GeneratedAt(p.generated_at.clone()))
}

#[cfg(test)]
#[path = "../tests/support/mod.rs"]
pub(crate) mod support;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_to_do_in_both_languages() {
        let e = ExportError::GeneratedAt("yesterday".into());
        assert_eq!(e.code(), "generated_at");
        assert!(e.to_string().contains("make the summary again"));
        assert!(e.message(Lang::Da).contains("Dan oversigten igen"));
        assert!(e.message(Lang::En).contains("Make the summary again"));
    }

    #[test]
    fn a_bad_generation_time_is_refused_not_replaced_by_the_clock() {
        let mut s = support::fixture(Lang::Da);
        s.provenance.generated_at = "i går".into();
        assert_eq!(pdf(&s).map_err(|e| e.code()).err(), Some("generated_at"));
        assert_eq!(xlsx(&s).map_err(|e| e.code()).err(), Some("generated_at"));
    }
}
