//! Identifiers of the things deskvisa knows, one type each so that a site's
//! id can never be passed where a stay's is expected. They are UUIDs, shown
//! to clients as opaque strings; new ones are made by the service (this crate
//! draws no random numbers).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The text given as an id is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a valid {kind} id (ids are UUIDs)")]
pub struct IdError {
    kind: &'static str,
    given: String,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID made elsewhere (a new one, or one read from the database).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses the id from its text form (a UUID in any of its usual spellings).
            pub fn parse(input: &str) -> Result<Self, IdError> {
                Uuid::parse_str(input.trim()).map(Self).map_err(|_| IdError {
                    kind: $kind,
                    given: input.chars().take(64).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

id_type!(
    /// A cluster on the network's map.
    ClusterId,
    "cluster"
);
id_type!(
    /// A cluster's premises where visitors sit.
    SiteId,
    "site"
);
id_type!(
    /// A member: a person vouched for by one home cluster.
    MemberId,
    "member"
);
id_type!(
    /// One visit of one member to one host site.
    StayId,
    "stay"
);
id_type!(
    /// A meeting at a site.
    EventId,
    "event"
);
id_type!(
    /// A firm of a cluster: the company its members work for.
    FirmId,
    "firm"
);
id_type!(
    /// A visitor's request to meet a firm of the host during a stay.
    IntroductionId,
    "introduction"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_through_its_text_form() {
        let text = "6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d";
        let id = SiteId::parse(text).unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(text.parse::<SiteId>().unwrap(), id);
    }

    #[test]
    fn text_that_is_not_a_uuid_is_refused_with_the_kind_named() {
        let err = StayId::parse("42").unwrap_err();
        assert_eq!(err.to_string(), "`42` is not a valid stay id (ids are UUIDs)");
    }

    #[test]
    fn an_id_is_a_plain_string_in_json() {
        let id = MemberId::parse("6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"6f1c1f57-8f7a-4b8e-9c63-0f4a1d2b3c4d\"");
    }
}
