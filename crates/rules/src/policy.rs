//! Policies: the network's (the guarantee every host honours) and each host
//! cluster's (how it runs its desks), with the floors a host policy may not
//! go below. A policy value that exists has passed its floors: the only way
//! to make one is through a checking constructor.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a host answers stay requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// A cluster admin approves or declines each request.
    #[default]
    Manual,
    /// Every accepted request is approved at once.
    Auto,
}

/// What happens to a pending stay whose answer deadline passes undecided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnNoAnswer {
    /// Approved automatically: the network guarantees access.
    #[default]
    Approve,
    /// Expired: its desks are released.
    Expire,
}

/// A policy field, named as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyField {
    /// Host: the most open days one stay may have.
    MaxDaysPerStay,
    /// Host: the most stays a member may have there in 365 days.
    StaysPerYear,
    /// Host: how many days ahead a stay must be requested.
    MinNoticeDays,
    /// Host: how many days ahead a stay may be requested at most.
    HorizonDays,
    /// Host: how many 24-hour days the host has to answer.
    AnswerWindowDays,
    /// Host: how many hours a waitlist offer holds its desks (issue 23).
    OfferHoldHours,
    /// Network: the open days every host must grant per stay.
    GuaranteedDays,
    /// Network: how long a cluster may offer no desks before its members
    /// stop being accepted elsewhere.
    ReciprocityGraceDays,
}

impl PolicyField {
    /// The field's name in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyField::MaxDaysPerStay => "max_days_per_stay",
            PolicyField::StaysPerYear => "stays_per_year",
            PolicyField::MinNoticeDays => "min_notice_days",
            PolicyField::HorizonDays => "horizon_days",
            PolicyField::AnswerWindowDays => "answer_window_days",
            PolicyField::OfferHoldHours => "offer_hold_hours",
            PolicyField::GuaranteedDays => "guaranteed_days",
            PolicyField::ReciprocityGraceDays => "reciprocity_grace_days",
        }
    }
}

/// The bound a field broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The value must be at least this.
    AtLeast(u32),
    /// The value must be at most this.
    AtMost(u32),
}

/// One field outside its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBreach {
    /// Which field.
    pub field: PolicyField,
    /// The bound it broke.
    pub limit: Limit,
    /// The value given.
    pub given: u32,
}

impl fmt::Display for PolicyBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Limit::AtLeast(n) => write!(f, "{} must be at least {n} (given {})", self.field.as_str(), self.given),
            Limit::AtMost(n) => write!(f, "{} must be at most {n} (given {})", self.field.as_str(), self.given),
        }
    }
}

/// A policy was refused: code `policy_below_guarantee`, with every field
/// that is out of bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("the policy is below the network's guarantee: {}", list(.breaches))]
pub struct PolicyBelowGuarantee {
    /// Every field outside its bounds, in field order.
    pub breaches: Vec<PolicyBreach>,
}

impl PolicyBelowGuarantee {
    /// The stable code the API returns.
    pub const CODE: &'static str = "policy_below_guarantee";
}

fn list(breaches: &[PolicyBreach]) -> String {
    breaches.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Collects the breaches of a policy's fields.
#[derive(Default)]
struct Bounds(Vec<PolicyBreach>);

impl Bounds {
    fn check(&mut self, field: PolicyField, given: u32, min: u32, max: u32) -> &mut Self {
        if given < min {
            self.0.push(PolicyBreach { field, limit: Limit::AtLeast(min), given });
        } else if given > max {
            self.0.push(PolicyBreach { field, limit: Limit::AtMost(max), given });
        }
        self
    }

    fn finish(&mut self) -> Result<(), PolicyBelowGuarantee> {
        if self.0.is_empty() { Ok(()) } else { Err(PolicyBelowGuarantee { breaches: std::mem::take(&mut self.0) }) }
    }
}

/// The network's policy: the guarantee every host honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NetworkPolicy {
    guaranteed_days: u32,
    reciprocity_grace_days: u32,
}

impl Default for NetworkPolicy {
    /// Five guaranteed days, thirty days of grace.
    fn default() -> Self {
        NetworkPolicy { guaranteed_days: 5, reciprocity_grace_days: 30 }
    }
}

impl NetworkPolicy {
    /// The memorandum promises at least five consecutive days.
    pub const MIN_GUARANTEED_DAYS: u32 = 5;
    /// A sanity ceiling on the guarantee (no host could honour more).
    pub const MAX_GUARANTEED_DAYS: u32 = 30;
    /// A sanity ceiling on the grace period.
    pub const MAX_GRACE_DAYS: u32 = 365;

    /// A network policy, if its fields are inside their bounds.
    pub fn new(guaranteed_days: u32, reciprocity_grace_days: u32) -> Result<Self, PolicyBelowGuarantee> {
        Bounds::default()
            .check(PolicyField::GuaranteedDays, guaranteed_days, Self::MIN_GUARANTEED_DAYS, Self::MAX_GUARANTEED_DAYS)
            .check(PolicyField::ReciprocityGraceDays, reciprocity_grace_days, 0, Self::MAX_GRACE_DAYS)
            .finish()?;
        Ok(NetworkPolicy { guaranteed_days, reciprocity_grace_days })
    }

    /// The open days per stay that every host must grant.
    pub const fn guaranteed_days(&self) -> u32 {
        self.guaranteed_days
    }

    /// How many days a cluster may offer no desks before its members are refused.
    pub const fn reciprocity_grace_days(&self) -> u32 {
        self.reciprocity_grace_days
    }
}

/// A host policy as a cluster admin writes it, not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDraft {
    /// The most open days one stay may have.
    pub max_days_per_stay: u32,
    /// The most stays one member may have here within 365 days.
    pub stays_per_year: u32,
    /// A stay must start at least this many days after today.
    pub min_notice_days: u32,
    /// A stay must start at most this many days after today.
    pub horizon_days: u32,
    /// Manual or automatic approval.
    pub approval_mode: ApprovalMode,
    /// How many 24-hour days a host has to answer a request.
    pub answer_window_days: u32,
    /// What the answer deadline does to an undecided stay.
    pub on_no_answer: OnNoAnswer,
    /// Hours a waitlist offer holds its desks for the member (issue 23);
    /// policies saved before it have the default.
    #[serde(default = "default_offer_hold_hours")]
    pub offer_hold_hours: u32,
}

impl Default for PolicyDraft {
    /// DOMAIN.md's defaults.
    fn default() -> Self {
        PolicyDraft {
            max_days_per_stay: 5,
            stays_per_year: 2,
            min_notice_days: 1,
            horizon_days: 120,
            approval_mode: ApprovalMode::Manual,
            answer_window_days: 3,
            on_no_answer: OnNoAnswer::Approve,
            offer_hold_hours: DEFAULT_OFFER_HOLD_HOURS,
        }
    }
}

/// A waitlist offer holds its desks this long unless the host says otherwise.
pub const DEFAULT_OFFER_HOLD_HOURS: u32 = 24;

fn default_offer_hold_hours() -> u32 {
    DEFAULT_OFFER_HOLD_HOURS
}

/// A host cluster's policy that passed its floors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HostPolicy(PolicyDraft);

impl Default for HostPolicy {
    /// DOMAIN.md's defaults (which pass every floor of the default network).
    fn default() -> Self {
        HostPolicy(PolicyDraft::default())
    }
}

impl HostPolicy {
    /// Sanity ceiling on the days of one stay.
    pub const MAX_DAYS_PER_STAY: u32 = 365;
    /// Sanity ceiling on stays per member per 365 days.
    pub const MAX_STAYS_PER_YEAR: u32 = 365;
    /// Floor on stays per member per 365 days.
    pub const MIN_STAYS_PER_YEAR: u32 = 1;
    /// Ceiling on the minimum notice.
    pub const MAX_MIN_NOTICE_DAYS: u32 = 7;
    /// Floor on the booking horizon.
    pub const MIN_HORIZON_DAYS: u32 = 30;
    /// Sanity ceiling on the booking horizon (two years).
    pub const MAX_HORIZON_DAYS: u32 = 730;
    /// Bounds of the answer window.
    pub const ANSWER_WINDOW_DAYS: (u32, u32) = (1, 14);
    /// Bounds of a waitlist offer's hold, in hours (an hour to a week).
    pub const OFFER_HOLD_HOURS: (u32, u32) = (1, 168);

    /// Saving a policy: checks every floor, including the network's
    /// guarantee, and reports every field that breaks one.
    pub fn new(draft: PolicyDraft, network: &NetworkPolicy) -> Result<Self, PolicyBelowGuarantee> {
        Self::check(draft, network.guaranteed_days())?;
        Ok(HostPolicy(draft))
    }

    /// Loading a policy saved earlier. The network's guarantee may have been
    /// raised since; that is not the host's fault and is not checked here,
    /// because [`decide`](crate::decide) always grants the network's current
    /// guarantee whatever the saved maximum. Every other bound is checked.
    pub fn from_saved(draft: PolicyDraft) -> Result<Self, PolicyBelowGuarantee> {
        Self::check(draft, NetworkPolicy::MIN_GUARANTEED_DAYS)?;
        Ok(HostPolicy(draft))
    }

    fn check(draft: PolicyDraft, guaranteed_days: u32) -> Result<(), PolicyBelowGuarantee> {
        let (window_min, window_max) = Self::ANSWER_WINDOW_DAYS;
        Bounds::default()
            .check(PolicyField::MaxDaysPerStay, draft.max_days_per_stay, guaranteed_days, Self::MAX_DAYS_PER_STAY)
            .check(PolicyField::StaysPerYear, draft.stays_per_year, Self::MIN_STAYS_PER_YEAR, Self::MAX_STAYS_PER_YEAR)
            .check(PolicyField::MinNoticeDays, draft.min_notice_days, 0, Self::MAX_MIN_NOTICE_DAYS)
            .check(PolicyField::HorizonDays, draft.horizon_days, Self::MIN_HORIZON_DAYS, Self::MAX_HORIZON_DAYS)
            .check(PolicyField::AnswerWindowDays, draft.answer_window_days, window_min, window_max)
            .check(
                PolicyField::OfferHoldHours,
                draft.offer_hold_hours,
                Self::OFFER_HOLD_HOURS.0,
                Self::OFFER_HOLD_HOURS.1,
            )
            .finish()
    }

    /// The policy's fields.
    pub const fn draft(&self) -> &PolicyDraft {
        &self.0
    }

    /// The most open days one stay may have, as saved.
    pub const fn max_days_per_stay(&self) -> u32 {
        self.0.max_days_per_stay
    }

    /// The most stays one member may have here within 365 days.
    pub const fn stays_per_year(&self) -> u32 {
        self.0.stays_per_year
    }

    /// A stay must start at least this many days after today.
    pub const fn min_notice_days(&self) -> u32 {
        self.0.min_notice_days
    }

    /// A stay must start at most this many days after today.
    pub const fn horizon_days(&self) -> u32 {
        self.0.horizon_days
    }

    /// Manual or automatic approval.
    pub const fn approval_mode(&self) -> ApprovalMode {
        self.0.approval_mode
    }

    /// How many 24-hour days the host has to answer.
    pub const fn answer_window_days(&self) -> u32 {
        self.0.answer_window_days
    }

    /// How many hours a waitlist offer holds its desks.
    pub const fn offer_hold_hours(&self) -> u32 {
        self.0.offer_hold_hours
    }

    /// What the deadline does to an undecided stay.
    pub const fn on_no_answer(&self) -> OnNoAnswer {
        self.0.on_no_answer
    }

    /// The most open days a stay may have under this policy in this network:
    /// the saved maximum, but never less than the network's guarantee.
    pub fn effective_max_days(&self, network: &NetworkPolicy) -> u32 {
        self.0.max_days_per_stay.max(network.guaranteed_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(err: &PolicyBelowGuarantee) -> Vec<(PolicyField, Limit)> {
        err.breaches.iter().map(|b| (b.field, b.limit)).collect()
    }

    #[test]
    fn the_defaults_pass_every_floor() {
        assert!(HostPolicy::new(PolicyDraft::default(), &NetworkPolicy::default()).is_ok());
    }

    #[test]
    fn each_floor_refuses_one_below_and_accepts_the_floor_itself() {
        let network = NetworkPolicy::default();
        type Setter = fn(&mut PolicyDraft, u32);
        let cases: [(PolicyField, Setter, u32, u32); 7] = [
            (PolicyField::MaxDaysPerStay, |d, v| d.max_days_per_stay = v, 5, 4),
            (PolicyField::StaysPerYear, |d, v| d.stays_per_year = v, 1, 0),
            (PolicyField::MinNoticeDays, |d, v| d.min_notice_days = v, 7, 8),
            (PolicyField::HorizonDays, |d, v| d.horizon_days = v, 30, 29),
            (PolicyField::AnswerWindowDays, |d, v| d.answer_window_days = v, 1, 0),
            (PolicyField::OfferHoldHours, |d, v| d.offer_hold_hours = v, 1, 0),
            (PolicyField::OfferHoldHours, |d, v| d.offer_hold_hours = v, 168, 169),
        ];
        for (field, set, inside, outside) in cases {
            let mut ok = PolicyDraft::default();
            set(&mut ok, inside);
            assert!(HostPolicy::new(ok, &network).is_ok(), "{field:?} = {inside}");
            let mut bad = PolicyDraft::default();
            set(&mut bad, outside);
            let err = HostPolicy::new(bad, &network).unwrap_err();
            assert_eq!(err.breaches.len(), 1, "{field:?}");
            assert_eq!(err.breaches[0].field, field);
            assert_eq!(err.breaches[0].given, outside);
        }
    }

    #[test]
    fn every_breach_is_reported_together() {
        let draft = PolicyDraft {
            max_days_per_stay: 3,
            stays_per_year: 0,
            min_notice_days: 10,
            horizon_days: 10,
            answer_window_days: 15,
            ..PolicyDraft::default()
        };
        let err = HostPolicy::new(draft, &NetworkPolicy::default()).unwrap_err();
        assert_eq!(
            fields(&err),
            [
                (PolicyField::MaxDaysPerStay, Limit::AtLeast(5)),
                (PolicyField::StaysPerYear, Limit::AtLeast(1)),
                (PolicyField::MinNoticeDays, Limit::AtMost(7)),
                (PolicyField::HorizonDays, Limit::AtLeast(30)),
                (PolicyField::AnswerWindowDays, Limit::AtMost(14)),
            ]
        );
        assert!(err.to_string().contains("max_days_per_stay must be at least 5 (given 3)"));
    }

    #[test]
    fn the_maximum_follows_the_network_guarantee() {
        let network = NetworkPolicy::new(7, 30).unwrap();
        let draft = PolicyDraft { max_days_per_stay: 6, ..PolicyDraft::default() };
        let err = HostPolicy::new(draft, &network).unwrap_err();
        assert_eq!(fields(&err), [(PolicyField::MaxDaysPerStay, Limit::AtLeast(7))]);
    }

    #[test]
    fn a_policy_saved_before_the_guarantee_was_raised_still_loads_and_grants_the_new_guarantee() {
        let saved = HostPolicy::from_saved(PolicyDraft::default()).unwrap();
        let raised = NetworkPolicy::new(8, 30).unwrap();
        assert_eq!(saved.effective_max_days(&raised), 8);
        assert_eq!(saved.effective_max_days(&NetworkPolicy::default()), 5);
    }

    #[test]
    fn the_network_cannot_promise_less_than_the_memorandum() {
        assert!(NetworkPolicy::new(4, 30).is_err());
        assert!(NetworkPolicy::new(5, 0).is_ok());
        assert!(NetworkPolicy::new(31, 30).is_err());
    }
}
