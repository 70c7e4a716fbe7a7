//! The reasons a stay request is refused, each with its stable code from
//! DOMAIN.md ("The rules"): clients rely on these codes, so they never change.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::DateRange;
use crate::ids::StayId;
use crate::reciprocity::Lapse;
use crate::status::ClusterStatus;

/// The stable code of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationCode {
    /// The member is revoked, or no longer vouched for on the stay's last date.
    MemberInactive,
    /// The site belongs to the member's home cluster.
    OwnCluster,
    /// The member's home cluster is not active.
    HomeClusterInactive,
    /// The host cluster is not active.
    HostClusterInactive,
    /// The home cluster has offered no desks for longer than the grace period.
    HomeNotReciprocating,
    /// The end date is before the start date.
    BadRange,
    /// The range holds no open day.
    NoOpenDays,
    /// More open days than the host's maximum per stay.
    TooLong,
    /// Starts before today plus the host's minimum notice.
    TooSoon,
    /// Starts after today plus the host's booking horizon.
    TooFar,
    /// The member already has a live stay on a date of the range.
    OverlapsOwnStay,
    /// More stays at the host cluster in one 365-day window than it allows.
    QuotaExceeded,
    /// Some open day of the stay has no free desk.
    NoCapacity,
}

impl ViolationCode {
    /// Every code, in DOMAIN.md's order.
    pub const ALL: [ViolationCode; 13] = [
        ViolationCode::MemberInactive,
        ViolationCode::OwnCluster,
        ViolationCode::HomeClusterInactive,
        ViolationCode::HostClusterInactive,
        ViolationCode::HomeNotReciprocating,
        ViolationCode::BadRange,
        ViolationCode::NoOpenDays,
        ViolationCode::TooLong,
        ViolationCode::TooSoon,
        ViolationCode::TooFar,
        ViolationCode::OverlapsOwnStay,
        ViolationCode::QuotaExceeded,
        ViolationCode::NoCapacity,
    ];

    /// The code as the API writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ViolationCode::MemberInactive => "member_inactive",
            ViolationCode::OwnCluster => "own_cluster",
            ViolationCode::HomeClusterInactive => "home_cluster_inactive",
            ViolationCode::HostClusterInactive => "host_cluster_inactive",
            ViolationCode::HomeNotReciprocating => "home_not_reciprocating",
            ViolationCode::BadRange => "bad_range",
            ViolationCode::NoOpenDays => "no_open_days",
            ViolationCode::TooLong => "too_long",
            ViolationCode::TooSoon => "too_soon",
            ViolationCode::TooFar => "too_far",
            ViolationCode::OverlapsOwnStay => "overlaps_own_stay",
            ViolationCode::QuotaExceeded => "quota_exceeded",
            ViolationCode::NoCapacity => "no_capacity",
        }
    }
}

impl ViolationCode {
    /// What the rule refuses, in DOMAIN.md's words.
    pub const fn meaning(self) -> &'static str {
        match self {
            ViolationCode::MemberInactive => {
                "the member is revoked, or the stay ends after the member's vouched_until date"
            }
            ViolationCode::OwnCluster => "the site belongs to the member's home cluster",
            ViolationCode::HomeClusterInactive => "the member's home cluster is not active",
            ViolationCode::HostClusterInactive => "the host cluster is not active",
            ViolationCode::HomeNotReciprocating => {
                "the member's home cluster has stopped hosting: it offered no bookable desk-day over the network's \
                 grace period, or it approved none of at least 3 requests within the guarantee over 90 days"
            }
            ViolationCode::BadRange => "the end date is before the start date",
            ViolationCode::NoOpenDays => "the range holds no open day",
            ViolationCode::TooLong => "it has more open days than the host's maximum per stay",
            ViolationCode::TooSoon => "it starts before today + the host's minimum notice",
            ViolationCode::TooFar => "it starts after today + the host's booking horizon",
            ViolationCode::OverlapsOwnStay => {
                "the member already has a pending or approved stay on a date of this range"
            }
            ViolationCode::QuotaExceeded => {
                "the member would have more stays at the host cluster than it allows in one 365-day window"
            }
            ViolationCode::NoCapacity => "some open day of the stay has no free desk (the answer names those dates)",
        }
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a member counts as inactive for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InactiveReason {
    /// The home cluster withdrew the member.
    Revoked,
    /// The stay ends after the last date the home cluster vouches for them.
    NotVouchedUntilEnd {
        /// The last date vouched for.
        vouched_until: NaiveDate,
    },
}

/// One broken rule, with what a person needs to put it right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Violation {
    /// `member_inactive`.
    MemberInactive {
        /// Revoked, or not vouched for long enough.
        reason: InactiveReason,
    },
    /// `own_cluster`.
    OwnCluster,
    /// `home_cluster_inactive`.
    HomeClusterInactive {
        /// The home cluster's status.
        status: ClusterStatus,
    },
    /// `host_cluster_inactive`.
    HostClusterInactive {
        /// The host cluster's status.
        status: ClusterStatus,
    },
    /// `home_not_reciprocating`.
    HomeNotReciprocating {
        /// Why the home cluster is held to have stopped hosting.
        #[serde(flatten)]
        lapse: Lapse,
    },
    /// `bad_range`.
    BadRange,
    /// `no_open_days`.
    NoOpenDays,
    /// `too_long`.
    TooLong {
        /// The open days requested.
        days: u64,
        /// The most allowed.
        max: u32,
    },
    /// `too_soon`.
    TooSoon {
        /// The earliest start date allowed today.
        earliest_start: NaiveDate,
    },
    /// `too_far`.
    TooFar {
        /// The latest start date allowed today.
        latest_start: NaiveDate,
    },
    /// `overlaps_own_stay`.
    OverlapsOwnStay {
        /// The member's stays that share dates with the request.
        stays: Vec<StayId>,
    },
    /// `quota_exceeded`.
    QuotaExceeded {
        /// The host's maximum stays per member in 365 days.
        max: u32,
        /// A 365-day window holding the request's start and too many stays.
        window: DateRange,
    },
    /// `no_capacity`.
    NoCapacity {
        /// The open days of the request that have no free desk.
        full_dates: Vec<NaiveDate>,
    },
}

impl Violation {
    /// The rule's stable code.
    pub const fn code(&self) -> ViolationCode {
        match self {
            Violation::MemberInactive { .. } => ViolationCode::MemberInactive,
            Violation::OwnCluster => ViolationCode::OwnCluster,
            Violation::HomeClusterInactive { .. } => ViolationCode::HomeClusterInactive,
            Violation::HostClusterInactive { .. } => ViolationCode::HostClusterInactive,
            Violation::HomeNotReciprocating { .. } => ViolationCode::HomeNotReciprocating,
            Violation::BadRange => ViolationCode::BadRange,
            Violation::NoOpenDays => ViolationCode::NoOpenDays,
            Violation::TooLong { .. } => ViolationCode::TooLong,
            Violation::TooSoon { .. } => ViolationCode::TooSoon,
            Violation::TooFar { .. } => ViolationCode::TooFar,
            Violation::OverlapsOwnStay { .. } => ViolationCode::OverlapsOwnStay,
            Violation::QuotaExceeded { .. } => ViolationCode::QuotaExceeded,
            Violation::NoCapacity { .. } => ViolationCode::NoCapacity,
        }
    }
}

/// The English message; pages and emails render their own, per locale, from
/// the same fields.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::MemberInactive { reason: InactiveReason::Revoked } => {
                f.write_str("your home cluster has withdrawn your membership")
            }
            Violation::MemberInactive { reason: InactiveReason::NotVouchedUntilEnd { vouched_until } } => {
                write!(f, "your home cluster vouches for you only until {vouched_until}; the stay ends later")
            }
            Violation::OwnCluster => {
                f.write_str("this site belongs to your own cluster; the scheme is for visits to other clusters")
            }
            Violation::HomeClusterInactive { status } => {
                write!(f, "your home cluster is {status}, not active")
            }
            Violation::HostClusterInactive { status } => {
                write!(f, "the host cluster is {status}, not active")
            }
            Violation::HomeNotReciprocating { lapse } => {
                f.write_str("your home cluster has stopped hosting, so its members cannot visit: ")?;
                match (lapse.nothing_offered_since, lapse.none_approved) {
                    (Some(since), _) => write!(f, "it has offered no bookable desk-day since {since}"),
                    (None, Some(n)) => write!(
                        f,
                        "it has declined or let expire all {} requests within the guarantee since {}",
                        n.refused,
                        n.since.date_naive()
                    ),
                    (None, None) => f.write_str("it offers no desks"),
                }
            }
            Violation::BadRange => f.write_str("the end date is before the start date"),
            Violation::NoOpenDays => f.write_str("the site is not open on any day of this range"),
            Violation::TooLong { days, max } => {
                write!(f, "the stay has {days} open days; this host allows at most {max}")
            }
            Violation::TooSoon { earliest_start } => {
                write!(f, "the stay starts too soon; the earliest start is {earliest_start}")
            }
            Violation::TooFar { latest_start } => {
                write!(f, "the stay starts too far ahead; the latest start is {latest_start}")
            }
            Violation::OverlapsOwnStay { stays } => {
                write!(f, "you already have {} on these dates", if stays.len() == 1 { "a stay" } else { "stays" })
            }
            Violation::QuotaExceeded { max, window } => write!(
                f,
                "this host allows at most {max} stays per member in 365 days; you would have more between {} and {}",
                window.start(),
                window.end()
            ),
            Violation::NoCapacity { full_dates } => {
                write!(f, "no desk is free on ")?;
                for (i, date) in full_dates.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{date}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_spelled_as_in_the_domain_document() {
        let spelled: Vec<_> = ViolationCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            spelled,
            [
                "member_inactive",
                "own_cluster",
                "home_cluster_inactive",
                "host_cluster_inactive",
                "home_not_reciprocating",
                "bad_range",
                "no_open_days",
                "too_long",
                "too_soon",
                "too_far",
                "overlaps_own_stay",
                "quota_exceeded",
                "no_capacity",
            ]
        );
        for code in ViolationCode::ALL {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn a_violation_serializes_with_its_code_and_details() {
        let v = Violation::NoCapacity { full_dates: vec![NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()] };
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({"code": "no_capacity", "full_dates": ["2026-03-04"]})
        );
        assert_eq!(v.to_string(), "no desk is free on 2026-03-04");
    }
}
