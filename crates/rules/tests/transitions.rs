//! DOMAIN.md's transition table, as a table: every (state, action) pair, each
//! tried at a moment when its timing condition holds, so that only the state
//! decides. Allowed moves succeed with the right result; every other move is
//! refused. Then the timing and actor conditions one by one.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use chrono::{DateTime, Utc};
use deskvisa_rules::*;
use support::*;

/// A stay from Monday 9 to Friday 13 March in Copenhagen, inside the guarantee,
/// answer due Thursday 5 March at noon.
fn stay(status: StayStatus, checked_in: bool, no_show: bool) -> StayFacts {
    let days: Vec<_> = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"].map(d).to_vec();
    StayFacts {
        status,
        checked_in,
        no_show,
        start_date: d("2026-03-09"),
        end_date: d("2026-03-13"),
        held_days: if status.is_live() { days.clone() } else { Vec::new() },
        days,
        answer_deadline: Some(t("2026-03-05T12:00:00Z")),
        within_guarantee: true,
        zone: TimeZone::parse("Europe/Copenhagen").unwrap(),
    }
}

fn reason() -> Reason {
    Reason::parse("The building is closed for repairs").unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Pending,
    Approved,
    CheckedIn,
    NoShow,
    Declined,
    Cancelled,
    Expired,
}

fn facts(state: State) -> StayFacts {
    match state {
        State::Pending => stay(StayStatus::Pending, false, false),
        State::Approved => stay(StayStatus::Approved, false, false),
        State::CheckedIn => stay(StayStatus::Approved, true, false),
        State::NoShow => {
            // Marked on Tuesday: Tuesday on was released.
            let mut s = stay(StayStatus::Approved, false, true);
            s.held_days.truncate(1);
            s
        }
        State::Declined => stay(StayStatus::Declined, false, false),
        State::Cancelled => stay(StayStatus::Cancelled, false, false),
        State::Expired => stay(StayStatus::Expired, false, false),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    Approve,
    Decline,
    AutoApprove,
    Expire,
    CancelByMember,
    CancelByHost,
    CheckIn,
    NoShow,
}

/// The action, its actor, and a moment when its timing condition holds.
fn make(m: Move) -> (Action, Actor, DateTime<Utc>) {
    let before_deadline = t("2026-03-04T12:00:00Z");
    let after_deadline = t("2026-03-06T12:00:00Z");
    let first_day = t("2026-03-09T09:00:00Z");
    let second_day = t("2026-03-10T09:00:00Z");
    match m {
        Move::Approve => (Action::Approve, Actor::HostAdmin, before_deadline),
        Move::Decline => (Action::Decline { reason: reason() }, Actor::HostAdmin, before_deadline),
        Move::AutoApprove => (Action::AutoApprove, Actor::Worker, after_deadline),
        Move::Expire => (Action::Expire, Actor::Worker, after_deadline),
        Move::CancelByMember => (Action::Cancel { reason: None }, Actor::Member, second_day),
        Move::CancelByHost => (Action::Cancel { reason: Some(reason()) }, Actor::HostAdmin, second_day),
        Move::CheckIn => (Action::CheckIn, Actor::HostAdmin, first_day),
        Move::NoShow => (Action::NoShow, Actor::HostAdmin, second_day),
    }
}

/// What each pair gives: the status after, the marks after, or the refusal.
type Expected = Result<(StayStatus, bool, bool), TransitionError>;

fn expected(state: State, m: Move) -> Expected {
    use StayStatus as S;
    use TransitionError as E;
    match (state, m) {
        (State::Pending, Move::Approve | Move::AutoApprove) => Ok((S::Approved, false, false)),
        (State::Pending, Move::Decline) => Ok((S::Declined, false, false)),
        (State::Pending, Move::Expire) => Ok((S::Expired, false, false)),
        (State::Pending, Move::CancelByMember) => Ok((S::Cancelled, false, false)),
        (State::Pending, Move::CancelByHost) => Err(E::NotAllowed),
        (State::Pending, Move::CheckIn | Move::NoShow) => Err(E::NotApproved),

        (_, Move::Approve | Move::Decline | Move::AutoApprove | Move::Expire) => Err(E::NotPending),

        (State::Approved, Move::CancelByMember | Move::CancelByHost) => Ok((S::Cancelled, false, false)),
        (State::Approved, Move::CheckIn) => Ok((S::Approved, true, false)),
        (State::Approved, Move::NoShow) => Ok((S::Approved, false, true)),

        (State::CheckedIn, Move::CancelByMember | Move::CancelByHost) => Ok((S::Cancelled, true, false)),
        (State::CheckedIn, Move::CheckIn | Move::NoShow) => Err(E::AlreadyMarked),

        (State::NoShow, Move::CancelByMember | Move::CancelByHost) => Err(E::Over),
        (State::NoShow, Move::CheckIn | Move::NoShow) => Err(E::AlreadyMarked),

        (State::Declined | State::Cancelled | State::Expired, _) => Err(E::Over),
    }
}

const STATES: [State; 7] = [
    State::Pending,
    State::Approved,
    State::CheckedIn,
    State::NoShow,
    State::Declined,
    State::Cancelled,
    State::Expired,
];
const MOVES: [Move; 8] = [
    Move::Approve,
    Move::Decline,
    Move::AutoApprove,
    Move::Expire,
    Move::CancelByMember,
    Move::CancelByHost,
    Move::CheckIn,
    Move::NoShow,
];

#[test]
fn every_state_and_action_pair_follows_the_table() {
    let mut allowed = 0;
    for state in STATES {
        for m in MOVES {
            let (action, actor, now) = make(m);
            let got = transition(&facts(state), &action, actor, now).map(|t| (t.to, t.checked_in, t.no_show));
            assert_eq!(got, expected(state, m), "{state:?} × {m:?}");
            allowed += usize::from(got.is_ok());
        }
    }
    assert_eq!(allowed, 11, "the table has eleven allowed moves");
}

#[test]
fn refusals_carry_the_contract_codes() {
    assert_eq!(TransitionError::NotPending.code(), "stay_not_pending");
    assert_eq!(TransitionError::DeadlinePassed.code(), "stay_not_pending");
    assert_eq!(TransitionError::Over.code(), "stay_over");
}

#[test]
fn a_decline_or_expiry_releases_every_day_and_is_a_guarantee_exception() {
    for m in [Move::Decline, Move::Expire] {
        let (action, actor, now) = make(m);
        let done = transition(&facts(State::Pending), &action, actor, now).unwrap();
        assert_eq!(done.released.len(), 5);
        assert!(done.guarantee_exception, "{m:?}");
    }
}

#[test]
fn a_decline_outside_the_guarantee_is_no_exception() {
    let mut s = facts(State::Pending);
    s.within_guarantee = false;
    let (action, actor, now) = make(Move::Decline);
    assert!(!transition(&s, &action, actor, now).unwrap().guarantee_exception);
}

#[test]
fn the_host_decides_only_before_the_deadline_and_the_worker_only_after() {
    let deadline = t("2026-03-05T12:00:00Z");
    let s = facts(State::Pending);
    let one_second = chrono::TimeDelta::seconds(1);
    assert!(transition(&s, &Action::Approve, Actor::HostAdmin, deadline - one_second).is_ok());
    assert_eq!(transition(&s, &Action::Approve, Actor::HostAdmin, deadline), Err(TransitionError::DeadlinePassed));
    let decline = Action::Decline { reason: reason() };
    assert_eq!(transition(&s, &decline, Actor::HostAdmin, deadline), Err(TransitionError::DeadlinePassed));
    assert_eq!(
        transition(&s, &Action::AutoApprove, Actor::Worker, deadline - one_second),
        Err(TransitionError::DeadlineNotReached)
    );
    assert!(transition(&s, &Action::AutoApprove, Actor::Worker, deadline).is_ok());
    assert!(transition(&s, &Action::Expire, Actor::Worker, deadline).is_ok());
}

#[test]
fn only_the_right_actor_may_make_each_move() {
    let s = facts(State::Pending);
    let before = t("2026-03-04T12:00:00Z");
    let after = t("2026-03-06T12:00:00Z");
    assert_eq!(transition(&s, &Action::Approve, Actor::Member, before), Err(TransitionError::NotAllowed));
    assert_eq!(transition(&s, &Action::Approve, Actor::Worker, before), Err(TransitionError::NotAllowed));
    assert_eq!(transition(&s, &Action::AutoApprove, Actor::HostAdmin, after), Err(TransitionError::NotAllowed));
    assert_eq!(transition(&s, &Action::Expire, Actor::Member, after), Err(TransitionError::NotAllowed));
    let cancel = Action::Cancel { reason: None };
    assert_eq!(transition(&s, &cancel, Actor::Worker, before), Err(TransitionError::NotAllowed));
    let approved = facts(State::Approved);
    let first_day = t("2026-03-09T09:00:00Z");
    assert_eq!(transition(&approved, &Action::CheckIn, Actor::Member, first_day), Err(TransitionError::NotAllowed));
}

#[test]
fn a_host_cancellation_needs_a_reason_and_is_a_guarantee_exception() {
    let s = facts(State::Approved);
    let now = t("2026-03-04T12:00:00Z");
    let without = Action::Cancel { reason: None };
    assert_eq!(transition(&s, &without, Actor::HostAdmin, now), Err(TransitionError::ReasonRequired));
    let with = Action::Cancel { reason: Some(reason()) };
    let done = transition(&s, &with, Actor::HostAdmin, now).unwrap();
    assert!(done.guarantee_exception);
    assert_eq!(done.released.len(), 5);
    let by_member = transition(&s, &without, Actor::Member, now).unwrap();
    assert!(!by_member.guarantee_exception);
}

#[test]
fn cancelling_mid_stay_releases_the_days_from_today_on() {
    // Wednesday 11 March, 10:00 in Copenhagen: Wednesday to Friday go back.
    let s = facts(State::CheckedIn);
    let done = transition(&s, &Action::Cancel { reason: None }, Actor::Member, t("2026-03-11T09:00:00Z")).unwrap();
    assert_eq!(done.released, [d("2026-03-11"), d("2026-03-12"), d("2026-03-13")]);
}

#[test]
fn a_stay_can_be_cancelled_on_its_last_day_but_not_after() {
    let s = facts(State::Approved);
    let cancel = Action::Cancel { reason: None };
    // 23:30 UTC on Friday 13 March is already Saturday in Copenhagen.
    assert!(transition(&s, &cancel, Actor::Member, t("2026-03-13T22:59:59Z")).is_ok());
    assert_eq!(transition(&s, &cancel, Actor::Member, t("2026-03-13T23:30:00Z")), Err(TransitionError::Over));
}

#[test]
fn check_in_happens_on_a_held_day_only() {
    let s = facts(State::Approved);
    assert_eq!(
        transition(&s, &Action::CheckIn, Actor::HostAdmin, t("2026-03-08T12:00:00Z")),
        Err(TransitionError::NotAStayDay),
        "Sunday before the stay"
    );
    assert!(transition(&s, &Action::CheckIn, Actor::HostAdmin, t("2026-03-13T12:00:00Z")).is_ok());
    assert_eq!(
        transition(&s, &Action::CheckIn, Actor::HostAdmin, t("2026-03-14T12:00:00Z")),
        Err(TransitionError::NotAStayDay),
        "the Saturday after"
    );
}

#[test]
fn a_no_show_waits_for_the_end_of_the_first_day_and_releases_from_the_mark_on() {
    let s = facts(State::Approved);
    assert_eq!(
        transition(&s, &Action::NoShow, Actor::HostAdmin, t("2026-03-09T22:59:59Z")),
        Err(TransitionError::FirstDayNotOver)
    );
    let done = transition(&s, &Action::NoShow, Actor::HostAdmin, t("2026-03-09T23:00:00Z")).unwrap();
    assert!(done.no_show);
    assert_eq!(done.released, [d("2026-03-10"), d("2026-03-11"), d("2026-03-12"), d("2026-03-13")]);
}

#[test]
fn actors_round_trip_through_their_names() {
    for actor in [Actor::Member, Actor::HostAdmin, Actor::Worker] {
        assert_eq!(Actor::parse(actor.as_str()), Some(actor));
    }
    assert_eq!(Actor::HostAdmin.as_str(), "host_admin");
    assert_eq!(Actor::parse("admin"), None);
}
