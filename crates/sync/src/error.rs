//! The one error type of indsats-sync. Each module adds its variants in its own section; every
//! message says what to do, in Danish and English (`message`).

use indsats_core::validate::Lang;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] indsats_store::StoreError),

    // keys, team, bundle
    #[error("device {device} is not on the team's roster")]
    UnknownDevice { device: String },
    #[error("device {device} left the team after its change {last}")]
    Retired { device: String, last: u64 },
    #[error("the bundle has been altered or damaged")]
    Tampered,
    #[error("the bundle is not encrypted to this device")]
    NotForUs,
    #[error("the bundle is malformed: {detail}")]
    Malformed { detail: String },
    #[error("the roster is invalid: {detail}")]
    RosterInvalid { detail: String },
    #[error("the roster is not signed by the team lead")]
    RosterNotSigned,
    #[error("the roster is older (version {got}) than the one in use (version {have})")]
    RosterOlder { have: u64, got: u64 },
    #[error("wrong team: expected {expected}, found {found}")]
    WrongTeam { expected: String, found: String },
    #[error("a key could not be read: {what}")]
    BadKey { what: &'static str },

    // target
    #[error("no connection to the sync target {target}: {detail}")]
    TargetUnreachable { target: String, detail: String },
    #[error("the sync target {target} refused the user name or password: {detail}")]
    TargetAuth { target: String, detail: String },
    #[error("the sync target {target} does not allow access to {path}: {detail}")]
    TargetPermission { target: String, path: String, detail: String },
    #[error("{path} is not on the sync target {target}")]
    TargetNotFound { target: String, path: String },
    #[error("a different file named {path} already exists on the sync target {target}")]
    TargetConflict { target: String, path: String },
    #[error("the sync target settings are not valid: {detail}")]
    TargetConfig { detail: String },
    #[error("the password for the sync target {target} is not saved on this computer")]
    TargetSecretMissing { target: String },
    #[error("the sync target {target} failed: {detail}")]
    TargetFailed { target: String, detail: String },
    #[error("{path:?} is not a valid file name on the sync target")]
    TargetPath { path: String },
    /// A file on the target larger than any Indsats writes: not downloaded.
    #[error("{path:?} on the sync target is {size} bytes, more than the {max} allowed")]
    TooLarge { path: String, size: u64, max: u64 },
    #[error("the operating system's key store failed: {detail}")]
    SecretStore { detail: String },

    // membership
    #[error("this device is not in a team")]
    NoTeam,
    #[error("this device is already in the team {team}")]
    AlreadyInTeam { team: String },
    #[error("this device is not on the roster of team {team} yet")]
    NotOnRoster { team: String },
    #[error("only the team lead's device can change the team")]
    NotLead,
    #[error("no sync target is set")]
    NoTarget,
    #[error("the escrow recipient {value:?} is not an age1… key")]
    BadEscrow { value: String },
    #[error("the identity is not the escrow this team's roster names")]
    NotTheEscrow,
    /// A store restored from a backup older than what its device already sent to the target.
    #[error("device {device} was restored from a backup: the target holds its changes up to {there}, the store only up to {here}")]
    RestoredBehind { device: String, here: u64, there: u64 },
}

impl SyncError {
    /// A stable code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::UnknownDevice { .. } => "unknown_device",
            Self::Retired { .. } => "retired_device",
            Self::Tampered => "tampered",
            Self::NotForUs => "not_for_us",
            Self::Malformed { .. } => "malformed",
            Self::RosterInvalid { .. } => "roster_invalid",
            Self::RosterNotSigned => "roster_not_signed",
            Self::RosterOlder { .. } => "roster_older",
            Self::WrongTeam { .. } => "wrong_team",
            Self::BadKey { .. } => "bad_key",
            Self::TargetUnreachable { .. } => "target_unreachable",
            Self::TargetAuth { .. } => "target_auth",
            Self::TargetPermission { .. } => "target_permission",
            Self::TargetNotFound { .. } => "target_not_found",
            Self::TargetConflict { .. } => "target_conflict",
            Self::TargetConfig { .. } => "target_config",
            Self::TargetSecretMissing { .. } => "target_secret_missing",
            Self::TargetFailed { .. } => "target_failed",
            Self::TargetPath { .. } => "target_path",
            Self::TooLarge { .. } => "too_large",
            Self::SecretStore { .. } => "secret_store",
            Self::NoTeam => "no_team",
            Self::AlreadyInTeam { .. } => "already_in_team",
            Self::NotOnRoster { .. } => "not_on_roster",
            Self::NotLead => "not_lead",
            Self::NoTarget => "no_target",
            Self::BadEscrow { .. } => "bad_escrow",
            Self::NotTheEscrow => "not_the_escrow",
            Self::RestoredBehind { .. } => "restored_behind",
        }
    }

    /// The message in the user's language, saying what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Store(e) => e.message(lang),
            Self::UnknownDevice { device } => match lang {
                Lang::Da => format!("Enheden {device} er ikke på teamets liste. Spørg teamlederen, om den skal tilføjes; intet er ændret."),
                Lang::En => format!("Device {device} is not on the team's roster. Ask the team lead whether it should be added; nothing was changed."),
            },
            Self::Retired { device, last } => match lang {
                Lang::Da => format!("Enheden {device} blev erstattet (en mistet bærbar); kun dens ændringer til og med nr. {last} hører til teamet. Denne pakke er afvist; resten af teamet synkroniserer videre."),
                Lang::En => format!("Device {device} was replaced (a lost laptop); only its changes up to number {last} are the team's. This bundle is refused; the rest of the team keeps syncing."),
            },
            Self::Tampered => match lang {
                Lang::Da => "Pakken er ændret eller beskadiget og er ikke anvendt. Bed afsenderen synkronisere igen.".into(),
                Lang::En => "The bundle has been altered or damaged: it was not applied. Ask the sender to sync again.".into(),
            },
            Self::NotForUs => match lang {
                Lang::Da => "Pakken er ikke krypteret til denne computer, så den kan ikke åbnes. Bed teamlederen kontrollere, at computeren er på teamets liste, og bed afsenderen synkronisere igen.".into(),
                Lang::En => "The bundle is not encrypted to this device, so it cannot be opened. Ask the team lead to check that this device is on the team's roster, and the sender to sync again.".into(),
            },
            Self::Malformed { detail } => match lang {
                Lang::Da => format!("Pakken kan ikke læses ({detail}) og er ikke anvendt. Opdatér Indsats, hvis de andre computere har en nyere version; ellers kontakt IT."),
                Lang::En => format!("The bundle cannot be read ({detail}): it was not applied. Update Indsats if the other devices run a newer version; otherwise contact IT."),
            },
            Self::RosterInvalid { detail } => match lang {
                Lang::Da => format!("Teamets liste er ugyldig ({detail}). Intet er ændret; kontakt teamlederen."),
                Lang::En => format!("The team roster is invalid ({detail}). Nothing was changed; contact the team lead."),
            },
            Self::RosterNotSigned => match lang {
                Lang::Da => "Teamets liste er ikke underskrevet af teamlederen og er ikke taget i brug. Bed teamlederen offentliggøre listen igen.".into(),
                Lang::En => "The team roster is not signed by the team lead and was not taken into use. Ask the team lead to publish the roster again.".into(),
            },
            Self::RosterOlder { have, got } => match lang {
                Lang::Da => format!("Teamets liste (version {got}) er ældre end den, der bruges (version {have}), og er ikke taget i brug. Bed teamlederen offentliggøre den nyeste liste."),
                Lang::En => format!("The team roster (version {got}) is older than the one in use (version {have}) and was not taken into use. Ask the team lead to publish the latest roster."),
            },
            Self::WrongTeam { expected, found } => match lang {
                Lang::Da => format!("Filen hører til teamet {found}, ikke {expected}, og er ikke anvendt. Kontrollér synkroniseringsmappen i indstillingerne."),
                Lang::En => format!("The file belongs to team {found}, not {expected}, and was not applied. Check the sync location in the settings."),
            },
            Self::BadKey { what } => match lang {
                Lang::Da => format!("En nøgle kan ikke læses ({what}). Intet er ændret; kontakt IT."),
                Lang::En => format!("A key cannot be read ({what}). Nothing was changed; contact IT."),
            },
            Self::TargetUnreachable { target, .. } => match lang {
                Lang::Da => format!("Ingen forbindelse til synkroniseringsstedet ({target}). Arbejdet fortsætter offline, og synkroniseringen prøver igen af sig selv. Kontrollér netværket, eller at netværksdrevet er tilsluttet."),
                Lang::En => format!("No connection to the sync target ({target}). Work continues offline and sync retries by itself. Check the network, or that the network drive is connected."),
            },
            Self::TargetAuth { target, .. } => match lang {
                Lang::Da => format!("Brugernavnet eller adgangskoden til synkroniseringsstedet ({target}) er forkert (for S3: adgangsnøglen eller den hemmelige nøgle). Ret det under Indstillinger."),
                Lang::En => format!("The user name or password for the sync target ({target}) is wrong (for S3: the access key or secret key). Correct it in Settings."),
            },
            Self::TargetPermission { target, path, .. } => match lang {
                Lang::Da => format!("Synkroniseringsstedet ({target}) giver ikke adgang til {path}. Bed den, der administrerer det, om læse- og skriveadgang for din bruger."),
                Lang::En => format!("The sync target ({target}) does not give access to {path}. Ask whoever administers it for read and write access for your user."),
            },
            Self::TargetNotFound { target, path } => match lang {
                Lang::Da => format!("{path} findes ikke på synkroniseringsstedet ({target}). Kontrollér adressen, mappen eller bucket-navnet under Indstillinger."),
                Lang::En => format!("{path} is not on the sync target ({target}). Check the address, folder or bucket name in Settings."),
            },
            Self::TargetConflict { target, path } => match lang {
                Lang::Da => format!("Der ligger allerede en anden fil med navnet {path} på synkroniseringsstedet ({target}). Indsats overskriver den ikke, og intet er ændret. Kontakt IT."),
                Lang::En => format!("A different file named {path} already exists on the sync target ({target}). Indsats does not overwrite it, and nothing was changed. Contact IT."),
            },
            Self::TargetConfig { detail } => match lang {
                Lang::Da => format!("Indstillingerne for synkroniseringsstedet er ikke gyldige ({detail}). Ret dem under Indstillinger."),
                Lang::En => format!("The sync target settings are not valid ({detail}). Correct them in Settings."),
            },
            Self::TargetSecretMissing { target } => match lang {
                Lang::Da => format!("Adgangskoden til synkroniseringsstedet ({target}) er ikke gemt på denne computer. Indtast den under Indstillinger."),
                Lang::En => format!("The password for the sync target ({target}) is not saved on this computer. Enter it in Settings."),
            },
            Self::TargetFailed { target, detail } => match lang {
                Lang::Da => format!("Synkroniseringsstedet ({target}) svarede med en fejl ({detail}). Synkroniseringen prøver igen senere; sker det igen, så kontakt IT."),
                Lang::En => format!("The sync target ({target}) answered with an error ({detail}). Sync retries later; if it keeps happening, contact IT."),
            },
            Self::TooLarge { path, size, max } => match lang {
                Lang::Da => format!(
                    "{path} på synkroniseringsstedet fylder {} MB, mere end de {} MB, Indsats skriver. Den er ikke hentet; resten synkroniserer videre. Bed IT om at se på filen.",
                    size / 1_000_000,
                    max / 1_000_000
                ),
                Lang::En => format!(
                    "{path} on the sync target is {} MB, more than the {} MB Indsats writes. It was not downloaded; the rest keeps syncing. Ask IT to look at the file.",
                    size / 1_000_000,
                    max / 1_000_000
                ),
            },
            Self::TargetPath { path } => match lang {
                Lang::Da => format!("{path:?} er ikke et gyldigt filnavn på synkroniseringsstedet. Intet er skrevet; kontakt IT."),
                Lang::En => format!("{path:?} is not a valid file name on the sync target. Nothing was written; contact IT."),
            },
            Self::SecretStore { detail } => match lang {
                Lang::Da => format!("Styresystemets nøglering kunne ikke bruges ({detail}). Log ud og ind igen; sker det igen, så kontakt IT."),
                Lang::En => format!("The operating system's key store could not be used ({detail}). Sign out and in again; if it keeps happening, contact IT."),
            },
            Self::NoTeam => match lang {
                Lang::Da => "Denne computer er ikke med i et team. Opret et team (teamleder), eller deltag med en invitation fra teamlederen.".into(),
                Lang::En => "This device is not in a team. Create a team (team lead), or join with an invitation from the team lead.".into(),
            },
            Self::AlreadyInTeam { team } => match lang {
                Lang::Da => format!("Denne computer er allerede med i teamet {team}. Intet er ændret."),
                Lang::En => format!("This device is already in the team {team}. Nothing was changed."),
            },
            Self::NotOnRoster { team } => match lang {
                Lang::Da => format!("Denne computer er endnu ikke på teamet {team}s liste. Send din anmodningsfil til teamlederen; når teamlederen har tilføjet den og synkroniseret, virker synkroniseringen her."),
                Lang::En => format!("This device is not on the roster of team {team} yet. Send your request file to the team lead; once the lead has added it and synced, sync works here."),
            },
            Self::NotLead => match lang {
                Lang::Da => "Kun teamlederens computer kan ændre teamet (invitere og tilføje computere). Intet er ændret.".into(),
                Lang::En => "Only the team lead's device can change the team (invite and add devices). Nothing was changed.".into(),
            },
            Self::BadEscrow { value } => match lang {
                Lang::Da => format!("IT's nøgle til nødadgang (escrow) skal være en age1…-nøgle fra IT, ikke «{value}». Kontrollér den; intet er ændret."),
                Lang::En => format!("IT's escrow key must be an age1… key from IT, not “{value}”. Check it; nothing was changed."),
            },
            Self::NoTarget => match lang {
                Lang::Da => "Der er ikke valgt et synkroniseringssted. Vælg en mappe, en WebDAV-adresse eller en S3-bucket under Indstillinger.".into(),
                Lang::En => "No sync target is set. Choose a folder, a WebDAV address or an S3 bucket in Settings.".into(),
            },
            Self::NotTheEscrow => match lang {
                Lang::Da => "Nøglefilen er ikke den nødadgangsnøgle (escrow), som teamets liste nævner. Brug IT's nøglefil til netop dette team; intet er ændret.".into(),
                Lang::En => "The key file is not the escrow key this team's roster names. Use IT's key file for this team; nothing was changed.".into(),
            },
            Self::RestoredBehind { here, there, .. } => match lang {
                Lang::Da => format!(
                    "Disse data er gendannet fra en sikkerhedskopi, der er ældre end det, denne enhed allerede har sendt til teamet (ændring {there} på synkroniseringsstedet, {here} her). Der sendes intet, så teamets kopi forbliver hel. Bed teamlederen fjerne enheden fra teamet, og meld computeren ind igen som ny enhed: dens sager kommer tilbage fra teamet."
                ),
                Lang::En => format!(
                    "This data was restored from a backup older than what this device already sent to the team (change {there} on the sync target, {here} here). Nothing is sent, so the team's copy stays whole. Ask the team lead to remove this device from the team, and join again as a new device: its cases come back from the team."
                ),
            },
        }
    }
}
