//! Progress events: the participant's timeline. Each type carries exactly the details it needs.
//!
//! The serde form (`{"type": "module_test_passed", "course": "du2", "module": 3}`) is the stored
//! and synced encoding; its tags are stable codes and must never be renamed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code_enum;
use crate::ids::{EventId, ParticipantId};
use crate::model::{Code, InitiativeType, TargetGroup};
use crate::validate::{self, Lang, ValidationError};

code_enum!(
    /// The Danish education for adults: DU1, DU2, DU3.
    DanishCourse, "course" {
        Du1 = "du1", "DU1", "DU1";
        Du2 = "du2", "DU2", "DU2";
        Du3 = "du3", "DU3", "DU3";
    }
);

code_enum!(
    /// The Danish tests.
    DanishExam, "exam" {
        Pd1 = "pd1", "Prøve i Dansk 1", "Danish test 1 (PD1)";
        Pd2 = "pd2", "Prøve i Dansk 2", "Danish test 2 (PD2)";
        Pd3 = "pd3", "Prøve i Dansk 3", "Danish test 3 (PD3)";
        Studieproeven = "studieproeven", "Studieprøven", "Studieprøven";
    }
);

code_enum!(
    /// Ordinary or supported employment. Only ordinary counts as self-support in MM13.
    EmploymentKind, "employment" {
        Ordinary = "ordinary", "Ordinær", "Ordinary";
        WageSubsidy = "wage_subsidy", "Løntilskud", "Wage subsidy";
        Igu = "igu", "IGU", "IGU";
        Flex = "flex", "Fleksjob", "Flex job";
        Sheltered = "sheltered", "Skånejob", "Sheltered job";
    }
);

code_enum!(
    /// Level of an education.
    EducationLevel, "level" {
        Fgu = "fgu", "FGU", "FGU (preparatory)";
        Vocational = "eud", "Erhvervsuddannelse (EUD)", "Vocational (EUD)";
        UpperSecondary = "gymnasial", "Gymnasial uddannelse", "Upper secondary";
        Higher = "videregaaende", "Videregående uddannelse", "Higher education";
    }
);

impl EducationLevel {
    /// Ordinary education (not preparatory) counts at ladder step 5.
    pub fn is_ordinary(self) -> bool {
        !matches!(self, Self::Fgu)
    }
}

code_enum!(
    /// How an offer ended.
    OfferResult, "result" {
        Completed = "completed", "Gennemført", "Completed";
        DroppedOut = "dropped_out", "Afbrudt", "Dropped out";
        Job = "job", "Overgang til job", "Moved to a job";
        Education = "education", "Overgang til uddannelse", "Moved to education";
    }
);

code_enum!(
    /// What a progression measurement scores.
    Dimension, "dimension" {
        Professional = "professional", "Faglige kompetencer", "Professional skills";
        Language = "language", "Sprog", "Language";
        Physical = "physical", "Fysisk helbred", "Physical health";
        Mental = "mental", "Mentalt helbred", "Mental health";
        Social = "social", "Sociale kompetencer", "Social skills";
        Attendance = "attendance", "Stabilt fremmøde", "Stable attendance";
        OwnBelief = "own_belief", "Egen tro på job", "Own belief in a job";
    }
);

code_enum!(
    /// The two scales measurements are scored on.
    Scale, "scale" {
        OneToFive = "1-5", "1–5", "1–5";
        OneToTen = "1-10", "1–10", "1–10";
    }
);

impl Scale {
    pub fn top(self) -> u8 {
        match self {
            Self::OneToFive => 5,
            Self::OneToTen => 10,
        }
    }
}

code_enum!(
    /// Community and democratic participation.
    CommunityKind, "community" {
        Association = "forening", "Forening", "Association";
        Volunteering = "frivillig", "Frivilligt arbejde", "Volunteering";
        Democracy = "demokrati", "Demokrati (fx beboerdemokrati)", "Democracy (e.g. tenant democracy)";
    }
);

code_enum!(
    /// Why a case ends outside the programme.
    ClosureReason, "reason" {
        MovedAway = "fraflyttet", "Fraflyttet", "Moved away";
        Repatriated = "repatrieret", "Repatrieret", "Repatriated";
        Deceased = "doed", "Død", "Deceased";
    }
);

code_enum!(
    /// How a planned conversation went.
    ConversationOutcome, "conversation_outcome" {
        Held = "held", "Afholdt", "Held";
        Cancelled = "cancelled", "Aflyst", "Cancelled";
        NoShow = "no_show", "Udeblevet", "No-show";
    }
);

code_enum!(
    /// How a conversation was held (integrationsloven allows all three).
    ConversationMode, "conversation_mode" {
        InPerson = "in_person", "Fremmøde", "In person";
        Phone = "phone", "Telefon", "Phone";
        Video = "video", "Video", "Video";
    }
);

/// The typed details of a progress event. The variant is the event type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventDetails {
    // Case
    Visitation {
        target_group: TargetGroup,
    },
    ContractSigned {},
    ProgrammeExtended {
        new_end: NaiveDate,
    },
    ProgrammeEnded {},
    MeetingHeld {},
    /// A conversation with the citizen (a follow-up conversation, a job conversation): how it
    /// went, how it was held, and the interpreter's language if one was used. What was said is
    /// a journal note on the event.
    Conversation {
        outcome: ConversationOutcome,
        mode: ConversationMode,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interpreter: Option<String>,
    },
    // Danish
    DanishStarted {
        course: DanishCourse,
        module: u8,
    },
    ModuleTestPassed {
        course: DanishCourse,
        module: u8,
    },
    ExamRegistered {
        exam: DanishExam,
    },
    ExamPassed {
        exam: DanishExam,
    },
    DanishInterrupted {
        course: DanishCourse,
    },
    // Offers
    OfferStarted {
        offer: InitiativeType,
        hours_per_week: f32,
    },
    OfferEnded {
        offer: InitiativeType,
        result: OfferResult,
    },
    // Job
    EmploymentStarted {
        kind: EmploymentKind,
        hours_per_week: f32,
    },
    EmploymentEnded {
        kind: EmploymentKind,
    },
    // Education
    EducationStarted {
        level: EducationLevel,
    },
    EducationCompleted {
        level: EducationLevel,
    },
    EducationInterrupted {
        level: EducationLevel,
    },
    // Benefits
    BenefitEnded {},
    BenefitResumed {},
    // Progression
    ProgressionMeasured {
        dimension: Dimension,
        scale: Scale,
        score: u8,
    },
    // Community
    Community {
        kind: CommunityKind,
    },
    // Closure
    Closure {
        reason: ClosureReason,
    },
}

/// A detail of [`details_from`] that is missing or not readable: the detail's key (as the CLI's
/// flag and the import's column are named) and the core's error.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailError {
    pub key: &'static str,
    pub error: ValidationError,
}

/// The details of an event of type `kind` (its code) from text values by key: `course`,
/// `module`, `exam`, `offer`, `hours`, `kind`, `level`, `result`, `dimension`, `scale` (default
/// 1-5), `score`, `target_group`, `new_end`, `reason`, `outcome`, `mode` (default in_person) and
/// `interpreter`. For every front end that takes an event as text (the CLI's flags, an import's
/// columns). What the details must satisfy beyond their form is [`validate_new`]'s.
pub fn details_from(kind: &str, get: &dyn Fn(&'static str) -> Option<String>) -> Result<EventDetails, DetailError> {
    let err = |key: &'static str, error: ValidationError| DetailError { key, error };
    let text = |key: &'static str| get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let required = |key: &'static str, field: &'static str| text(key).ok_or(err(key, ValidationError::Required { field }));
    fn parsed<T: Code>(key: &'static str, v: &str) -> Result<T, DetailError> {
        T::parse(v).map_err(|error| DetailError { key, error })
    }
    let number = |key: &'static str, field: &'static str| -> Result<f64, DetailError> {
        let v = required(key, field)?;
        v.replace(',', ".").parse::<f64>().map_err(|_| err(key, ValidationError::NotANumber { field, value: v }))
    };
    let small = |key: &'static str, field: &'static str| -> Result<u8, DetailError> {
        let n = number(key, field)?;
        if n.fract() != 0.0 || !(0.0..=255.0).contains(&n) {
            return Err(err(key, ValidationError::NotANumber { field, value: n.to_string() }));
        }
        Ok(n as u8)
    };
    let course = || parsed::<DanishCourse>("course", &required("course", "course")?);
    let exam = || parsed::<DanishExam>("exam", &required("exam", "exam")?);
    let level = || parsed::<EducationLevel>("level", &required("level", "level")?);
    let employment = || parsed::<EmploymentKind>("kind", &required("kind", "kind")?);
    let offer = || parsed::<InitiativeType>("offer", &required("offer", "offer")?);
    let hours = || number("hours", "hours_per_week").map(|h| h as f32);
    Ok(match kind.trim() {
        "visitation" => EventDetails::Visitation { target_group: parsed("target_group", &required("target_group", "target_group")?)? },
        "contract_signed" => EventDetails::ContractSigned {},
        "programme_extended" => {
            let v = required("new_end", "programme_end")?;
            EventDetails::ProgrammeExtended { new_end: validate::parse_date("programme_end", &v).map_err(|e| err("new_end", e))? }
        }
        "programme_ended" => EventDetails::ProgrammeEnded {},
        "meeting_held" => EventDetails::MeetingHeld {},
        "conversation" => EventDetails::Conversation {
            outcome: parsed("outcome", &required("outcome", "conversation_outcome")?)?,
            mode: parsed("mode", &text("mode").unwrap_or_else(|| "in_person".into()))?,
            interpreter: text("interpreter"),
        },
        "danish_started" => EventDetails::DanishStarted { course: course()?, module: small("module", "module")? },
        "module_test_passed" => EventDetails::ModuleTestPassed { course: course()?, module: small("module", "module")? },
        "exam_registered" => EventDetails::ExamRegistered { exam: exam()? },
        "exam_passed" => EventDetails::ExamPassed { exam: exam()? },
        "danish_interrupted" => EventDetails::DanishInterrupted { course: course()? },
        "offer_started" => EventDetails::OfferStarted { offer: offer()?, hours_per_week: hours()? },
        "offer_ended" => EventDetails::OfferEnded { offer: offer()?, result: parsed("result", &required("result", "result")?)? },
        "employment_started" => EventDetails::EmploymentStarted { kind: employment()?, hours_per_week: hours()? },
        "employment_ended" => EventDetails::EmploymentEnded { kind: employment()? },
        "education_started" => EventDetails::EducationStarted { level: level()? },
        "education_completed" => EventDetails::EducationCompleted { level: level()? },
        "education_interrupted" => EventDetails::EducationInterrupted { level: level()? },
        "benefit_ended" => EventDetails::BenefitEnded {},
        "benefit_resumed" => EventDetails::BenefitResumed {},
        "progression_measured" => EventDetails::ProgressionMeasured {
            dimension: parsed("dimension", &required("dimension", "dimension")?)?,
            scale: parsed("scale", &text("scale").unwrap_or_else(|| "1-5".into()))?,
            score: small("score", "score")?,
        },
        "community" => {
            let v = text("kind").or_else(|| text("reason")).ok_or(err("kind", ValidationError::Required { field: "kind" }))?;
            EventDetails::Community { kind: parsed("kind", &v)? }
        }
        "closure" => EventDetails::Closure { reason: parsed("reason", &required("reason", "reason")?)? },
        other => {
            return Err(err(
                "type",
                ValidationError::UnknownCode {
                    field: "event",
                    value: other.to_string(),
                    expected: EVENT_TYPES.iter().map(|(c, _, _)| *c).collect::<Vec<_>>().join(", "),
                },
            ));
        }
    })
}

/// The event types, as codes, with labels; the order is the order a picker shows them in.
pub const EVENT_TYPES: &[(&str, &str, &str)] = &[
    ("module_test_passed", "Modultest bestået", "Module test passed"),
    ("offer_started", "Tilbud startet", "Offer started"),
    ("employment_started", "Ansættelse startet", "Employment started"),
    ("meeting_held", "Samtale afholdt", "Meeting held"),
    ("conversation", "Samtale (afholdt, aflyst, udeblevet)", "Conversation (held, cancelled, no-show)"),
    ("progression_measured", "Progressionsmåling", "Progression measured"),
    ("visitation", "Visitation (målgruppe)", "Assessment (target group)"),
    ("contract_signed", "Kontrakt indgået", "Contract signed"),
    ("programme_extended", "Program forlænget", "Programme extended"),
    ("programme_ended", "Program afsluttet", "Programme ended"),
    ("danish_started", "Danskuddannelse startet", "Danish course started"),
    ("exam_registered", "Prøve tilmeldt", "Test registered"),
    ("exam_passed", "Prøve bestået", "Test passed"),
    ("danish_interrupted", "Danskuddannelse afbrudt", "Danish course interrupted"),
    ("offer_ended", "Tilbud afsluttet", "Offer ended"),
    ("employment_ended", "Ansættelse ophørt", "Employment ended"),
    ("education_started", "Uddannelse startet", "Education started"),
    ("education_completed", "Uddannelse fuldført", "Education completed"),
    ("education_interrupted", "Uddannelse afbrudt", "Education interrupted"),
    ("benefit_ended", "Ydelse ophørt", "Benefit ended"),
    ("benefit_resumed", "Ydelse genoptaget", "Benefit resumed"),
    ("community", "Fællesskab/demokrati", "Community/democracy"),
    ("closure", "Sag afsluttet (fraflytning m.m.)", "Case closed (moved away etc.)"),
];

impl EventDetails {
    /// Whether this is a conversation that took place: a held conversation, or the older
    /// "meeting held" (Samtale afholdt). The deadlines count these.
    pub fn is_held_conversation(&self) -> bool {
        matches!(self, Self::MeetingHeld {} | Self::Conversation { outcome: ConversationOutcome::Held, .. })
    }

    /// The event type's stable code (the serde tag).
    pub fn type_code(&self) -> &'static str {
        match self {
            Self::Visitation { .. } => "visitation",
            Self::ContractSigned {} => "contract_signed",
            Self::ProgrammeExtended { .. } => "programme_extended",
            Self::ProgrammeEnded {} => "programme_ended",
            Self::MeetingHeld {} => "meeting_held",
            Self::Conversation { .. } => "conversation",
            Self::DanishStarted { .. } => "danish_started",
            Self::ModuleTestPassed { .. } => "module_test_passed",
            Self::ExamRegistered { .. } => "exam_registered",
            Self::ExamPassed { .. } => "exam_passed",
            Self::DanishInterrupted { .. } => "danish_interrupted",
            Self::OfferStarted { .. } => "offer_started",
            Self::OfferEnded { .. } => "offer_ended",
            Self::EmploymentStarted { .. } => "employment_started",
            Self::EmploymentEnded { .. } => "employment_ended",
            Self::EducationStarted { .. } => "education_started",
            Self::EducationCompleted { .. } => "education_completed",
            Self::EducationInterrupted { .. } => "education_interrupted",
            Self::BenefitEnded {} => "benefit_ended",
            Self::BenefitResumed {} => "benefit_resumed",
            Self::ProgressionMeasured { .. } => "progression_measured",
            Self::Community { .. } => "community",
            Self::Closure { .. } => "closure",
        }
    }

    /// The event type's label in a language.
    pub fn type_label(&self, lang: Lang) -> &'static str {
        let code = self.type_code();
        EVENT_TYPES.iter().find(|(c, _, _)| *c == code).map(|(_, da, en)| if lang == Lang::Da { *da } else { *en }).unwrap_or(code)
    }

    /// A one-line summary of the details, for timelines and tables.
    pub fn summary(&self, lang: Lang) -> String {
        let h = |x: f32| match lang {
            Lang::Da => format!("{} t/uge", x.to_string().replace('.', ",")),
            Lang::En => format!("{x} h/week"),
        };
        match self {
            Self::Visitation { target_group } => target_group.label(lang).to_string(),
            Self::ProgrammeExtended { new_end } => lang.date(*new_end),
            Self::DanishStarted { course, module } | Self::ModuleTestPassed { course, module } => {
                format!("{} {} {module}", course.label(lang), if lang == Lang::Da { "modul" } else { "module" })
            }
            Self::ExamRegistered { exam } | Self::ExamPassed { exam } => exam.label(lang).to_string(),
            Self::DanishInterrupted { course } => course.label(lang).to_string(),
            Self::OfferStarted { offer, hours_per_week } => format!("{}, {}", offer.label(lang), h(*hours_per_week)),
            Self::OfferEnded { offer, result } => {
                format!("{}: {}", offer.label(lang), result.label(lang))
            }
            Self::EmploymentStarted { kind, hours_per_week } => format!("{}, {}", kind.label(lang), h(*hours_per_week)),
            Self::EmploymentEnded { kind } => kind.label(lang).to_string(),
            Self::EducationStarted { level } | Self::EducationCompleted { level } | Self::EducationInterrupted { level } => {
                level.label(lang).to_string()
            }
            Self::ProgressionMeasured { dimension, scale, score } => {
                format!("{}: {score}/{}", dimension.label(lang), scale.top())
            }
            Self::Community { kind } => kind.label(lang).to_string(),
            Self::Closure { reason } => reason.label(lang).to_string(),
            Self::Conversation { outcome, mode, interpreter } => {
                let mut s = format!("{}, {}", outcome.label(lang), mode.label(lang).to_lowercase());
                if let Some(l) = interpreter {
                    s.push_str(&match lang {
                        Lang::Da => format!(", tolk: {l}"),
                        Lang::En => format!(", interpreter: {l}"),
                    });
                }
                s
            }
            Self::ContractSigned {} | Self::ProgrammeEnded {} | Self::MeetingHeld {} | Self::BenefitEnded {} | Self::BenefitResumed {} => {
                String::new()
            }
        }
    }

    /// Checks the details' own rules (ranges, scales, the law in force on `date`).
    pub fn validate(&self, date: NaiveDate) -> Result<(), ValidationError> {
        match self {
            Self::DanishStarted { module, .. } | Self::ModuleTestPassed { module, .. } => {
                validate::in_range("module", f64::from(*module), 1.0, 6.0)
            }
            Self::OfferStarted { hours_per_week, .. } | Self::EmploymentStarted { hours_per_week, .. } => {
                validate::in_range("hours_per_week", f64::from(*hours_per_week), 0.0, 60.0)
            }
            Self::ProgressionMeasured { scale, score, .. } => {
                if (1..=scale.top()).contains(score) {
                    Ok(())
                } else {
                    Err(ValidationError::ScoreOutOfScale { score: *score, max: scale.top() })
                }
            }
            Self::Visitation { target_group } if !target_group.valid_on(date) => Err(ValidationError::UnknownCode {
                field: "target_group",
                value: target_group.code().to_string(),
                expected: TargetGroup::ALL.iter().filter(|g| g.valid_on(date)).map(|g| g.code()).collect::<Vec<_>>().join(", "),
            }),
            Self::ProgrammeExtended { new_end } => validate::period(date, Some(*new_end)),
            Self::Conversation { interpreter: Some(l), .. } => validate::required_text("interpreter", l, 60).map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// One event on a participant's timeline: what happened, when, and who recorded it when.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressEvent {
    pub id: EventId,
    pub participant: ParticipantId,
    pub date: NaiveDate,
    pub details: EventDetails,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Checks a new event: its own rules, and that it has already happened.
pub fn validate_new(details: &EventDetails, date: NaiveDate, today: NaiveDate) -> Result<(), ValidationError> {
    validate::not_in_future("date", date, today)?;
    details.validate(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_stored_form_is_tagged_and_stable() {
        let e = EventDetails::ModuleTestPassed { course: DanishCourse::Du2, module: 3 };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"type":"module_test_passed","course":"du2","module":3}"#);
        assert_eq!(serde_json::from_str::<EventDetails>(&json).unwrap(), e);
        assert_eq!(e.type_code(), "module_test_passed");
        // Free-form extras are refused.
        assert!(serde_json::from_str::<EventDetails>(r#"{"type":"meeting_held","note":"x"}"#).is_err());
        // A conversation without an interpreter leaves the field out, and reads back as none.
        let c = EventDetails::Conversation { outcome: ConversationOutcome::Held, mode: ConversationMode::Phone, interpreter: None };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"type":"conversation","outcome":"held","mode":"phone"}"#);
        assert_eq!(serde_json::from_str::<EventDetails>(&json).unwrap(), c);
    }

    #[test]
    fn every_type_code_has_labels() {
        let samples = [
            EventDetails::MeetingHeld {},
            EventDetails::BenefitEnded {},
            EventDetails::Closure { reason: ClosureReason::MovedAway },
            EventDetails::Conversation { outcome: ConversationOutcome::NoShow, mode: ConversationMode::Video, interpreter: None },
        ];
        for s in samples {
            assert!(EVENT_TYPES.iter().any(|(c, _, _)| *c == s.type_code()));
        }
        assert_eq!(EVENT_TYPES.len(), 23);
    }

    #[test]
    fn score_inside_its_scale() {
        let ok = EventDetails::ProgressionMeasured { dimension: Dimension::Language, scale: Scale::OneToFive, score: 5 };
        assert!(ok.validate(d(2026, 1, 1)).is_ok());
        for (scale, score) in [(Scale::OneToFive, 6), (Scale::OneToFive, 0), (Scale::OneToTen, 11)] {
            let bad = EventDetails::ProgressionMeasured { dimension: Dimension::Social, scale, score };
            assert_eq!(bad.validate(d(2026, 1, 1)).unwrap_err().code(), "score_out_of_scale");
        }
    }

    #[test]
    fn module_and_hours_ranges() {
        let bad = EventDetails::ModuleTestPassed { course: DanishCourse::Du1, module: 7 };
        assert_eq!(bad.validate(d(2026, 1, 1)).unwrap_err().field(), Some("module"));
        let bad = EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: 80.0 };
        assert_eq!(bad.validate(d(2026, 1, 1)).unwrap_err().field(), Some("hours_per_week"));
    }

    #[test]
    fn target_group_must_exist_under_the_law_of_its_date() {
        let e = EventDetails::Visitation { target_group: TargetGroup::EducationReady };
        assert!(e.validate(d(2025, 6, 1)).is_ok());
        assert_eq!(e.validate(d(2026, 2, 1)).unwrap_err().code(), "unknown_code");
    }

    #[test]
    fn events_are_not_dated_in_the_future() {
        let today = d(2026, 11, 24);
        assert!(validate_new(&EventDetails::MeetingHeld {}, today, today).is_ok());
        assert_eq!(validate_new(&EventDetails::MeetingHeld {}, d(2026, 11, 25), today).unwrap_err().code(), "in_future");
    }
}
