//! The strategy and the case data: goals, indicators, initiatives, participants, enrolments.

use chrono::NaiveDate;

use crate::cpr::Cpr;
use crate::ids::*;
use crate::validate::{Lang, ValidationError};

/// A closed set of values with a stable code (stored, exported, typed in the CLI) and a label in
/// each language.
pub trait Code: Sized + Copy + 'static {
    const FIELD: &'static str;
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str;

    /// Parses a code; the error names every allowed code.
    fn parse(value: &str) -> Result<Self, ValidationError> {
        let v = value.trim();
        Self::ALL.iter().copied().find(|x| x.code().eq_ignore_ascii_case(v)).ok_or_else(|| ValidationError::UnknownCode {
            field: Self::FIELD,
            value: v.to_string(),
            expected: Self::ALL.iter().map(|x| x.code()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// Declares a [`Code`] enum: `Variant = "code", "dansk", "english"`.
#[macro_export]
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident = $code:literal, $da:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }
        impl $crate::model::Code for $name {
            const FIELD: &'static str = $field;
            const ALL: &'static [Self] = &[$(Self::$variant,)+];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }
            fn label(self, lang: $crate::validate::Lang) -> &'static str {
                match (self, lang) {
                    $((Self::$variant, $crate::validate::Lang::Da) => $da,
                      (Self::$variant, $crate::validate::Lang::En) => $en,)+
                }
            }
        }
    };
}

code_enum!(
    /// Which way is better for an indicator.
    Direction, "direction" {
        Up = "up", "Højere er bedre", "Higher is better";
        Down = "down", "Lavere er bedre", "Lower is better";
    }
);

code_enum!(
    /// The unit an indicator is expressed in.
    Unit, "unit" {
        Percent = "percent", "Procent", "Percent";
        PercentagePoints = "pp", "Procentpoint", "Percentage points";
        Count = "count", "Antal", "Count";
        Days = "days", "Dage", "Days";
    }
);

code_enum!(
    /// How an indicator gets its values: computed from events by a named measure, or entered.
    Measure, "measure" {
        Manual = "manual", "Indtastes manuelt", "Entered manually";
        OrdinaryEmployment = "ordinary_employment", "Andel i ustøttet beskæftigelse (MM13)", "Share in unsupported employment (MM13)";
        Hours190 = "hours_190", "Andel med ≥ 190 timer på 3 måneder", "Share with ≥ 190 hours in 3 months";
        EducationStarted = "education_started", "Andel der starter uddannelse", "Share starting education";
        EducationCompleted = "education_completed", "Andel der fuldfører uddannelse", "Share completing education";
        DanishTestWithin5y = "danish_test_5y", "Andel med bestået danskprøve inden for 5 år", "Share passing a Danish test within 5 years";
        ProgressionUp = "progression_up", "Andel der rykker mindst ét trin på 6 måneder", "Share moving up at least one step in 6 months";
        DaysToFirstOffer = "days_to_first_offer", "Dage til første jobrettede tilbud", "Days to the first job-oriented offer";
        CommunityParticipation = "community", "Andel i forening, frivilligt arbejde eller demokrati", "Share in associations, volunteering or democracy";
    }
);

code_enum!(
    /// The kinds of initiative (indsatstyper) and of offers logged on a timeline.
    InitiativeType, "type" {
        DanishCourse = "danskuddannelse", "Danskuddannelse", "Danish language course";
        WorkPlacement = "virksomhedspraktik", "Virksomhedspraktik", "Work placement";
        WageSubsidy = "loentilskud", "Løntilskud", "Wage subsidy";
        Igu = "igu", "IGU (integrationsgrunduddannelse)", "IGU (basic integration education)";
        Mentor = "mentor", "Mentor", "Mentoring";
        Guidance = "vejledning", "Vejledning og opkvalificering", "Guidance and upskilling";
        AdultEducation = "fvu_amu_avu", "FVU/AMU/AVU", "Adult education (FVU/AMU/AVU)";
        Fgu = "fgu_brobygning", "FGU/brobygning", "FGU/bridging";
        Community = "forening", "Forening/fællesskab", "Association/community";
        Democracy = "demokrati", "Demokrati/medborgerskab", "Democracy/citizenship";
        Other = "andet", "Andet", "Other";
    }
);

impl InitiativeType {
    /// Offers that aim directly at a job (ladder step 2).
    pub fn is_job_oriented(self) -> bool {
        matches!(self, Self::WorkPlacement | Self::Mentor | Self::Guidance)
    }
    /// Offers where the job itself is supported (ladder step 3).
    pub fn is_supported_job(self) -> bool {
        matches!(self, Self::WageSubsidy | Self::Igu)
    }
    /// Preparatory offers: language and basic skills (ladder step 1).
    pub fn is_preparatory(self) -> bool {
        matches!(self, Self::DanishCourse | Self::AdultEducation | Self::Fgu)
    }
}

code_enum!(
    /// An initiative's life: planned → active → closed.
    InitiativeStatus, "status" {
        Planned = "planned", "Planlagt", "Planned";
        Active = "active", "Aktiv", "Active";
        Closed = "closed", "Lukket", "Closed";
    }
);

code_enum!(
    /// Origin as Statistics Denmark defines it. Never free-text ethnicity.
    Origin, "origin" {
        DanishOrigin = "danish", "Dansk oprindelse", "Danish origin";
        Western = "western", "Vestlig", "Western";
        NonWestern = "non_western", "Ikke-vestlig", "Non-western";
    }
);

code_enum!(
    /// The integration programme a participant follows.
    ProgrammeKind, "programme" {
        SelfSupport = "selvforsoergelse", "Selvforsørgelses- og hjemrejseprogram", "Self-support and repatriation programme";
        Introduction = "introduktion", "Introduktionsprogram", "Introduction programme";
        None = "ingen", "Intet program", "No programme";
    }
);

code_enum!(
    /// Target group (målgruppe), versioned by law: three groups (and the under-30 variant) before
    /// 2026, two from 2026 (LOV 1750 of 29/12/2025).
    TargetGroup, "target_group" {
        JobReady = "jobparat", "Jobparat", "Job-ready";
        ActivityReady = "aktivitetsparat", "Aktivitetsparat", "Activity-ready";
        EducationReady = "uddannelsesparat", "Uddannelsesparat", "Education-ready";
        ActivityReadyUnder30 = "aktivitetsparat_u30", "Aktivitetsparat under 30", "Activity-ready under 30";
    }
);

/// The date the 2026 employment reform's target groups apply from.
pub const REFORM_2026: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

impl TargetGroup {
    /// Whether the group exists under the law in force on `date`.
    pub fn valid_on(self, date: NaiveDate) -> bool {
        date < REFORM_2026 || matches!(self, Self::JobReady | Self::ActivityReady)
    }
}

code_enum!(
    /// How an enrolment ended.
    EnrolmentOutcome, "outcome" {
        Completed = "completed", "Gennemført", "Completed";
        DroppedOut = "dropped_out", "Afbrudt", "Dropped out";
        WentToJob = "job", "Gik i job", "Went to a job";
        WentToEducation = "education", "Gik i uddannelse", "Went to education";
    }
);

code_enum!(
    /// Who a user is, and so what they may do.
    Role, "role" {
        Caseworker = "caseworker", "Sagsbehandler", "Caseworker";
        TeamLead = "team_lead", "Teamleder", "Team lead";
        Admin = "admin", "Administrator", "Administrator";
    }
);

impl Role {
    /// Whether this role has every right of `other`: an admin has a team lead's, a team lead a
    /// caseworker's. A front end may ask to act with a role the person's role includes, never
    /// with more.
    pub fn includes(self, other: Role) -> bool {
        self >= other
    }
}

/// The strategy a municipality follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    pub id: StrategyId,
    pub key: String,
    pub municipality: String,
    pub title: String,
    pub vision: String,
    pub period_start: i32,
    pub period_end: i32,
}

/// A goal of the strategy (one per focus area or finer).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: GoalId,
    pub strategy: StrategyId,
    pub key: String,
    pub position: u32,
    pub title: String,
    pub title_en: String,
    pub description: String,
}

/// A yearly target for an indicator. `illustrative` marks targets the municipality has not set.
#[derive(Debug, Clone, PartialEq)]
pub struct YearTarget {
    pub year: i32,
    pub value: f64,
    pub illustrative: bool,
}

/// How a goal is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: IndicatorId,
    pub goal: GoalId,
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub definition: String,
    pub unit: Unit,
    pub direction: Direction,
    pub measure: Measure,
    pub baseline: Option<f64>,
    pub baseline_year: Option<i32>,
    pub source: String,
    pub targets: Vec<YearTarget>,
}

/// An initiative (indsats).
#[derive(Debug, Clone, PartialEq)]
pub struct Initiative {
    pub id: InitiativeId,
    pub title: String,
    pub kind: InitiativeType,
    pub owner: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub capacity: Option<u32>,
    pub status: InitiativeStatus,
    pub description: String,
}

/// An initiative's link to a goal, with a sentence on how it contributes.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalLink {
    pub initiative: InitiativeId,
    pub goal: GoalId,
    pub contribution: String,
}

/// A participant (deltager). `pseudonym` is what reports and exports may carry; never the CPR.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: ParticipantId,
    pub pseudonym: String,
    pub name: String,
    pub cpr: Option<Cpr>,
    pub birth_year: i32,
    pub origin: Origin,
    pub arrival_date: Option<NaiveDate>,
    pub programme: ProgrammeKind,
    pub programme_start: Option<NaiveDate>,
    pub programme_end: Option<NaiveDate>,
    pub caseworker: String,
    pub case_closed: Option<NaiveDate>,
}
// The target-group history is the participant's dated `visitation` events (event.rs): a new
// assessment is a new event and never overwrites an earlier one.

/// A participant in an initiative (forløb).
#[derive(Debug, Clone, PartialEq)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub participant: ParticipantId,
    pub initiative: InitiativeId,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub outcome: Option<EnrolmentOutcome>,
}

/// What a correction changed: a participant's details, an event, or an enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionTarget {
    Participant,
    Event,
    Enrolment,
}

impl CorrectionTarget {
    /// The table the corrected record lives in (also the code stored with the correction).
    pub fn table(self) -> &'static str {
        match self {
            CorrectionTarget::Participant => "participant",
            CorrectionTarget::Event => "progress_event",
            CorrectionTarget::Enrolment => "enrolment",
        }
    }
    pub fn from_table(t: &str) -> Option<Self> {
        [CorrectionTarget::Participant, CorrectionTarget::Event, CorrectionTarget::Enrolment].into_iter().find(|x| x.table() == t)
    }
}

/// How a record was corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionKind {
    /// Fields rewritten.
    Edit,
    /// Removed as registered in error (an event on the wrong person, an enrolment never begun).
    Remove,
    /// A closed case opened again.
    Reopen,
    /// Two cases of one person merged: the duplicate's records moved into the case kept.
    Merge,
    /// The case moved to another caseworker (overdraget), with the handover note as its reason.
    Handover,
}

impl CorrectionKind {
    pub fn code(self) -> &'static str {
        match self {
            CorrectionKind::Edit => "edit",
            CorrectionKind::Remove => "remove",
            CorrectionKind::Reopen => "reopen",
            CorrectionKind::Merge => "merge",
            CorrectionKind::Handover => "handover",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [CorrectionKind::Edit, CorrectionKind::Remove, CorrectionKind::Reopen, CorrectionKind::Merge, CorrectionKind::Handover]
            .into_iter()
            .find(|x| x.code() == s)
    }
}

/// One field a correction changed, as stored text (ISO dates, codes, numbers; an event's details
/// as their JSON). `None`: empty. A CPR number's values are never kept here, only that it changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A correction of a case's record (rettelse): kept beside the record, synced with it and shown
/// on its timeline, never overwritten. A removed record's last content is in `changes` (as
/// `from`), so the timeline can still say what was removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub id: CorrectionId,
    pub participant: ParticipantId,
    pub target: CorrectionTarget,
    pub target_id: String,
    pub kind: CorrectionKind,
    pub changes: Vec<FieldChange>,
    pub reason: String,
    pub made_by: String,
    pub made_at: chrono::DateTime<chrono::Utc>,
}

/// A journal note (notat, offentlighedsloven § 13) on a participant's case, or on one of its
/// events (a conversation). A saved note is never rewritten: a correction is a new note that
/// `replaces` the one before, and the earlier versions stay in its history.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalNote {
    pub id: NoteId,
    pub participant: ParticipantId,
    pub event: Option<EventId>,
    pub replaces: Option<NoteId>,
    pub text: String,
    pub written_by: String,
    pub written_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_case_insensitively_and_errors_list_the_choices() {
        assert_eq!(InitiativeType::parse("IGU").unwrap(), InitiativeType::Igu);
        let e = InitiativeType::parse("praktik").unwrap_err();
        assert!(e.message(Lang::Da).contains("virksomhedspraktik"), "{}", e.message(Lang::Da));
        assert_eq!(Role::parse("team_lead").unwrap(), Role::TeamLead);
    }

    #[test]
    fn codes_are_unique() {
        fn unique<T: Code>() {
            let mut codes: Vec<_> = T::ALL.iter().map(|x| x.code()).collect();
            codes.sort();
            let n = codes.len();
            codes.dedup();
            assert_eq!(n, codes.len(), "{}", T::FIELD);
        }
        unique::<InitiativeType>();
        unique::<Measure>();
        unique::<TargetGroup>();
    }

    #[test]
    fn target_groups_follow_the_2026_reform() {
        let before = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert!(TargetGroup::EducationReady.valid_on(before));
        assert!(!TargetGroup::EducationReady.valid_on(REFORM_2026));
        assert!(TargetGroup::JobReady.valid_on(REFORM_2026));
    }
}
