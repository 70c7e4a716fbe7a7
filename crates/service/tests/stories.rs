//! DOMAIN.md's life of a stay, told through the service on both databases
//! with a fixed clock: request, approve, decline, cancel, the answer deadline
//! (approve and expire), check-in and no-show.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use chrono::TimeDelta;
use deskvisa_rules::{
    ApprovalMode, HistoryAction, OnNoAnswer, PolicyDraft, Reason, StayStatus, TransitionError, ViolationCode,
};
use deskvisa_service::*;
use deskvisa_testing::world::*;
use support::*;

fn reason(text: &str) -> Reason {
    Reason::parse(text).unwrap()
}

#[tokio::test]
async fn a_request_holds_its_desks_and_the_host_approves_it() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-10")).await.unwrap();
        assert_eq!(stay.status, StayStatus::Pending);
        assert_eq!(stay.days, ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"].map(d));
        assert_eq!(stay.answer_deadline, Some(t("2026-03-03T23:00:00Z")));
        assert_eq!(w.test_db.scalar("SELECT SUM(held) FROM site_days").await, 5);

        let approved = w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        assert_eq!(approved.status, StayStatus::Approved);
        assert_eq!(approved.history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(), ["request", "approve"]);
        assert_eq!(approved.history[1].by, Some(w.host_admin.member));
        // Approving twice: the stay moved on.
        let again = w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await;
        assert!(matches!(again, Err(ServiceError::Transition(TransitionError::NotPending))), "{again:?}");
        assert_counters_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn a_decline_gives_every_desk_back_and_keeps_the_reason() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        let declined = w
            .service
            .act_on_stay(&w.host_admin, stay.id, StayCommand::Decline(reason("Fully booked by a delegation")))
            .await
            .unwrap();
        assert_eq!(declined.status, StayStatus::Declined);
        assert_eq!(declined.decline_reason.as_ref().map(Reason::as_str), Some("Fully booked by a delegation"));
        assert!(declined.days.is_empty());
        assert!(declined.history[1].guarantee_exception, "a decline inside the guarantee is an exception");
        assert_eq!(w.test_db.scalar("SELECT SUM(held) FROM site_days").await, 0);
        assert_counters_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn cancelling_mid_stay_releases_the_days_from_today_on() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        // Thursday 5 March, 10:00 in Copenhagen.
        w.clock.set(t("2026-03-05T09:00:00Z"));
        let cancelled = w.service.act_on_stay(&w.member, stay.id, StayCommand::Cancel(None)).await.unwrap();
        assert_eq!(cancelled.status, StayStatus::Cancelled);
        assert_eq!(cancelled.days, [d("2026-03-04")], "Wednesday stays a visitor-day");
        assert_eq!(w.test_db.scalar("SELECT SUM(held) FROM site_days").await, 1);
        let again = w.service.act_on_stay(&w.member, stay.id, StayCommand::Cancel(None)).await;
        assert!(matches!(again, Err(ServiceError::Transition(TransitionError::Over))), "{again:?}");
        assert_counters_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn a_host_cancels_an_approved_stay_only_with_a_reason() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        let pending = w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Cancel(Some(reason("x")))).await;
        assert!(
            matches!(pending, Err(ServiceError::Transition(TransitionError::NotAllowed))),
            "a host declines a pending stay"
        );
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let without = w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Cancel(None)).await;
        assert!(matches!(without, Err(ServiceError::Transition(TransitionError::ReasonRequired))), "{without:?}");
        let done = w
            .service
            .act_on_stay(&w.host_admin, stay.id, StayCommand::Cancel(Some(reason("Water damage"))))
            .await
            .unwrap();
        assert_eq!(done.cancel_reason.as_ref().map(Reason::as_str), Some("Water damage"));
        assert!(done.history.last().unwrap().guarantee_exception);
    })
    .await;
}

#[tokio::test]
async fn an_unanswered_stay_is_approved_at_its_deadline_or_expired_where_the_host_says_so() {
    World::on_both_backends(2, async |w| {
        let first = w.service.request_stay(&w.member, &w.input("2026-03-16", "2026-03-17")).await.unwrap();
        assert_eq!(first.answer_deadline, Some(t("2026-03-05T09:00:00Z")));
        w.clock.set(t("2026-03-05T08:59:59Z"));
        assert_eq!(w.service.settle_due_stays().await.unwrap(), 0, "not before the deadline");
        w.clock.set(t("2026-03-05T09:00:00Z"));
        assert_eq!(w.service.settle_due_stays().await.unwrap(), 1);
        let settled = w.service.stay(&w.member, first.id).await.unwrap();
        assert_eq!(settled.status, StayStatus::Approved);
        assert_eq!(settled.history.last().unwrap().action, HistoryAction::AutoApprove);

        w.service
            .save_policy(
                &w.host_admin,
                w.host,
                PolicyDraft { on_no_answer: OnNoAnswer::Expire, ..PolicyDraft::default() },
            )
            .await
            .unwrap();
        let second = w.service.request_stay(&w.member, &w.input("2026-03-23", "2026-03-24")).await.unwrap();
        w.clock.advance(TimeDelta::days(3));
        assert_eq!(w.service.settle_due_stays().await.unwrap(), 1);
        let expired = w.service.stay(&w.member, second.id).await.unwrap();
        assert_eq!(expired.status, StayStatus::Expired);
        assert!(expired.days.is_empty(), "an expired stay gives its desks back");
        assert_counters_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn automatic_approval_approves_at_once() {
    World::on_both_backends(2, async |w| {
        w.service
            .save_policy(
                &w.host_admin,
                w.host,
                PolicyDraft { approval_mode: ApprovalMode::Auto, ..PolicyDraft::default() },
            )
            .await
            .unwrap();
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-04")).await.unwrap();
        assert_eq!(stay.status, StayStatus::Approved);
        assert_eq!(stay.answer_deadline, None);
    })
    .await;
}

#[tokio::test]
async fn check_in_on_a_stay_day_and_no_show_after_the_first_day() {
    World::on_both_backends(2, async |w| {
        let arriving = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-05")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, arriving.id, StayCommand::Approve).await.unwrap();
        let early = w.service.act_on_stay(&w.host_admin, arriving.id, StayCommand::CheckIn).await;
        assert!(matches!(early, Err(ServiceError::Transition(TransitionError::NotAStayDay))), "{early:?}");
        w.clock.set(t("2026-03-04T08:00:00Z"));
        let checked = w.service.act_on_stay(&w.host_admin, arriving.id, StayCommand::CheckIn).await.unwrap();
        assert!(checked.checked_in);

        let other = w.another_member("piotr@hubclub.example").await;
        w.clock.set(t("2026-03-02T09:00:00Z"));
        let absent = w.service.request_stay(&other, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, absent.id, StayCommand::Approve).await.unwrap();
        w.clock.set(t("2026-03-05T08:00:00Z"));
        let marked = w.service.act_on_stay(&w.host_admin, absent.id, StayCommand::NoShow).await.unwrap();
        assert!(marked.no_show);
        assert_eq!(marked.days, [d("2026-03-04")], "Thursday and Friday go back");
        assert_counters_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn a_member_cannot_decide_and_another_cluster_sees_nothing() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-04")).await.unwrap();
        let by_member = w.service.act_on_stay(&w.member, stay.id, StayCommand::Approve).await;
        assert!(matches!(by_member, Err(ServiceError::Forbidden)), "{by_member:?}");

        let third = w.service.add_cluster(cluster("Cluster 55", "Stockholm", "SE", "Europe/Stockholm")).await.unwrap();
        let stranger = w.add_admin(third.id, member("erik@c55.example")).await;
        assert!(matches!(w.service.stay(&stranger, stay.id).await, Err(ServiceError::NotFound)));
        let decide = w.service.act_on_stay(&stranger, stay.id, StayCommand::Approve).await;
        assert!(matches!(decide, Err(ServiceError::NotFound)), "another cluster's stay is 404, not 403");

        // The home cluster's admin sees the stay (read only).
        let home_admin = w.add_admin(w.home, member("boss@hubclub.example")).await;
        assert!(w.service.stay(&home_admin, stay.id).await.is_ok());
        assert!(matches!(
            w.service.act_on_stay(&home_admin, stay.id, StayCommand::Approve).await,
            Err(ServiceError::Forbidden)
        ));
    })
    .await;
}

#[tokio::test]
async fn refusals_carry_every_violation() {
    World::on_both_backends(2, async |w| {
        let refused = w.service.request_stay(&w.member, &w.input("2026-03-02", "2026-03-13")).await;
        let Err(ServiceError::Refused(refusal)) = refused else { panic!("{refused:?}") };
        assert_eq!(refusal.codes(), [ViolationCode::TooLong, ViolationCode::TooSoon]);
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM stays").await, 0, "nothing written");
    })
    .await;
}

async fn queued(t: &deskvisa_testing::TestDatabase) -> (i64, i64) {
    (
        t.scalar("SELECT COUNT(*) FROM outbox").await,
        t.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await,
    )
}

/// Every move that DOMAIN.md's "Emails" names queues its emails in the
/// move's own transaction; a refused request and a check-in queue none.
#[tokio::test]
async fn each_move_queues_its_emails_in_its_own_transaction() {
    World::on_both_backends(2, async |w| {
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        assert_eq!(queued(&w.test_db).await, (2, 2), "the member and the host's admins");
        let refused = w.service.request_stay(&w.member, &w.input("2026-03-05", "2026-03-05")).await;
        assert!(refused.is_err());
        assert_eq!(queued(&w.test_db).await.0, 2, "a refusal writes nothing");
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        assert_eq!(queued(&w.test_db).await.0, 3);
        w.service.act_on_stay(&w.member, stay.id, StayCommand::Cancel(None)).await.unwrap();
        assert_eq!(queued(&w.test_db).await.0, 5, "the member and the host's admins");
        let kinds = w
            .test_db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind IN ('stay_requested', 'stay_requested_host', 'stay_approved', 'stay_cancelled', 'stay_cancelled_host')")
            .await;
        assert_eq!(kinds, 5);
        let to_admins = w.test_db.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE recipient = 'admins:{}'", w.host)).await;
        assert_eq!(to_admins, 2);
    })
    .await;
}

/// The outbox's life as the delivery worker drives it: a claim leases rows
/// (a second claim gets none), sent rows leave the queue, a transient
/// failure comes back when due, a permanent one waits in the dead letters
/// until requeued.
#[tokio::test]
async fn queued_emails_are_claimed_once_then_sent_retried_or_dead_lettered() {
    World::on_both_backends(2, async |w| {
        w.service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        let store = w.test_db.store().await;
        let now = chrono::Utc::now();
        let lease = TimeDelta::minutes(5);
        let claimed = store.claim_mail(10, now, lease).await.unwrap();
        assert_eq!(claimed.len(), 2);
        assert!(claimed.iter().all(|m| m.attempts == 1 && m.status == "pending"));
        assert!(store.claim_mail(10, now, lease).await.unwrap().is_empty(), "leased rows are nobody else's");
        store.mail_sent(claimed[0].id, "pl", now).await.unwrap();
        store.mail_retry(claimed[1].id, now - TimeDelta::seconds(1), "421 try later").await.unwrap();
        let again = store.claim_mail(10, now, lease).await.unwrap();
        assert_eq!((again.len(), again[0].id, again[0].attempts), (1, claimed[1].id, 2));
        assert_eq!(again[0].last_error.as_deref(), Some("421 try later"));
        store.mail_dead(again[0].id, "550 no such user").await.unwrap();
        assert_eq!(store.dead_mail().await.unwrap().len(), 1);
        assert_eq!(store.mail_counts().await.unwrap(), (0, 1));
        assert!(store.requeue_mail(again[0].id, now).await.unwrap());
        assert_eq!(store.claim_mail(10, now, lease).await.unwrap().len(), 1);
        // A lease that ran out (a worker died mid-send) is claimed again.
        let later = now + TimeDelta::minutes(6);
        assert_eq!(store.claim_mail(10, later, lease).await.unwrap().len(), 1);
    })
    .await;
}
