//! The outbox: emails written in the transaction that causes them, then
//! claimed, sent and marked by the delivery worker.
//!
//! A row names its recipient by member id (`member:<uuid>`) or, for mail to
//! a cluster's admins, by cluster (`admins:<uuid>`): the worker expands such a
//! row into one row per admin in one transaction, so each message has an
//! outbox id of its own (its Message-ID) and is sent exactly once. The payload
//! is the event's facts as JSON; the message is rendered when it is sent, in
//! the recipient's language (`locale` is filled in then).
//!
//! Claiming sets a lease (`lease_until`) and counts the attempt: on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED`, so workers never wait on each
//! other; on SQLite through the one writer. A worker that dies mid-send
//! leaves a lease that runs out, and the row is claimed again.

use chrono::{DateTime, Utc};
use deskvisa_rules::MailKind;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder};

use crate::entity::outbox;
use crate::error::StoreError;
use crate::tx::{Store, Tx, insert_rows};

/// `member:<uuid>`: the recipient of an email to one member.
pub fn member_recipient(member: deskvisa_rules::MemberId) -> String {
    format!("member:{member}")
}

/// An email to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// What kind of email.
    pub kind: MailKind,
    /// `member:<uuid>` or `admins:<uuid>` (a cluster's admins).
    pub recipient: String,
    /// The event's facts, as JSON.
    pub payload: String,
}

/// A queued email as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MailRow {
    /// Its id: the message's Message-ID is derived from it.
    pub id: uuid::Uuid,
    /// Its kind; none when this version does not know the stored name (a
    /// newer one wrote it).
    pub kind: Option<MailKind>,
    /// The stored name of its kind, for logs and lists.
    pub kind_name: String,
    /// Who (see [`NewMail::recipient`]).
    pub recipient: String,
    /// The recipient's language, once known.
    pub locale: String,
    /// The event's facts.
    pub payload: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    /// Claims so far.
    pub attempts: i32,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Not to be tried before.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// A queued email as the database returns it.
#[derive(FromQueryResult)]
struct RawMailRow {
    id: uuid::Uuid,
    kind: String,
    recipient: String,
    locale: String,
    payload: String,
    status: String,
    attempts: i32,
    created_at: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
}

impl From<RawMailRow> for MailRow {
    fn from(raw: RawMailRow) -> Self {
        MailRow {
            id: raw.id,
            kind: MailKind::parse(&raw.kind),
            kind_name: raw.kind,
            recipient: raw.recipient,
            locale: raw.locale,
            payload: raw.payload,
            status: raw.status,
            attempts: raw.attempts,
            created_at: raw.created_at,
            next_attempt_at: raw.next_attempt_at,
            last_error: raw.last_error,
        }
    }
}

/// The insert of queued emails.
pub(crate) fn mail_insert(
    mails: &[NewMail],
    now: DateTime<Utc>,
) -> Result<sea_orm::sea_query::InsertStatement, StoreError> {
    insert_rows(
        outbox::Entity,
        [
            outbox::Column::Id,
            outbox::Column::Kind,
            outbox::Column::Recipient,
            outbox::Column::Locale,
            outbox::Column::Payload,
            outbox::Column::Status,
            outbox::Column::Attempts,
            outbox::Column::CreatedAt,
            outbox::Column::NextAttemptAt,
        ],
        mails.iter().map(|mail| {
            [
                // Time-ordered, as the rows are written: appended to the index.
                uuid::Uuid::now_v7().into(),
                mail.kind.as_str().into(),
                mail.recipient.clone().into(),
                "".into(),
                mail.payload.clone().into(),
                "pending".into(),
                0i32.into(),
                now.into(),
                now.into(),
            ]
        }),
    )
}

/// Written once with PostgreSQL's `$n`; SQLite reads `?n` the same way.
const CLAIM: &str = "\
UPDATE outbox SET lease_until = $2, attempts = attempts + 1
 WHERE id IN (SELECT id FROM outbox
               WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
               ORDER BY next_attempt_at LIMIT $3 SKIP_LOCKED)
RETURNING id, kind, recipient, locale, payload, status, attempts, created_at, next_attempt_at, last_error";

impl Tx {
    /// Queues emails in this transaction: they exist exactly when the change
    /// that causes them does.
    pub async fn enqueue_mail(&self, mails: &[NewMail], now: DateTime<Utc>) -> Result<(), StoreError> {
        if mails.is_empty() {
            return Ok(());
        }
        self.tx.execute(&mail_insert(mails, now)?).await?;
        Ok(())
    }

    /// Replaces a row addressed to a cluster's admins by one row per admin
    /// (already sent rows are left alone).
    pub async fn expand_mail(&self, id: uuid::Uuid, into: &[NewMail], now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, "sent".into())
            .col_expr(outbox::Column::SentAt, now.into())
            .col_expr(outbox::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::Status.eq("pending"))
            .exec(&self.tx)
            .await?
            .rows_affected;
        if done == 1 {
            self.enqueue_mail(into, now).await?;
        }
        Ok(done == 1)
    }
}

impl Store {
    /// Claims up to `limit` due emails for `lease`.
    pub async fn claim_mail(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease: chrono::TimeDelta,
    ) -> Result<Vec<MailRow>, StoreError> {
        let skip_locked = if self.db_backend() == DbBackend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = CLAIM.replace("SKIP_LOCKED", skip_locked);
        let statement = self.statement(&sql, [now.into(), (now + lease).into(), i64::from(limit).into()]);
        let tx = self.begin_write().await?;
        let rows = tx.tx.query_all_raw(statement).await?;
        let mails = rows
            .iter()
            .map(|row| RawMailRow::from_query_result(row, "").map(MailRow::from))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok(mails)
    }

    /// Gives claimed emails back untouched (a worker shutting down before
    /// it got to them): due again at once, for any worker.
    pub async fn release_mail(&self, ids: &[uuid::Uuid]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self.begin_write().await?;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
            // The claim counted an attempt that never happened.
            .col_expr(outbox::Column::Attempts, {
                use sea_orm::sea_query::ExprTrait;
                sea_orm::sea_query::Expr::col(outbox::Column::Attempts).sub(1)
            })
            .filter(outbox::Column::Id.is_in(ids.iter().copied()))
            .filter(outbox::Column::Status.eq("pending"))
            .exec(&tx.tx)
            .await?;
        tx.commit().await
    }

    /// The email went out.
    pub async fn mail_sent(&self, id: uuid::Uuid, locale: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let sent = vec![(outbox::Column::Locale, locale.into()), (outbox::Column::SentAt, now.into())];
        self.mark(id, "sent", None, sent).await
    }

    /// A transient failure: try again at `next` (unless the email went out
    /// meanwhile: a late word never undoes a send).
    pub async fn mail_retry(&self, id: uuid::Uuid, next: DateTime<Utc>, error: &str) -> Result<(), StoreError> {
        let again = vec![(outbox::Column::NextAttemptAt, next.into()), (outbox::Column::Locale, "".into())];
        self.mark(id, "pending", Some(error), again).await
    }

    /// A permanent failure: the email waits in the dead letters (unless it
    /// went out meanwhile).
    pub async fn mail_dead(&self, id: uuid::Uuid, error: &str) -> Result<(), StoreError> {
        self.mark(id, "dead", Some(error), Vec::new()).await
    }

    /// Ends an email's lease and sets its `status`, its `last_error` and
    /// `more`, in a write of its own. A failure (with its error) is marked
    /// only while the email is still pending: a late word never undoes a send.
    async fn mark(
        &self,
        id: uuid::Uuid,
        status: &str,
        last_error: Option<&str>,
        more: Vec<(outbox::Column, SimpleExpr)>,
    ) -> Result<(), StoreError> {
        let tx = self.begin_write().await?;
        let mut update = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, status.into())
            .col_expr(outbox::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
            .col_expr(outbox::Column::LastError, last_error.map(str::to_owned).into())
            .filter(outbox::Column::Id.eq(id));
        if last_error.is_some() {
            update = update.filter(outbox::Column::Status.eq("pending"));
        }
        for (column, value) in more {
            update = update.col_expr(column, value);
        }
        update.exec(&tx.tx).await?;
        tx.commit().await
    }

    /// Whether any email is due now (a cheap read before claiming, so an
    /// idle worker never writes).
    pub async fn mail_due(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        use sea_orm::{Condition, PaginatorTrait};
        let due = outbox::Entity::find()
            .filter(outbox::Column::Status.eq("pending"))
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(outbox::Column::LeaseUntil.is_null()).add(outbox::Column::LeaseUntil.lt(now)))
            .count(self.reads())
            .await?;
        Ok(due > 0)
    }

    /// One queued email, whatever its status.
    pub async fn mail(&self, id: uuid::Uuid) -> Result<Option<MailRow>, StoreError> {
        Ok(outbox::Entity::find_by_id(id).into_model::<RawMailRow>().one(self.reads()).await?.map(MailRow::from))
    }

    /// Emails that failed for good, newest first.
    pub async fn dead_mail(&self) -> Result<Vec<MailRow>, StoreError> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::Status.eq("dead"))
            .order_by_desc(outbox::Column::CreatedAt)
            .into_model::<RawMailRow>()
            .all(self.reads())
            .await?
            .into_iter()
            .map(MailRow::from)
            .collect())
    }

    /// Puts a failed (or sent) email back in the queue, due now; false when
    /// there is no such email.
    pub async fn requeue_mail(&self, id: uuid::Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let tx = self.begin_write().await?;
        let changed = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, "pending".into())
            .col_expr(outbox::Column::NextAttemptAt, now.into())
            .col_expr(outbox::Column::LeaseUntil, Option::<DateTime<Utc>>::None.into())
            // A fresh start: the retry budget counts again from zero.
            .col_expr(outbox::Column::Attempts, 0i32.into())
            .filter(outbox::Column::Id.eq(id))
            .exec(&tx.tx)
            .await?
            .rows_affected;
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// Emails by status, for the metrics: (pending, dead).
    pub async fn mail_counts(&self) -> Result<(u64, u64), StoreError> {
        use sea_orm::PaginatorTrait;
        let pending = outbox::Entity::find().filter(outbox::Column::Status.eq("pending")).count(self.reads()).await?;
        let dead = outbox::Entity::find().filter(outbox::Column::Status.eq("dead")).count(self.reads()).await?;
        Ok((pending, dead))
    }
}
