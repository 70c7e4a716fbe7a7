//! The stays the worker reminds people of: approved stays about to begin
//! (their member) and pending stays whose answer window is closing (the
//! host's admins). Each reminder is claimed with a compare-and-swap from
//! NULL on the stay, in the transaction that queues its email: it is sent
//! exactly once, however many workers run.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, MemberId, StayId, TimeZone};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter};

use crate::convert::zone;
use crate::entity::stay;
use crate::error::StoreError;
use crate::tx::Tx;

/// A stay someone may need reminding of.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ReminderCandidate {
    pub stay: StayId,
    pub member: MemberId,
    /// The host cluster.
    pub host_cluster: ClusterId,
    /// The host site's zone ("today" there decides).
    pub zone: TimeZone,
    /// The stay's first date.
    pub start_date: NaiveDate,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When the host's answer is due (pending stays).
    pub answer_deadline: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    member_id: uuid::Uuid,
    host_cluster_id: uuid::Uuid,
    timezone: String,
    start_date: NaiveDate,
    created_at: DateTime<Utc>,
    answer_deadline: Option<DateTime<Utc>>,
}

/// Written once with PostgreSQL's `$n`; SQLite reads `?n` the same way.
const COMING: &str = "\
SELECT s.id, s.member_id, s.host_cluster_id, t.timezone, s.start_date, s.created_at, s.answer_deadline
  FROM stays s JOIN sites t ON t.id = s.site_id
 WHERE s.status = 'approved' AND s.no_show = $1 AND s.reminded_at IS NULL
   AND s.start_date >= $2 AND s.start_date <= $3
 ORDER BY s.start_date LIMIT $4";

const CLOSING: &str = "\
SELECT s.id, s.member_id, s.host_cluster_id, t.timezone, s.start_date, s.created_at, s.answer_deadline
  FROM stays s JOIN sites t ON t.id = s.site_id
 WHERE s.status = 'pending' AND s.answer_reminded_at IS NULL
   AND s.answer_deadline IS NOT NULL AND s.answer_deadline <= $1 AND s.answer_deadline > $2
 ORDER BY s.answer_deadline LIMIT $3";

fn candidate(row: Row) -> Result<ReminderCandidate, StoreError> {
    Ok(ReminderCandidate {
        stay: StayId::from_uuid(row.id),
        member: MemberId::from_uuid(row.member_id),
        host_cluster: ClusterId::from_uuid(row.host_cluster_id),
        zone: zone(&row.timezone)?,
        start_date: row.start_date,
        created_at: row.created_at,
        answer_deadline: row.answer_deadline,
    })
}

impl Tx {
    /// Approved stays, not yet reminded of and not marked no-show, whose
    /// first date lies in `from..=to` (the caller judges each in its zone).
    pub async fn coming_stays(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        limit: u64,
    ) -> Result<Vec<ReminderCandidate>, StoreError> {
        let rows = self.rows::<Row>(COMING, vec![false.into(), from.into(), to.into(), (limit as i64).into()]).await?;
        rows.into_iter().map(candidate).collect()
    }

    /// Pending stays whose admins have not been reminded yet and whose
    /// answer deadline lies in `(after, until]`.
    pub async fn closing_answer_windows(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<ReminderCandidate>, StoreError> {
        let rows = self.rows::<Row>(CLOSING, vec![until.into(), after.into(), (limit as i64).into()]).await?;
        rows.into_iter().map(candidate).collect()
    }

    /// Claims the member's reminder of an approved stay: true for exactly
    /// one caller.
    pub async fn claim_stay_reminder(&self, id: StayId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.claim_reminder(id, "approved", stay::Column::RemindedAt, now).await
    }

    /// Claims the admins' reminder of a pending stay: true for exactly one
    /// caller.
    pub async fn claim_answer_reminder(&self, id: StayId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.claim_reminder(id, "pending", stay::Column::AnswerRemindedAt, now).await
    }

    /// Sets a reminder's `sent` column of a stay still in `status` from NULL
    /// to `now`: the compare-and-swap only one caller wins.
    async fn claim_reminder(
        &self,
        id: StayId,
        status: &str,
        sent: stay::Column,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(stay::Entity::update_many()
            .col_expr(sent, Expr::value(now))
            .filter(stay::Column::Id.eq(id.as_uuid()))
            .filter(stay::Column::Status.eq(status))
            .filter(sent.is_null())
            .exec(&self.tx)
            .await?
            .rows_affected
            == 1)
    }
}
