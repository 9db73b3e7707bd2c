//! What crosses the bridge between the web view and Rust: plain, serialisable shapes whose
//! TypeScript declarations are generated from these definitions (ts-rs, `ui/src/lib/bindings/`)
//! and never written by hand. Dates are ISO 8601 text (`2026-11-25`); ids are UUID text; closed
//! sets are their stable codes, with labels from [`Catalogue`] in the user's language.

use indsats_api::core::event::{self, EventDetails};
use indsats_api::core::model::{self, Code, Direction, InitiativeStatus, InitiativeType, Measure, Role, Unit};
use indsats_api::core::validate::Lang;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The user interface's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum UiLang {
    #[default]
    Da,
    En,
}

impl From<UiLang> for Lang {
    fn from(l: UiLang) -> Lang {
        match l {
            UiLang::Da => Lang::Da,
            UiLang::En => Lang::En,
        }
    }
}

/// The app's settings (a plain JSON file beside the store: nothing about any citizen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub lang: UiLang,
    /// Who works on this laptop, as the audit log names them.
    pub user: String,
    pub role: Role,
    /// Minutes without input before the app locks itself (1–240).
    pub idle_minutes: u32,
    /// "No contact" in the overview: no event for more than this many days.
    pub no_contact_days: u32,
    /// The folder of the encrypted store; the standard place when empty.
    pub data_dir: String,
    /// The store's key is in the OS keystore (set at the first run): "unlock" needs no typing,
    /// and the recovery code written down then unlocks it too.
    pub keystore: bool,
    /// A folder for automatic backups of the store (docs/operations.md); none when empty.
    pub backup_dir: String,
    /// How many of this store's backups the folder keeps (1–365).
    pub backup_keep: u32,
    /// A backup is made when the newest there is this many days old (1–30).
    pub backup_every_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: UiLang::Da,
            user: String::new(),
            role: Role::Caseworker,
            idle_minutes: 10,
            no_contact_days: 30,
            data_dir: String::new(),
            keystore: false,
            backup_dir: String::new(),
            backup_keep: 7,
            backup_every_days: 1,
        }
    }
}

/// Which store is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Nothing is open (first run, or locked).
    None,
    /// The municipality's own encrypted store.
    Store,
    /// The separate store of synthetic demo data.
    Demo,
}

/// What the window needs to know at start and after every lock or unlock.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// Whether this laptop has a store yet (else: first run).
    pub initialised: bool,
    pub demo_exists: bool,
    pub mode: Mode,
    /// What the last open store was (what "unlock" opens).
    pub last_mode: Mode,
    pub settings: Settings,
    pub data_dir: String,
    pub today: String,
    /// The strategy's municipality and title, once unlocked.
    pub municipality: String,
    pub strategy: String,
    /// Whether this laptop has a keystore that keeps a store's key across logins (the first run
    /// offers it only then).
    pub keystore_available: bool,
    /// The recovery code, once: right after a first run that put the key in the keystore.
    pub recovery_code: Option<String>,
    /// Who acts on the open store, and what the store grants (none while locked).
    pub who: Option<Who>,
}

/// Who acts on the open store. In a team the roster decides, outside one the store's owner;
/// the settings may ask for fewer rights (`role` below `granted`), never more.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Who {
    pub user: String,
    pub role: Role,
    pub granted: Role,
    /// `roster`, `owner` or `demo`.
    pub source: String,
    /// The roles the settings may ask for.
    pub roles: Vec<Role>,
}

/// The first run: the passphrase (typed twice), who works here, and the strategy to start from.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FirstRun {
    /// Keep the key in the OS keystore instead of a passphrase: the passphrase fields are then
    /// ignored, and a recovery code is made and shown once.
    pub keystore: bool,
    pub passphrase: String,
    pub repeat: String,
    pub user: String,
    pub role: Role,
    /// The text of a strategy file; Ballerup Kommune's Vision 2029 when empty.
    pub strategy_file: Option<String>,
}

/// Progress of long work (demo generation, exports).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Progress {
    /// `demo`, `summary`, `render`, `write`.
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

/// A code and its label in the user's language.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

fn choices<T: Code>(lang: Lang) -> Vec<Choice> {
    T::ALL.iter().map(|x| Choice { code: x.code().to_string(), label: x.label(lang).to_string() }).collect()
}

/// Every closed set the forms offer, labelled in the user's language. The labels live with the
/// domain (indsats-core) so that the app, the CLI and the exports say the same.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Catalogue {
    pub initiative_types: Vec<Choice>,
    pub initiative_statuses: Vec<Choice>,
    pub origins: Vec<Choice>,
    pub programmes: Vec<Choice>,
    /// The target groups the law in force today knows.
    pub target_groups: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub roles: Vec<Choice>,
    /// The event types, the most common first.
    pub event_types: Vec<Choice>,
    pub courses: Vec<Choice>,
    pub exams: Vec<Choice>,
    pub employment_kinds: Vec<Choice>,
    pub education_levels: Vec<Choice>,
    pub offer_results: Vec<Choice>,
    pub dimensions: Vec<Choice>,
    pub scales: Vec<Choice>,
    pub community_kinds: Vec<Choice>,
    pub closure_reasons: Vec<Choice>,
    pub conversation_outcomes: Vec<Choice>,
    pub conversation_modes: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub units: Vec<Choice>,
    pub measures: Vec<Choice>,
    pub directions: Vec<Choice>,
}

impl Catalogue {
    pub fn new(lang: Lang, today: chrono::NaiveDate) -> Catalogue {
        let statuses =
            [indsats_api::Status::OnTrack, indsats_api::Status::AtRisk, indsats_api::Status::OffTrack, indsats_api::Status::Unknown];
        Catalogue {
            initiative_types: choices::<InitiativeType>(lang),
            initiative_statuses: choices::<InitiativeStatus>(lang),
            origins: choices::<model::Origin>(lang),
            programmes: choices::<model::ProgrammeKind>(lang),
            target_groups: model::TargetGroup::ALL
                .iter()
                .filter(|g| g.valid_on(today))
                .map(|g| Choice { code: g.code().into(), label: g.label(lang).into() })
                .collect(),
            outcomes: choices::<model::EnrolmentOutcome>(lang),
            roles: choices::<Role>(lang),
            event_types: event::EVENT_TYPES
                .iter()
                .map(|(code, da, en)| Choice { code: (*code).into(), label: if lang == Lang::Da { *da } else { *en }.into() })
                .collect(),
            courses: choices::<event::DanishCourse>(lang),
            exams: choices::<event::DanishExam>(lang),
            employment_kinds: choices::<event::EmploymentKind>(lang),
            education_levels: choices::<event::EducationLevel>(lang),
            offer_results: choices::<event::OfferResult>(lang),
            dimensions: choices::<event::Dimension>(lang),
            scales: choices::<event::Scale>(lang),
            community_kinds: choices::<event::CommunityKind>(lang),
            closure_reasons: choices::<event::ClosureReason>(lang),
            conversation_outcomes: choices::<event::ConversationOutcome>(lang),
            conversation_modes: choices::<event::ConversationMode>(lang),
            statuses: statuses.iter().map(|s| Choice { code: s.code().into(), label: s.label(lang).into() }).collect(),
            units: choices::<Unit>(lang),
            measures: choices::<Measure>(lang),
            directions: choices::<Direction>(lang),
        }
    }
}

// ---- Overview and goals ------------------------------------------------------------------------

/// One indicator's value for a period, with what it is made of.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IndicatorValue {
    pub key: String,
    pub name: String,
    pub unit: Unit,
    pub direction: Direction,
    pub measure: Measure,
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: u32,
    /// The same for the period before (the trend arrow).
    pub previous: Option<f64>,
    pub target: Option<f64>,
    /// The municipality has not set this target: it is an example to replace.
    pub target_illustrative: bool,
    /// `on_track`, `at_risk`, `off_track`, `unknown`.
    pub status: String,
}

/// A goal with its status, indicators and the initiatives behind it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GoalOverview {
    pub id: String,
    pub key: String,
    pub title: String,
    pub status: String,
    pub indicators: Vec<IndicatorValue>,
    pub initiatives: Vec<InitiativeRef>,
}

/// An initiative named beside a goal, with how it contributes.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InitiativeRef {
    pub id: String,
    pub title: String,
    pub contribution: String,
}

/// A caseworker's open cases and how many have had no contact for too long.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseloadRow {
    pub caseworker: String,
    pub open_cases: u32,
    pub without_recent_contact: u32,
}

/// The overview: the team lead's landing page.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Overview {
    pub period: String,
    pub previous_period: String,
    pub today: String,
    pub goals: Vec<GoalOverview>,
    pub caseload: Vec<CaseloadRow>,
    pub no_contact_days: u32,
    /// Open cases per ladder step 0–6, today.
    pub ladder: Vec<u32>,
}

/// One indicator over several periods: the points of a trend chart and its target line.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Trend {
    pub key: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TrendPoint {
    pub period: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

/// A yearly target of an indicator.
#[derive(Debug, Clone, Serialize, TS)]
pub struct YearTarget {
    pub year: i32,
    pub value: f64,
    pub illustrative: bool,
}

/// An indicator as the strategy defines it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IndicatorDef {
    pub key: String,
    pub name: String,
    pub definition: String,
    pub unit: Unit,
    pub direction: Direction,
    pub measure: Measure,
    pub baseline: Option<f64>,
    pub baseline_year: Option<i32>,
    pub source: String,
    pub targets: Vec<YearTarget>,
    /// For a manual indicator: the values entered, newest period first.
    pub values: Vec<ManualEntry>,
}

/// A value entered for a manual indicator.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ManualEntry {
    /// `2026`, `2026-Q3` or `2026-05`.
    pub period: String,
    pub value: f64,
    pub note: String,
    pub entered_by: String,
    /// RFC 3339.
    pub entered_at: String,
}

/// A value for a manual indicator, as typed: the period (`2026`, `2026-Q3`, `2026-05`), the
/// value (Danish or English decimal mark) and where it comes from.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ManualValueInput {
    pub indicator: String,
    pub period: String,
    pub value: String,
    #[serde(default)]
    pub note: String,
}

/// A goal with its indicators and linked initiatives (the Goals screen).
#[derive(Debug, Clone, Serialize, TS)]
pub struct GoalDetail {
    pub id: String,
    pub key: String,
    pub title: String,
    pub description: String,
    pub indicators: Vec<IndicatorDef>,
    pub initiatives: Vec<InitiativeRef>,
}

/// A new yearly target.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct TargetInput {
    pub indicator: String,
    pub year: i32,
    /// As typed (Danish or English decimal mark).
    pub value: String,
}

// ---- Initiatives -------------------------------------------------------------------------------

/// Which initiatives to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct InitiativeFilter {
    pub kind: Option<InitiativeType>,
    pub status: Option<InitiativeStatus>,
    /// A goal's key or id.
    pub goal: Option<String>,
    pub owner: Option<String>,
}

/// A row of the initiatives list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InitiativeRow {
    pub id: String,
    pub title: String,
    pub kind: InitiativeType,
    pub owner: String,
    pub start: String,
    pub end: Option<String>,
    pub status: InitiativeStatus,
    pub capacity: Option<u32>,
    pub goals: Vec<String>,
    pub enrolled_now: u32,
    pub enrolled_total: u32,
}

/// An initiative as a form holds it (new or edited). Dates as typed.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct InitiativeInput {
    /// Empty for a new initiative.
    pub id: Option<String>,
    pub title: String,
    pub kind: InitiativeType,
    pub owner: String,
    pub start: String,
    pub end: String,
    /// As typed; empty for none.
    pub capacity: String,
    pub status: InitiativeStatus,
    pub description: String,
}

/// A goal an initiative works towards.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GoalLinkRow {
    pub goal_id: String,
    pub goal_title: String,
    pub contribution: String,
}

/// A participant's enrolment as an initiative shows it (pseudonym only).
#[derive(Debug, Clone, Serialize, TS)]
pub struct EnrolmentRow {
    pub id: String,
    pub participant: String,
    /// The participant's pseudonym on the initiative, the initiative's title on a profile.
    pub label: String,
    pub initiative: String,
    pub start: String,
    pub end: Option<String>,
    pub outcome: Option<model::EnrolmentOutcome>,
}

/// An initiative with its links, enrolments and results (how much, how well, better off).
#[derive(Debug, Clone, Serialize, TS)]
pub struct InitiativeDetail {
    pub row: InitiativeRow,
    pub description: String,
    pub goals: Vec<GoalLinkRow>,
    pub enrolments: Vec<EnrolmentRow>,
    pub participants: u32,
    pub ended: u32,
    pub completed_or_better: u32,
    pub dropped_out: u32,
    pub to_job_or_education: u32,
}

// ---- Participants ------------------------------------------------------------------------------

/// A search result: enough to pick the right person.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ParticipantHit {
    pub id: String,
    pub pseudonym: String,
    pub name: String,
    pub birth_year: i32,
    pub caseworker: String,
    pub case_closed: Option<String>,
}

/// A new participant as the form holds it. Dates and numbers as typed.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ParticipantInput {
    pub name: String,
    pub cpr: String,
    pub birth_year: String,
    pub origin: model::Origin,
    pub arrival_date: String,
    pub programme: model::ProgrammeKind,
    pub programme_start: String,
    pub programme_end: String,
    /// Empty: the acting user.
    pub caseworker: String,
    /// Confirmed as another person than a case with the same name and birth year.
    pub not_a_duplicate: bool,
}

/// A participant added, and anything worth a second look.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Added {
    pub id: String,
    pub pseudonym: String,
    pub warnings: Vec<String>,
}

/// One event on a timeline, with the ladder step after it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TimelineEvent {
    pub id: String,
    pub date: String,
    pub type_code: String,
    pub type_label: String,
    pub summary: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub step: u8,
}

/// A dated ladder step.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LadderPoint {
    pub date: String,
    pub step: u8,
}

/// A participant's profile (an audited read).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Profile {
    pub id: String,
    pub pseudonym: String,
    pub name: String,
    /// Formatted DDMMYY-XXXX, if known.
    pub cpr: Option<String>,
    pub birth_year: i32,
    pub origin: model::Origin,
    pub arrival_date: Option<String>,
    pub programme: model::ProgrammeKind,
    pub programme_start: Option<String>,
    pub programme_end: Option<String>,
    pub caseworker: String,
    pub case_closed: Option<String>,
    pub target_group: Option<model::TargetGroup>,
    pub target_group_since: Option<String>,
    pub ladder_step: u8,
    pub ladder_history: Vec<LadderPoint>,
    pub enrolments: Vec<EnrolmentRow>,
    /// Newest first.
    pub events: Vec<TimelineEvent>,
    /// Corrections of the case's records, newest first, as the timeline shows them.
    pub corrections: Vec<CorrectionLine>,
    /// Journal notes, newest first, each with its earlier versions.
    pub notes: Vec<NoteLine>,
}

/// A journal note on a profile: its current version and the ones it corrected (oldest first).
#[derive(Debug, Clone, Serialize, TS)]
pub struct NoteLine {
    pub id: String,
    /// The event the note is about, if any.
    pub event: Option<String>,
    pub text: String,
    pub written_by: String,
    pub written_at: String,
    pub earlier: Vec<NoteVersion>,
}

/// An earlier version of a note.
#[derive(Debug, Clone, Serialize, TS)]
pub struct NoteVersion {
    pub id: String,
    pub text: String,
    pub written_by: String,
    pub written_at: String,
}

/// A note to write: on the case, or on an event (`event` empty: the case); `replaces` the note
/// it corrects (empty: a new note).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NoteInput {
    pub participant: String,
    pub event: String,
    pub replaces: String,
    pub text: String,
}

/// A case to hand to a colleague in the team, with the handover note (may be empty).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct HandoverInput {
    pub participant: String,
    pub to: String,
    pub note: String,
}

/// What a handover did: who has the case now, and whose it was.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HandoverDone {
    pub to: String,
    pub from: String,
}

/// Two cases of one person: the duplicate (its pseudonym or id) goes into the case kept.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct MergeInput {
    pub keep: String,
    pub duplicate: String,
    pub reason: String,
}

/// What a file to import brings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Participants,
    Enrolments,
    Events,
}

/// What to do with an import's rows: check them only, all or nothing, or keep the good ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    DryRun,
    AllOrNothing,
    KeepGood,
}

/// An import of the file at `path` (a .csv or .xlsx the open dialog chose), with a mapping
/// file when its headers need one.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ImportRequest {
    pub path: String,
    pub kind: ImportKind,
    pub mode: ImportMode,
    #[serde(default)]
    pub mapping: Option<String>,
}

/// One problem of a bad row, as the core words it ("Række 7, kolonne C (cpr): …").
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProblem {
    pub row: u64,
    /// The column's letters, when one cell is the cause.
    pub column: Option<String>,
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportDone {
    pub rows: u64,
    /// Rows written (on a dry run: that would be written).
    pub imported: u64,
    /// Rows whose person, enrolment or event is here already: not registered again.
    pub matched: u64,
    /// Rows with a problem.
    pub bad_rows: u64,
    /// The first 500 problems.
    pub problems: Vec<ImportProblem>,
    pub unused_columns: Vec<String>,
    pub written: bool,
    /// With "keep the good rows": the CSV file the bad rows were written to, with their errors.
    pub rejected_file: Option<String>,
}

/// A backup that was made: where, when, how large, and the older ones removed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupDone {
    pub file: String,
    /// RFC 3339.
    pub created_at: String,
    pub bytes: u64,
    pub changes: u64,
    pub removed: u32,
}

impl BackupDone {
    pub fn of(made: &indsats_api::backup::BackupView, removed: usize) -> BackupDone {
        BackupDone {
            file: made.file.display().to_string(),
            created_at: made.created_at.clone(),
            bytes: made.bytes,
            changes: made.changes,
            removed: u32::try_from(removed).unwrap_or(u32::MAX),
        }
    }
}

/// What a merge moved into the case kept.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MergeDone {
    pub events: u32,
    pub enrolments: u32,
    pub notes: u32,
}

/// The citizen's plan, to write where the save dialog said (a .pdf), in `lang`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PlanRequest {
    pub participant: String,
    pub path: String,
    pub lang: UiLang,
}

/// One correction on a profile: "rettet 03-12-2026 af Anna: Dato 02-11-2026 → 03-11-2026".
#[derive(Debug, Clone, Serialize, TS)]
pub struct CorrectionLine {
    pub id: String,
    /// What was corrected: `participant`, `progress_event` or `enrolment`.
    pub target: String,
    pub target_id: String,
    /// `edit`, `remove` or `reopen`.
    pub kind: String,
    /// The correction in the user's language (made in the core).
    pub text: String,
}

/// The worklist ("I dag"), as the core derived it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Worklist {
    pub today: String,
    /// Whose (none: the team's).
    pub caseworker: Option<String>,
    pub no_contact_days: u32,
    pub overdue: Vec<WorkItem>,
    pub this_week: Vec<WorkItem>,
    pub upcoming_conversations: Vec<WorkItem>,
    pub without_contact: Vec<QuietCase>,
    pub drafts: Vec<DraftRef>,
    /// Per caseworker (a team lead's views).
    pub workload: Vec<WorkloadLine>,
    /// Whether the acting person may ask for a caseworker's or the team's worklist (team lead).
    pub may_choose: bool,
}

/// A due item on the worklist.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkItem {
    pub participant: String,
    pub pseudonym: String,
    pub name: String,
    pub caseworker: String,
    pub title: String,
    /// `conversation`, `contract`, `plan` or `review`.
    pub kind: String,
    pub due: String,
    pub done: u32,
    pub needed: u32,
    /// Days past due (positive), or left (zero or negative).
    pub days_overdue: i64,
    pub illustrative: bool,
}

/// An open case without contact.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QuietCase {
    pub participant: String,
    pub pseudonym: String,
    pub name: String,
    pub caseworker: String,
    pub last_event: Option<String>,
}

/// A draft left open: which form, and when it was saved.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DraftRef {
    pub form: String,
    pub saved_at: String,
}

/// A caseworker's workload.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkloadLine {
    pub caseworker: String,
    pub open_cases: u32,
    pub overdue: u32,
}

/// A correction of a participant's details, as the form holds it (dates and numbers as typed).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EditParticipantInput {
    pub participant: String,
    pub details: ParticipantInput,
    pub reason: String,
}

/// A correction of an event's date (its details stay).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CorrectEventInput {
    pub event: String,
    pub date: String,
    pub reason: String,
}

/// A correction of an enrolment; an empty end clears it (and the outcome).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EditEnrolmentInput {
    pub enrolment: String,
    pub start: String,
    pub end: String,
    pub outcome: Option<model::EnrolmentOutcome>,
    pub reason: String,
}

/// A record removed as registered in error, and why.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RemoveInput {
    pub id: String,
    pub reason: String,
}

/// An enrolment to make.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EnrolInput {
    pub participant: String,
    pub initiative: String,
    pub start: String,
    pub end: String,
}

/// An enrolment to end.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EndEnrolmentInput {
    pub enrolment: String,
    pub end: String,
    pub outcome: model::EnrolmentOutcome,
}

/// A progress event to record.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProgressInput {
    pub participant: String,
    pub date: String,
    pub details: EventDetails,
    /// A journal note on the event (what was said); empty: none.
    pub note: String,
}

/// A form's unsaved state.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Draft {
    pub form: String,
    /// The form's fields as JSON.
    pub body: String,
    pub saved_at: String,
}

// ---- Audit and export --------------------------------------------------------------------------

/// Which audit rows to show.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct AuditQuery {
    /// Who acted (a user name).
    pub user: String,
    /// The citizen: a pseudonym, or a name that finds one person.
    pub citizen: String,
    pub action: String,
    /// From this day, YYYY-MM-DD (empty: no bound).
    pub from: String,
    /// To this day inclusive, YYYY-MM-DD (empty: no bound).
    pub to: String,
    pub limit: Option<u32>,
}

/// One row of the access log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntry {
    /// The computer whose log holds the row, its name on the roster, and whether it is this one.
    pub device: String,
    pub device_name: Option<String>,
    pub own: bool,
    pub seq: i64,
    pub at: String,
    pub user: String,
    pub role: String,
    pub action: String,
    /// The subject as people know it: a participant's pseudonym, or else the id.
    pub subject: Option<String>,
    pub purpose: String,
    pub detail: String,
}

/// The access log's check: this computer's chain, and each other computer's log held here.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditCheck {
    pub ok: bool,
    pub own_rows: u64,
    pub devices: Vec<DeviceLog>,
}

/// Another computer's access log as held on this one.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceLog {
    pub device: String,
    pub name: Option<String>,
    pub user: Option<String>,
    pub rows: u64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub received_at: String,
    /// `changed` or `broken`, from entry `problem_seq` on.
    pub problem: Option<String>,
    pub problem_seq: Option<i64>,
}

/// A month's review sample.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewSample {
    pub month: String,
    pub drawn_now: bool,
    pub items: Vec<ReviewItem>,
}

/// One drawn access and its review.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewItem {
    pub id: String,
    pub access: AuditEntry,
    /// `ok`, `questioned`, or none yet.
    pub outcome: Option<String>,
    pub note: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
}

/// A review's outcome: reviewed (`question` empty) or questioned with the reason.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewInput {
    pub id: String,
    pub question: Option<String>,
    pub note: String,
}

/// A citizen's access extract, written where the save dialog said (.pdf or .csv).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExtractRequest {
    pub participant: String,
    pub path: String,
}

/// What an extract wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExtractWritten {
    pub path: String,
    pub accesses: u64,
}

/// The formats a management summary is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Pdf,
    Xlsx,
    /// One CSV file per table, in a folder.
    Csv,
}

/// A management summary to export.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    pub period: String,
    pub format: ExportFormat,
    pub lang: UiLang,
    /// Cells under this many persons are hidden (at least 3).
    pub threshold: u32,
    /// The file (PDF, XLSX) or folder (CSV) chosen in the save dialog.
    pub path: String,
    /// Also send it to the team's sync target (encrypted to the team and IT's escrow) at the
    /// next sync.
    #[serde(default)]
    pub share: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Exported {
    pub files: Vec<String>,
    pub snapshot: String,
    /// The files queued for the team's sync target (their names there), when shared.
    pub shared: Vec<String>,
}

// ---- Sync ---------------------------------------------------------------------------------------

/// The header's sync line and the sync screen's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncStatus {
    /// The team's name; `None` when this computer is not in a team (nothing is shown then).
    pub team: Option<String>,
    /// Whether the team lead has added this computer yet.
    pub on_roster: bool,
    /// The target as a person reads it (a folder, an address), if one is set.
    pub target: Option<String>,
    /// This computer's changes not yet on the target.
    pub pending: u64,
    /// When the last sync succeeded (RFC 3339, UTC).
    pub last_sync: Option<String>,
    /// Why the last attempt failed: a message in the user's language saying what to do.
    pub error: Option<String>,
    /// When the last attempt failed (RFC 3339, UTC).
    pub error_at: Option<String>,
    /// Failed attempts in a row (the next waits longer).
    pub failures: u32,
    /// Bundles refused at the last sync (name: why).
    pub refused: Vec<String>,
    /// Open conflicts in the inbox.
    pub conflicts: u64,
    /// Whether a sync is running now.
    pub running: bool,
}

/// The sync target's settings as the form edits them. `kind` is `folder`, `webdav` or `s3`;
/// the fields that kind does not use are empty. `password` (the WebDAV password or the S3 secret
/// key) goes to the operating system's keystore, never to a file; empty keeps the saved one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SyncTargetForm {
    pub kind: String,
    pub path: String,
    pub endpoint: String,
    pub username: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub password: String,
}

/// The team and its computers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TeamInfo {
    pub name: String,
    pub version: u64,
    pub leads: bool,
    pub on_roster: bool,
    pub devices: Vec<TeamMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub user: String,
    pub role: Role,
    pub lead: bool,
    pub me: bool,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncResult {
    pub pushed_changes: u64,
    pub merged_changes: u64,
    pub merged_bundles: u64,
    pub conflicts: u64,
    /// Messages about bundles that were refused or are waited for, in the user's language.
    pub notes: Vec<String>,
}

/// One entry of the conflicts inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Conflict {
    pub id: i64,
    /// `field` (an edit lost to another made at the same time), `deleted` (edited here, deleted
    /// there), `duplicate_cpr` (the same CPR registered on two computers).
    pub kind: String,
    /// What the row is: `initiative`, `participant`, `event`, `enrolment`, `indicator_target`…
    pub table: String,
    /// The row as a person knows it: an initiative's title, a participant's pseudonym.
    pub about: String,
    pub field: Option<String>,
    /// Our value and theirs, as text a person reads (JSON strings unquoted).
    pub mine: String,
    pub theirs: String,
    /// When each was made (RFC 3339, UTC).
    pub mine_at: String,
    pub theirs_at: String,
    /// Who made the change that won: the computer's name and its user.
    pub theirs_who: String,
    /// `mine`, `theirs` or `edited` once settled.
    pub resolution: Option<String>,
}

/// How a conflict is settled: `keep` is `mine`, `theirs` or `edited` (then `value` is the new
/// value as typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResolveInput {
    pub id: i64,
    pub keep: String,
    #[serde(default)]
    pub value: String,
}

/// An error as the window shows it: a message in the user's language beside the field that
/// caused it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    /// The id of the record the error points to, where there is one to open: the existing case
    /// of a `possible_duplicate` or `duplicate_cpr`.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// Every type above, for the binding generator and its check.
pub fn export_all(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    // 64-bit counts travel as JSON numbers (none comes near 2^53).
    let cfg = ts_rs::Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! all {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg)?; )* };
    }
    all!(
        Settings,
        AppInfo,
        FirstRun,
        Progress,
        Catalogue,
        Overview,
        Trend,
        GoalDetail,
        TargetInput,
        InitiativeFilter,
        InitiativeRow,
        InitiativeInput,
        InitiativeDetail,
        ParticipantHit,
        ParticipantInput,
        Added,
        Profile,
        CorrectionLine,
        Worklist,
        WorkItem,
        QuietCase,
        DraftRef,
        WorkloadLine,
        NoteLine,
        NoteVersion,
        NoteInput,
        HandoverInput,
        HandoverDone,
        PlanRequest,
        MergeInput,
        MergeDone,
        BackupDone,
        ManualEntry,
        ManualValueInput,
        ImportKind,
        ImportMode,
        ImportRequest,
        ImportProblem,
        ImportDone,
        EditParticipantInput,
        CorrectEventInput,
        EditEnrolmentInput,
        RemoveInput,
        EnrolInput,
        EndEnrolmentInput,
        ProgressInput,
        Draft,
        AuditQuery,
        AuditEntry,
        AuditCheck,
        DeviceLog,
        ReviewSample,
        ReviewItem,
        ReviewInput,
        ExtractRequest,
        ExtractWritten,
        ExportRequest,
        Exported,
        SyncStatus,
        SyncTargetForm,
        TeamInfo,
        TeamMember,
        SyncResult,
        Conflict,
        ResolveInput,
        UiError,
    );
    Ok(())
}
