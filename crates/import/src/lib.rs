//! indsats-import: existing caseloads brought in from the files municipalities have.
//!
//! # Layout
//! - [`table`]: a file read into a [`Table`] of cells: CSV in the Danish (`;`) and English (`,`)
//!   Excel dialects, UTF-8 or Windows-1252, and XLSX (calamine). Nothing is evaluated: a cell
//!   that looks like a formula is its text.
//! - [`mapping`]: which column holds which field. Headers that are the field names or their
//!   Danish or English labels map by themselves; a mapping file names the others.
//! - [`rows`]: each row read into the fields of a participant, an enrolment or an event, with
//!   every problem named by row and column.
//!
//! **Architecture invariant:** this crate reads files into plain values and checks each cell on
//! its own. It knows nothing of the store: matching rows to existing cases, the rules that need
//! the data, and writing belong to indsats-api.

pub mod mapping;
pub mod rows;
pub mod table;

pub use mapping::{Field, Kind, Mapping};
pub use rows::{CellProblem, EnrolmentRow, EventRow, ParticipantRow, Problem};
pub use table::{Cell, Row, Table, rejected_csv};

use indsats_core::Lang;

/// The largest file read (a national caseload as CSV is far smaller).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a file could not be read at all. Problems of single rows are [`Problem`]s.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is {bytes} bytes, more than {max}")]
    TooLarge { bytes: u64, max: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("a quoted cell that starts in row {row} never ends")]
    UnterminatedQuote { row: usize },
    #[error("not a spreadsheet that can be read: {detail}")]
    Spreadsheet { detail: String },
    #[error("the column {header:?} is there twice")]
    DuplicateColumn { header: String },
    #[error("no column holds {field}")]
    MissingColumn { field: &'static str },
    #[error("two columns hold {field}: {first:?} and {second:?}")]
    FieldTwice { field: &'static str, first: String, second: String },
    #[error("the mapping file is not valid at line {line}: {detail}")]
    MappingFile { line: usize, detail: String },
    #[error("the mapping names {field:?}, which is not a field of this import")]
    UnknownField { field: String, allowed: String },
    #[error("the mapping names the column {header:?}, which the file does not have")]
    MappedColumnMissing { header: String },
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "import_too_large",
            Self::Empty => "import_empty",
            Self::UnterminatedQuote { .. } => "import_quote",
            Self::Spreadsheet { .. } => "import_spreadsheet",
            Self::DuplicateColumn { .. } => "import_duplicate_column",
            Self::MissingColumn { .. } => "import_missing_column",
            Self::FieldTwice { .. } => "import_field_twice",
            Self::MappingFile { .. } => "import_mapping_file",
            Self::UnknownField { .. } => "import_unknown_field",
            Self::MappedColumnMissing { .. } => "import_mapped_column_missing",
        }
    }

    /// The message for a person, in their language: what is wrong and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Self::TooLarge { bytes, max } => {
                let (mb, max_mb) = (bytes / (1024 * 1024), max / (1024 * 1024));
                if da {
                    format!("Filen er {mb} MB; højst {max_mb} MB kan indlæses. Del den i flere filer. Intet er indlæst.")
                } else {
                    format!("The file is {mb} MB; at most {max_mb} MB can be imported. Split it into several files. Nothing was imported.")
                }
            }
            Self::Empty => {
                if da {
                    "Filen er tom. Vælg filen med overskrifter og rækker. Intet er indlæst.".into()
                } else {
                    "The file is empty. Choose the file with headers and rows. Nothing was imported.".into()
                }
            }
            Self::UnterminatedQuote { row } => {
                if da {
                    format!(
                        "En celle i række {row} begynder med et anførselstegn (\") og slutter aldrig. Ret filen, eller gem den igen fra Excel. Intet er indlæst."
                    )
                } else {
                    format!(
                        "A cell in row {row} starts with a quotation mark (\") and never ends. Fix the file, or save it again from Excel. Nothing was imported."
                    )
                }
            }
            Self::Spreadsheet { detail } => {
                if da {
                    format!("Regnearket kan ikke læses ({detail}). Gem det som .xlsx eller .csv fra Excel, og prøv igen. Intet er indlæst.")
                } else {
                    format!(
                        "The spreadsheet cannot be read ({detail}). Save it as .xlsx or .csv from Excel, and try again. Nothing was imported."
                    )
                }
            }
            Self::DuplicateColumn { header } => {
                if da {
                    format!("Kolonnen «{header}» står to gange i overskriften. Omdøb eller slet den ene. Intet er indlæst.")
                } else {
                    format!("The column “{header}” is in the header twice. Rename or delete one of them. Nothing was imported.")
                }
            }
            Self::MissingColumn { field } => {
                let label = indsats_core::validate::field_label(field, lang);
                if da {
                    format!(
                        "Ingen kolonne har {label} ({field}). Kald kolonnen «{field}» eller «{label}», eller angiv den i en kolonnefil (--mapping). Intet er indlæst."
                    )
                } else {
                    format!(
                        "No column holds {label} ({field}). Name the column “{field}” or “{label}”, or give it in a mapping file (--mapping). Nothing was imported."
                    )
                }
            }
            Self::FieldTwice { field, first, second } => {
                if da {
                    format!("Både kolonnen «{first}» og «{second}» svarer til {field}. Behold én af dem. Intet er indlæst.")
                } else {
                    format!("Both the columns “{first}” and “{second}” map to {field}. Keep one of them. Nothing was imported.")
                }
            }
            Self::MappingFile { line, detail } => {
                if da {
                    format!(
                        "Kolonnefilen har en fejl i linje {line}: {detail}. Skriv den som «\"Kolonnens overskrift\" = \"felt\"» under [columns]. Intet er indlæst."
                    )
                } else {
                    format!(
                        "The mapping file has an error at line {line}: {detail}. Write it as “\"Column header\" = \"field\"” under [columns]. Nothing was imported."
                    )
                }
            }
            Self::UnknownField { field, allowed } => {
                if da {
                    format!("Kolonnefilen nævner feltet «{field}», som ikke findes her. Vælg et af: {allowed}. Intet er indlæst.")
                } else {
                    format!(
                        "The mapping file names the field “{field}”, which does not exist here. Choose one of: {allowed}. Nothing was imported."
                    )
                }
            }
            Self::MappedColumnMissing { header } => {
                if da {
                    format!(
                        "Kolonnefilen nævner kolonnen «{header}», men filen har ingen sådan overskrift. Ret kolonnefilen eller filen. Intet er indlæst."
                    )
                } else {
                    format!(
                        "The mapping file names the column “{header}”, but the file has no such header. Fix the mapping file or the file. Nothing was imported."
                    )
                }
            }
        }
    }
}
