//! Moving a stay to new dates at its site (issue 23), in the caller's
//! transaction: a compare-and-swap on the stay from the dates and status it
//! was read with, the newly asked days taken with the same guarded update as
//! a request's, the days left behind released; days in both ranges are never
//! touched. The ledger's totals follow the days that start or stop counting.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{StayStatus, counts_held_days};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::{stay, stay_day};
use crate::error::StoreError;
use crate::ledger_totals::RequestTally;
use crate::stays::{HistoryEntry, StayRecord};
use crate::tx::{Tx, insert_rows};

/// A move the rules allowed, as written.
#[derive(Debug, Clone)]
pub struct MoveWrite<'a> {
    /// The new first day.
    pub start_date: NaiveDate,
    /// The new last day.
    pub end_date: NaiveDate,
    /// The status after the move (pending or approved).
    pub status: StayStatus,
    /// The new answer deadline, when the move waits for the host.
    pub answer_deadline: Option<DateTime<Utc>>,
    /// Free under the guarantee in the new range.
    pub within_guarantee: bool,
    /// Days only in the new range: taken.
    pub taken: &'a [NaiveDate],
    /// Days only in the old range: released.
    pub released: &'a [NaiveDate],
    /// The site's desks (the guard of the days taken).
    pub desks: u32,
}

/// What became of a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveWritten {
    /// Written.
    Moved,
    /// The stay changed since it was read: nothing written.
    Lost,
    /// These newly asked days were full (the caller drops the transaction).
    Full(Vec<NaiveDate>),
}

impl Tx {
    /// Moves `stay` (as read, locked) as `change` says, with its history
    /// line and emails.
    pub async fn move_stay(
        &self,
        stay: &StayRecord,
        change: &MoveWrite<'_>,
        entry: &HistoryEntry,
        mails: &[crate::NewMail],
        now: DateTime<Utc>,
    ) -> Result<MoveWritten, StoreError> {
        let lost_approval = stay.status == StayStatus::Approved && change.status == StayStatus::Pending;
        let approved_now = stay.status == StayStatus::Pending && change.status == StayStatus::Approved;
        let mut update = stay::Entity::update_many()
            .col_expr(stay::Column::StartDate, Expr::value(change.start_date))
            .col_expr(stay::Column::EndDate, Expr::value(change.end_date))
            .col_expr(stay::Column::Status, Expr::value(change.status.as_str()))
            .col_expr(stay::Column::WithinGuarantee, Expr::value(change.within_guarantee))
            .col_expr(stay::Column::UpdatedAt, Expr::value(now))
            .filter(stay::Column::Id.eq(stay.id.as_uuid()))
            .filter(stay::Column::Status.eq(stay.status.as_str()))
            .filter(stay::Column::StartDate.eq(stay.start_date))
            .filter(stay::Column::EndDate.eq(stay.end_date))
            .filter(stay::Column::NoShow.eq(stay.no_show));
        if let Some(deadline) = change.answer_deadline {
            // A new question to the host: its reminder is due again.
            update = update
                .col_expr(stay::Column::AnswerDeadline, Expr::value(deadline))
                .col_expr(stay::Column::AnswerRemindedAt, Expr::value(Option::<DateTime<Utc>>::None));
        }
        if change.start_date != stay.start_date {
            // The member's reminder is for the new first day.
            update = update.col_expr(stay::Column::RemindedAt, Expr::value(Option::<DateTime<Utc>>::None));
        }
        if lost_approval {
            // Its days leave the ledger until it is approved again.
            update = update.col_expr(stay::Column::ApprovedAt, Expr::value(Option::<DateTime<Utc>>::None));
        }
        if approved_now {
            update = update.col_expr(stay::Column::ApprovedAt, Expr::value(now));
        }
        if update.exec(&self.tx).await?.rows_affected != 1 {
            return Ok(MoveWritten::Lost);
        }
        if let Err(full) = self.hold_days(stay.site, change.desks, change.taken).await? {
            return Ok(MoveWritten::Full(full));
        }
        if !change.released.is_empty() {
            stay_day::Entity::delete_many()
                .filter(stay_day::Column::StayId.eq(stay.id.as_uuid()))
                .filter(stay_day::Column::Date.is_in(change.released.iter().copied()))
                .exec(&self.tx)
                .await?;
            self.release_days(stay.site, change.released).await?;
        }
        if !change.taken.is_empty() {
            let insert = insert_rows(
                stay_day::Entity,
                [
                    stay_day::Column::StayId,
                    stay_day::Column::Date,
                    stay_day::Column::SiteId,
                    stay_day::Column::MemberId,
                ],
                change.taken.iter().map(|date| {
                    [stay.id.as_uuid().into(), (*date).into(), stay.site.as_uuid().into(), stay.member.as_uuid().into()]
                }),
            )?;
            self.tx.execute(&insert).await?;
        }
        self.record_history(stay.id, entry).await?;
        self.enqueue_mail(mails, now).await?;

        let (host, home) = (stay.host_cluster, stay.home_cluster);
        let counted_before = counts_held_days(stay.status, stay.status == StayStatus::Approved, stay.no_show);
        let counted_after = counts_held_days(change.status, change.status == StayStatus::Approved, stay.no_show);
        match (counted_before, counted_after) {
            (true, true) => {
                self.add_ledger_days(host, home, change.taken, 1).await?;
                self.add_ledger_days(host, home, change.released, -1).await?;
            }
            (true, false) => self.add_ledger_days(host, home, &stay.days, -1).await?,
            (false, true) => {
                let days: Vec<NaiveDate> =
                    stay.days.iter().filter(|d| !change.released.contains(d)).chain(change.taken).copied().collect();
                self.add_ledger_days(host, home, &days, 1).await?;
            }
            (false, false) => {}
        }
        // The ledger counts a request's first answer: a pending stay the
        // move approves (at an automatic host) is answered now, unless it
        // was answered once before.
        if approved_now && !stay.first_answer_given() {
            self.add_ledger_request(host, stay.created_at, RequestTally::answered(StayStatus::Approved)).await?;
        }
        Ok(MoveWritten::Moved)
    }
}
