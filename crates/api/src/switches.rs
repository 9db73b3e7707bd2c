//! The test-only switches: a fixed clock and a weak key derivation. They exist only in a build
//! with the `test-switches` feature, which the CLI's tests and the end-to-end tests turn on; a
//! release build (`make run`, `make package`) never has it and ignores the variables, so audit
//! rows cannot be back-dated and no real store gets a weak key derivation. `make package-check`
//! runs a build without the feature and proves it.
//!
//! - `INDSATS_NOW`: an RFC 3339 instant (`2026-11-24T09:00:00Z`);
//! - `INDSATS_TODAY`: a date (`2026-11-24`), read as 09:00 UTC that day;
//! - `INDSATS_FAST_KDF`: any value makes new passphrase wrappings use
//!   [`KdfParams::FAST_INSECURE`].

use indsats_store::KdfParams;

use crate::clock::{Clock, SystemClock};
#[cfg(any(test, feature = "test-switches"))]
use crate::error::ApiError;
use crate::error::Result;

/// Whether this build honours the switches.
pub const ENABLED: bool = cfg!(feature = "test-switches");

/// The clock a front end should use: the system's, or in a test build the one the environment
/// pins. A malformed value in a test build is an error, not silently the system clock.
pub fn clock() -> Result<Box<dyn Clock>> {
    #[cfg(feature = "test-switches")]
    {
        use chrono::{DateTime, NaiveDate, Utc};
        let var = |name| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(v) = var("INDSATS_NOW") {
            let at: DateTime<Utc> =
                DateTime::parse_from_rfc3339(&v).map_err(|_| ApiError::TestSwitch { name: "INDSATS_NOW", value: v.clone() })?.into();
            return Ok(Box::new(crate::clock::FixedClock::new(at)));
        }
        if let Some(v) = var("INDSATS_TODAY") {
            let at = v
                .parse::<NaiveDate>()
                .ok()
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .ok_or_else(|| ApiError::TestSwitch { name: "INDSATS_TODAY", value: v.clone() })?;
            return Ok(Box::new(crate::clock::FixedClock::new(at.and_utc())));
        }
    }
    Ok(Box::new(SystemClock))
}

/// The key derivation for a new passphrase wrapping: `normal`, or in a test build the weak one
/// where `INDSATS_FAST_KDF` is set.
pub fn kdf(normal: KdfParams) -> KdfParams {
    #[cfg(feature = "test-switches")]
    if std::env::var_os("INDSATS_FAST_KDF").is_some() {
        return KdfParams::FAST_INSECURE;
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    // Env vars are process-wide: one test sets and reads them, in order.
    #[test]
    fn the_switches_work_only_in_a_test_build() {
        // SAFETY: no other test in this crate reads or writes these variables.
        unsafe {
            std::env::set_var("INDSATS_NOW", "2001-02-03T04:05:06Z");
            std::env::set_var("INDSATS_FAST_KDF", "1");
        }
        let now = clock().unwrap().now();
        let kdf = kdf(KdfParams::INTERACTIVE);
        if ENABLED {
            assert_eq!(now.to_rfc3339(), "2001-02-03T04:05:06+00:00");
            assert_eq!(kdf, KdfParams::FAST_INSECURE);
            unsafe { std::env::set_var("INDSATS_NOW", "yesterday") };
            assert!(matches!(clock(), Err(ApiError::TestSwitch { name: "INDSATS_NOW", .. })));
        } else {
            // What ships: the real time, and the real key derivation.
            assert!((chrono::Utc::now() - now).num_seconds().abs() < 60, "a release build must ignore INDSATS_NOW");
            assert_eq!(kdf, KdfParams::INTERACTIVE);
        }
        unsafe {
            std::env::remove_var("INDSATS_NOW");
            std::env::remove_var("INDSATS_FAST_KDF");
        }
    }
}
