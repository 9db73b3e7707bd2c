//! What the Session returns: plain data for the front ends (which own their own serialisable DTOs).

use chrono::NaiveDate;
use indsats_core::event::ProgressEvent;
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_store::{CaseloadRow, InitiativeSummary, StoreCounts};

/// A new initiative as a person enters it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInitiative {
    pub title: String,
    pub kind: InitiativeType,
    pub owner: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub capacity: Option<u32>,
    pub status: InitiativeStatus,
    pub description: String,
}

/// A new participant as a person enters them. The CPR number is optional and typed as text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewParticipant {
    pub name: String,
    pub cpr: Option<String>,
    pub birth_year: Option<i32>,
    pub origin: Origin,
    pub arrival_date: Option<NaiveDate>,
    pub programme: ProgrammeKind,
    pub programme_start: Option<NaiveDate>,
    pub programme_end: Option<NaiveDate>,
    /// The caseworker; the acting user when empty.
    pub caseworker: Option<String>,
    /// The person has been confirmed as someone else than a case with the same name and birth
    /// year (a case with the same CPR number is always refused).
    pub not_a_duplicate: bool,
}

/// Something worth telling the user that does not stop the save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The CPR number fails modulus 11: valid since 2007, but worth a second look.
    CprModulus11,
    /// This laptop is in a team and the case's caseworker works on none of its devices: the case
    /// reaches only the team leads' laptops (docs/sync.md, "Roles").
    CaseworkerNotInTeam,
}

impl Warning {
    pub fn code(&self) -> &'static str {
        match self {
            Self::CprModulus11 => "cpr_modulus11",
            Self::CaseworkerNotInTeam => "caseworker_not_in_team",
        }
    }

    pub fn message(&self, lang: indsats_core::Lang) -> &'static str {
        match (self, lang) {
            (Self::CprModulus11, indsats_core::Lang::Da) => {
                "CPR-nummeret består ikke modulus 11-kontrollen. Det kan være gyldigt (numre fra efter 2007), men kontrollér det."
            }
            (Self::CprModulus11, indsats_core::Lang::En) => {
                "The CPR number fails the modulus 11 check. It may be valid (numbers issued since 2007), but check it."
            }
            (Self::CaseworkerNotInTeam, indsats_core::Lang::Da) => {
                "Sagsbehandleren har ingen bærbar i teamet, så kun teamledernes bærbare får sagen. Kontrollér stavningen af navnet, eller bed teamlederen tilføje sagsbehandlerens bærbare."
            }
            (Self::CaseworkerNotInTeam, indsats_core::Lang::En) => {
                "The caseworker has no laptop in the team, so only the team leads' laptops receive the case. Check the spelling of the name, or ask the team lead to add the caseworker's laptop."
            }
        }
    }
}

/// A correction of an enrolment: `None` keeps a field; `Some(None)` clears the end or the outcome.
#[derive(Debug, Clone, Default)]
pub struct EnrolmentEdit {
    pub start: Option<NaiveDate>,
    pub end: Option<Option<NaiveDate>>,
    pub outcome: Option<Option<EnrolmentOutcome>>,
}

/// A participant's timeline: each event with the ladder step after it (oldest first), and the
/// corrections of the case's records (oldest first).
#[derive(Debug, Clone)]
pub struct TimelineView {
    pub events: Vec<(ProgressEvent, u8)>,
    pub corrections: Vec<Correction>,
    pub notes: Vec<crate::notes::NoteThread>,
}

/// A participant added, with any warnings to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub id: ParticipantId,
    pub pseudonym: String,
    pub warnings: Vec<Warning>,
}

/// A goal with its indicators and the initiatives behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalView {
    pub goal: Goal,
    pub indicators: Vec<Indicator>,
    pub initiatives: Vec<(InitiativeId, String, String)>,
}

/// An initiative with its links and enrolments, and results-based-accountability counts.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeView {
    pub initiative: Initiative,
    pub goals: Vec<(GoalLink, String)>,
    pub enrolments: Vec<(Enrolment, String)>,
    /// How much: participants ever enrolled.
    pub participants: u32,
    /// How well: of the ended enrolments, how many were completed or led to a job or education.
    pub ended: u32,
    pub completed_or_better: u32,
    pub dropped_out: u32,
    /// Is anyone better off: ended in a job or in education.
    pub to_job_or_education: u32,
}

/// A participant's case, as shown on the profile (an audited read).
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantView {
    pub participant: Participant,
    /// The latest target-group assessment and its date.
    pub target_group: Option<(TargetGroup, NaiveDate)>,
    pub ladder_step: u8,
    pub ladder_history: Vec<(NaiveDate, u8)>,
    pub enrolments: Vec<(Enrolment, String)>,
    pub events: Vec<ProgressEvent>,
    /// Corrections of the case's records (its details, events, enrolments), oldest first.
    pub corrections: Vec<Correction>,
    /// The case's journal notes, each with its earlier versions, by when first written.
    pub notes: Vec<crate::notes::NoteThread>,
}

/// The caseload and goal overview as numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusView {
    pub municipality: String,
    pub strategy: String,
    pub today: NaiveDate,
    pub counts: StoreCounts,
    pub caseload: Vec<CaseloadRow>,
    pub no_contact_days: u32,
    /// Open cases per ladder step 0–6, today.
    pub ladder: [u32; 7],
    pub events_by_type: Vec<(String, u64)>,
    pub goals: Vec<GoalStatusRow>,
}

/// One goal in the overview: how many indicators measure it and what works towards it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalStatusRow {
    pub key: String,
    pub title: String,
    pub indicators: u32,
    pub initiatives_active: u32,
    pub participants_enrolled_now: u32,
}

/// Re-exported for lists.
pub type InitiativeRow = InitiativeSummary;

/// The overview (team lead's landing page): see [`crate::Session::overview`].
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewView {
    pub period: indsats_report::Period,
    pub today: NaiveDate,
    pub goals: Vec<(Goal, indsats_report::Status, Vec<indsats_report::IndicatorResult>)>,
    pub caseload: Vec<CaseloadRow>,
    pub no_contact_days: u32,
    /// Open cases per ladder step 0–6, today.
    pub ladder: [u32; 7],
}
