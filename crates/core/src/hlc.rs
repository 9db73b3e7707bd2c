//! A hybrid logical clock: orders changes across laptops whose wall clocks disagree.
//!
//! A timestamp is 64 bits: 48 bits of Unix milliseconds and a 16-bit counter. It never goes
//! backwards on one device, and after seeing a remote timestamp it is later than that too. The
//! wall time is passed in (core reads no clock). A remote timestamp far ahead of our clock is
//! accepted, not rejected, and reported as skew so the app can warn: a laptop with a wrong clock
//! must still be able to sync.
//!
//! Written here rather than taken from `uhlc` because uhlc reads its clock through a function
//! pointer, and our tests pass time in.

/// A point in hybrid logical time. Orders as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HlcTimestamp(pub u64);

impl HlcTimestamp {
    pub fn new(millis: u64, counter: u16) -> Self {
        Self((millis << 16) | u64::from(counter))
    }
    pub fn millis(self) -> u64 {
        self.0 >> 16
    }
    pub fn counter(self) -> u16 {
        (self.0 & 0xffff) as u16
    }
}

/// A remote timestamp ahead of the local wall clock by more than the allowed drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkew {
    pub ahead_by_millis: u64,
}

/// The clock of one device.
#[derive(Debug, Clone)]
pub struct Hlc {
    last: HlcTimestamp,
    max_drift_millis: u64,
}

impl Hlc {
    /// `last` is the latest timestamp this device has issued or seen (from the store).
    pub fn new(last: HlcTimestamp, max_drift_millis: u64) -> Self {
        Self { last, max_drift_millis }
    }

    pub fn last(&self) -> HlcTimestamp {
        self.last
    }

    /// A new timestamp for a local change at wall time `now_millis`.
    pub fn tick(&mut self, now_millis: u64) -> HlcTimestamp {
        let next = if now_millis > self.last.millis() {
            HlcTimestamp::new(now_millis, 0)
        } else if self.last.counter() == u16::MAX {
            HlcTimestamp::new(self.last.millis() + 1, 0)
        } else {
            HlcTimestamp(self.last.0 + 1)
        };
        self.last = next;
        next
    }

    /// Takes in a remote timestamp; the next tick is after it. Returns the skew when the remote
    /// clock is further ahead of ours than the allowed drift (accepted all the same).
    pub fn observe(&mut self, remote: HlcTimestamp, now_millis: u64) -> Option<ClockSkew> {
        if remote > self.last {
            self.last = remote;
        }
        let ahead = remote.millis().saturating_sub(now_millis);
        (ahead > self.max_drift_millis).then_some(ClockSkew { ahead_by_millis: ahead })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ticks_are_monotonic_even_when_the_wall_clock_goes_back() {
        let mut c = Hlc::new(HlcTimestamp::default(), 60_000);
        let a = c.tick(1_000);
        let b = c.tick(900);
        let e = c.tick(1_000);
        assert!(a < b && b < e);
        assert_eq!(b.millis(), 1_000);
        assert_eq!(b.counter(), 1);
    }

    #[test]
    fn a_skewed_remote_clock_is_accepted_with_a_warning() {
        let mut c = Hlc::new(HlcTimestamp::default(), 60_000);
        let remote = HlcTimestamp::new(10_000_000, 3);
        assert_eq!(c.observe(remote, 1_000), Some(ClockSkew { ahead_by_millis: 9_999_000 }));
        assert!(c.tick(1_000) > remote);
        assert_eq!(c.observe(HlcTimestamp::new(1_500, 0), 1_000), None);
    }

    proptest! {
        #[test]
        fn never_goes_backwards(steps in proptest::collection::vec((0u64..1_000_000, any::<bool>(), 0u64..1_000_000), 1..200)) {
            let mut c = Hlc::new(HlcTimestamp::default(), 1_000);
            let mut prev = HlcTimestamp::default();
            for (now, remote, rm) in steps {
                if remote {
                    c.observe(HlcTimestamp::new(rm, 0), now);
                    prop_assert!(c.last() >= HlcTimestamp::new(rm, 0));
                }
                let t = c.tick(now);
                prop_assert!(t > prev);
                prev = t;
            }
        }
    }
}
