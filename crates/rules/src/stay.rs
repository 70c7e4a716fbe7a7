//! The life of a stay after its request, as a state machine (DOMAIN.md, "The
//! life of a stay"): approve, decline, expire and approve at the deadline,
//! cancel, check-in, no-show. Every other move is refused with a reason the
//! API turns into a stable code.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::status::StayStatus;
use crate::text::Reason;
use crate::zone::TimeZone;

/// Who acts on a stay. The service has already checked that a person acting
/// as `HostAdmin` administers the host cluster, and that a `Member` is the
/// stay's own member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The stay's member.
    Member,
    /// A cluster admin of the host cluster.
    HostAdmin,
    /// The background worker, at the answer deadline.
    Worker,
}

/// What an actor asks to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Host: approve a pending stay before its deadline.
    Approve,
    /// Host: decline a pending stay before its deadline, with a reason.
    Decline {
        /// Why.
        reason: Reason,
    },
    /// Worker: the deadline passed at a host whose policy is `approve`.
    AutoApprove,
    /// Worker: the deadline passed at a host whose policy is `expire`.
    Expire,
    /// Member (pending or approved) or host (approved only, with a reason):
    /// call the stay off before its last date has passed.
    Cancel {
        /// Why; required of a host.
        reason: Option<Reason>,
    },
    /// Host: the visitor arrived, on one of the stay's days.
    CheckIn,
    /// Host: the visitor did not come, marked after the end of the first held day.
    NoShow,
}

impl Actor {
    /// As the API and the database spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Actor::Member => "member",
            Actor::HostAdmin => "host_admin",
            Actor::Worker => "worker",
        }
    }

    /// The actor spelled `text`, if any.
    pub fn parse(text: &str) -> Option<Actor> {
        [Actor::Member, Actor::HostAdmin, Actor::Worker].into_iter().find(|a| a.as_str() == text)
    }
}

impl Action {
    /// What the stay's history records for this action.
    pub const fn history(&self) -> HistoryAction {
        match self {
            Action::Approve => HistoryAction::Approve,
            Action::Decline { .. } => HistoryAction::Decline,
            Action::AutoApprove => HistoryAction::AutoApprove,
            Action::Expire => HistoryAction::Expire,
            Action::Cancel { .. } => HistoryAction::Cancel,
            Action::CheckIn => HistoryAction::CheckIn,
            Action::NoShow => HistoryAction::NoShow,
        }
    }
}

/// What one entry of a stay's history records: the request, each
/// [`Action`], and the moves the rules make on their own at the request
/// (approval by the host's `auto` policy, an approval or expiry whose
/// deadline had already passed). One spelling, stored and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    /// The member asked.
    Request,
    /// A host admin approved.
    Approve,
    /// A host admin declined.
    Decline,
    /// Approved at the answer deadline (by the worker, or at once when the
    /// deadline had already passed).
    AutoApprove,
    /// Approved at once by the host's `auto` approval mode.
    AutoApprovePolicy,
    /// Expired at the answer deadline.
    Expire,
    /// Called off by the member or a host admin.
    Cancel,
    /// The visitor arrived.
    CheckIn,
    /// The visitor did not come.
    NoShow,
    /// The member moved the stay to new dates (issue 23).
    Move,
}

impl HistoryAction {
    /// Every action, in the order of a stay's life.
    pub const ALL: [HistoryAction; 10] = [
        HistoryAction::Request,
        HistoryAction::Approve,
        HistoryAction::Decline,
        HistoryAction::AutoApprove,
        HistoryAction::AutoApprovePolicy,
        HistoryAction::Expire,
        HistoryAction::Cancel,
        HistoryAction::CheckIn,
        HistoryAction::NoShow,
        HistoryAction::Move,
    ];

    /// As the API and the database spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Request => "request",
            HistoryAction::Approve => "approve",
            HistoryAction::Decline => "decline",
            HistoryAction::AutoApprove => "auto_approve",
            HistoryAction::AutoApprovePolicy => "auto_approve_policy",
            HistoryAction::Expire => "expire",
            HistoryAction::Cancel => "cancel",
            HistoryAction::CheckIn => "check_in",
            HistoryAction::NoShow => "no_show",
            HistoryAction::Move => "move",
        }
    }

    /// The action spelled `text`, if any.
    pub fn parse(text: &str) -> Option<HistoryAction> {
        HistoryAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// How the stay's approval came about, when the rules approved it at once.
    pub const fn of_approval(by: crate::decide::ApprovedBy) -> HistoryAction {
        match by {
            crate::decide::ApprovedBy::AutoApprovalPolicy => HistoryAction::AutoApprovePolicy,
            crate::decide::ApprovedBy::AnswerDeadline => HistoryAction::AutoApprove,
        }
    }
}

impl std::fmt::Display for HistoryAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for HistoryAction {
    type Err = UnknownHistoryAction;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        HistoryAction::parse(text).ok_or(UnknownHistoryAction)
    }
}

/// A stored history action deskvisa does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown stay history action")]
pub struct UnknownHistoryAction;

/// A stay as it stands, loaded by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayFacts {
    /// Where it is in its life.
    pub status: StayStatus,
    /// The visitor has arrived.
    pub checked_in: bool,
    /// Marked no-show.
    pub no_show: bool,
    /// First date of the range.
    pub start_date: NaiveDate,
    /// Last date of the range, included.
    pub end_date: NaiveDate,
    /// The desk-days the stay holds now, in order.
    pub held_days: Vec<NaiveDate>,
    /// The open days of the stay as requested, in order (its first is the
    /// first held day of the no-show rule).
    pub days: Vec<NaiveDate>,
    /// When the host's answer is due (pending stays).
    pub answer_deadline: Option<DateTime<Utc>>,
    /// The request was inside the guarantee when it was accepted.
    pub within_guarantee: bool,
    /// The host site's zone: "today" is its date.
    pub zone: TimeZone,
}

/// The outcome of an allowed move: what the service writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The status before.
    pub from: StayStatus,
    /// The status after.
    pub to: StayStatus,
    /// Checked in after the move.
    pub checked_in: bool,
    /// Marked no-show after the move.
    pub no_show: bool,
    /// The desk-days given back.
    pub released: Vec<NaiveDate>,
    /// Recorded as a guarantee exception in the reciprocity ledger.
    pub guarantee_exception: bool,
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionError {
    /// The stay is no longer pending: someone decided first, or the worker did.
    #[error("the stay is no longer pending")]
    NotPending,
    /// The answer deadline has passed: the worker settles the stay now.
    #[error("the answer deadline has passed; the stay is settled by the host's policy")]
    DeadlinePassed,
    /// The answer deadline has not passed yet (worker moves only).
    #[error("the answer deadline has not passed yet")]
    DeadlineNotReached,
    /// The stay is final, or its last date has passed.
    #[error("the stay is over")]
    Over,
    /// The stay is not approved (check-in, no-show, host cancellation).
    #[error("the stay is not approved")]
    NotApproved,
    /// This actor may not make this move (a host declines a pending stay
    /// rather than cancelling it; only the worker settles a deadline).
    #[error("this move is not yours to make")]
    NotAllowed,
    /// A host's cancellation needs a reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// Check-in happens on one of the stay's held days.
    #[error("today is not one of the stay's days")]
    NotAStayDay,
    /// A no-show may be marked only after the end of the first held day.
    #[error("the first day of the stay has not ended yet")]
    FirstDayNotOver,
    /// Already checked in or marked no-show.
    #[error("the stay is already marked")]
    AlreadyMarked,
}

impl TransitionError {
    /// The stable code the API returns.
    pub const fn code(self) -> &'static str {
        match self {
            // "the stay moved on": the contract's code for every decision too late.
            TransitionError::NotPending | TransitionError::DeadlinePassed => "stay_not_pending",
            TransitionError::DeadlineNotReached => "deadline_not_reached",
            TransitionError::Over => "stay_over",
            TransitionError::NotApproved => "stay_not_approved",
            TransitionError::NotAllowed => "forbidden",
            TransitionError::ReasonRequired => "reason_required",
            TransitionError::NotAStayDay => "not_a_stay_day",
            TransitionError::FirstDayNotOver => "first_day_not_over",
            TransitionError::AlreadyMarked => "already_marked",
        }
    }
}

/// The host marks the visitor's arrival (check-in, on one of the stay's
/// days) or their absence (no-show, once the first held day is over).
fn arrival(
    stay: &StayFacts,
    action: &Action,
    today: NaiveDate,
    unchanged: Transition,
) -> Result<Transition, TransitionError> {
    match stay.status {
        StayStatus::Approved => {}
        StayStatus::Pending => return Err(TransitionError::NotApproved),
        _ => return Err(TransitionError::Over),
    }
    if stay.checked_in || stay.no_show {
        return Err(TransitionError::AlreadyMarked);
    }
    if matches!(action, Action::CheckIn) {
        if !stay.held_days.contains(&today) {
            return Err(TransitionError::NotAStayDay);
        }
        return Ok(Transition { checked_in: true, ..unchanged });
    }
    let first_day = stay.days.first().copied().unwrap_or(stay.start_date);
    if today <= first_day {
        return Err(TransitionError::FirstDayNotOver);
    }
    let released = stay.held_days.iter().copied().filter(|d| *d >= today).collect();
    Ok(Transition { no_show: true, released, ..unchanged })
}

/// A pending stay answered, by its host or, at the deadline, by the worker:
/// approved, or refused (declined, expired), which gives back every held
/// day and, when the request was within the guarantee, is a guarantee
/// exception.
fn answer(stay: &StayFacts, action: &Action, unchanged: Transition) -> Transition {
    let to = match action {
        Action::Approve | Action::AutoApprove => return Transition { to: StayStatus::Approved, ..unchanged },
        Action::Decline { .. } => StayStatus::Declined,
        _ => StayStatus::Expired,
    };
    Transition { to, released: stay.held_days.clone(), guarantee_exception: stay.within_guarantee, ..unchanged }
}

/// Judges `action` by `actor` on `stay` at `now`.
pub fn transition(
    stay: &StayFacts,
    action: &Action,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Transition, TransitionError> {
    let today = stay.zone.date_at(now);
    let deadline_passed = stay.answer_deadline.is_some_and(|deadline| now >= deadline);
    let unchanged = Transition {
        from: stay.status,
        to: stay.status,
        checked_in: stay.checked_in,
        no_show: stay.no_show,
        released: Vec::new(),
        guarantee_exception: false,
    };
    let release_from_today = || stay.held_days.iter().copied().filter(|d| *d >= today).collect();

    match (action, actor) {
        (Action::Approve | Action::Decline { .. }, Actor::HostAdmin)
        | (Action::AutoApprove | Action::Expire, Actor::Worker) => {
            if stay.status != StayStatus::Pending {
                return Err(TransitionError::NotPending);
            }
            // The host answers until the deadline; from then on only the
            // worker settles the stay, as the host's policy says.
            let by_worker = actor == Actor::Worker;
            if deadline_passed && !by_worker {
                return Err(TransitionError::DeadlinePassed);
            }
            if !deadline_passed && by_worker {
                return Err(TransitionError::DeadlineNotReached);
            }
            Ok(answer(stay, action, unchanged))
        }
        (Action::Cancel { reason }, Actor::Member | Actor::HostAdmin) => {
            // A no-show is settled: it cannot be undone, nor turned into a cancellation.
            if stay.status.is_final() || stay.no_show || today > stay.end_date {
                return Err(TransitionError::Over);
            }
            let by_host = actor == Actor::HostAdmin;
            if by_host && stay.status != StayStatus::Approved {
                return Err(TransitionError::NotAllowed);
            }
            if by_host && reason.is_none() {
                return Err(TransitionError::ReasonRequired);
            }
            Ok(Transition {
                to: StayStatus::Cancelled,
                released: release_from_today(),
                guarantee_exception: by_host,
                ..unchanged
            })
        }
        (Action::CheckIn | Action::NoShow, Actor::HostAdmin) => arrival(stay, action, today, unchanged),
        _ => Err(TransitionError::NotAllowed),
    }
}
