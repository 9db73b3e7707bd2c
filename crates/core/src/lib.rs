//! indsats-core: the domain of municipal integration work, as types and pure rules.
//!
//! # Layout
//! - [`ids`]: UUIDv7 newtypes for every entity; ids are built from a time and random bytes that
//!   the caller passes in, so tests are deterministic.
//! - [`cpr`]: the Danish personal number (CPR): date and century digit checked, modulus 11 only a
//!   warning.
//! - [`model`]: strategy, goals, indicators, initiatives, participants, enrolments.
//! - [`event`]: progress events with typed details per event type.
//! - [`ladder`]: the labour-market ladder derived from a participant's events.
//! - [`validate`]: every rule that rejects bad input, with messages in Danish and English.
//! - [`hlc`]: the hybrid logical clock that orders changes across laptops.
//! - [`strategy_file`]: the TOML format a municipality describes its strategy in.
//! - [`deadlines`]: the dated rule sets of what is due for a participant, and the due items they
//!   derive from a case.
//!
//! **Architecture invariant:** this crate does no IO and never reads the clock. Time ("today",
//! "now") and randomness are arguments.

pub mod cpr;
pub mod deadlines;
pub mod event;
pub mod facts;
pub mod hlc;
pub mod ids;
pub mod ladder;
pub mod model;
pub mod strategy_file;
pub mod validate;

pub use validate::{Lang, ValidationError};
