//! `indsats demo`: realistic synthetic data for a municipality.
//!
//! Everything is drawn from a generator seeded with the given seed, and every date is derived
//! from "today" (the clock), so the same seed on the same day gives the same data. Names are
//! combinations of common first and last names; CPR numbers are shaped like real ones (a valid
//! date and century digit) but always fail the modulus 11 check and never fall on the 1st of a
//! month, where the post-2007 numbers without modulus 11 were issued. No real person is meant.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use indsats_core::event::*;
use indsats_core::ids::*;
use indsats_core::model::*;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::{ApiError, Result};
use crate::session::Session;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub participants: u32,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub participants: u32,
    pub initiatives: u32,
    pub caseworkers: u32,
    pub enrolments: u64,
    pub events: u64,
}

const FIRST: &[&str] = &[
    "Amina", "Ahmad", "Fatima", "Mohammad", "Yusuf", "Layla", "Omar", "Hana", "Ali", "Zainab", "Abdi", "Hodan", "Mariam", "Tesfay",
    "Senait", "Olena", "Oksana", "Dmytro", "Iryna", "Bashir", "Nour", "Rania", "Samir", "Aziz", "Farida", "Khadija", "Hassan", "Aisha",
    "Mustafa", "Leyla", "Reza", "Shirin", "Tariq", "Yasmin", "Idris", "Salma", "Kamal", "Noor", "Jamal", "Rahel", "Yonas", "Meron",
    "Daniel", "Sara", "Hamid", "Parisa", "Nasrin", "Karim", "Amal", "Walid",
];
const LAST: &[&str] = &[
    "Haddad",
    "Hassan",
    "Ahmadi",
    "Mohammadi",
    "Yusuf",
    "Abdi",
    "Warsame",
    "Tesfaye",
    "Kovalenko",
    "Shevchenko",
    "Rahimi",
    "Karimi",
    "Osman",
    "Ali",
    "Hussein",
    "Ibrahim",
    "Mahmoud",
    "Nasser",
    "Said",
    "Farah",
    "Mohamud",
    "Berhane",
    "Gebre",
    "Bondarenko",
    "Tkachenko",
    "Hosseini",
    "Jafari",
    "Sultani",
    "Noori",
    "Qasemi",
    "Kaya",
    "Yilmaz",
    "Demir",
    "Khalil",
    "Saleh",
    "Aziz",
    "Haidari",
    "Popal",
    "Sharifi",
    "Mansour",
];
const CASEWORKER_FIRST: &[&str] = &[
    "Mette", "Lars", "Sofie", "Henrik", "Louise", "Jonas", "Camilla", "Peter", "Anne", "Rasmus", "Karina", "Morten", "Pia", "Thomas",
    "Helle", "Nikolaj", "Birgitte", "Jesper", "Maria", "Søren", "Line", "Kasper", "Trine", "Mikkel",
];
const CASEWORKER_LAST: &[&str] = &[
    "Holm",
    "Bech",
    "Dam",
    "Krogh",
    "Vang",
    "Friis",
    "Lund",
    "Skov",
    "Mørk",
    "Bak",
    "Juul",
    "Lind",
    "Bruun",
    "Kjær",
    "Berg",
    "Dahl",
    "Thygesen",
    "Winther",
    "Kristensen",
    "Poulsen",
];
const PLACES: &[&str] =
    &["Ballerup Centrum", "Skovlunde", "Måløv", "Hjortespring", "Lautrup", "Egebjerg", "Grantoftegård", "Hedegården", "Baltorp"];
const EMPLOYERS: &[&str] = &[
    "Bageri",
    "Plejecenter",
    "Byggeservice",
    "Rengøring",
    "Logistik",
    "Kantine",
    "Autoværksted",
    "Supermarked",
    "Gartneri",
    "Vaskeri",
    "Hotel",
    "Lager",
];

fn goal_positions(kind: InitiativeType) -> &'static [u32] {
    use InitiativeType as T;
    match kind {
        T::DanishCourse => &[4, 2],
        T::WorkPlacement | T::WageSubsidy | T::Mentor | T::Guidance | T::Other => &[1],
        T::Igu => &[1, 2],
        T::AdultEducation | T::Fgu => &[2],
        T::Community => &[3],
        T::Democracy => &[4, 3],
    }
}

fn contribution(kind: InitiativeType) -> &'static str {
    use InitiativeType as T;
    match kind {
        T::DanishCourse => "Styrker danskkundskaberne, som er forudsætningen for job, uddannelse og deltagelse.",
        T::WorkPlacement => "Giver erfaring fra en dansk arbejdsplads og en vej ind i ordinær beskæftigelse.",
        T::WageSubsidy => "Bygger bro til ordinær ansættelse gennem løntilskud hos en lokal virksomhed.",
        T::Igu => "Kombinerer lønnet arbejde og skoleophold, så flere når selvforsørgelse og uddannelse.",
        T::Mentor => "En mentor fastholder borgeren i forløbet og mindsker frafald.",
        T::Guidance => "Afklarer kompetencer og opkvalificerer målrettet til brancher med mangel på arbejdskraft.",
        T::AdultEducation => "Løfter basale færdigheder i læsning, regning og fag, så uddannelse bliver mulig.",
        T::Fgu => "Forbereder unge til en ungdomsuddannelse.",
        T::Community => "Skaber netværk og tilknytning i boligområdet og foreningslivet.",
        T::Democracy => "Styrker deltagelsen i demokratiet, fra beboerdemokrati til kommunalvalg.",
        T::Other => "Understøtter vejen mod selvforsørgelse.",
    }
}

fn title(rng: &mut impl Rng, kind: InitiativeType, n: u32) -> String {
    let place = PLACES.choose(rng).copied().unwrap_or("Ballerup");
    let employer = EMPLOYERS.choose(rng).copied().unwrap_or("Virksomhed");
    use InitiativeType as T;
    match kind {
        T::DanishCourse => format!("Danskuddannelse {} – hold {n}", ["DU1", "DU2", "DU3"][n as usize % 3]),
        T::WorkPlacement => format!("Virksomhedspraktik: {place} {employer}"),
        T::WageSubsidy => format!("Løntilskud: {place} {employer}"),
        T::Igu => format!("IGU-forløb: {place} {employer}"),
        T::Mentor => format!("Mentorforløb {place}"),
        T::Guidance => format!("Brancheforløb {employer} (opkvalificering)"),
        T::AdultEducation => format!("FVU/AMU-hold {place}"),
        T::Fgu => format!("FGU-brobygning {place}"),
        T::Community => format!("Fællesskab i {place}"),
        T::Democracy => format!("Demokrativærksted {place}"),
        T::Other => format!("Helhedsorienteret indsats {place}"),
    }
}

const OWNERS: &[&str] = &["Jobcenter Ballerup", "Integrationsteamet", "Ballerup Sprogcenter", "Ungeenheden", "Boligsocialt Team"];

fn random_day(rng: &mut impl Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

/// UUIDv7 ids in strictly increasing order from a start time: 4,096 per millisecond, the
/// sequence in the 12 `rand_a` bits (RFC 9562, method 3). Ids made in insertion order append to
/// every index instead of landing at random places in it, which is what makes bulk loading fast.
pub(crate) struct IdSeq {
    start_ms: u64,
    n: u64,
}

impl IdSeq {
    pub(crate) fn from(now: chrono::DateTime<chrono::Utc>) -> IdSeq {
        IdSeq { start_ms: u64::try_from(now.timestamp_millis()).unwrap_or(0), n: 0 }
    }

    pub(crate) fn next<T>(&mut self, rng: &mut impl RngCore, make: fn(u64, [u8; 10]) -> T) -> T {
        let mut b = [0u8; 10];
        rng.fill_bytes(&mut b);
        let seq = self.n % 4096;
        b[0] = (seq >> 8) as u8;
        b[1] = (seq & 0xff) as u8;
        let ms = self.start_ms + self.n / 4096;
        self.n += 1;
        make(ms, b)
    }
}

/// A CPR-shaped number for `birth`: valid date and century digit, failing modulus 11.
fn fake_cpr(rng: &mut impl Rng, birth: NaiveDate) -> String {
    let y = birth.year();
    let yy = (y % 100) as u32;
    let digit = match y {
        1900..=1999 => rng.random_range(0..=3),
        2000..=2036 => 4,
        _ => 0,
    };
    loop {
        let serial: u32 = rng.random_range(0..1000);
        let s = format!("{:02}{:02}{:02}{}{:03}", birth.day(), birth.month(), yy, digit, serial);
        let sum: u32 = s.bytes().zip([4, 3, 2, 7, 6, 5, 4, 3, 2, 1]).map(|(b, w)| u32::from(b - b'0') * w).sum();
        if !sum.is_multiple_of(11) {
            return s;
        }
    }
}

/// Languages an interpreter is booked for in the demo data.
const INTERPRETER_LANGUAGES: &[&str] = &["arabisk", "somali", "tigrinya", "dari", "ukrainsk", "kurdisk"];

/// One person in about this many is registered twice (docs/casework.md, "Duplicates").
const DUPLICATE_EVERY: u32 = 150;

/// What a demo journal note on a held conversation says (synthetic, never about anyone).
const NOTE_TEXTS: &[&str] = &[
    "Talte om danskuddannelsen og næste modul; borgeren er motiveret.",
    "Gennemgik planen for virksomhedspraktik; næste skridt aftalt.",
    "Borgeren ønsker job i detailhandlen; aftalt at søge tre stillinger.",
    "Opfølgning på fremmøde; aftalt ny samtale om en måned.",
    "Talte om uddannelsesmuligheder (FGU og EUD); sendt materiale.",
];

struct Planned {
    participant: Participant,
    closed: Option<NaiveDate>,
    events: Vec<(NaiveDate, EventDetails)>,
    enrolments: Vec<Enrolment>,
}

struct Offerable {
    id: InitiativeId,
    kind: InitiativeType,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

fn pick_initiative(
    rng: &mut impl Rng,
    list: &[Offerable],
    kind: InitiativeType,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Option<InitiativeId> {
    let fits: Vec<&Offerable> =
        list.iter().filter(|o| o.kind == kind && o.start <= from && o.end.is_none_or(|e| to.is_some_and(|t| t <= e))).collect();
    fits.choose(rng).map(|o| o.id)
}

/// A participant's enrolments as the simulation opens and ends them.
struct Enrolments<'a> {
    ids: &'a mut IdSeq,
    participant: ParticipantId,
    list: Vec<Enrolment>,
    open: Vec<(InitiativeType, usize)>,
}

impl Enrolments<'_> {
    fn start(
        &mut self,
        rng: &mut ChaCha20Rng,
        offers: &[Offerable],
        kind: InitiativeType,
        from: NaiveDate,
        to: Option<NaiveDate>,
        outcome: EnrolmentOutcome,
    ) {
        // One open enrolment per kind: end the previous one first.
        self.finish(kind, from, EnrolmentOutcome::Completed);
        if let Some(initiative) = pick_initiative(rng, offers, kind, from, to) {
            self.list.push(Enrolment {
                id: self.ids.next(rng, EnrolmentId::new),
                participant: self.participant,
                initiative,
                start: from,
                end: to,
                outcome: to.map(|_| outcome),
            });
            if to.is_none() {
                self.open.push((kind, self.list.len() - 1));
            }
        }
    }

    fn finish(&mut self, kind: InitiativeType, on: NaiveDate, outcome: EnrolmentOutcome) {
        if let Some(pos) = self.open.iter().position(|(k, _)| *k == kind) {
            let (_, i) = self.open.remove(pos);
            let e = &mut self.list[i];
            e.end = Some(on.max(e.start));
            e.outcome = Some(outcome);
        }
    }
}

/// One participant's trajectory from programme start to today.
fn simulate(rng: &mut ChaCha20Rng, ids: &mut IdSeq, today: NaiveDate, offers: &[Offerable], p: &mut Participant) -> Planned {
    let start = p.programme_start.or(p.arrival_date).unwrap_or(today);
    let age_at_start = start.year() - p.birth_year;
    let mut ev: Vec<(NaiveDate, EventDetails)> = Vec::new();
    let mut en = Enrolments { ids, participant: p.id, list: Vec::new(), open: Vec::new() };
    let group = if start >= REFORM_2026 {
        if rng.random_bool(0.45) { TargetGroup::JobReady } else { TargetGroup::ActivityReady }
    } else {
        *[TargetGroup::JobReady, TargetGroup::ActivityReady, TargetGroup::EducationReady, TargetGroup::ActivityReadyUnder30]
            [..if age_at_start < 30 { 4 } else { 2 }]
            .choose(rng)
            .unwrap_or(&TargetGroup::ActivityReady)
    };
    ev.push((start, EventDetails::Visitation { target_group: group }));
    ev.push((start + Duration::days(rng.random_range(5..30)), EventDetails::ContractSigned {}));
    let course = *[DanishCourse::Du1, DanishCourse::Du2, DanishCourse::Du2, DanishCourse::Du3].choose(rng).unwrap_or(&DanishCourse::Du2);
    let mut danish: Option<(u8, NaiveDate)> = None;
    let danish_start = start + Duration::days(rng.random_range(14..60));
    let mut job: Option<(EmploymentKind, NaiveDate)> = None;
    let mut offer_until: Option<NaiveDate> = None;
    let mut education: Option<(EducationLevel, NaiveDate)> = None;
    let mut off_benefit = false;
    let mut closed: Option<NaiveDate> = None;
    let mut reassessed = start >= REFORM_2026;
    let mut scores = [rng.random_range(1..=3u8), rng.random_range(1..=3u8)];
    let dims = [
        Dimension::Language,
        *[Dimension::Professional, Dimension::OwnBelief, Dimension::Social].choose(rng).unwrap_or(&Dimension::Social),
    ];
    let drive: f64 = rng.random_range(0.4..1.6); // how quickly this person moves on
    let mut t = start + Duration::days(30);
    let mut month = 0u32;
    while t <= today && closed.is_none() {
        month += 1;
        let jitter = |rng: &mut ChaCha20Rng| Duration::days(rng.random_range(0..20));
        let day = (t + jitter(rng)).min(today);
        if rng.random_bool(0.28) {
            // A conversation: mostly held, sometimes missed; in person, by phone or by video;
            // an interpreter for some.
            let outcome = match rng.random_range(0..100) {
                0..=84 => ConversationOutcome::Held,
                85..=94 => ConversationOutcome::NoShow,
                _ => ConversationOutcome::Cancelled,
            };
            let mode = *[ConversationMode::InPerson, ConversationMode::InPerson, ConversationMode::Phone, ConversationMode::Video]
                .choose(rng)
                .unwrap_or(&ConversationMode::InPerson);
            let interpreter = rng.random_bool(0.2).then(|| INTERPRETER_LANGUAGES.choose(rng).unwrap_or(&"arabisk").to_string());
            ev.push((day, EventDetails::Conversation { outcome, mode, interpreter }));
        }
        if !reassessed && t >= REFORM_2026 {
            reassessed = true;
            let g = if job.is_some() || rng.random_bool(0.4) { TargetGroup::JobReady } else { TargetGroup::ActivityReady };
            ev.push((day, EventDetails::Visitation { target_group: g }));
        }
        // Danish: a module every few months, then the test.
        if danish.is_none() && t >= danish_start && month < 60 {
            danish = Some((1, day));
            ev.push((day, EventDetails::DanishStarted { course, module: 1 }));
            en.start(rng, offers, InitiativeType::DanishCourse, day, None, EnrolmentOutcome::Completed);
        } else if let Some((module, since)) = danish
            && module <= 6
            && (day - since).num_days() > (150.0 / drive) as i64
        {
            if rng.random_bool(0.015) {
                ev.push((day, EventDetails::DanishInterrupted { course }));
                en.finish(InitiativeType::DanishCourse, day, EnrolmentOutcome::DroppedOut);
                danish = Some((99, day));
            } else if module < 6 {
                ev.push((day, EventDetails::ModuleTestPassed { course, module }));
                danish = Some((module + 1, day));
            } else {
                let exam = match course {
                    DanishCourse::Du1 => DanishExam::Pd1,
                    DanishCourse::Du2 => DanishExam::Pd2,
                    DanishCourse::Du3 => DanishExam::Pd3,
                };
                ev.push((day, EventDetails::ModuleTestPassed { course, module }));
                ev.push((day, EventDetails::ExamRegistered { exam }));
                let exam_day = (day + Duration::days(rng.random_range(20..60))).min(today);
                if rng.random_bool(0.75) {
                    ev.push((exam_day, EventDetails::ExamPassed { exam }));
                }
                en.finish(InitiativeType::DanishCourse, day, EnrolmentOutcome::Completed);
                danish = Some((99, day));
            }
        }
        // Progression scored with the citizen twice a year.
        if month.is_multiple_of(6) {
            for (i, d) in dims.iter().enumerate() {
                if rng.random_bool(0.5 * drive.min(1.0)) && scores[i] < 5 {
                    scores[i] += 1;
                }
                ev.push((day, EventDetails::ProgressionMeasured { dimension: *d, scale: Scale::OneToFive, score: scores[i] }));
            }
        }
        // Offers and jobs.
        let busy = job.is_some() || offer_until.is_some_and(|u| u > day) || education.is_some();
        if !busy && rng.random_bool((0.07 * drive).min(0.9)) {
            let roll: f64 = rng.random();
            if roll < 0.45 {
                let end = day + Duration::days(rng.random_range(56..120));
                let hours = f32::from(rng.random_range(12..=30u8));
                ev.push((day, EventDetails::OfferStarted { offer: InitiativeType::WorkPlacement, hours_per_week: hours }));
                let (result, outcome) = match rng.random_range(0..4) {
                    0 => (OfferResult::Job, EnrolmentOutcome::WentToJob),
                    1 => (OfferResult::DroppedOut, EnrolmentOutcome::DroppedOut),
                    _ => (OfferResult::Completed, EnrolmentOutcome::Completed),
                };
                if end <= today {
                    ev.push((end, EventDetails::OfferEnded { offer: InitiativeType::WorkPlacement, result }));
                    en.start(rng, offers, InitiativeType::WorkPlacement, day, Some(end), outcome);
                    if result == OfferResult::Job {
                        let h = f32::from(rng.random_range(10..=37u8));
                        ev.push((end, EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: h }));
                        job = Some((EmploymentKind::Ordinary, end));
                    }
                } else {
                    en.start(rng, offers, InitiativeType::WorkPlacement, day, None, outcome);
                }
                offer_until = Some(end);
            } else if roll < 0.6 {
                ev.push((day, EventDetails::OfferStarted { offer: InitiativeType::Mentor, hours_per_week: 2.0 }));
                let until = day + Duration::days(180);
                en.start(rng, offers, InitiativeType::Mentor, day, (until <= today).then_some(until), EnrolmentOutcome::Completed);
                offer_until = Some(until);
            } else if roll < 0.78 {
                let kind = if age_at_start <= 50 && day.year() <= 2027 && rng.random_bool(0.35) {
                    EmploymentKind::Igu
                } else {
                    EmploymentKind::WageSubsidy
                };
                let hours = if kind == EmploymentKind::Igu { 30.0 } else { f32::from(rng.random_range(25..=37u8)) };
                ev.push((day, EventDetails::EmploymentStarted { kind, hours_per_week: hours }));
                let it = if kind == EmploymentKind::Igu { InitiativeType::Igu } else { InitiativeType::WageSubsidy };
                en.start(rng, offers, it, day, None, EnrolmentOutcome::Completed);
                job = Some((kind, day));
            } else if roll < 0.9 && age_at_start < 35 {
                let level = if rng.random_bool(0.4) { EducationLevel::Fgu } else { EducationLevel::Vocational };
                ev.push((day, EventDetails::EducationStarted { level }));
                education = Some((level, day));
            } else {
                let h = f32::from(rng.random_range(8..=37u8));
                ev.push((day, EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: h }));
                job = Some((EmploymentKind::Ordinary, day));
            }
        }
        // A job found through a placement starts when the placement ends: nothing happens to it
        // before it has started.
        if let Some((kind, since)) = job
            && since < day
        {
            let months = (day - since).num_days() / 30;
            match kind {
                EmploymentKind::WageSubsidy | EmploymentKind::Igu if months >= if kind == EmploymentKind::Igu { 24 } else { 9 } => {
                    ev.push((day, EventDetails::EmploymentEnded { kind }));
                    let it = if kind == EmploymentKind::Igu { InitiativeType::Igu } else { InitiativeType::WageSubsidy };
                    job = None;
                    let to_job = rng.random_bool(0.5);
                    en.finish(it, day, if to_job { EnrolmentOutcome::WentToJob } else { EnrolmentOutcome::Completed });
                    if to_job {
                        let h = f32::from(rng.random_range(15..=37u8));
                        ev.push((day, EventDetails::EmploymentStarted { kind: EmploymentKind::Ordinary, hours_per_week: h }));
                        job = Some((EmploymentKind::Ordinary, day));
                    }
                }
                EmploymentKind::Ordinary => {
                    if !off_benefit && months >= 1 && rng.random_bool(0.5) {
                        ev.push((day, EventDetails::BenefitEnded {}));
                        off_benefit = true;
                    } else if rng.random_bool(0.015) {
                        ev.push((day, EventDetails::EmploymentEnded { kind }));
                        job = None;
                        if off_benefit {
                            ev.push((day, EventDetails::BenefitResumed {}));
                            off_benefit = false;
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((level, since)) = education {
            let months = (day - since).num_days() / 30;
            if rng.random_bool(0.012) {
                ev.push((day, EventDetails::EducationInterrupted { level }));
                education = None;
            } else if months >= if level == EducationLevel::Fgu { 12 } else { 30 } {
                ev.push((day, EventDetails::EducationCompleted { level }));
                education = None;
            }
        }
        if rng.random_bool(0.03) {
            let kind = *CommunityKind::ALL.choose(rng).unwrap_or(&CommunityKind::Association);
            ev.push((day, EventDetails::Community { kind }));
        }
        if rng.random_bool(0.002) {
            let reason = if rng.random_bool(0.8) { ClosureReason::MovedAway } else { ClosureReason::Repatriated };
            ev.push((day, EventDetails::Closure { reason }));
            closed = Some(day);
        } else if off_benefit && job.is_some() && month > 24 && rng.random_bool(0.02) {
            ev.push((day, EventDetails::ProgrammeEnded {}));
            closed = Some(day);
        }
        t += Duration::days(30);
    }
    ev.sort_by_key(|(d, _)| *d);
    if let Some(c) = closed {
        // Nothing after the closing day, and open enrolments end with it.
        ev.retain(|(d, _)| *d <= c);
        for e in &mut en.list {
            if e.end.is_none() {
                e.end = Some(c.max(e.start));
                e.outcome = Some(EnrolmentOutcome::DroppedOut);
            }
        }
        p.programme_end = p.programme_start.map(|s| c.max(s));
    }
    Planned { participant: p.clone(), closed, events: ev, enrolments: en.list }
}

const BATCH: usize = 250;

impl Session {
    /// Generates `opts.participants` participants with initiatives of every type, linked to the
    /// strategy's goals. `progress(done, total)` is called after each batch; returning false
    /// cancels (the batches already written stay, whole).
    pub fn generate_demo(&mut self, opts: &DemoOptions, progress: &mut dyn FnMut(u64, u64) -> bool) -> Result<DemoSummary> {
        self.require(&[Role::Admin], "generate demo data")?;
        // Synthetic people never mix with real ones: demo data goes into a demo store, or into
        // an empty one, which becomes a demo store.
        match self.store.owner()? {
            Some(o) if o.demo => {}
            _ => {
                let c = self.store.read().counts(self.today())?;
                if c.participants_open + c.participants_closed + c.initiatives_planned + c.initiatives_active + c.initiatives_closed > 0 {
                    return Err(crate::ApiError::NotADemoStore);
                }
                self.record_owner("store.demo", true)?;
                self.granted.source = crate::identity::Source::Demo;
            }
        }
        indsats_core::validate::in_range("participants", f64::from(opts.participants), 1.0, 1_000_000.0)?;
        let today = self.today();
        let mut rng = ChaCha20Rng::seed_from_u64(opts.seed);
        let mut ids = IdSeq::from(self.now());
        let goals = self.goals()?.into_iter().map(|g| g.goal).collect::<Vec<_>>();
        let n_init = (opts.participants / 25).max(InitiativeType::ALL.len() as u32);
        // About 60 open cases each (domain.md: a caseload of 30–80), each name unique.
        let wanted = (opts.participants / 60).clamp(2, (CASEWORKER_FIRST.len() * CASEWORKER_LAST.len()) as u32) as usize;
        let caseworker_names: Vec<String> = (0..wanted)
            .map(|i| {
                format!(
                    "{} {}",
                    CASEWORKER_FIRST[i % CASEWORKER_FIRST.len()],
                    CASEWORKER_LAST[(i * 7 + i / CASEWORKER_FIRST.len()) % CASEWORKER_LAST.len()]
                )
            })
            .collect();
        // Initiatives of every type, most active, spread over the strategy period.
        let earliest = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or(today);
        let mut initiatives = Vec::new();
        let mut offerable = Vec::new();
        let mut links = Vec::new();
        for n in 0..n_init {
            let kind = InitiativeType::ALL[n as usize % InitiativeType::ALL.len()];
            let start = random_day(&mut rng, earliest, today - Duration::days(400));
            let (end, status) = match rng.random_range(0..10) {
                0 => (Some(random_day(&mut rng, start + Duration::days(180), today - Duration::days(1))), InitiativeStatus::Closed),
                1 => (Some(today + Duration::days(rng.random_range(200..900))), InitiativeStatus::Active),
                _ => (None, InitiativeStatus::Active),
            };
            let i = Initiative {
                id: ids.next(&mut rng, InitiativeId::new),
                title: title(&mut rng, kind, n + 1),
                kind,
                owner: OWNERS.choose(&mut rng).copied().unwrap_or("Jobcenter").to_string(),
                start,
                end,
                capacity: Some(rng.random_range(8..=40)),
                status,
                description: String::new(),
            };
            for pos in goal_positions(kind) {
                if let Some(g) = goals.iter().find(|g| g.position == *pos).or_else(|| goals.first()) {
                    links.push(GoalLink { initiative: i.id, goal: g.id, contribution: contribution(kind).to_string() });
                }
            }
            offerable.push(Offerable { id: i.id, kind, start, end });
            initiatives.push(i);
        }
        let planned_initiatives = initiatives.iter().filter(|_| rng.random_bool(0.05)).map(|i| i.id).collect::<HashSet<_>>();
        let summary_initiatives = initiatives.len() as u32;
        let closing: Vec<(InitiativeId, Option<NaiveDate>)> =
            initiatives.iter().filter(|i| i.status == InitiativeStatus::Closed).map(|i| (i.id, i.end)).collect();
        // Enrolments go in while initiatives are active; closed ones are closed at the end.
        let seed = opts.seed;
        self.audited("demo.initiatives", None, "demodata", format!("seed={seed}"), |tx| {
            for i in &initiatives {
                let mut i = i.clone();
                i.status = InitiativeStatus::Active;
                tx.insert_initiative(&i)?;
            }
            for l in &links {
                tx.link_goal(l)?;
            }
            Ok(())
        })?;

        // Bulk loading: keep the growing indexes in memory, then return to the normal cache.
        self.set_cache_mib(256)?;
        let result = self.generate_participants(opts, &mut rng, &mut ids, &offerable, &caseworker_names, today, progress);
        self.set_cache_mib(64)?;
        let (participants, events, enrolments) = result?;
        let summary =
            DemoSummary { initiatives: summary_initiatives, caseworkers: caseworker_names.len() as u32, participants, events, enrolments };
        self.audited("demo.finish", None, "demodata", format!("seed={seed}"), |tx| {
            for (id, end) in &closing {
                tx.set_initiative_status(*id, InitiativeStatus::Closed, *end)?;
            }
            for id in &planned_initiatives {
                if !closing.iter().any(|(c, _)| c == id) && tx.read().enrolments_of_initiative(*id)?.is_empty() {
                    tx.set_initiative_status(*id, InitiativeStatus::Planned, None)?;
                }
            }
            Ok(())
        })?;
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    fn generate_participants(
        &mut self,
        opts: &DemoOptions,
        rng: &mut ChaCha20Rng,
        ids: &mut IdSeq,
        offerable: &[Offerable],
        caseworker_names: &[String],
        today: NaiveDate,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<(u32, u64, u64)> {
        let seed = opts.seed;
        let (mut events_total, mut enrolments_total) = (0u64, 0u64);
        let total = u64::from(opts.participants);
        let mut done = 0u64;
        let mut cprs = HashSet::new();
        let mut pseudonyms = HashSet::new();
        let arrivals_from = NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or(today);
        let mut previous: Option<(String, i32)> = None;
        while done < total {
            let n = (total - done).min(BATCH as u64) as usize;
            let mut batch = Vec::with_capacity(n);
            for _ in 0..n {
                let arrival = random_day(rng, arrivals_from, today - Duration::days(45));
                let age = rng.random_range(18..=58);
                let birth_year = arrival.year() - age;
                let birth = NaiveDate::from_ymd_opt(birth_year, rng.random_range(1..=12), rng.random_range(2..=28)).unwrap_or(arrival);
                let cpr = if rng.random_bool(0.7) {
                    let mut c = fake_cpr(rng, birth);
                    while !cprs.insert(c.clone()) {
                        c = fake_cpr(rng, birth);
                    }
                    Some(indsats_core::cpr::Cpr::from_stored(c))
                } else {
                    None
                };
                let mut pseudonym = Session::pseudonym(rng);
                while !pseudonyms.insert(pseudonym.clone()) {
                    pseudonym = Session::pseudonym(rng);
                }
                let in_programme = rng.random_bool(0.85);
                let programme_start = in_programme.then(|| (arrival + Duration::days(rng.random_range(20..120))).min(today));
                let programme = match programme_start {
                    None => ProgrammeKind::None,
                    Some(s) if s >= NaiveDate::from_ymd_opt(2019, 7, 1).unwrap_or(s) => ProgrammeKind::SelfSupport,
                    Some(_) => ProgrammeKind::Introduction,
                };
                let origin = match rng.random_range(0..100) {
                    0..=84 => Origin::NonWestern,
                    85..=96 => Origin::Western,
                    _ => Origin::DanishOrigin,
                };
                let mut name = format!("{} {}", FIRST.choose(rng).unwrap_or(&"A"), LAST.choose(rng).unwrap_or(&"B"));
                let (mut cpr, mut birth_year) = (cpr, birth_year);
                // About one person in DUPLICATE_EVERY is registered a second time, without the CPR
                // number and by another caseworker: a duplicate to find and merge.
                if let Some((n, y)) = &previous
                    && rng.random_ratio(1, DUPLICATE_EVERY)
                {
                    (name, birth_year, cpr) = (n.clone(), *y, None);
                }
                previous = Some((name.clone(), birth_year));
                let mut p = Participant {
                    id: ids.next(rng, ParticipantId::new),
                    pseudonym,
                    name,
                    cpr,
                    birth_year,
                    origin,
                    arrival_date: Some(arrival),
                    programme,
                    programme_start,
                    programme_end: None,
                    caseworker: caseworker_names.choose(rng).cloned().unwrap_or_default(),
                    case_closed: None,
                };
                let plan = simulate(rng, ids, today, offerable, &mut p);
                let recorder = p.caseworker.clone();
                let events: Vec<ProgressEvent> = plan
                    .events
                    .into_iter()
                    .map(|(date, details)| {
                        let at =
                            date.and_hms_opt(rng.random_range(8..16), rng.random_range(0..60), 0).map(|t| t.and_utc()).unwrap_or_default();
                        ProgressEvent {
                            id: ids.next(rng, EventId::new),
                            participant: p.id,
                            date,
                            details,
                            recorded_by: recorder.clone(),
                            recorded_at: at,
                        }
                    })
                    .collect();
                // A journal note on some of the held conversations.
                let mut notes: Vec<JournalNote> = Vec::new();
                for e in &events {
                    if matches!(e.details, EventDetails::Conversation { outcome: ConversationOutcome::Held, .. }) && rng.random_bool(0.3) {
                        notes.push(JournalNote {
                            id: ids.next(rng, NoteId::new),
                            participant: p.id,
                            event: Some(e.id),
                            replaces: None,
                            text: NOTE_TEXTS.choose(rng).unwrap_or(&NOTE_TEXTS[0]).to_string(),
                            written_by: recorder.clone(),
                            written_at: e.recorded_at,
                        });
                    }
                }
                batch.push((plan.participant, plan.closed, events, plan.enrolments, notes));
            }
            let (events_n, enrol_n) = batch.iter().fold((0u64, 0u64), |(e, n), b| (e + b.2.len() as u64, n + b.3.len() as u64));
            self.audited("demo.participants", None, "demodata", format!("seed={seed} batch={}", done / BATCH as u64), |tx| {
                for (p, _, _, enrolments, _) in &batch {
                    tx.insert_participant(p)?;
                    for e in enrolments {
                        tx.insert_enrolment(e)?;
                    }
                }
                let events: Vec<ProgressEvent> = batch.iter().flat_map(|b| b.2.iter().cloned()).collect();
                tx.insert_events(&events)?;
                let notes: Vec<JournalNote> = batch.iter().flat_map(|b| b.4.iter().cloned()).collect();
                tx.insert_notes(&notes)?;
                for (p, closed, _, _, _) in &batch {
                    if closed.is_some() {
                        tx.set_case_closed(p.id, *closed)?;
                    }
                }
                Ok(())
            })?;
            events_total += events_n;
            enrolments_total += enrol_n;
            done += n as u64;
            if !progress(done, total) && done < total {
                return Err(ApiError::Cancelled);
            }
        }
        Ok((done as u32, events_total, enrolments_total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_cprs_parse_fail_modulus_11_and_avoid_the_first() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        for y in [1958, 1971, 1999, 2003] {
            let birth = NaiveDate::from_ymd_opt(y, 5, 17).unwrap();
            let c = fake_cpr(&mut rng, birth);
            let check = indsats_core::cpr::Cpr::parse(&c, today).unwrap();
            assert_eq!(check.birth_date, birth);
            assert!(!check.modulus11_ok);
        }
    }
}
