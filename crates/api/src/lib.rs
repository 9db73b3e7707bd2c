//! indsats-api: the one facade both front ends call.
//!
//! # Layout
//! - [`Session`]: open a data dir, unlock it, act as a named user with a role. Every operation is
//!   a method on it; each checks the role, validates, and writes or reads through the store with
//!   an audit row.
//! - `views.rs`: what the methods return (plain data for the front ends to show).
//! - [`sync`]: the team, the target, the status line, the conflicts inbox, and a [`sync::SyncHandle`]
//!   that syncs beside the session.
//! - [`demo`]: synthetic data for a municipality, deterministic per seed.
//! - [`plan`]: the participant's plan for the citizen, as a PDF (`Session::participant_plan`).
//! - [`backup`]: a checked, encrypted backup of the store, and restoring one into an empty folder.
//! - [`import`]: an existing caseload from CSV or XLSX (participants, enrolments, events).
//! - [`clock`]: time is passed in ([`Clock`]); randomness is a seeded generator passed in.
//!
//! **Architecture invariant:** reads of a person's data and searches are audited here, with the
//! user, the time, the subject (or search term) and the purpose. No front end reaches the store
//! except through this crate.

mod access;
pub mod backup;
pub mod case_file;
pub mod clock;
pub mod corrections;
pub mod demo;
mod error;
pub mod handover;
pub mod identity;
pub mod import;
pub mod notes;
pub mod plan;
pub mod recovery;
mod session;
pub mod switches;
pub mod sync;
mod views;
pub mod worklist;

pub use access::{
    ACCESS_ACTIONS, AuditCheck, AuditLine, AuditQuery, DeviceLog, Extract, ExtractFormat, ReviewSample, ReviewView, SAMPLE_PER_PERSON,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{ApiError, ErrorClass, Result};
pub use identity::{Ask, AskRole, Identity, Source};
pub use indsats_core as core;
pub use indsats_report::summary::{self, Cell, Summary};
pub use indsats_report::{IndicatorResult, Period, Status};
pub use indsats_store::{
    InitiativeFilter, KdfParams, ManualValue, ParticipantFilter, QueuedExport, SearchHit, StoreCounts, StoreError, is_initialised,
};
pub use session::{DEFAULT_STRATEGY, Session, StrategySource, User};
pub use views::*;
