//! The one error type of indsats-sync. Each module adds its variants in its own section; every
//! message says what to do, in Danish and English (`message`).

use indsats_core::validate::Lang;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] indsats_store::StoreError),
}

impl SyncError {
    /// A stable code for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
        }
    }

    /// The message in the user's language, saying what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Store(e) => e.message(lang),
        }
    }
}
