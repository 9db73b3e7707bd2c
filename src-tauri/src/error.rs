//! The desktop shell's own failures, and how every failure reaches the window: a [`UiError`] with
//! a message in the user's language that says what to do, and the field it concerns.

use indsats_api::ApiError;
use indsats_api::core::validate::Lang;

use crate::dto::UiError;

#[derive(Debug, thiserror::Error)]
pub enum DesktopError {
    #[error("the store is locked")]
    Locked,
    #[error("a store already exists in {0}")]
    AlreadyInitialised(String),
    #[error("the passphrases differ")]
    PassphrasesDiffer,
    #[error("no store in {0}")]
    NoStore(String),
    #[error("cancelled")]
    Cancelled,
    #[error("busy")]
    Busy,
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot read or write the settings in {path}: {source}")]
    Settings { path: String, source: std::io::Error },
    #[error("invalid {field}: {value}")]
    Invalid { field: &'static str, value: String },
    /// A folder given as a relative path: relative to what the person cannot see.
    #[error("{field} is not a whole path: {value}")]
    RelativeFolder { field: &'static str, value: String },
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{0}")]
    Export(#[from] indsats_export::ExportError),
    #[error("the OS keystore cannot be used: {0}")]
    Keystore(String),
    #[error("the store's key is not in the OS keystore")]
    KeyNotInKeystore,
    #[error("internal error: {0}")]
    Internal(String),
}

impl DesktopError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Locked => "locked",
            Self::AlreadyInitialised(_) => "already_initialised",
            Self::PassphrasesDiffer => "passphrases_differ",
            Self::NoStore(_) => "no_store",
            Self::Cancelled => "cancelled",
            Self::Busy => "busy",
            Self::Write { .. } => "write_failed",
            Self::Read { .. } => "read_failed",
            Self::Settings { .. } => "settings_io",
            Self::Invalid { .. } => "invalid",
            Self::RelativeFolder { .. } => "relative_folder",
            Self::Api(e) => e.code(),
            Self::Export(e) => e.code(),
            Self::Keystore(_) => "keystore",
            Self::KeyNotInKeystore => "key_not_in_keystore",
            Self::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<String> {
        match self {
            Self::PassphrasesDiffer => Some("repeat".into()),
            Self::Invalid { field, .. } | Self::RelativeFolder { field, .. } => Some((*field).into()),
            Self::Api(e) => e.field(),
            _ => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Self::Locked => {
                if da {
                    "Indsats er låst. Lås op med din adgangsfrase for at fortsætte.".into()
                } else {
                    "Indsats is locked. Unlock it with your passphrase to go on.".into()
                }
            }
            Self::AlreadyInitialised(dir) => {
                if da {
                    format!("Der findes allerede et datalager i {dir}. Lås det op i stedet.")
                } else {
                    format!("A data store already exists in {dir}. Unlock it instead.")
                }
            }
            Self::PassphrasesDiffer => {
                if da {
                    "De to adgangsfraser er ikke ens. Skriv den samme adgangsfrase to gange.".into()
                } else {
                    "The two passphrases differ. Type the same passphrase twice.".into()
                }
            }
            Self::NoStore(dir) => {
                if da {
                    format!("Der er intet datalager i {dir}. Vælg den rigtige mappe under Indstillinger, eller opret et nyt.")
                } else {
                    format!("There is no data store in {dir}. Choose the right folder in Settings, or create a new one.")
                }
            }
            Self::Cancelled => {
                if da {
                    "Afbrudt. Intet blev gemt.".into()
                } else {
                    "Cancelled. Nothing was saved.".into()
                }
            }
            Self::Busy => {
                if da {
                    "Et andet stykke arbejde kører. Vent til det er færdigt, eller afbryd det.".into()
                } else {
                    "Other work is running. Wait for it to finish, or cancel it.".into()
                }
            }
            Self::Write { path, source } => {
                if da {
                    format!("Kunne ikke skrive {path} ({source}). Vælg en anden placering, eller frigør plads, og prøv igen.")
                } else {
                    format!("Could not write {path} ({source}). Choose another place, or free some space, and try again.")
                }
            }
            Self::Settings { path, source } => {
                if da {
                    format!("Kunne ikke gemme indstillingerne i {path} ({source}). Kontrollér, at mappen kan skrives i.")
                } else {
                    format!("Could not save the settings in {path} ({source}). Check that the folder is writable.")
                }
            }
            Self::Read { path, source } => {
                if da {
                    format!("{path} kunne ikke læses ({source}). Vælg filen igen; intet er ændret.")
                } else {
                    format!("{path} could not be read ({source}). Choose the file again; nothing was changed.")
                }
            }
            Self::RelativeFolder { value, .. } => {
                if da {
                    format!(
                        "«{value}» er ikke en hel sti. Vælg mappen med «Vælg …», eller skriv hele stien (fx /home/anna/kopier eller C:\\Kopier)."
                    )
                } else {
                    format!(
                        "“{value}” is not a whole path. Choose the folder with “Choose …”, or type its whole path (such as /home/anna/backups or C:\\Backups)."
                    )
                }
            }
            Self::Invalid { field, value } => {
                let label = match (*field, da) {
                    ("strategy_file", true) => "Strategifil",
                    ("strategy_file", false) => "Strategy file",
                    _ => indsats_api::core::validate::field_label(field, lang),
                };
                if da {
                    format!("{label}: «{value}» kan ikke læses. Ret feltet og prøv igen.")
                } else {
                    format!("{label}: “{value}” cannot be read. Correct the field and try again.")
                }
            }
            Self::Api(e) => e.message(lang),
            Self::Export(e) => e.message(lang),
            Self::Keystore(detail) => {
                if da {
                    format!(
                        "Operativsystemets nøglering kan ikke bruges ({detail}). Lås op med gendannelseskoden, eller vælg en adgangsfrase."
                    )
                } else {
                    format!(
                        "The operating system's keystore cannot be used ({detail}). Unlock with the recovery code, or choose a passphrase."
                    )
                }
            }
            Self::KeyNotInKeystore => {
                if da {
                    "Nøglen til dine data er ikke i operativsystemets nøglering (fx efter en ny brugerkonto). Lås op med gendannelseskoden, du skrev ned.".into()
                } else {
                    "The key to your data is not in the operating system's keystore (for example after a new user account). Unlock with the recovery code you wrote down.".into()
                }
            }
            Self::Internal(what) => {
                if da {
                    format!("Der opstod en intern fejl ({what}). Intet blev ændret. Prøv igen, og kontakt IT, hvis det gentager sig.")
                } else {
                    format!("An internal error happened ({what}). Nothing was changed. Try again, and contact IT if it happens again.")
                }
            }
        }
    }

    pub fn to_ui(&self, lang: Lang) -> UiError {
        let about = match self {
            DesktopError::Api(indsats_api::ApiError::PossibleDuplicate { id, .. }) => Some(id.to_string()),
            _ => None,
        };
        UiError { code: self.code().into(), message: self.message(lang), field: self.field(), about }
    }
}

impl From<indsats_api::core::ValidationError> for DesktopError {
    fn from(e: indsats_api::core::ValidationError) -> Self {
        DesktopError::Api(e.into())
    }
}

pub type Result<T, E = DesktopError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do_in_both_languages_and_name_the_field() {
        let e = DesktopError::Invalid { field: "capacity", value: "tolv".into() };
        let ui = e.to_ui(Lang::Da);
        assert_eq!((ui.code.as_str(), ui.field.as_deref()), ("invalid", Some("capacity")));
        assert!(ui.message.starts_with("Kapacitet: «tolv»"), "{}", ui.message);
        assert!(e.message(Lang::En).contains("Correct the field"));
        let e = DesktopError::Invalid { field: "strategy_file", value: "/tmp/x.toml".into() };
        assert!(e.message(Lang::En).starts_with("Strategy file:"));
        assert_eq!(DesktopError::PassphrasesDiffer.field().as_deref(), Some("repeat"));
        for e in [DesktopError::Locked, DesktopError::Busy, DesktopError::Cancelled] {
            assert_ne!(e.message(Lang::Da), e.message(Lang::En));
        }
    }
}
