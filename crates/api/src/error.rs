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
    /// A file to import that cannot be read, or whose columns do not map.
    #[error(transparent)]
    Import(#[from] indsats_import::ImportError),
    #[error("a {} may not {action}", role.code())]
    Forbidden { action: &'static str, role: indsats_core::model::Role, allowed: &'static [indsats_core::model::Role] },
    #[error(transparent)]
    Period(#[from] indsats_report::PeriodError),
    #[error("cancelled")]
    Cancelled,
    /// A caseworker tried to change or export a case of another caseworker's caseload.
    #[error("not your case: it belongs to {caseworker}")]
    NotYourCase { caseworker: String },
    /// An encrypted case file that could not be made or opened.
    #[error("the encrypted file could not be {0}")]
    CaseFile(&'static str),
    #[error(transparent)]
    Sync(indsats_sync::SyncError),
    /// A front end asked for more rights than the store grants this person.
    #[error("asked for the role {}, granted {}", asked.code(), granted.code())]
    RoleNotGranted { asked: indsats_core::model::Role, granted: indsats_core::model::Role, by: crate::identity::Source },
    /// A front end asked to act as someone other than the person the store belongs to.
    #[error("asked to act as {asked:?}, the store's person is {granted:?}")]
    NotThisUser { asked: String, granted: String, by: crate::identity::Source },
    /// The role is the team's: only the lead changes it, on the roster.
    #[error("the role comes from the team's roster")]
    RoleFromRoster,
    /// Demo data goes only into a demo store, never among real people.
    #[error("not a demo store")]
    NotADemoStore,
    /// A new participant who may be someone already registered: the same CPR number (always
    /// refused), or the same name and birth year (refused unless confirmed as another person).
    #[error("possibly a duplicate of {pseudonym}")]
    PossibleDuplicate { pseudonym: String, id: indsats_core::ids::ParticipantId, by_cpr: bool },
    /// A case merged with itself.
    #[error("a case cannot be merged with itself")]
    SameCase,
    /// A note on an event, or a new version of a note, of another participant's case.
    #[error("the note or event belongs to another case")]
    NoteElsewhere,
    /// A new version of a note that a newer version already replaces.
    #[error("the note has a newer version")]
    NoteNotCurrent,
    /// A citizen named by a name that finds more than one person.
    #[error("the name finds more than one person")]
    CitizenAmbiguous,
    /// A plan asked for of a closed case: there is nothing current to give the citizen.
    #[error("the case {pseudonym} is closed, so it has no plan; reopen it first")]
    PlanOfClosedCase { pseudonym: String },
    /// A document could not be made.
    #[error(transparent)]
    Export(#[from] indsats_export::ExportError),
    /// A handover outside a team: there is no colleague to hand the case to.
    #[error("a case is handed over within a team")]
    HandoverNeedsTeam,
    /// A handover to someone who is not a caseworker or team lead on the team's roster.
    #[error("{user} is not a caseworker in the team")]
    NotInTeam { user: String, caseworkers: Vec<String> },
    /// A handover to the case's own caseworker.
    #[error("the case already belongs to {caseworker}")]
    AlreadyTheirs { caseworker: String },
    /// A caseload handover of a caseworker who has no cases.
    #[error("{caseworker} has no cases")]
    NoCases { caseworker: String },
    /// A case file that opened but is not one this version reads.
    #[error("not a case file: {detail}")]
    CaseFileContent { detail: String },
    /// A case file of a case that is already in this store.
    #[error("the case is already here as {pseudonym}")]
    CaseAlreadyHere { pseudonym: String },
    /// A case file with enrolments in initiatives this store does not have.
    #[error("unknown initiatives: {}", titles.join(", "))]
    UnknownInitiatives { titles: Vec<String> },
    /// A test build's switch (crate::switches) with a value it cannot read.
    #[error("{name} cannot be read: {value:?}")]
    TestSwitch { name: &'static str, value: String },
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
            Self::Import(e) => e.code(),
            Self::Forbidden { .. } => "forbidden",
            Self::Period(_) => "invalid_period",
            Self::Cancelled => "cancelled",
            Self::NotYourCase { .. } => "not_your_case",
            Self::CaseFile(_) => "case_file",
            Self::Sync(e) => e.code(),
            Self::RoleNotGranted { .. } => "role_not_granted",
            Self::NotThisUser { .. } => "not_this_user",
            Self::RoleFromRoster => "role_from_roster",
            Self::NotADemoStore => "not_a_demo_store",
            Self::TestSwitch { .. } => "test_switch",
            Self::CitizenAmbiguous => "citizen_ambiguous",
            Self::PlanOfClosedCase { .. } => "plan_case_closed",
            Self::NoteElsewhere => "note_elsewhere",
            Self::SameCase => "same_case",
            Self::NoteNotCurrent => "note_not_current",
            Self::PossibleDuplicate { by_cpr: true, .. } => "duplicate_cpr",
            Self::PossibleDuplicate { by_cpr: false, .. } => "possible_duplicate",
            Self::Export(e) => e.code(),
            Self::HandoverNeedsTeam => "no_team",
            Self::NotInTeam { .. } => "not_in_team",
            Self::AlreadyTheirs { .. } => "already_caseworker",
            Self::NoCases { .. } => "no_cases",
            Self::CaseFileContent { .. } => "case_file",
            Self::CaseAlreadyHere { .. } => "case_exists",
            Self::UnknownInitiatives { .. } => "unknown_initiative",
        }
    }

    /// The field the error belongs beside, where there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Invalid(e) | Self::Store(StoreError::Invalid(e)) => e.field().map(str::to_string),
            Self::StrategyFile(e) => e.field.clone(),
            Self::RoleNotGranted { .. } | Self::RoleFromRoster => Some("role".into()),
            Self::PossibleDuplicate { by_cpr: true, .. } => Some("cpr".into()),
            Self::PossibleDuplicate { by_cpr: false, .. } => Some("name".into()),
            Self::NotThisUser { .. } => Some("user".into()),
            Self::NotInTeam { .. } | Self::AlreadyTheirs { .. } => Some("to".into()),
            _ => None,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_)
            | Self::StrategyFile(_)
            | Self::Import(_)
            | Self::Forbidden { .. }
            | Self::Period(_)
            | Self::NotYourCase { .. }
            | Self::PossibleDuplicate { .. }
            | Self::NoteElsewhere
            | Self::SameCase
            | Self::NoteNotCurrent
            | Self::RoleNotGranted { .. }
            | Self::NotThisUser { .. }
            | Self::RoleFromRoster
            | Self::NotADemoStore
            | Self::CitizenAmbiguous
            | Self::HandoverNeedsTeam
            | Self::NotInTeam { .. }
            | Self::AlreadyTheirs { .. }
            | Self::NoCases { .. }
            | Self::CaseFileContent { .. }
            | Self::CaseAlreadyHere { .. }
            | Self::UnknownInitiatives { .. }
            | Self::PlanOfClosedCase { .. }
            | Self::TestSwitch { .. } => ErrorClass::BadInput,
            Self::Export(_) => ErrorClass::Other,
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
                    | S::NotTheEscrow
                    | S::BadKey { .. }
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
                | StoreError::AlreadyInitialised { .. }
                | StoreError::BackupExists { .. }
                | StoreError::NotABackup { .. }
                | StoreError::BackupPassphrase
                | StoreError::BackupDamaged { .. }
                | StoreError::RestoreNotEmpty { .. } => ErrorClass::BadInput,
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
            Self::Import(e) => e.message(lang),
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
            Self::PossibleDuplicate { pseudonym, by_cpr: true, .. } => match lang {
                Lang::Da => {
                    format!("CPR-nummeret er allerede registreret på sagen {pseudonym}. Åbn den sag i stedet for at oprette en ny.")
                }
                Lang::En => {
                    format!("The CPR number is already registered on the case {pseudonym}. Open that case instead of creating a new one.")
                }
            },
            Self::PossibleDuplicate { pseudonym, by_cpr: false, .. } => match lang {
                Lang::Da => format!(
                    "Der findes allerede en sag med samme navn og fødselsår: {pseudonym}. Åbn den, hvis det er samme person; er det en anden, så bekræft det og registrér igen."
                ),
                Lang::En => format!(
                    "A case with the same name and birth year exists: {pseudonym}. Open it if it is the same person; if it is someone else, confirm that and register again."
                ),
            },
            Self::SameCase => match lang {
                Lang::Da => "Den sag, der skal lægges sammen, er den samme som den, der beholdes. Vælg den anden sag.".into(),
                Lang::En => "The case to merge is the case kept. Choose the other case.".into(),
            },
            Self::NoteElsewhere => match lang {
                Lang::Da => "Notatet eller hændelsen hører til en anden borgers sag. Skriv notatet på den rigtige sag.".into(),
                Lang::En => "The note or the event belongs to another citizen's case. Write the note on the right case.".into(),
            },
            Self::NoteNotCurrent => match lang {
                Lang::Da => "Notatet er allerede rettet af en nyere version. Ret den nyeste version i stedet.".into(),
                Lang::En => "A newer version has already corrected this note. Correct the newest version instead.".into(),
            },
            Self::NotYourCase { caseworker } => match lang {
                Lang::Da => format!(
                    "Sagen hører til {caseworker}s sagsstamme. Kun sagens egen sagsbehandler eller en teamleder kan ændre eller eksportere den."
                ),
                Lang::En => {
                    format!("The case is in {caseworker}'s caseload. Only its own caseworker or a team lead can change or export it.")
                }
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
            Self::RoleNotGranted { asked, granted, by } => {
                let (a, g) = (asked.label(lang), granted.label(lang));
                match (lang, by) {
                    (Lang::Da, crate::identity::Source::Roster) => format!(
                        "Teamets liste giver dig rollen «{g}», så du kan ikke arbejde som «{a}». Du kan vælge din egen rolle eller en med færre rettigheder; bed teamlederen om at ændre din rolle."
                    ),
                    (Lang::En, crate::identity::Source::Roster) => format!(
                        "The team's roster gives you the role “{g}”, so you cannot act as “{a}”. You may act with your own role or one with fewer rights; ask the team lead to change your role."
                    ),
                    (Lang::Da, _) => format!(
                        "Lageret blev oprettet med rollen «{g}», så du kan ikke arbejde som «{a}». Skift rollen med adgangsfrasen (indsats role set ROLLE), eller vælg en rolle med færre rettigheder."
                    ),
                    (Lang::En, _) => format!(
                        "The store was set up with the role “{g}”, so you cannot act as “{a}”. Change the role with the passphrase (indsats role set ROLE), or choose a role with fewer rights."
                    ),
                }
            }
            Self::NotThisUser { asked, granted, by } => match (lang, by) {
                (Lang::Da, crate::identity::Source::Roster) => {
                    format!(
                        "Denne computer står på teamets liste som {granted:?}, ikke {asked:?}. Udelad --user, eller bed teamlederen om at rette listen."
                    )
                }
                (Lang::En, crate::identity::Source::Roster) => {
                    format!(
                        "This computer is on the team's roster as {granted:?}, not {asked:?}. Leave out --user, or ask the team lead to correct the roster."
                    )
                }
                (Lang::Da, _) => {
                    format!("Lageret tilhører {granted:?}, ikke {asked:?}. Udelad --user; en anden person skal have sit eget lager.")
                }
                (Lang::En, _) => {
                    format!("The store belongs to {granted:?}, not {asked:?}. Leave out --user; another person needs a store of their own.")
                }
            },
            Self::RoleFromRoster => match lang {
                Lang::Da => "I et team kommer rollen fra teamets liste. Bed teamlederen om at ændre den (indsats team role).".into(),
                Lang::En => "In a team the role comes from the team's roster. Ask the team lead to change it (indsats team role).".into(),
            },
            Self::NotADemoStore => match lang {
                Lang::Da => {
                    "Lageret rummer rigtige data, så der dannes ikke demodata i det. Brug en tom datamappe (--data-dir) til demoen.".into()
                }
                Lang::En => {
                    "The store holds real data, so no demo data is made in it. Use an empty data folder (--data-dir) for the demo.".into()
                }
            },
            Self::TestSwitch { name, value } => match lang {
                Lang::Da => {
                    format!("{name} kan ikke læses ({value:?}): skriv et tidspunkt som 2026-11-24T09:00:00Z eller en dato som 2026-11-24.")
                }
                Lang::En => format!(
                    "{name} cannot be read ({value:?}): write an instant such as 2026-11-24T09:00:00Z or a date such as 2026-11-24."
                ),
            },
            Self::CitizenAmbiguous => match lang {
                Lang::Da => "Navnet passer på flere personer. Skriv personens pseudonym (D-…) i stedet.".into(),
                Lang::En => "The name fits more than one person. Write the person's pseudonym (D-…) instead.".into(),
            },
            Self::PlanOfClosedCase { pseudonym } => match lang {
                Lang::Da => format!(
                    "Sagen {pseudonym} er lukket, så borgeren har ingen aktuel plan. Er borgeren tilbage, så genåbn sagen først (indsats participant reopen {pseudonym})."
                ),
                Lang::En => format!(
                    "The case {pseudonym} is closed, so the citizen has no current plan. If the citizen is back, reopen the case first (indsats participant reopen {pseudonym})."
                ),
            },
            Self::Export(e) => e.message(lang),
            Self::HandoverNeedsTeam => match lang {
                Lang::Da => "En sag overdrages til en kollega i teamet, og denne computer er ikke med i et team. Deltag i teamet, eller giv sagen videre som krypteret sagsfil (indsats participant export).".into(),
                Lang::En => "A case is handed over to a colleague in the team, and this computer is not in a team. Join the team, or pass the case on as an encrypted case file (indsats participant export).".into(),
            },
            Self::NotInTeam { user, caseworkers } => {
                let list = caseworkers.join(", ");
                match lang {
                    Lang::Da => format!("{user} er ikke sagsbehandler i teamet, så sagen er ikke overdraget. Vælg en af teamets sagsbehandlere: {list}."),
                    Lang::En => format!("{user} is not a caseworker in the team, so the case was not handed over. Choose one of the team's caseworkers: {list}."),
                }
            }
            Self::AlreadyTheirs { caseworker } => match lang {
                Lang::Da => format!("Sagen hører allerede til {caseworker}. Vælg en anden sagsbehandler at overdrage til."),
                Lang::En => format!("The case already belongs to {caseworker}. Choose another caseworker to hand it to."),
            },
            Self::NoCases { caseworker } => match lang {
                Lang::Da => format!("{caseworker} har ingen sager her, så intet er overdraget. Tjek brugernavnet (indsats worklist --team viser sagsstammerne)."),
                Lang::En => format!("{caseworker} has no cases here, so nothing was handed over. Check the user name (indsats worklist --team shows the caseloads)."),
            },
            Self::CaseFileContent { detail } => match lang {
                Lang::Da => format!("Filen åbnede, men er ikke en sagsfil, som denne version af Indsats kan læse ({detail}). Intet er importeret; bed afsenderen eksportere sagen igen."),
                Lang::En => format!("The file opened but is not a case file this version of Indsats reads ({detail}). Nothing was imported; ask the sender to export the case again."),
            },
            Self::CaseAlreadyHere { pseudonym } => match lang {
                Lang::Da => format!("Sagen findes allerede her som {pseudonym}, så den er ikke importeret igen. Åbn {pseudonym}."),
                Lang::En => format!("The case is already here as {pseudonym}, so it was not imported again. Open {pseudonym}."),
            },
            Self::UnknownInitiatives { titles } => {
                let list = titles.join(", ");
                match lang {
                    Lang::Da => format!("Sagen er tilmeldt indsatser, som ikke findes her: {list}. Intet er importeret; opret indsatserne med samme titel, og importér igen."),
                    Lang::En => format!("The case is enrolled in initiatives that do not exist here: {list}. Nothing was imported; create the initiatives with the same titles and import again."),
                }
            }
        }
    }
}

fn action_da(action: &str) -> &str {
    match action {
        "read the audit log" => "læse logningen",
        "review access" => "gennemgå adgange i logningen",
        "make a citizen's access extract" => "lave en borgers indsigt i adgange",
        "set indicator targets" => "ændre indikatorernes mål",
        "generate demo data" => "danne demodata",
        "close initiatives" => "lukke indsatser",
        "see the participants behind an indicator" => "se deltagerne bag en indikator",
        "enter indicator values" => "indtaste indikatorværdier",
        "make management summaries" => "danne ledelsesrapporter",
        "export a participant's case" => "eksportere en deltagers sag",
        "hand a case over" => "overdrage en sag",
        "import a participant's case" => "importere en deltagers sag",
        "make a participant's plan" => "lave en deltagers plan",
        "create a team" => "oprette et team",
        "change the team" => "ændre teamet",
        "replace the team lead's computer" => "erstatte teamlederens computer",
        other => other,
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
