//! `indsats`: the command line for IT admins, scripted exports and tests. Every command goes
//! through indsats-api; this file only parses, prompts, and prints.
//!
//! Exit codes: 0 ok, 2 bad input, 3 wrong passphrase or locked store, 1 anything else.

mod args;
mod files;
mod output;
mod sync_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use indsats_api::core::event::*;
use indsats_api::core::model::*;
use indsats_api::core::validate::parse_date;
use indsats_api::core::{Lang, ValidationError};
use indsats_api::demo::DemoOptions;
use indsats_api::*;

use args::*;
use output::Out;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(&e),
    };
    let lang = Lang::from_tag(&cli.lang);
    let json = cli.json;
    match run(cli, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let (code, class, message, field) = match (err.downcast_ref::<ApiError>(), err.downcast_ref::<files::CliError>()) {
                (Some(e), _) => (e.code().to_string(), e.class(), e.message(lang), e.field()),
                (None, Some(e)) => (e.code().to_string(), e.class(), e.message(lang), None),
                (None, None) => ("error".to_string(), ErrorClass::Other, format!("{err:#}"), None),
            };
            if json {
                eprintln!("{}", serde_json::json!({"error": {"code": code, "message": message, "field": field}}));
            } else {
                let prefix = if lang == Lang::Da { "fejl" } else { "error" };
                eprintln!("{prefix}: {}", message.replace('\n', " "));
            }
            if let Some(status) = err.downcast_ref::<files::CliError>().and_then(files::CliError::exit_status) {
                return ExitCode::from(status);
            }
            ExitCode::from(match class {
                ErrorClass::BadInput => 2,
                ErrorClass::Locked => 3,
                ErrorClass::Other => 1,
            })
        }
    }
}

/// A command line that clap cannot read: one line (or one JSON line) in the user's language,
/// exit 2. The flags are read by hand, since parsing failed.
fn usage_error(e: &clap::Error) -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let lang_arg = args.iter().position(|a| a == "--lang").and_then(|i| args.get(i + 1).cloned());
    let lang_eq = args.iter().find_map(|a| a.strip_prefix("--lang=").map(str::to_string));
    let lang = Lang::from_tag(&lang_arg.or(lang_eq).or_else(|| std::env::var("INDSATS_LANG").ok()).unwrap_or_default());
    let detail = e.to_string().lines().next().unwrap_or_default().trim_start_matches("error: ").trim().to_string();
    let message = match lang {
        Lang::Da => format!("kommandolinjen kan ikke læses ({detail}). Se «indsats --help» eller «indsats KOMMANDO --help»."),
        Lang::En => format!("the command line cannot be read ({detail}). See “indsats --help” or “indsats COMMAND --help”."),
    };
    if json {
        eprintln!("{}", serde_json::json!({"error": {"code": "usage", "message": message, "field": null}}));
    } else {
        eprintln!("{}: {message}", if lang == Lang::Da { "fejl" } else { "error" });
    }
    ExitCode::from(2)
}

/// Wraps any error that a person's input caused so that it exits 2 with its message.
/// `indsats report --verify FILE`: the report's snapshot against the data as it is now.
fn verify_report(s: &Session, file: &std::path::Path, out: &Out) -> anyhow::Result<()> {
    // A CSV report is a folder: its about file holds the marker.
    let bytes = if file.is_dir() {
        let about = ["om.csv", "about.csv"].iter().map(|n| file.join(n)).find(|p| p.exists());
        files::read(&about.unwrap_or_else(|| file.join("om.csv")))?
    } else {
        files::read(file)?
    };
    let (params, snapshot) = indsats_export::find_marker(&bytes).ok_or_else(|| files::CliError::NoMarker(file.to_path_buf()))?;
    let (unchanged, now) = s.verify_summary(&snapshot)?;
    out.verified(file, &params, &snapshot, unchanged, &now);
    if unchanged { Ok(()) } else { Err(files::CliError::Changed.into()) }
}

fn bad(e: ValidationError) -> anyhow::Error {
    ApiError::Invalid(e).into()
}

fn date(field: &'static str, s: &str) -> anyhow::Result<NaiveDate> {
    parse_date(field, s).map_err(bad)
}

fn odate(field: &'static str, s: &Option<String>) -> anyhow::Result<Option<NaiveDate>> {
    s.as_deref().map(|x| date(field, x)).transpose()
}

fn code<T: Code>(s: &str) -> anyhow::Result<T> {
    T::parse(s).map_err(bad)
}

/// `indsats audit …`: list, check, sample, review, extract.
fn audit(s: &mut Session, a: &args::AuditArgs, lang: Lang, out: &Out) -> anyhow::Result<()> {
    match &a.cmd {
        Some(args::AuditCmd::Sample { month }) => out.review_sample(&s.audit_sample(month.as_deref())?),
        Some(args::AuditCmd::Review { id, ok, question, note }) => {
            if !*ok && question.is_none() {
                return Err(bad(ValidationError::Required { field: "ok/question" }));
            }
            out.review(&s.audit_review(id, question.as_deref(), note)?);
        }
        Some(args::AuditCmd::Extract { participant, out: path }) => {
            let Some(format) = indsats_api::ExtractFormat::of_path(path) else {
                let value = path.display().to_string();
                return Err(bad(ValidationError::UnknownCode { field: "out", value, expected: ".pdf, .csv".into() }));
            };
            if path.exists() {
                return Err(files::CliError::Exists(path.clone()).into());
            }
            let e = s.audit_extract(participant, Some(format), lang)?;
            files::write_new(path, e.file.as_deref().unwrap_or_default())?;
            out.extract_written(path, &e);
        }
        None if a.verify => {
            let check = s.verify_audit()?;
            out.audit_verified(&check);
            if !check.ok() {
                return Err(files::CliError::AccessProblem.into());
            }
        }
        None => {
            let q = indsats_api::AuditQuery {
                user: a.by.clone(),
                citizen: a.citizen.clone(),
                action: a.action.clone(),
                from: odate("from", &a.from)?,
                to: odate("to", &a.to)?,
                subject: a.subject.clone(),
                limit: Some(a.limit),
            };
            out.audit(&s.audit_log(&q)?);
        }
    }
    Ok(())
}

fn required<T>(field: &'static str, v: Option<T>) -> anyhow::Result<T> {
    v.ok_or_else(|| bad(ValidationError::Required { field }))
}

/// An id typed on the command line; one that does not parse is simply not found.
fn id<T: std::str::FromStr>(kind: &'static str, s: &str) -> anyhow::Result<T> {
    s.trim().parse().map_err(|_| ApiError::Store(StoreError::NotFound { kind, id: s.trim().to_string() }).into())
}

fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    let dirs = directories::ProjectDirs::from("dk", "Indsats", "indsats").context("no home folder: give --data-dir")?;
    Ok(dirs.data_dir().to_path_buf())
}

/// The clock: the system's (a test build may pin it: indsats_api::switches).
fn clock() -> anyhow::Result<Box<dyn Clock>> {
    Ok(indsats_api::switches::clock()?)
}

/// The key derivation for a new passphrase (a test build may weaken it: indsats_api::switches).
fn kdf() -> KdfParams {
    indsats_api::switches::kdf(KdfParams::INTERACTIVE)
}

fn passphrase(lang: Lang, env: &str, prompt_da: &str, prompt_en: &str, confirm: bool) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(if lang == Lang::Da {
            format!("ingen adgangsfrase: sæt {env}, eller kør kommandoen i en terminal")
        } else {
            format!("no passphrase: set {env}, or run the command in a terminal")
        });
    }
    let prompt = if lang == Lang::Da { prompt_da } else { prompt_en };
    let p = rpassword::prompt_password(format!("{prompt}: "))?;
    if confirm {
        let again = rpassword::prompt_password(if lang == Lang::Da { "Gentag: " } else { "Repeat: " })?;
        if again != p {
            anyhow::bail!(if lang == Lang::Da {
                "de to adgangsfraser er forskellige; prøv igen"
            } else {
                "the two passphrases differ; try again"
            });
        }
    }
    Ok(p)
}

/// The owner of a new store: `--user` (default: the login name) with `--role` (default admin).
fn owner(cli: &Cli) -> anyhow::Result<User> {
    let name = cli
        .user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "ukendt".into());
    let role = cli.role.as_deref().map(code::<Role>).transpose()?.unwrap_or(Role::Admin);
    User::new(&name, role).map_err(bad)
}

/// What `--user` and `--role` ask for: the store decides what is granted.
fn ask(cli: &Cli) -> anyhow::Result<Ask> {
    let role = match cli.role.as_deref() {
        Some(r) => AskRole::Exactly(code::<Role>(r)?),
        None => AskRole::Granted,
    };
    Ok(Ask { user: cli.user.clone(), role })
}

fn open(cli: &Cli, lang: Lang) -> anyhow::Result<Session> {
    let dir = data_dir(cli)?;
    let ask = ask(cli)?;
    if !indsats_api::is_initialised(&dir) {
        return Err(ApiError::Store(StoreError::NotInitialised { dir }).into());
    }
    let pass = passphrase(lang, "INDSATS_PASSPHRASE", "Adgangsfrase", "Passphrase", false)?;
    Ok(Session::unlock(&dir, &pass, ask, clock()?, None)?)
}

fn run(cli: Cli, lang: Lang) -> anyhow::Result<()> {
    let out = Out::new(cli.json, lang);
    match &cli.command {
        Command::Init { strategy } => {
            let dir = data_dir(&cli)?;
            let source = match strategy {
                None => StrategySource::Default,
                Some(p) => StrategySource::File(std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?),
            };
            let u = owner(&cli)?;
            let pass = passphrase(
                lang,
                "INDSATS_PASSPHRASE",
                "Vælg en adgangsfrase (mindst 8 tegn)",
                "Choose a passphrase (at least 8 characters)",
                true,
            )?;
            let s = Session::init(&dir, &pass, source, u, clock()?, None, kdf())?;
            out.init(&s)?;
        }
        Command::Goals => out.goals(&open(&cli, lang)?.goals()?),
        Command::Target { indicator, year, value } => {
            let mut s = open(&cli, lang)?;
            s.set_target(indicator, *year, *value)?;
            out.ok("Målet er gemt.", "The target is saved.");
        }
        Command::Value { indicator, period, value, note } => {
            let period: Period = period.parse().map_err(ApiError::Period)?;
            let mut s = open(&cli, lang)?;
            s.set_manual_value(indicator, period, *value, note)?;
            out.ok("Værdien er gemt.", "The value is saved.");
        }
        Command::Initiative(cmd) => {
            let mut s = open(&cli, lang)?;
            match cmd {
                InitiativeCmd::Add { title, kind, owner, start, end, capacity, status, description } => {
                    let status: InitiativeStatus = code(status)?;
                    if status == InitiativeStatus::Closed {
                        return Err(bad(ValidationError::InitiativeClosed));
                    }
                    let new = NewInitiative {
                        title: title.clone(),
                        kind: code(kind)?,
                        owner: owner.clone(),
                        start: date("start", start)?,
                        end: odate("end", end)?,
                        capacity: *capacity,
                        status,
                        description: description.clone(),
                    };
                    let id = s.add_initiative(new)?;
                    out.created("initiative", &id.to_string(), None);
                }
                InitiativeCmd::List { kind, status, goal, owner } => {
                    let filter = InitiativeFilter {
                        kind: kind.as_deref().map(code).transpose()?,
                        status: status.as_deref().map(code).transpose()?,
                        goal: goal.as_deref().map(|g| s.goal_id(g)).transpose()?,
                        owner: owner.clone(),
                    };
                    out.initiatives(&s.initiatives(&filter)?);
                }
                InitiativeCmd::Show { id: i } => out.initiative(&s.initiative(id("initiative", i)?)?),
                InitiativeCmd::Link { id: i, goal, contribution } => {
                    s.link_initiative(id("initiative", i)?, goal, contribution)?;
                    out.ok("Indsatsen er koblet til målet.", "The initiative is linked to the goal.");
                }
                InitiativeCmd::Unlink { id: i, goal } => {
                    s.unlink_initiative(id("initiative", i)?, goal)?;
                    out.ok("Indsatsen er ikke længere koblet til målet.", "The initiative is no longer linked to the goal.");
                }
                InitiativeCmd::Close { id: i, end } => {
                    s.set_initiative_status(id("initiative", i)?, InitiativeStatus::Closed, odate("end", end)?)?;
                    out.ok("Indsatsen er lukket.", "The initiative is closed.");
                }
            }
        }
        Command::Participant(cmd) => {
            let mut s = open(&cli, lang)?;
            match cmd {
                ParticipantCmd::Add {
                    name,
                    cpr,
                    birth_year,
                    origin,
                    arrival,
                    programme,
                    programme_start,
                    programme_end,
                    caseworker,
                    not_a_duplicate,
                } => {
                    let added = s.add_participant(NewParticipant {
                        name: name.clone(),
                        cpr: cpr.clone(),
                        birth_year: *birth_year,
                        origin: code(origin)?,
                        arrival_date: odate("arrival_date", arrival)?,
                        programme: code(programme)?,
                        programme_start: odate("programme_start", programme_start)?,
                        programme_end: odate("programme_end", programme_end)?,
                        caseworker: caseworker.clone(),
                        not_a_duplicate: *not_a_duplicate,
                    })?;
                    out.participant_added(&added);
                }
                ParticipantCmd::List { caseworker, all, limit } => {
                    let f = ParticipantFilter { caseworker: caseworker.clone(), include_closed: *all, limit: *limit };
                    out.participants(&s.participants(&f, &cli.purpose)?);
                }
                ParticipantCmd::Find { query, limit } => out.hits(&s.find_participants(query, *limit, &cli.purpose)?),
                ParticipantCmd::Show { participant } => {
                    let pid = s.participant_id(participant)?;
                    out.participant(&s.participant(pid, &cli.purpose)?);
                }
                ParticipantCmd::Close { participant, date: d } => {
                    let pid = s.participant_id(participant)?;
                    s.close_case(pid, odate("closed", d)?)?;
                    out.ok("Sagen er lukket.", "The case is closed.");
                }
                ParticipantCmd::Merge { keep, duplicate, reason } => {
                    let (k, d) = (s.participant_id(keep)?, s.participant_id(duplicate)?);
                    let (events, enrolments, notes) = s.merge_cases(k, d, reason)?;
                    out.merged(events, enrolments, notes);
                }
                ParticipantCmd::Reopen { participant } => {
                    let pid = s.participant_id(participant)?;
                    s.reopen_case(pid)?;
                    out.ok("Sagen er åben igen.", "The case is open again.");
                }
                ParticipantCmd::Edit {
                    participant,
                    name,
                    cpr,
                    birth_year,
                    origin,
                    arrival,
                    programme,
                    programme_start,
                    programme_end,
                    why,
                } => {
                    let pid = s.participant_id(participant)?;
                    let now = s.participant(pid, &cli.purpose)?.participant;
                    let edit = NewParticipant {
                        name: name.clone().unwrap_or(now.name),
                        cpr: cpr.clone().or_else(|| now.cpr.as_ref().map(|c| c.formatted())),
                        birth_year: Some(birth_year.unwrap_or(now.birth_year)),
                        origin: origin.as_deref().map(code).transpose()?.unwrap_or(now.origin),
                        arrival_date: edited_date("arrival_date", arrival, now.arrival_date)?,
                        programme: programme.as_deref().map(code).transpose()?.unwrap_or(now.programme),
                        programme_start: edited_date("programme_start", programme_start, now.programme_start)?,
                        programme_end: edited_date("programme_end", programme_end, now.programme_end)?,
                        caseworker: None,
                        not_a_duplicate: false,
                    };
                    let warnings = s.edit_participant(pid, edit, why)?;
                    out.ok_with_warnings(&warnings, "Oplysningerne er rettet.", "The details are corrected.");
                }
                ParticipantCmd::Export { participant, out: path, purpose } => {
                    let pid = s.participant_id(participant)?;
                    if path.exists() {
                        return Err(files::CliError::Exists(path.clone()).into());
                    }
                    let pass = passphrase(
                        lang,
                        "INDSATS_EXPORT_PASSPHRASE",
                        "Adgangskode til filen (giv den til modtageren ad en anden vej)",
                        "Passphrase for the file (give it to the recipient another way)",
                        true,
                    )?;
                    let sealed = s.export_case(pid, &pass, purpose, None)?;
                    files::write_new(path, &sealed)?;
                    out.ok(
                        &format!("Sagen er eksporteret krypteret til {}. Den åbnes med age og adgangskoden.", path.display()),
                        &format!("The case is exported, encrypted, to {}. It opens with age and the passphrase.", path.display()),
                    );
                }
                ParticipantCmd::Import { file, not_a_duplicate } => {
                    let sealed = files::read(file)?;
                    let pass =
                        passphrase(lang, "INDSATS_IMPORT_PASSPHRASE", "Sagsfilens adgangskode", "The case file's passphrase", false)?;
                    out.case_imported(&s.import_case(&sealed, &pass, *not_a_duplicate)?);
                }
                ParticipantCmd::Plan { participant, out: path } => {
                    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
                        let value = path.display().to_string();
                        return Err(bad(ValidationError::UnknownCode { field: "out", value, expected: ".pdf".into() }));
                    }
                    let pid = s.participant_id(participant)?;
                    if path.exists() {
                        return Err(files::CliError::Exists(path.clone()).into());
                    }
                    let pdf = s.participant_plan(pid, lang, &cli.purpose)?;
                    files::write_new(path, &pdf)?;
                    out.ok(
                        &format!("Borgerens plan er gemt i {}. Filen rummer personoplysninger: giv den kun til borgeren.", path.display()),
                        &format!(
                            "The citizen's plan is saved in {}. The file holds personal data: give it to the citizen only.",
                            path.display()
                        ),
                    );
                }
            }
        }
        Command::Enrol { participant, initiative, start, end } => {
            let mut s = open(&cli, lang)?;
            let pid = s.participant_id(participant)?;
            let e = s.enrol(pid, id("initiative", initiative)?, date("start", start)?, odate("end", end)?)?;
            out.created("enrolment", &e.to_string(), None);
        }
        Command::Enrolment(EnrolmentCmd::End { id: e, end, outcome }) => {
            let mut s = open(&cli, lang)?;
            s.end_enrolment(id("enrolment", e)?, date("end", end)?, code(outcome)?)?;
            out.ok("Forløbet er afsluttet.", "The enrolment has ended.");
        }
        Command::Enrolment(EnrolmentCmd::Edit { id: e, start, end, outcome, why }) => {
            let mut s = open(&cli, lang)?;
            let edit = EnrolmentEdit {
                start: start.as_deref().map(|d| date("start", d)).transpose()?,
                end: cleared(end, |d| date("end", d))?,
                outcome: cleared(outcome, code)?,
            };
            s.edit_enrolment(id("enrolment", e)?, edit, why)?;
            out.ok("Forløbet er rettet.", "The enrolment is corrected.");
        }
        Command::Enrolment(EnrolmentCmd::Remove { id: e, reason }) => {
            let mut s = open(&cli, lang)?;
            s.remove_enrolment(id("enrolment", e)?, reason)?;
            out.ok("Forløbet er fjernet.", "The enrolment is removed.");
        }
        Command::Event(EventCmd::Edit { id: e, date: d, event: kind, details, why }) => {
            let mut s = open(&cli, lang)?;
            let when = d.as_deref().map(|d| date("date", d)).transpose()?;
            let details = match kind {
                Some(kind) => Some(event_details(kind, details)?),
                None if details.any() => return Err(bad(ValidationError::Required { field: "event" })),
                None => None,
            };
            s.correct_event(id("event", e)?, when, details, why)?;
            out.ok("Hændelsen er rettet.", "The event is corrected.");
        }
        Command::Event(EventCmd::Remove { id: e, reason }) => {
            let mut s = open(&cli, lang)?;
            s.remove_event(id("event", e)?, reason)?;
            out.ok("Hændelsen er fjernet.", "The event is removed.");
        }
        Command::Log(a) => {
            let mut s = open(&cli, lang)?;
            let pid = s.participant_id(&a.participant)?;
            let when = match &a.date {
                Some(d) => date("date", d)?,
                None => s.today(),
            };
            let details = event_details(&a.event, &a.details)?;
            let id = s.record_progress_with_note(pid, when, details, a.note.as_deref())?;
            out.created("event", &id.to_string(), None);
        }
        Command::Note { participant, text, on, replaces } => {
            let mut s = open(&cli, lang)?;
            let pid = s.participant_id(participant)?;
            let on = on.as_deref().map(|e| id("event", e)).transpose()?;
            let replaces = replaces.as_deref().map(|n| id("note", n)).transpose()?;
            let note = s.write_note(pid, on, replaces, text)?;
            out.created("note", &note.to_string(), None);
        }
        Command::Handover { participant, from, to, note } => {
            let mut s = open(&cli, lang)?;
            let scope = match (participant, from) {
                (Some(p), _) => indsats_api::handover::HandoverScope::Case(s.participant_id(p)?),
                (None, Some(from)) => indsats_api::handover::HandoverScope::Caseload(from.clone()),
                (None, None) => anyhow::bail!(if lang == Lang::Da {
                    "Skriv hvilken sag (pseudonym) eller --from BRUGER for en hel sagsstamme."
                } else {
                    "Name the case (pseudonym), or --from USER for a whole caseload."
                }),
            };
            out.handed_over(&s.hand_over(scope, to, note)?);
        }
        Command::Worklist { caseworker, team, no_contact_days } => {
            let mut s = open(&cli, lang)?;
            let scope = match (caseworker, team) {
                (_, true) => indsats_api::worklist::WorklistScope::Team,
                (Some(w), false) => indsats_api::worklist::WorklistScope::Caseworker(w.clone()),
                (None, false) => indsats_api::worklist::WorklistScope::Mine,
            };
            out.worklist(&s.worklist(scope, *no_contact_days)?);
        }
        Command::Notes { search, limit } => {
            let mut s = open(&cli, lang)?;
            out.note_hits(&s.search_notes(search, *limit, &cli.purpose)?);
        }
        Command::Timeline { participant } => {
            let mut s = open(&cli, lang)?;
            let pid = s.participant_id(participant)?;
            out.timeline(&s.timeline(pid, &cli.purpose)?);
        }
        Command::Team(cmd) => sync_cmd::team(&mut open(&cli, lang)?, cmd, &out)?,
        Command::Sync(args) => sync_cmd::sync(open(&cli, lang)?, args, lang, &out)?,
        Command::Conflicts(args) => sync_cmd::conflicts(&mut open(&cli, lang)?, args, &cli.purpose, &out)?,
        Command::Status { no_contact_days } => out.status(&open(&cli, lang)?.status(*no_contact_days)?),
        Command::Indicators { period, participants } => {
            let mut s = open(&cli, lang)?;
            let period: Period = match period {
                Some(p) => p.parse().map_err(ApiError::Period)?,
                None => Period::Year(chrono::Datelike::year(&s.today())),
            };
            match participants {
                Some(key) => out.hits(&s.indicator_participants(key, period, &cli.purpose)?),
                None => out.indicators(period, &s.goal_status(period)?),
            }
        }
        Command::Report { period, format, out: path, threshold, verify, share } => {
            let mut s = open(&cli, lang)?;
            if *share && s.team()?.is_none() {
                return Err(ApiError::from(indsats_api::sync::SyncError::NoTeam).into());
            }
            if let Some(file) = verify {
                return verify_report(&s, file, &out);
            }
            let path = required("out", path.clone())?;
            let format = match format.as_deref().map(str::to_ascii_lowercase) {
                Some(f) => f,
                None => match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                    Some("pdf") => "pdf".into(),
                    Some("xlsx") => "xlsx".into(),
                    _ => "csv".into(),
                },
            };
            if !["pdf", "xlsx", "csv"].contains(&format.as_str()) {
                return Err(bad(ValidationError::UnknownCode { field: "format", value: format, expected: "pdf, xlsx, csv".into() }));
            }
            if path.exists() {
                return Err(files::CliError::Exists(path).into());
            }
            let period: Period = match period {
                Some(p) => p.parse().map_err(ApiError::Period)?,
                None => Period::Year(chrono::Datelike::year(&s.today())),
            };
            let summary = s.summary(period, lang, *threshold)?;
            let export = |e: indsats_export::ExportError| anyhow::anyhow!(e.message(lang));
            let name = |p: &std::path::Path| {
                p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| format!("rapport.{format}"))
            };
            let shared: Vec<(String, Vec<u8>)> = match format.as_str() {
                "pdf" | "xlsx" => {
                    let bytes =
                        if format == "pdf" { indsats_export::pdf(&summary) } else { indsats_export::xlsx(&summary) }.map_err(export)?;
                    files::write_new(&path, &bytes)?;
                    vec![(name(&path), bytes)]
                }
                _ => {
                    let csv = indsats_export::csv(&summary);
                    files::write_new_dir(&path, &csv)?;
                    csv.into_iter().map(|(n, text)| (n, text.into_bytes())).collect()
                }
            };
            if *share {
                s.queue_export(&summary, &shared)?;
            }
            out.report_written(&path, &summary);
        }
        Command::Demo { participants, seed } => {
            let dir = data_dir(&cli)?;
            let mut s = if indsats_api::is_initialised(&dir) {
                open(&cli, lang)?
            } else {
                let pass = passphrase(
                    lang,
                    "INDSATS_PASSPHRASE",
                    "Vælg en adgangsfrase til demodata (mindst 8 tegn)",
                    "Choose a passphrase for the demo data (at least 8 characters)",
                    true,
                )?;
                Session::init(&dir, &pass, StrategySource::Default, owner(&cli)?, clock()?, None, kdf())?
            };
            let bar = indicatif::ProgressBar::new(u64::from(*participants));
            if cli.json || !std::io::stderr().is_terminal() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({per_sec}, {eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let summary = s.generate_demo(&DemoOptions { participants: *participants, seed: *seed }, &mut |done, _| {
                bar.set_position(done);
                true
            })?;
            bar.finish_and_clear();
            out.demo(&summary, started.elapsed());
        }
        Command::Whoami => out.whoami(&open(&cli, lang)?),
        Command::Role(RoleCmd::Set { role }) => {
            let role: Role = code(role)?;
            // Unlocked as the owner is now; the change is to the role, so --role is not asked for.
            let dir = data_dir(&cli)?;
            if !indsats_api::is_initialised(&dir) {
                return Err(ApiError::Store(StoreError::NotInitialised { dir }).into());
            }
            let pass = passphrase(lang, "INDSATS_PASSPHRASE", "Adgangsfrase", "Passphrase", false)?;
            let mut s = Session::unlock(&dir, &pass, Ask { user: cli.user.clone(), role: AskRole::Granted }, clock()?, None)?;
            s.change_role(&pass, role)?;
            out.ok(
                &format!("Rollen er nu «{}». Ændringen er logget.", role.label(Lang::Da)),
                &format!("The role is now “{}”. The change is logged.", role.label(Lang::En)),
            );
        }
        Command::Passphrase(PassphraseCmd::Change) => {
            let mut s = open(&cli, lang)?;
            let old = passphrase(lang, "INDSATS_PASSPHRASE", "Nuværende adgangsfrase", "Current passphrase", false)?;
            let new = passphrase(
                lang,
                "INDSATS_NEW_PASSPHRASE",
                "Ny adgangsfrase (mindst 8 tegn)",
                "New passphrase (at least 8 characters)",
                true,
            )?;
            s.change_passphrase(&old, &new, kdf())?;
            out.ok(
                "Adgangsfrasen er skiftet. Data er ikke krypteret om; kun nøglen er pakket ind på ny.",
                "The passphrase is changed. The data was not re-encrypted; only its key was re-wrapped.",
            );
        }
        Command::Audit(a) => audit(&mut open(&cli, lang)?, a, lang, &out)?,
        Command::Backup { out: file, folder, keep } => {
            let mut s = open(&cli, lang)?;
            let (made, removed) = match (file, folder) {
                (Some(file), _) => (s.backup(file)?, Vec::new()),
                (None, Some(folder)) => {
                    let r = s.backup_to_folder(folder, *keep)?;
                    (r.made, r.removed)
                }
                (None, None) => anyhow::bail!(if lang == Lang::Da {
                    "angiv --out FIL eller --folder MAPPE"
                } else {
                    "give --out FILE or --folder FOLDER"
                }),
            };
            out.backup(&made, &removed);
        }
        Command::Import { kind, file, mapping, dry_run, keep_good, rejected } => {
            use indsats_api::import::{ImportMode, Kind};
            let kind = match kind.trim().to_lowercase().as_str() {
                "participants" | "deltagere" => Kind::Participants,
                "enrolments" | "forløb" => Kind::Enrolments,
                "events" | "hændelser" => Kind::Events,
                other => {
                    return Err(bad(ValidationError::UnknownCode {
                        field: "kind",
                        value: other.to_string(),
                        expected: "participants, enrolments, events".into(),
                    }));
                }
            };
            let mode = match (dry_run, keep_good) {
                (true, _) => ImportMode::DryRun,
                (false, true) => ImportMode::KeepGood,
                (false, false) => ImportMode::AllOrNothing,
            };
            let bytes = files::read(file)?;
            let mapping = match mapping {
                Some(m) => Some(String::from_utf8(files::read(m)?).map_err(|_| {
                    bad(ValidationError::UnknownCode { field: "mapping", value: m.display().to_string(), expected: "UTF-8 TOML".into() })
                })?),
                None => None,
            };
            let rejected_path = keep_good.then(|| {
                rejected.clone().unwrap_or_else(|| {
                    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let name = if lang == Lang::Da { format!("{stem}-afviste.csv") } else { format!("{stem}-rejected.csv") };
                    file.with_file_name(name)
                })
            });
            if let Some(p) = &rejected_path
                && p.exists()
            {
                return Err(files::CliError::Exists(p.clone()).into());
            }
            let mut s = open(&cli, lang)?;
            let report = s.import(kind, &bytes, mapping.as_deref(), mode)?;
            let bad_rows: Vec<usize> = report.bad_rows().into_iter().collect();
            let mut written_rejected = None;
            if let Some(p) = rejected_path
                && !bad_rows.is_empty()
            {
                files::write_new(&p, &report.rejected_file(&bytes, lang)?)?;
                written_rejected = Some(p);
            }
            out.import(&report, written_rejected.as_deref());
            if !bad_rows.is_empty() {
                return Err(files::CliError::BadRows { rows: bad_rows, written: report.imported, rejected: written_rejected }.into());
            }
        }
        Command::Restore { file } => {
            let dir = data_dir(&cli)?;
            let pass = passphrase(
                lang,
                "INDSATS_PASSPHRASE",
                "Adgangsfrase (som da kopien blev lavet)",
                "Passphrase (as when the backup was made)",
                false,
            )?;
            let (view, _s) = indsats_api::backup::restore(file, &dir, &pass, ask(&cli)?, clock()?)?;
            out.restored(&view, &dir);
        }
    }
    Ok(())
}

/// Builds typed event details from the flags the event type needs.
/// An optional field being corrected: not given keeps it (`None`), "" clears it (`Some(None)`).
fn cleared<T>(given: &Option<String>, parse: impl Fn(&str) -> anyhow::Result<T>) -> anyhow::Result<Option<Option<T>>> {
    match given.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) => Ok(Some(Some(parse(v)?))),
    }
}

/// An optional date being corrected: not given keeps `now`, "" clears it.
fn edited_date(field: &'static str, given: &Option<String>, now: Option<NaiveDate>) -> anyhow::Result<Option<NaiveDate>> {
    match given.as_deref().map(str::trim) {
        None => Ok(now),
        Some("") => Ok(None),
        Some(d) => Ok(Some(date(field, d)?)),
    }
}

fn event_details(event: &str, a: &DetailArgs) -> anyhow::Result<EventDetails> {
    let get = |key: &'static str| -> Option<String> {
        match key {
            "course" => a.course.clone(),
            "module" => a.module.map(|m| m.to_string()),
            "exam" => a.exam.clone(),
            "offer" => a.offer.clone(),
            "hours" => a.hours.map(|h| h.to_string()),
            "kind" => a.kind.clone(),
            "level" => a.level.clone(),
            "result" => a.result.clone(),
            "dimension" => a.dimension.clone(),
            "scale" => Some(a.scale.clone()),
            "score" => a.score.map(|s| s.to_string()),
            "target_group" => a.target_group.clone(),
            "new_end" => a.new_end.clone(),
            "reason" => a.reason.clone(),
            "outcome" => a.outcome.clone(),
            "mode" => a.mode.clone(),
            "interpreter" => a.interpreter.clone(),
            _ => None,
        }
    };
    indsats_api::core::event::details_from(event, &get).map_err(|e| bad(e.error))
}
