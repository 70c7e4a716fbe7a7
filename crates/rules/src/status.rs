//! The statuses of clusters, members and stays, spelled as the API spells them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A status text that is not one of the known statuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a {kind} status")]
pub struct StatusError {
    kind: &'static str,
    given: String,
}

macro_rules! status_enum {
    ($(#[$doc:meta])* $name:ident, $kind:literal, { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every status, in the order of DOMAIN.md.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The status as the API and the database spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = StatusError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(StatusError { kind: $kind, given: s.chars().take(32).collect() }),
                }
            }
        }
    };
}

status_enum!(
    /// Whether a cluster takes part in the network.
    ClusterStatus, "cluster", {
        /// Hosts visitors and sends its members abroad.
        Active => "active",
        /// Paused by the network: keeps its approved stays, starts no new ones.
        Suspended => "suspended",
        /// Gone from the map: keeps its approved stays, starts no new ones.
        Left => "left",
    }
);

status_enum!(
    /// Where a member stands with their home cluster.
    MemberStatus, "member", {
        /// Invited, not signed in yet (may already book).
        Invited => "invited",
        /// Has signed in.
        Active => "active",
        /// Withdrawn by the home cluster.
        Revoked => "revoked",
    }
);

status_enum!(
    /// Where a stay is in its life.
    StayStatus, "stay", {
        /// Requested, holding its desks, waiting for the host's answer.
        Pending => "pending",
        /// Approved: the visit will happen.
        Approved => "approved",
        /// Refused by the host, with a reason (final).
        Declined => "declined",
        /// Called off by the member or the host (final).
        Cancelled => "cancelled",
        /// Not answered in time at a host whose policy is `expire` (final).
        Expired => "expired",
    }
);

impl StayStatus {
    /// Pending and approved stays hold their desks and count for overlaps and quotas.
    pub const fn is_live(self) -> bool {
        matches!(self, StayStatus::Pending | StayStatus::Approved)
    }

    /// Declined, cancelled and expired stays never change again.
    pub const fn is_final(self) -> bool {
        !self.is_live()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in StayStatus::ALL {
            assert_eq!(s.as_str().parse::<StayStatus>().unwrap(), *s);
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for s in ClusterStatus::ALL {
            assert_eq!(s.as_str().parse::<ClusterStatus>().unwrap(), *s);
        }
        for s in MemberStatus::ALL {
            assert_eq!(s.as_str().parse::<MemberStatus>().unwrap(), *s);
        }
    }

    #[test]
    fn an_unknown_status_is_refused() {
        assert!("Active".parse::<ClusterStatus>().is_err());
        assert!("done".parse::<StayStatus>().is_err());
    }

    #[test]
    fn only_pending_and_approved_stays_are_live() {
        let live: Vec<_> = StayStatus::ALL.iter().filter(|s| s.is_live()).collect();
        assert_eq!(live, [&StayStatus::Pending, &StayStatus::Approved]);
    }
}
