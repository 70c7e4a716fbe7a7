//! Delegations (issue 23): a home cluster's admin asks for one stay for a
//! group of its members (2 to 20, named) at one site and range. All or
//! nothing: each member is judged by every rule as their own request would
//! be, and the group needs a desk for each of them on every day, so each
//! member is judged with the desks of those before them counted held.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::decide::{Acceptance, Decision, Refusal, Snapshot, StayRequest, decide};

/// The fewest members a delegation names.
pub const MIN_DELEGATION: usize = 2;
/// The most members a delegation names.
pub const MAX_DELEGATION: usize = 20;

/// The answer for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum GroupDecision {
    /// Every member accepted: their acceptances, in the order given.
    Accepted(Vec<Acceptance>),
    /// Some refused: each refused member's place in the list and refusal.
    Refused(Vec<(usize, Refusal)>),
}

/// Judges `request` for each member's snapshot (in the order given) at
/// `now`, the days each accepted member would hold counted against the next.
pub fn decide_group(snapshots: &[Snapshot], request: &StayRequest, now: DateTime<Utc>) -> GroupDecision {
    let mut accepted = Vec::with_capacity(snapshots.len());
    let mut refused = Vec::new();
    let mut taken: Vec<chrono::NaiveDate> = Vec::new();
    for (place, snapshot) in snapshots.iter().enumerate() {
        let before = snapshot.held.clone();
        let shared =
            Snapshot { held: taken.iter().fold(before, |load, day| load.with_held(&[*day])), ..snapshot.clone() };
        match decide(&shared, request, now) {
            Decision::Accepted(acceptance) => {
                if acceptance.holds_desks() {
                    taken.extend(acceptance.days.iter().copied());
                }
                accepted.push(acceptance);
            }
            Decision::Refused(refusal) => refused.push((place, refusal)),
        }
    }
    if refused.is_empty() { GroupDecision::Accepted(accepted) } else { GroupDecision::Refused(refused) }
}
