//! Moving a stay to new dates at the same site (issue 23): the new range is
//! judged by every rule as a new request would be, except that the stay
//! never counts against itself (its overlap, its quota, its desks). Days in
//! both ranges keep their desk; days only in the new range are taken; days
//! only in the old one are released. A stay under way keeps its first day
//! (it can only be shortened from the end, or extended).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::decide::{
    ApprovedBy, Decision, DeskLoad, MemberStay, Outcome, Refusal, Snapshot, StayRequest, answer_deadline, decide_with,
};
use crate::policy::OnNoAnswer;
use crate::status::StayStatus;
use crate::violation::Violation;

/// Why a stay cannot be moved at all, whatever the dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MoveRefusal {
    /// 409 `stay_not_movable`: only a pending or approved stay not yet
    /// ended (and not marked no-show) moves, at its own site.
    #[error("only a pending or approved stay that has not ended can be moved")]
    NotMovable,
    /// 409 `stay_started`: the stay is under way; it keeps its first day.
    #[error("the stay has begun: it keeps its first day, {start_date}")]
    Started {
        /// The day it keeps.
        start_date: NaiveDate,
    },
    /// 409 `end_before_today`: the new last day has passed.
    #[error("the new last day, {end_date}, has passed")]
    EndBeforeToday {
        /// The last day asked for.
        end_date: NaiveDate,
    },
}

impl MoveRefusal {
    /// The stable code.
    pub const fn code(&self) -> &'static str {
        match self {
            MoveRefusal::NotMovable => "stay_not_movable",
            MoveRefusal::Started { .. } => "stay_started",
            MoveRefusal::EndBeforeToday { .. } => "end_before_today",
        }
    }
}

/// A move the rules allow: what the service writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The stay's status after the move.
    pub status: StayStatus,
    /// The open days it holds after the move.
    pub days: Vec<NaiveDate>,
    /// Held before and after: never released and taken again.
    pub kept: Vec<NaiveDate>,
    /// Only in the new range: taken with the guarded update.
    pub taken: Vec<NaiveDate>,
    /// Only in the old range: released.
    pub released: Vec<NaiveDate>,
    /// Free under the guarantee in its new range.
    pub within_guarantee: bool,
    /// When the host's answer is due, when the move waits for it.
    pub answer_deadline: Option<DateTime<Utc>>,
    /// An approved stay stayed approved.
    pub approval_kept: bool,
}

/// The rules' answer to a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MoveDecision {
    /// The stay may be moved as the [`Move`] says.
    Moved(Move),
    /// The new range breaks rules, every one listed as a request's are.
    Refused(Refusal),
    /// The stay cannot be moved at all.
    NotMovable(MoveRefusal),
}

impl DeskLoad {
    /// This load with `days` held once less (a stay leaving them).
    pub fn without(self, days: &[NaiveDate]) -> Self {
        self.iter()
            .map(|(date, held)| (date, if days.contains(&date) { held.saturating_sub(1) } else { held }))
            .collect()
    }
}

/// Judges moving `stay` (which holds `held_days` at the snapshot's site)
/// to `request`'s dates at the instant `now`. `snapshot` is loaded as for a
/// new request, the stay among the member's stays and its days in `held`.
pub fn decide_move(
    snapshot: &Snapshot,
    stay: &MemberStay,
    held_days: &[NaiveDate],
    request: &StayRequest,
    now: DateTime<Utc>,
) -> MoveDecision {
    let site = &snapshot.site;
    let today = site.zone.date_at(now);
    if !stay.status.is_live() || stay.no_show || stay.end_date < today || stay.site != site.id {
        return MoveDecision::NotMovable(MoveRefusal::NotMovable);
    }
    let started = stay.start_date <= today;
    if started && request.start_date != stay.start_date {
        return MoveDecision::NotMovable(MoveRefusal::Started { start_date: stay.start_date });
    }
    if request.end_date < today {
        return MoveDecision::NotMovable(MoveRefusal::EndBeforeToday { end_date: request.end_date });
    }
    // The stay never counts against itself.
    let others = Snapshot {
        member_stays: snapshot.member_stays.iter().filter(|s| s.id != stay.id).cloned().collect(),
        held: snapshot.held.clone().without(held_days),
        ..snapshot.clone()
    };
    let acceptance = match decide_with(&others, request, now, started) {
        Decision::Refused(refusal) => return MoveDecision::Refused(refusal),
        Decision::Accepted(acceptance) => acceptance,
    };
    let old: BTreeSet<NaiveDate> = held_days.iter().copied().collect();
    let new: BTreeSet<NaiveDate> = acceptance.days.iter().copied().collect();
    let kept: Vec<NaiveDate> = new.intersection(&old).copied().collect();
    let taken: Vec<NaiveDate> = new.difference(&old).copied().collect();
    let released: Vec<NaiveDate> = old.difference(&new).copied().collect();
    let policy = &snapshot.host.policy;
    let auto = matches!(acceptance.outcome, Outcome::Approved { by: ApprovedBy::AutoApprovalPolicy });
    let keeps_approval =
        stay.status == StayStatus::Approved && (taken.is_empty() || (acceptance.within_guarantee && auto));
    // Approved stays keep their approval so; a pending one at an automatic
    // host is approved as a new request would be.
    let (status, deadline) = if keeps_approval || (stay.status == StayStatus::Pending && auto) {
        (StayStatus::Approved, None)
    } else {
        // The host answers before the first day it is newly asked for.
        let first_new = taken.first().copied().unwrap_or(request.start_date);
        let deadline = answer_deadline(now, policy.answer_window_days(), first_new, site.zone);
        if deadline > now {
            (StayStatus::Pending, Some(deadline))
        } else {
            match policy.on_no_answer() {
                OnNoAnswer::Approve => (StayStatus::Approved, None),
                // No time left to answer, and no answer expires it: the move
                // is refused as a request this soon would be.
                OnNoAnswer::Expire => {
                    return MoveDecision::Refused(Refusal {
                        violations: vec![Violation::TooSoon {
                            earliest_start: crate::dates::add_days_saturating(
                                today,
                                u64::from(policy.min_notice_days()).max(1),
                            ),
                        }],
                        alternatives: Vec::new(),
                    });
                }
            }
        }
    };
    MoveDecision::Moved(Move {
        status,
        days: acceptance.days,
        kept,
        taken,
        released,
        within_guarantee: acceptance.within_guarantee,
        answer_deadline: deadline,
        approval_kept: keeps_approval,
    })
}
