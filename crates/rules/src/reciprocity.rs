//! Reciprocity standing: a cluster that stops hosting stops sending. A
//! cluster that has offered no visitor desks (every site at zero) for longer
//! than the network's grace period is not reciprocating, and its members'
//! requests are refused (`home_not_reciprocating`).

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::policy::NetworkPolicy;

/// From `at` on, the cluster offered `desks` visitor desks in all its sites
/// together: one entry of the desk count over time that the store records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskCount {
    /// When the count took this value.
    pub at: DateTime<Utc>,
    /// The cluster's visitor desks, all sites together.
    pub desks: u32,
}

/// Whether a cluster offers desks now, and if not, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "offering", rename_all = "snake_case")]
pub enum DeskOffering {
    /// At least one visitor desk somewhere.
    Offering,
    /// No visitor desk at all since this instant.
    NoDesksSince {
        /// The start of the present run without desks.
        since: DateTime<Utc>,
    },
}

impl DeskOffering {
    /// The present offering from the desk count over time. A cluster that has
    /// never offered a desk has offered none since it joined. The entries may
    /// come in any order.
    pub fn from_history(joined_at: DateTime<Utc>, history: &[DeskCount]) -> Self {
        let Some(latest) = history.iter().max_by_key(|c| c.at) else {
            return DeskOffering::NoDesksSince { since: joined_at };
        };
        if latest.desks > 0 {
            return DeskOffering::Offering;
        }
        let last_offer = history.iter().filter(|c| c.desks > 0).map(|c| c.at).max();
        let since = match last_offer {
            // The first entry after the last offer began the run without desks.
            Some(offered_at) => history.iter().filter(|c| c.at > offered_at).map(|c| c.at).min().unwrap_or(latest.at),
            None => history.iter().map(|c| c.at).min().map_or(joined_at, |first| first.min(joined_at)),
        };
        DeskOffering::NoDesksSince { since }
    }
}

/// A cluster's reciprocity standing at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Offers desks.
    Reciprocating,
    /// Offers none, but the grace period has not run out.
    InGrace {
        /// No desks since.
        no_desks_since: DateTime<Utc>,
        /// When the grace period ends.
        grace_ends: DateTime<Utc>,
    },
    /// Has offered no desks for longer than the grace period.
    NotReciprocating {
        /// No desks since.
        no_desks_since: DateTime<Utc>,
    },
}

impl Standing {
    /// Whether the cluster's members may still be hosted elsewhere.
    pub const fn may_send(&self) -> bool {
        !matches!(self, Standing::NotReciprocating { .. })
    }
}

/// A cluster's standing at `now` under the network's grace period.
pub fn standing(offering: DeskOffering, network: &NetworkPolicy, now: DateTime<Utc>) -> Standing {
    match offering {
        DeskOffering::Offering => Standing::Reciprocating,
        DeskOffering::NoDesksSince { since } => {
            let grace = TimeDelta::days(i64::from(network.reciprocity_grace_days()));
            let grace_ends = since.checked_add_signed(grace).unwrap_or(DateTime::<Utc>::MAX_UTC);
            // "for longer than the grace period": on the instant it ends, still in grace.
            if now > grace_ends {
                Standing::NotReciprocating { no_desks_since: since }
            } else {
                Standing::InGrace { no_desks_since: since, grace_ends }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn count(at: &str, desks: u32) -> DeskCount {
        DeskCount { at: t(at), desks }
    }

    #[test]
    fn a_cluster_with_desks_now_is_offering() {
        let history = [count("2026-01-01T00:00:00Z", 0), count("2026-02-01T00:00:00Z", 4)];
        assert_eq!(DeskOffering::from_history(t("2025-12-01T00:00:00Z"), &history), DeskOffering::Offering);
    }

    #[test]
    fn the_run_without_desks_starts_at_the_first_zero_after_the_last_offer() {
        let history =
            [count("2026-03-01T00:00:00Z", 0), count("2026-01-01T00:00:00Z", 3), count("2026-02-01T00:00:00Z", 0)];
        assert_eq!(
            DeskOffering::from_history(t("2025-12-01T00:00:00Z"), &history),
            DeskOffering::NoDesksSince { since: t("2026-02-01T00:00:00Z") }
        );
    }

    #[test]
    fn a_cluster_that_never_offered_a_desk_has_offered_none_since_it_joined() {
        assert_eq!(
            DeskOffering::from_history(t("2026-01-10T00:00:00Z"), &[]),
            DeskOffering::NoDesksSince { since: t("2026-01-10T00:00:00Z") }
        );
    }

    #[test]
    fn the_grace_period_ends_thirty_days_after_the_desks_went() {
        let network = NetworkPolicy::default();
        let offering = DeskOffering::NoDesksSince { since: t("2026-02-01T00:00:00Z") };
        let at_end = standing(offering, &network, t("2026-03-03T00:00:00Z"));
        assert!(at_end.may_send(), "{at_end:?}");
        let just_after = standing(offering, &network, t("2026-03-03T00:00:01Z"));
        assert_eq!(just_after, Standing::NotReciprocating { no_desks_since: t("2026-02-01T00:00:00Z") });
        assert!(!just_after.may_send());
    }
}
