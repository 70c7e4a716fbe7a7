//! The background worker: settles pending stays whose answer deadline has
//! passed (approved, or expired where the host's policy says so). Each stay
//! is settled in its own transaction with a compare-and-swap from `pending`,
//! so two workers running at once settle each stay exactly once.

use std::time::Duration;

use deskvisa_rules::{Action, Actor, OnNoAnswer, StayId, StayStatus, transition};
use deskvisa_store::HistoryEntry;

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
        let tx = match self.store.begin_write().await {
            Ok(tx) => tx,
            Err(e) => return e.into(),
        };
        let stay = match tx.stay(id, true).await {
            Ok(Some(stay)) => stay,
            Ok(None) => return Attempt::Done(Ok(false)),
            Err(e) => return e.into(),
        };
        let policy = match tx.host_policy(stay.host_cluster).await {
            Ok(p) => p,
            Err(e) => return e.into(),
        };
        let action = match policy.on_no_answer() {
            OnNoAnswer::Approve => Action::AutoApprove,
            OnNoAnswer::Expire => Action::Expire,
        };
        let now = self.now();
        // Another worker, or a host just in time, got there first.
        let Ok(moved) = transition(&stay.facts, &action, Actor::Worker, now) else {
            return Attempt::Done(Ok(false));
        };
        let written = async {
            if !tx.apply_transition(&stay, &moved, None, now).await? {
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
                    action: action.name().to_owned(),
                    reason: None,
                    guarantee_exception: moved.guarantee_exception,
                },
            )
            .await?;
            let sequence = u32::try_from(stay.history.len()).unwrap_or(u32::MAX);
            let mails = crate::mail_events::stay_mails(
                id,
                stay.member,
                stay.host_cluster,
                Some(StayStatus::Pending),
                moved.to,
                None,
                sequence,
            );
            tx.enqueue_mail(&mails, now).await?;
            tx.commit().await.map(|()| true)
        };
        match written.await {
            Ok(done) => {
                if done {
                    tracing::info!(stay = %id, to = %moved.to, "answer deadline passed: stay settled");
                }
                Attempt::Done(Ok(done))
            }
            Err(e) => e.into(),
        }
    }

    /// Runs the worker until `shutdown` completes, settling due stays every
    /// `every`.
    pub async fn run_worker(&self, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(err) = self.settle_due_stays().await {
                tracing::warn!(error = %err, "worker pass failed; trying again next round");
            }
            if let Err(err) = self.purge_idempotency_keys().await {
                tracing::warn!(error = %err, "purging old idempotency keys failed");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(every) => {}
            }
        }
    }
}
