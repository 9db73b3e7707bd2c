//! UUIDv7 identifiers, one newtype per entity so that a participant id can never be passed where
//! an initiative id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// The namespace of [`StrategyId::named`] and its kind.
const NAMESPACE: Uuid = Uuid::from_u128(0x6b1d_3f0e_9a4c_4e2b_8d57_1c0f_2a9e_b5d3);

/// Builds a UUIDv7 from a Unix time in milliseconds and ten random bytes supplied by the caller.
pub fn uuid_v7(unix_millis: u64, random: [u8; 10]) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid()
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id from a time (Unix milliseconds) and random bytes.
            pub fn new(unix_millis: u64, random: [u8; 10]) -> Self {
                Self(uuid_v7(unix_millis, random))
            }
            /// The same id on every laptop for the same name (UUIDv5 in Indsats' namespace): for
            /// what each laptop sets up from the same file, such as the strategy's goals, so that
            /// their rows meet when laptops sync instead of doubling.
            pub fn named(name: &str) -> Self {
                Self(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
            }
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
            /// What the entity is called in messages and the change log.
            pub const KIND: &'static str = $prefix;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// A strategy (one per municipality and period).
    StrategyId,
    "strategy"
);
id_type!(
    /// A goal of the strategy.
    GoalId,
    "goal"
);
id_type!(
    /// An indicator that measures a goal.
    IndicatorId,
    "indicator"
);
id_type!(
    /// An initiative (indsats).
    InitiativeId,
    "initiative"
);
id_type!(
    /// A participant (deltager / borger).
    ParticipantId,
    "participant"
);
id_type!(
    /// A journal note (notat) on a case.
    NoteId,
    "note"
);
id_type!(
    /// A correction of a case's record (rettelse).
    CorrectionId,
    "correction"
);
id_type!(
    /// A participant's enrolment in an initiative (forløb).
    EnrolmentId,
    "enrolment"
);
id_type!(
    /// One progress event on a participant's timeline.
    EventId,
    "event"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_round_trip_through_text() {
        let a = ParticipantId::new(1_700_000_000_000, [9; 10]);
        let b = ParticipantId::new(1_700_000_000_001, [0; 10]);
        assert!(a < b, "v7 ids order by their time");
        assert_eq!(a.0.get_version_num(), 7);
        let parsed: ParticipantId = a.to_string().parse().unwrap();
        assert_eq!(parsed, a);
        assert!("not-an-id".parse::<ParticipantId>().is_err());
    }
}
