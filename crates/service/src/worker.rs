//! The background worker: settles pending stays whose answer deadline has
//! passed (approved, or expired where the host's policy says so), queues
//! reminders, and delivers the outbox ([`crate::delivery`]). Each stay is
//! settled in its own transaction with a compare-and-swap from `pending`,
//! and each reminder is claimed the same way, so two workers running at
//! once settle each stay and send each reminder exactly once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Days, TimeDelta, Utc};
use deskvisa_rules::{Action, Actor, OnNoAnswer, StayId, StayStatus, transition};
use deskvisa_store::{HistoryEntry, ReminderCandidate};

use crate::delivery::Mailer;

use crate::Service;
use crate::error::{Attempt, ServiceError};
use crate::retry::retrying;

const BATCH: u64 = 100;

impl Service {
    /// Settles every stay due now; returns how many this call settled.
    pub async fn settle_due_stays(&self) -> Result<usize, ServiceError> {
        let mut settled = 0;
        loop {
            let now = self.now();
            let due = {
                let tx = self.store.begin_read().await?;
                tx.stays_due(now, BATCH).await?
            };
            let mut moved_any = false;
            for id in &due {
                if retrying("settle a stay", || self.settle_once(*id)).await? {
                    settled += 1;
                    moved_any = true;
                }
            }
            if (due.len() as u64) < BATCH || !moved_any {
                return Ok(settled);
            }
        }
    }

    async fn settle_once(&self, id: StayId) -> Attempt<bool> {
        let tx = self.store.begin_write().await?;
        let Some(stay) = tx.stay(id, true).await? else {
            return Ok(false);
        };
        let policy = tx.host_policy(stay.host_cluster).await?;
        let action = match policy.on_no_answer() {
            OnNoAnswer::Approve => Action::AutoApprove,
            OnNoAnswer::Expire => Action::Expire,
        };
        let now = self.now();
        // Another worker, or a host just in time, got there first.
        let Ok(moved) = transition(&stay.facts, &action, Actor::Worker, now) else {
            return Ok(false);
        };
        let written = async {
            if !tx.apply_transition(&stay, &moved, Actor::Worker, None, now).await? {
                return Ok(false);
            }
            tx.record_history(
                id,
                &HistoryEntry {
                    at: now,
                    actor: Actor::Worker,
                    by: None,
                    from: Some(StayStatus::Pending),
                    to: moved.to,
                    action: action.history(),
                    reason: None,
                    guarantee_exception: moved.guarantee_exception,
                    moved: None,
                },
            )
            .await?;
            let sequence = u32::try_from(stay.history.len()).unwrap_or(u32::MAX);
            let mails = crate::mail_events::settled_mails(id, stay.member, stay.host_cluster, moved.to, sequence);
            tx.enqueue_mail(&mails, now).await?;
            tx.commit().await.map(|()| true)
        };
        let done = written.await?;
        if done {
            tracing::info!(stay = %id, to = %moved.to, "answer deadline passed: stay settled");
        }
        Ok(done)
    }

    /// Queues the reminders due now, each exactly once (a compare-and-swap
    /// on the stay in the transaction that queues the email): the member's,
    /// `config.reminder_days` before an approved stay begins (in the host's
    /// zone; not for a stay requested that close to its start, whose
    /// approval said it all), and the host admins', `config.answer_notice`
    /// before a pending stay's answer deadline (not when the window was
    /// that short from the start). Returns (stay reminders, answer reminders).
    pub async fn send_reminders(&self, config: &WorkerConfig) -> Result<(usize, usize), ServiceError> {
        let now = self.now();
        let utc_today = now.date_naive();
        let days = u64::from(config.reminder_days);
        let (from, to) = (
            utc_today.checked_sub_days(Days::new(1)).unwrap_or(utc_today),
            utc_today.checked_add_days(Days::new(days + 1)).unwrap_or(utc_today),
        );
        let (coming, closing) = {
            let tx = self.store.begin_read().await?;
            (
                tx.coming_stays(from, to, BATCH).await?,
                tx.closing_answer_windows(now, now + config.answer_notice, BATCH).await?,
            )
        };
        let mut reminded = 0;
        for stay in &coming {
            // A stay that will never be due (begun, or booked inside the
            // window) is marked as handled, so it leaves the candidates.
            let send = stay_reminder_due(stay, now, config.reminder_days);
            if !send && !stay_reminder_never_due(stay, now, config.reminder_days) {
                continue;
            }
            if retrying("remind a member", || self.remind(stay, Reminder::Stay, send)).await? && send {
                reminded += 1;
            }
        }
        let mut answer_reminded = 0;
        for stay in &closing {
            let send = answer_reminder_due(stay, now, config.answer_notice);
            if retrying("remind host admins", || self.remind(stay, Reminder::Answer, send)).await? && send {
                answer_reminded += 1;
            }
        }
        Ok((reminded, answer_reminded))
    }

    /// Claims the reminder on the stay and, with `send`, queues its email.
    async fn remind(&self, stay: &ReminderCandidate, which: Reminder, send: bool) -> Attempt<bool> {
        let now = self.now();
        let written = async {
            let tx = self.store.begin_write().await?;
            let claimed = match which {
                Reminder::Stay => tx.claim_stay_reminder(stay.stay, now).await?,
                Reminder::Answer => tx.claim_answer_reminder(stay.stay, now).await?,
            };
            if !claimed {
                return Ok(false);
            }
            if !send {
                return tx.commit().await.map(|()| true);
            }
            let mail = match which {
                Reminder::Stay => crate::mail_events::stay_reminder(stay.stay, stay.member, 0),
                Reminder::Answer => crate::mail_events::answer_reminder(stay.stay, stay.host_cluster, 0),
            };
            tx.enqueue_mail(&[mail], now).await?;
            tx.commit().await.map(|()| true)
        };
        Ok(written.await?)
    }

    /// Runs the worker until `shutdown` completes: every `config.every` it
    /// settles due stays, queues due reminders and purges old idempotency
    /// keys; every `config.mail_poll` (with a mailer) it delivers the
    /// outbox. On shutdown each finishes the pass it is in.
    pub async fn run_worker(
        &self,
        config: WorkerConfig,
        mailer: Option<Arc<Mailer>>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let housekeeping = {
            let mut stopped = stopped.clone();
            let config = config.clone();
            async move {
                loop {
                    if let Err(err) = self.settle_due_stays().await {
                        tracing::warn!(error = %err, "worker pass failed; trying again next round");
                    }
                    match self.waitlist_pass().await {
                        Ok((0, 0)) => {}
                        Ok((offered, lapsed)) => tracing::info!(offered, lapsed, "waitlist pass"),
                        Err(err) => tracing::warn!(error = %err, "the waitlist pass failed; trying again next round"),
                    }
                    if let Err(err) = self.lapse_introductions().await {
                        tracing::warn!(error = %err, "lapsing introductions failed; trying again next round");
                    }
                    if let Err(err) = self.send_reminders(&config).await {
                        tracing::warn!(error = %err, "queueing reminders failed; trying again next round");
                    }
                    if let Err(err) = self.purge_idempotency_keys().await {
                        tracing::warn!(error = %err, "purging old idempotency keys failed");
                    }
                    if let Err(err) = self.purge_rate_limits().await {
                        tracing::warn!(error = %err, "purging old rate-limit windows failed");
                    }
                    match self.purge_retained(&config.retention).await {
                        Ok(purged) if purged != deskvisa_store::Purged::default() => {
                            tracing::info!(?purged, "removed what outlived its retention");
                        }
                        Ok(_) => {}
                        Err(err) => tracing::warn!(error = %err, "removing what outlived its retention failed"),
                    }
                    tokio::select! {
                        _ = stopped.wait_for(|s| *s) => return,
                        () = tokio::time::sleep(config.every) => {}
                    }
                }
            }
        };
        let delivery = {
            let mut stopped = stopped.clone();
            async move {
                let Some(mailer) = mailer else {
                    let _ = stopped.wait_for(|s| *s).await;
                    return;
                };
                loop {
                    if let Err(err) = self.deliver_mail_until(&mailer, &stopped).await {
                        tracing::warn!(error = %err, "delivering email failed; trying again shortly");
                    }
                    tokio::select! {
                        _ = stopped.wait_for(|s| *s) => return,
                        () = tokio::time::sleep(config.mail_poll) => {}
                    }
                }
            }
        };
        let stopper = async move {
            shutdown.await;
            let _ = stop.send(true);
        };
        tokio::join!(housekeeping, delivery, stopper);
    }
}

/// How the worker paces itself and when it reminds people.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How often it settles deadlines and queues reminders.
    pub every: Duration,
    /// How often it looks for email to deliver.
    pub mail_poll: Duration,
    /// Days before an approved stay's start that its member is reminded.
    pub reminder_days: u32,
    /// How long before a pending stay's answer deadline the host's admins
    /// are reminded.
    pub answer_notice: TimeDelta,
    /// How long sign-in links, sessions and sent emails' facts are kept.
    pub retention: crate::personal::Retention,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            every: Duration::from_secs(15),
            mail_poll: Duration::from_millis(500),
            reminder_days: 2,
            answer_notice: TimeDelta::hours(24),
            retention: crate::personal::Retention::default(),
        }
    }
}

/// What one worker round did (for tests and the log).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    /// Stays settled at their deadline.
    pub settled: usize,
    /// Members reminded of a coming stay.
    pub reminded: usize,
    /// Stays whose host admins were reminded to answer.
    pub answer_reminded: usize,
}

#[derive(Debug, Clone, Copy)]
enum Reminder {
    Stay,
    Answer,
}

/// Whether the member of an approved stay is to be reminded now: today at
/// the site is within `days` before the start (and before it), and the stay
/// was requested before that reminder day began.
fn stay_reminder_due(stay: &ReminderCandidate, now: DateTime<Utc>, days: u32) -> bool {
    let tz = stay.zone.tz();
    let today = now.with_timezone(&tz).date_naive();
    let requested = stay.created_at.with_timezone(&tz).date_naive();
    let Some(reminder_day) = stay.start_date.checked_sub_days(Days::new(u64::from(days))) else {
        return false;
    };
    today >= reminder_day && today < stay.start_date && requested < reminder_day
}

/// Whether the member of an approved stay will never be reminded: the stay
/// has begun at the site, or it was requested on or after its reminder day.
fn stay_reminder_never_due(stay: &ReminderCandidate, now: DateTime<Utc>, days: u32) -> bool {
    let tz = stay.zone.tz();
    let today = now.with_timezone(&tz).date_naive();
    let requested = stay.created_at.with_timezone(&tz).date_naive();
    let reminder_day = stay.start_date.checked_sub_days(Days::new(u64::from(days))).unwrap_or(stay.start_date);
    today >= stay.start_date || requested >= reminder_day
}

/// Whether the host admins of a pending stay are to be reminded now: its
/// deadline is within `notice` and still ahead, and the window was longer
/// than `notice` when the stay was requested.
fn answer_reminder_due(stay: &ReminderCandidate, now: DateTime<Utc>, notice: TimeDelta) -> bool {
    stay.answer_deadline
        .is_some_and(|deadline| now < deadline && deadline - now <= notice && deadline - stay.created_at > notice)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use deskvisa_rules::{ClusterId, MemberId, TimeZone};

    fn candidate(zone: &str, start: &str, created: &str, deadline: Option<&str>) -> ReminderCandidate {
        ReminderCandidate {
            stay: StayId::from_uuid(uuid::Uuid::nil()),
            member: MemberId::from_uuid(uuid::Uuid::nil()),
            host_cluster: ClusterId::from_uuid(uuid::Uuid::nil()),
            zone: TimeZone::parse(zone).unwrap(),
            start_date: start.parse().unwrap(),
            created_at: created.parse().unwrap(),
            answer_deadline: deadline.map(|d| d.parse().unwrap()),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_stay_reminder_is_due_from_n_days_before_the_start_in_the_hosts_zone() {
        let stay = candidate("Pacific/Auckland", "2026-03-09", "2026-02-01T10:00:00Z", None);
        // Auckland is UTC+13 in March: 7 March there begins at 6 March 11:00 UTC.
        assert!(!stay_reminder_due(&stay, at("2026-03-06T10:59:00Z"), 2));
        assert!(stay_reminder_due(&stay, at("2026-03-06T11:00:00Z"), 2));
        assert!(stay_reminder_due(&stay, at("2026-03-08T10:59:00Z"), 2));
        assert!(!stay_reminder_due(&stay, at("2026-03-08T11:00:00Z"), 2), "the stay has begun");
        let honolulu = candidate("Pacific/Honolulu", "2026-03-09", "2026-02-01T10:00:00Z", None);
        // UTC-10: 7 March begins at 7 March 10:00 UTC.
        assert!(!stay_reminder_due(&honolulu, at("2026-03-07T09:59:00Z"), 2));
        assert!(stay_reminder_due(&honolulu, at("2026-03-07T10:00:00Z"), 2));
    }

    #[test]
    fn a_stay_requested_inside_the_reminder_window_gets_no_reminder() {
        let late = candidate("Europe/Warsaw", "2026-03-09", "2026-03-07T12:00:00Z", None);
        assert!(!stay_reminder_due(&late, at("2026-03-08T09:00:00Z"), 2));
        let early = candidate("Europe/Warsaw", "2026-03-09", "2026-03-06T12:00:00Z", None);
        assert!(stay_reminder_due(&early, at("2026-03-08T09:00:00Z"), 2));
    }

    #[test]
    fn the_answer_reminder_comes_within_the_notice_before_the_deadline() {
        let notice = TimeDelta::hours(24);
        let stay = candidate("Europe/Warsaw", "2026-03-20", "2026-03-02T09:00:00Z", Some("2026-03-05T09:00:00Z"));
        assert!(!answer_reminder_due(&stay, at("2026-03-04T08:59:00Z"), notice));
        assert!(answer_reminder_due(&stay, at("2026-03-04T09:00:00Z"), notice));
        assert!(!answer_reminder_due(&stay, at("2026-03-05T09:00:00Z"), notice), "the deadline has passed");
        let short = candidate("Europe/Warsaw", "2026-03-04", "2026-03-02T09:00:00Z", Some("2026-03-02T23:00:00Z"));
        assert!(!answer_reminder_due(&short, at("2026-03-02T12:00:00Z"), notice), "the window was short anyway");
    }
}
