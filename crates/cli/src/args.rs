//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "indsats",
    version,
    about = "Indsats: registrering og opfølgning på integrationsindsatser (Danish by default; --lang en for English)"
)]
pub struct Cli {
    /// The data folder (default: the operating system's per-user data folder).
    #[arg(long, global = true, env = "INDSATS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable output (JSON on stdout; errors as one JSON line on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages and tables: da (default) or en.
    #[arg(long, global = true, env = "INDSATS_LANG", default_value = "da")]
    pub lang: String,
    /// Who is acting (recorded in the audit log). At `init`: the store's owner (default: the
    /// login name). Afterwards it must be the store's person (the team's roster, or the owner);
    /// leave it out to act as them.
    #[arg(long, global = true, env = "INDSATS_USER")]
    pub user: Option<String>,
    /// The role to act with: caseworker, team_lead or admin. At `init`: the owner's role
    /// (default admin). Afterwards at most the role the store grants (the team's roster, or the
    /// owner's); default: that role.
    #[arg(long, global = true, env = "INDSATS_ROLE")]
    pub role: Option<String>,
    /// Why you read personal data (recorded in the audit log).
    #[arg(long, global = true, env = "INDSATS_PURPOSE", default_value = "sagsbehandling")]
    pub purpose: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the encrypted data store and load the strategy.
    Init {
        /// A strategy file (TOML, see docs/strategy-file.md). Default: Ballerup Kommune's Vision 2029 strategy.
        #[arg(long)]
        strategy: Option<PathBuf>,
    },
    /// The strategy's goals with their indicators and targets.
    Goals,
    /// Set an indicator's target for a year (team lead, admin).
    Target {
        /// The indicator's key or id.
        indicator: String,
        year: i32,
        value: f64,
    },
    /// Enter the value of a manual indicator for a period (team lead, admin).
    Value {
        /// The indicator's key or id.
        indicator: String,
        /// A year (2026), a quarter (2026-Q3) or a month (2026-05).
        period: String,
        value: f64,
        /// Where the value comes from (a survey, a register).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Initiatives (indsatser).
    #[command(subcommand)]
    Initiative(InitiativeCmd),
    /// Participants (deltagere).
    #[command(subcommand)]
    Participant(ParticipantCmd),
    /// Enrol a participant in an initiative.
    Enrol {
        /// The participant's id or pseudonym.
        participant: String,
        /// The initiative's id.
        initiative: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: Option<String>,
    },
    /// End, correct or remove an enrolment.
    #[command(subcommand)]
    Enrolment(EnrolmentCmd),
    /// Log one progress event.
    Log(Box<LogArgs>),
    /// Correct or remove a logged event.
    #[command(subcommand)]
    Event(EventCmd),
    /// Write a journal note on a case (notatpligt), or on one of its events; with --replaces, a
    /// new version of a note (the earlier stays in its history). The notes are on `timeline`.
    Note {
        /// The participant's id or pseudonym.
        participant: String,
        #[arg(long)]
        text: String,
        /// The event (a conversation) the note is about (see `timeline`).
        #[arg(long)]
        on: Option<String>,
        /// The note this corrects (its current version).
        #[arg(long)]
        replaces: Option<String>,
    },
    /// Hand a case over to another caseworker in the team (overdragelse), or with --from a whole
    /// caseload (when someone leaves). The case's history goes to the new caseworker's laptop at
    /// the next sync; the old one stops receiving it. A caseworker hands over their own cases, a
    /// team lead any.
    Handover {
        /// The participant's id or pseudonym (leave out with --from).
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        participant: Option<String>,
        /// Every case of this caseworker's caseload.
        #[arg(long)]
        from: Option<String>,
        /// The caseworker (user name on the team's roster) who takes the case.
        #[arg(long)]
        to: String,
        /// The handover note: what the new caseworker should know.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Today's work: overdue and due items, upcoming conversations, cases without contact and
    /// open drafts (an audited read). A team lead may ask for a caseworker's or the team's, with
    /// the workload per caseworker.
    Worklist {
        /// A caseworker's worklist (team lead, admin).
        #[arg(long, conflicts_with = "team")]
        caseworker: Option<String>,
        /// The whole team's (team lead, admin).
        #[arg(long)]
        team: bool,
        /// Cases without any event for more than this many days.
        #[arg(long, default_value_t = 60)]
        no_contact_days: u32,
    },
    /// Search the journal notes of your own caseload (an audited search).
    Notes {
        /// Words the note holds.
        #[arg(long)]
        search: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// A participant's timeline with the ladder step after each event.
    Timeline {
        /// The participant's id or pseudonym.
        participant: String,
    },
    /// Caseload and goal overview, as numbers.
    Status {
        /// Count open cases with no event for more than this many days.
        #[arg(long, default_value_t = 60)]
        no_contact_days: u32,
    },
    /// The strategy's indicators and each goal's status for a period (aggregates only).
    Indicators {
        /// A year (2026), a quarter (2026-Q3) or a month (2026-05). Default: this year.
        #[arg(long)]
        period: Option<String>,
        /// Instead: list the participants behind this indicator's value (team lead, admin; audited).
        #[arg(long)]
        participants: Option<String>,
    },
    /// The management summary, anonymised (team lead, admin): PDF, XLSX, or a folder of CSV
    /// files. Or, with --verify FILE, whether the data behind a report has changed since
    /// (exit status 4 when it has).
    Report {
        /// A year (2026), a quarter (2026-Q3) or a month (2026-05). Default: this year.
        #[arg(long)]
        period: Option<String>,
        /// pdf, xlsx or csv (a folder of CSV files). Default: from --out's extension.
        #[arg(long)]
        format: Option<String>,
        /// The file (or for csv, the folder) to write; it must not exist.
        #[arg(long, required_unless_present = "verify")]
        out: Option<std::path::PathBuf>,
        /// Cells under this many persons are hidden (at least 3).
        #[arg(long, default_value_t = 5)]
        threshold: u64,
        /// Check a report made earlier instead: a PDF, an XLSX, or a CSV folder or its about file.
        #[arg(long, conflicts_with_all = ["out", "format"])]
        verify: Option<std::path::PathBuf>,
        /// Also send it to the team's sync target (encrypted to the team and IT's escrow) at the
        /// next sync.
        #[arg(long, conflicts_with = "verify")]
        share: bool,
    },
    /// Generate realistic synthetic data (creates the store if the data folder is empty).
    Demo {
        #[arg(long, default_value_t = 5000)]
        participants: u32,
        #[arg(long, default_value_t = 2029)]
        seed: u64,
    },
    /// The passphrase.
    #[command(subcommand)]
    Passphrase(PassphraseCmd),
    /// Back up the store: a consistent, encrypted copy (it opens with the store's passphrase),
    /// read back and checked before it is reported. To one new file (--out), or into a folder
    /// that keeps the newest --keep of this store's backups (--folder).
    Backup {
        /// The backup file to write (it must not exist).
        #[arg(long, conflicts_with = "folder", required_unless_present = "folder")]
        out: Option<PathBuf>,
        /// A folder for dated backups of this store.
        #[arg(long)]
        folder: Option<PathBuf>,
        /// With --folder: how many of this store's backups to keep there (1-365).
        #[arg(long, default_value_t = 7, requires = "folder")]
        keep: u32,
    },
    /// Import an existing caseload from CSV (Danish or English Excel) or XLSX: participants,
    /// enrolments or progress events. Headers that are the field names or their labels map by
    /// themselves; a mapping file names the others (docs/operations.md, "Importing a caseload").
    /// One transaction: every row or none, unless --keep-good. Exit 2 on bad rows, naming them.
    Import {
        /// participants, enrolments or events
        kind: String,
        /// The .csv or .xlsx file.
        file: PathBuf,
        /// A mapping file (TOML: [columns] "Header" = "field").
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Check every row as the import would, and write nothing.
        #[arg(long, conflicts_with = "keep_good")]
        dry_run: bool,
        /// Import the good rows and write the bad ones, with their errors, to a CSV file.
        #[arg(long)]
        keep_good: bool,
        /// With --keep-good: where the bad rows go (default: beside FILE, "-afviste.csv").
        #[arg(long, requires = "keep_good")]
        rejected: Option<PathBuf>,
    },
    /// Restore a backup into the data folder, which must be empty or not exist (the passphrase
    /// the store had when the backup was made, from INDSATS_PASSPHRASE or a prompt).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Who acts on this store: the person and role it grants (the team's roster, or the owner),
    /// and the role asked for.
    Whoami,
    /// The store owner's role (outside a team).
    #[command(subcommand)]
    Role(RoleCmd),
    /// The team this computer syncs with: create it (team lead), invite, join, add, remove, show.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Sync with the team: push this computer's changes and pull the others'. Without --once it
    /// keeps syncing (every --interval seconds, backing off while the target cannot be reached)
    /// until stopped.
    Sync(SyncArgs),
    /// The conflicts inbox: your edits that lost to an edit made at the same time on another
    /// computer. Settle each with `conflicts resolve`.
    Conflicts(ConflictsArgs),
    /// The access log (team lead, admin): this computer's and, on a lead's, the team's. Filter
    /// by person, citizen, action and period; check it; review a monthly sample; make a citizen's
    /// extract.
    Audit(AuditArgs),
}

#[derive(Subcommand, Debug)]
pub enum InitiativeCmd {
    /// Register an initiative.
    Add {
        #[arg(long)]
        title: String,
        /// danskuddannelse, virksomhedspraktik, loentilskud, igu, mentor, vejledning, fvu_amu_avu, fgu_brobygning, forening, demokrati, andet
        #[arg(long = "type")]
        kind: String,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        capacity: Option<u32>,
        /// planned or active
        #[arg(long, default_value = "active")]
        status: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List initiatives.
    List {
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        /// A goal's key or id.
        #[arg(long)]
        goal: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
    /// One initiative: its goals, enrolments and results.
    Show { id: String },
    /// Link an initiative to a goal, with a sentence on how it contributes.
    Link {
        id: String,
        /// The goal's key or id.
        #[arg(long)]
        goal: String,
        #[arg(long)]
        contribution: String,
    },
    /// Remove an initiative's link to a goal.
    Unlink {
        id: String,
        /// The goal's key or id.
        #[arg(long)]
        goal: String,
    },
    /// Close an initiative.
    Close {
        id: String,
        #[arg(long)]
        end: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ParticipantCmd {
    /// Register a participant.
    Add {
        #[arg(long)]
        name: String,
        /// DDMMYY-SSSS (optional; never exported).
        #[arg(long)]
        cpr: Option<String>,
        /// Required when no CPR number is given.
        #[arg(long)]
        birth_year: Option<i32>,
        /// non_western, western or danish
        #[arg(long, default_value = "non_western")]
        origin: String,
        #[arg(long)]
        arrival: Option<String>,
        /// selvforsoergelse, introduktion or ingen
        #[arg(long, default_value = "selvforsoergelse")]
        programme: String,
        #[arg(long)]
        programme_start: Option<String>,
        #[arg(long)]
        programme_end: Option<String>,
        /// Default: the acting user.
        #[arg(long)]
        caseworker: Option<String>,
        /// A case with the same name and birth year exists, and this is another person: register
        /// anyway. (A case with the same CPR number is always refused.)
        #[arg(long)]
        not_a_duplicate: bool,
    },
    /// List participants (an audited read).
    List {
        #[arg(long)]
        caseworker: Option<String>,
        /// Include closed cases.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Search by name, pseudonym or whole CPR number (an audited read).
    Find {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// One participant's case (an audited read).
    Show { participant: String },
    /// Close a participant's case.
    Close {
        participant: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Reopen a closed case (closed by mistake, or the citizen is back).
    Reopen { participant: String },
    /// Merge two cases of one person: the duplicate's events, enrolments and notes move into the
    /// case kept, and the duplicate is closed.
    Merge {
        /// The case to keep (id or pseudonym).
        keep: String,
        /// The duplicate to merge into it.
        duplicate: String,
        /// Why (required; shown on both timelines).
        #[arg(long)]
        reason: String,
    },
    /// Correct a participant's details (the fields not given stay as they are; "" clears an
    /// optional one). The caseworker changes by a handover, not here.
    Edit {
        participant: String,
        #[arg(long)]
        name: Option<String>,
        /// DDMMYY-SSSS; "" removes it.
        #[arg(long)]
        cpr: Option<String>,
        #[arg(long)]
        birth_year: Option<i32>,
        /// non_western, western or danish
        #[arg(long)]
        origin: Option<String>,
        #[arg(long)]
        arrival: Option<String>,
        /// selvforsoergelse, introduktion or ingen
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        programme_start: Option<String>,
        #[arg(long)]
        programme_end: Option<String>,
        /// Why (kept with the correction and shown on the timeline).
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Export a participant's whole case as an encrypted file (age, passphrase) to hand it over:
    /// the case's own caseworker or a team lead; audited.
    Export {
        /// Pseudonym or id.
        participant: String,
        /// The file to write (it must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Why (logged).
        #[arg(long, default_value = "overdragelse af sag")]
        purpose: String,
    },
    /// Import a case file that `participant export` wrote (the passphrase from
    /// INDSATS_IMPORT_PASSPHRASE, or asked for) into your caseload, with its whole history.
    Import {
        /// The encrypted case file.
        file: std::path::PathBuf,
        /// The name and birth year match a case here, but it is another person.
        #[arg(long)]
        not_a_duplicate: bool,
    },
    /// The participant's plan for the citizen, as a PDF: the current goals, the agreed
    /// activities and the next conversation, in Danish (--lang en: English). The case's own
    /// caseworker or a team lead; audited.
    Plan {
        /// Pseudonym or id.
        participant: String,
        /// The PDF file to write (it must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum EnrolmentCmd {
    /// End an enrolment: completed, dropped_out, job or education.
    End {
        id: String,
        #[arg(long)]
        end: String,
        #[arg(long)]
        outcome: String,
    },
    /// Correct an enrolment's dates or outcome (the fields not given stay as they are).
    Edit {
        id: String,
        #[arg(long)]
        start: Option<String>,
        /// The end date; "" clears it (the enrolment is open again, without an outcome).
        #[arg(long)]
        end: Option<String>,
        /// completed, dropped_out, job or education; "" clears it.
        #[arg(long)]
        outcome: Option<String>,
        /// Why (kept with the correction and shown on the timeline).
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Remove an enrolment registered in error; the timeline keeps what it was.
    Remove {
        id: String,
        /// Why it is removed (required; shown on the timeline).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventCmd {
    /// Correct an event's date or details. To change the details, give --event and the details
    /// in full, as `log` takes them; without --event they stay as they are.
    Edit {
        /// The event's id (see `timeline`).
        id: String,
        #[arg(long)]
        date: Option<String>,
        /// The event type, when the details change (default: the event's own).
        #[arg(long)]
        event: Option<String>,
        #[command(flatten)]
        details: Box<DetailArgs>,
        /// Why (kept with the correction and shown on the timeline).
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Remove an event registered in error (on the wrong person, or twice); the timeline keeps
    /// what was removed, when, by whom and why.
    Remove {
        /// The event's id (see `timeline`).
        id: String,
        /// Why it is removed (required; shown on the timeline).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PassphraseCmd {
    /// Change the passphrase (INDSATS_PASSPHRASE and INDSATS_NEW_PASSPHRASE, or prompts).
    Change,
}

#[derive(Subcommand, Debug)]
pub enum RoleCmd {
    /// Change the store owner's role outside a team (asks for the passphrase again; audited). In
    /// a team the lead changes roles on the roster (`team role`).
    Set {
        /// caseworker, team_lead or admin.
        role: String,
    },
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The participant's id or pseudonym.
    pub participant: String,
    /// The event type, e.g. module_test_passed, offer_started, employment_started, meeting_held.
    pub event: String,
    /// The day it happened (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// A journal note on the event (what was said), saved with it.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub details: DetailArgs,
}

/// An event's details, by type (see `log --help`).
#[derive(Args, Debug, Default)]
pub struct DetailArgs {
    /// du1, du2, du3
    #[arg(long)]
    pub course: Option<String>,
    /// 1-6
    #[arg(long)]
    pub module: Option<u8>,
    /// pd1, pd2, pd3, studieproeven
    #[arg(long)]
    pub exam: Option<String>,
    /// An initiative type, for offers.
    #[arg(long)]
    pub offer: Option<String>,
    #[arg(long)]
    pub hours: Option<f32>,
    /// ordinary, wage_subsidy, igu, flex, sheltered (employment); forening, frivillig, demokrati (community)
    #[arg(long)]
    pub kind: Option<String>,
    /// fgu, eud, gymnasial, videregaaende
    #[arg(long)]
    pub level: Option<String>,
    /// completed, dropped_out, job, education
    #[arg(long)]
    pub result: Option<String>,
    /// professional, language, physical, mental, social, attendance, own_belief
    #[arg(long)]
    pub dimension: Option<String>,
    /// 1-5 or 1-10
    #[arg(long, default_value = "1-5")]
    pub scale: String,
    #[arg(long)]
    pub score: Option<u8>,
    /// jobparat, aktivitetsparat (…before 2026 also uddannelsesparat, aktivitetsparat_u30)
    #[arg(long)]
    pub target_group: Option<String>,
    #[arg(long)]
    pub new_end: Option<String>,
    /// fraflyttet, repatrieret, doed (closure); for community, --kind (or this) names the kind
    #[arg(long)]
    pub reason: Option<String>,
    /// held, cancelled, no_show (conversation)
    #[arg(long)]
    pub outcome: Option<String>,
    /// in_person, phone, video (conversation; default in_person)
    #[arg(long)]
    pub mode: Option<String>,
    /// The interpreter's language, when one was used (conversation)
    #[arg(long)]
    pub interpreter: Option<String>,
}

impl DetailArgs {
    /// Whether any detail was given.
    pub fn any(&self) -> bool {
        let DetailArgs {
            course,
            module,
            exam,
            offer,
            hours,
            kind,
            level,
            result,
            dimension,
            scale: _,
            score,
            target_group,
            new_end,
            reason,
            outcome,
            mode,
            interpreter,
        } = self;
        course.is_some()
            || module.is_some()
            || exam.is_some()
            || offer.is_some()
            || hours.is_some()
            || kind.is_some()
            || level.is_some()
            || result.is_some()
            || dimension.is_some()
            || score.is_some()
            || target_group.is_some()
            || new_end.is_some()
            || reason.is_some()
            || outcome.is_some()
            || mode.is_some()
            || interpreter.is_some()
    }
}

#[derive(Subcommand, Debug)]
pub enum TeamCmd {
    /// Create a team led by this computer (team lead).
    Create {
        /// The team's name: letters, digits, - and _ (it is also the folder on the target).
        #[arg(long)]
        name: String,
        /// A name people recognise for this computer, e.g. "Mettes bærbare".
        #[arg(long)]
        device_name: String,
        /// IT's escrow recipient (age1…): every bundle is also encrypted to it.
        #[arg(long)]
        escrow: String,
    },
    /// Write an invite file for a new computer (the team lead's computer).
    Invite {
        /// Where to write the invite.
        #[arg(long)]
        out: PathBuf,
        /// A note for the person joining.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Join the team of an invite file, and write the request file to give the team lead.
    Join {
        /// The invite file from the team lead.
        invite: PathBuf,
        /// A name people recognise for this computer.
        #[arg(long)]
        device_name: String,
        /// Where to write the request for the team lead.
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a computer from its request file (the team lead's computer). Without --yes it only
    /// shows what the request asks for and its key's fingerprint; compare that with the one the
    /// joining computer shows (`team show` there). The next sync publishes the roster.
    Add {
        /// The request file.
        request: PathBuf,
        /// The person on the roster (default: the one the request asks for).
        #[arg(long = "as-user")]
        as_user: Option<String>,
        /// Their role on the roster: caseworker, team_lead or admin (default: the one asked for).
        #[arg(long = "as-role")]
        as_role: Option<String>,
        /// The fingerprint matches: add it.
        #[arg(long)]
        yes: bool,
    },
    /// Change a computer's role on the roster (the team lead's computer).
    Role {
        /// The computer's id (see `team show`).
        device: String,
        /// caseworker, team_lead or admin.
        // Not `role`: that is the global `--role` (what this computer acts as), and clap would
        // take the one for the other.
        #[arg(value_name = "ROLE")]
        new_role: String,
    },
    /// Hand the team lead's role to another computer on the team (the team lead's computer);
    /// the next sync publishes it, and every computer follows.
    LeadTransfer {
        /// The new lead's computer id (see `team show`).
        device: String,
    },
    /// IT: make this computer the team's lead in place of a lost lead laptop, with the escrow's
    /// identity file (the target must be set here first: `sync target …`).
    Recover {
        /// The team's name (its folder on the target).
        #[arg(long)]
        team: String,
        /// IT's escrow identity file (AGE-SECRET-KEY-1…); it is read, used and kept nowhere.
        #[arg(long)]
        escrow_identity: PathBuf,
        /// A name people recognise for this computer, e.g. "Mettes nye bærbare".
        #[arg(long)]
        device_name: String,
        /// The team shown is the right one: make the change.
        #[arg(long)]
        yes: bool,
    },
    /// IT, after `team recover` and a sync: let the team's computers read the earlier bundles
    /// they asked for, with the escrow's identity file.
    EscrowServe {
        /// IT's escrow identity file (AGE-SECRET-KEY-1…); it is read, used and kept nowhere.
        #[arg(long)]
        escrow_identity: PathBuf,
    },
    /// Take a computer off the team (lost or replaced) (the team lead's computer).
    Remove {
        /// The computer's id (see `team show`).
        device: String,
    },
    /// The team and its computers.
    Show,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub cmd: Option<SyncCmd>,
    /// Sync once and stop.
    #[arg(long)]
    pub once: bool,
    /// Seconds between syncs when syncing continuously.
    #[arg(long, default_value_t = 300)]
    pub interval: u64,
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// The sync status: last sync, changes waiting, the last error, open conflicts.
    Status,
    /// Management exports queued for the target, and what became of each.
    Exports,
    /// Where the team's files are: a folder, WebDAV or S3. A password is read from
    /// INDSATS_TARGET_SECRET or asked for, and kept in the operating system's keystore.
    #[command(subcommand)]
    Target(TargetCmd),
}

#[derive(Subcommand, Debug)]
pub enum TargetCmd {
    /// A folder: a network share, or a folder OneDrive/SharePoint keeps in sync (full path).
    Folder { path: PathBuf },
    /// A WebDAV folder, e.g. Nextcloud's https://host/remote.php/dav/files/USER/Indsats.
    Webdav {
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        username: String,
    },
    /// An S3-compatible bucket.
    S3 {
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        bucket: String,
        #[arg(long, default_value = "us-east-1")]
        region: String,
        #[arg(long)]
        access_key_id: String,
    },
    /// The target that is set.
    Show,
    /// Stop syncing to the target (and forget its password).
    Remove,
}

#[derive(Args, Debug)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    pub cmd: Option<ConflictsCmd>,
    /// Also the settled ones.
    #[arg(long)]
    pub all: bool,
}

#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    /// Settle a conflict: --keep mine, --keep theirs, or --value with a new value (JSON, e.g. '"Ny titel"' or 12).
    Resolve {
        id: i64,
        #[arg(long)]
        keep: Option<String>,
        #[arg(long)]
        value: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub cmd: Option<AuditCmd>,
    /// Only what this person did (a user name).
    #[arg(long = "by")]
    pub by: Option<String>,
    /// Only what concerned this citizen: a pseudonym (D-…) or a name that finds one person.
    #[arg(long)]
    pub citizen: Option<String>,
    /// Only actions starting with this, e.g. participant. or participant.read.
    #[arg(long)]
    pub action: Option<String>,
    /// From this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// To this day, inclusive (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// An initiative's or indicator's id.
    #[arg(long)]
    pub subject: Option<String>,
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Check the log's hash chain, and each device's log held here, instead of listing it.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// The month's review sample: drawn at random the first time (up to 5 accesses per person).
    Sample {
        /// YYYY-MM; the month before this one when left out.
        #[arg(long)]
        month: Option<String>,
    },
    /// Mark a drawn access: --ok (reviewed) or --question WHY.
    Review {
        id: String,
        #[arg(long, conflicts_with = "question")]
        ok: bool,
        #[arg(long)]
        question: Option<String>,
        /// A note with --ok.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Every access to one person's data across the team (GDPR art. 15), as .pdf or .csv.
    Extract {
        /// The person's pseudonym (D-…) or name.
        participant: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}
