//! The one error type of indsats-api: every failure a front end shows, with a code and a message
//! in the user's language.

use indsats_core::model::Code;
use indsats_core::strategy_file::StrategyFileError;
use indsats_core::{Lang, ValidationError};
use indsats_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    StrategyFile(#[from] StrategyFileError),
    #[error("a {} may not {action}", role.code())]
    Forbidden { action: &'static str, role: indsats_core::model::Role, allowed: &'static [indsats_core::model::Role] },
    #[error(transparent)]
    Period(#[from] indsats_report::PeriodError),
    #[error("cancelled")]
    Cancelled,
    /// A caseworker tried to export a participant of another caseworker's caseload.
    #[error("not your case: it belongs to {caseworker}")]
    NotYourCase { caseworker: String },
    /// An encrypted case file that could not be made or opened.
    #[error("the encrypted file could not be {0}")]
    CaseFile(&'static str),
    #[error(transparent)]
    Sync(indsats_sync::SyncError),
}

impl From<indsats_sync::SyncError> for ApiError {
    fn from(e: indsats_sync::SyncError) -> Self {
        match e {
            indsats_sync::SyncError::Store(s) => ApiError::Store(s),
            e => ApiError::Sync(e),
        }
    }
}

impl From<indsats_report::ReportError> for ApiError {
    fn from(e: indsats_report::ReportError) -> Self {
        match e {
            indsats_report::ReportError::Store(s) => ApiError::Store(s),
            indsats_report::ReportError::Disclosure(d) => ApiError::Invalid(ValidationError::OutOfRange {
                field: "threshold",
                min: indsats_report::disclosure::MIN_THRESHOLD as f64,
                max: 1000.0,
                value: match d {
                    indsats_report::disclosure::DisclosureError::ThresholdTooLow(t) => t as f64,
                    indsats_report::disclosure::DisclosureError::Shape => 0.0,
                },
            }),
        }
    }
}

/// What kind of failure it is, for exit statuses and for where a front end shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input was wrong: correct it and try again.
    BadInput,
    /// The store is locked: wrong passphrase, or another process holds it.
    Locked,
    /// Anything else: the disk, the file system, a newer version, a damaged file.
    Other,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::Invalid(e) => e.code(),
            Self::StrategyFile(_) => "strategy_file",
            Self::Forbidden { .. } => "forbidden",
            Self::Period(_) => "invalid_period",
            Self::Cancelled => "cancelled",
            Self::NotYourCase { .. } => "not_your_case",
            Self::CaseFile(_) => "case_file",
            Self::Sync(e) => e.code(),
        }
    }

    /// The field the error belongs beside, where there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Invalid(e) | Self::Store(StoreError::Invalid(e)) => e.field().map(str::to_string),
            Self::StrategyFile(e) => e.field.clone(),
            _ => None,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_) | Self::StrategyFile(_) | Self::Forbidden { .. } | Self::Period(_) | Self::NotYourCase { .. } => {
                ErrorClass::BadInput
            }
            Self::CaseFile("opened") => ErrorClass::BadInput,
            Self::CaseFile(_) => ErrorClass::Other,
            Self::Cancelled => ErrorClass::Other,
            Self::Sync(e) => {
                use indsats_sync::SyncError as S;
                match e {
                    S::NoTeam
                    | S::AlreadyInTeam { .. }
                    | S::NotOnRoster { .. }
                    | S::NotLead
                    | S::NoTarget
                    | S::BadEscrow { .. }
                    | S::RosterInvalid { .. }
                    | S::RosterNotSigned
                    | S::WrongTeam { .. }
                    | S::TargetConfig { .. }
                    | S::TargetSecretMissing { .. } => ErrorClass::BadInput,
                    _ => ErrorClass::Other,
                }
            }
            Self::Store(e) => match e {
                StoreError::WrongPassphrase | StoreError::Busy => ErrorClass::Locked,
                StoreError::Invalid(_)
                | StoreError::NotFound { .. }
                | StoreError::PassphraseTooShort { .. }
                | StoreError::NotInitialised { .. }
                | StoreError::AlreadyInitialised { .. } => ErrorClass::BadInput,
                _ => ErrorClass::Other,
            },
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Store(e) => e.message(lang),
            Self::Sync(e) => e.message(lang),
            Self::Invalid(e) => e.message(lang),
            Self::StrategyFile(e) => e.message(lang),
            Self::Forbidden { action, role, allowed } => {
                let who = allowed.iter().map(|r| r.label(lang)).collect::<Vec<_>>().join(", ");
                match lang {
                    Lang::Da => format!("Rollen «{}» må ikke {}. Det må: {who}.", role.label(lang), action_da(action)),
                    Lang::En => format!("The role “{}” may not {action}. Who may: {who}.", role.label(lang)),
                }
            }
            Self::Period(e) => match lang {
                Lang::Da => format!("Perioden «{}» kendes ikke. Skriv et år (2026), et kvartal (2026-Q3) eller en måned (2026-05).", e.0),
                Lang::En => format!("The period “{}” is unknown. Write a year (2026), a quarter (2026-Q3) or a month (2026-05).", e.0),
            },
            Self::Cancelled => match lang {
                Lang::Da => "Afbrudt. Intet fra den afbrudte del er gemt.".into(),
                Lang::En => "Cancelled. Nothing from the cancelled part was saved.".into(),
            },
            Self::NotYourCase { caseworker } => match lang {
                Lang::Da => format!("Sagen hører til {caseworker}. Kun sagens egen sagsbehandler eller en teamleder kan eksportere den."),
                Lang::En => format!("The case belongs to {caseworker}. Only its own caseworker or a team lead can export it."),
            },
            Self::CaseFile("opened") => match lang {
                Lang::Da => {
                    "Filen kunne ikke åbnes: forkert adgangskode, eller filen er beskadiget. Prøv igen med den rigtige adgangskode.".into()
                }
                Lang::En => {
                    "The file could not be opened: wrong passphrase, or the file is damaged. Try again with the right passphrase.".into()
                }
            },
            Self::CaseFile(_) => match lang {
                Lang::Da => "Filen kunne ikke krypteres. Intet er gemt; prøv igen.".into(),
                Lang::En => "The file could not be encrypted. Nothing was saved; try again.".into(),
            },
        }
    }
}

fn action_da(action: &str) -> &str {
    match action {
        "read the audit log" => "læse logningen",
        "set indicator targets" => "ændre indikatorernes mål",
        "generate demo data" => "danne demodata",
        "close initiatives" => "lukke indsatser",
        "see the participants behind an indicator" => "se deltagerne bag en indikator",
        "enter indicator values" => "indtaste indikatorværdier",
        "make management summaries" => "danne ledelsesrapporter",
        "export a participant's case" => "eksportere en deltagers sag",
        "create a team" => "oprette et team",
        "change the team" => "ændre teamet",
        other => other,
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
