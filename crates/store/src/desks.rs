//! The capacity guard: desk-days are taken with a conditional update on the
//! per-site per-day counters (`held < desks`, the days actually taken read
//! back with `RETURNING`) and given back with its mirror. No check-then-insert anywhere: two requests for the
//! last desk cannot both succeed, on SQLite or PostgreSQL.

use chrono::NaiveDate;
use deskvisa_rules::SiteId;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, StatementBuilder};

use crate::convert::stored;
use crate::entity::site_day;
use crate::error::StoreError;
use crate::tx::{Tx, insert_rows};

impl Tx {
    /// Takes one desk on each of `days` at `site`, whose desks number
    /// `desks`. Either every day is taken, or none is and the full days are
    /// returned (the caller rolls the transaction back).
    pub async fn hold_days(
        &self,
        site: SiteId,
        desks: u32,
        days: &[NaiveDate],
    ) -> Result<Result<(), Vec<NaiveDate>>, StoreError> {
        if days.is_empty() {
            return Ok(Ok(()));
        }
        if desks == 0 {
            return Ok(Err(days.to_vec()));
        }
        let taken = if self.is_postgres() {
            self.take_days_postgres(site, desks, days).await?
        } else {
            self.take_days_sqlite(site, desks, days).await?
        };
        if taken.len() == days.len() {
            return Ok(Ok(()));
        }
        // Some day was full. (The caller drops the transaction, which undoes
        // the increments that did happen.)
        Ok(Err(full_days(days, &taken)))
    }

    /// SQLite admits one writer at a time (`BEGIN IMMEDIATE`), so one upsert
    /// does it: a missing day row is created holding one desk, an existing
    /// one is incremented only while `held < desks`; the days taken come
    /// back.
    async fn take_days_sqlite(
        &self,
        site: SiteId,
        desks: u32,
        days: &[NaiveDate],
    ) -> Result<Vec<NaiveDate>, StoreError> {
        self.returned_dates(&sqlite_hold(site, desks, days)?).await
    }

    /// On PostgreSQL: create the missing day rows, lock the rows in date
    /// order (a multi-row UPDATE visits rows in physical order, and two of
    /// them deadlocked that way), then increment where `held < desks`; the
    /// days taken come back.
    async fn take_days_postgres(
        &self,
        site: SiteId,
        desks: u32,
        days: &[NaiveDate],
    ) -> Result<Vec<NaiveDate>, StoreError> {
        let rows = days.iter().map(|date| site_day::ActiveModel {
            site_id: Set(site.as_uuid()),
            date: Set(*date),
            desks: Set(stored(desks)),
            held: Set(0),
        });
        site_day::Entity::insert_many(rows).on_conflict_do_nothing().exec_without_returning(&self.tx).await?;
        let _: Vec<NaiveDate> = site_day::Entity::find()
            .select_only()
            .column(site_day::Column::Date)
            .filter(site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(site_day::Column::Date.is_in(days.iter().copied()))
            .order_by_asc(site_day::Column::Date)
            .lock_exclusive()
            .into_tuple()
            .all(&self.tx)
            .await?;
        let held = (site_day::Entity, site_day::Column::Held);
        let update = Query::update()
            .table(site_day::Entity)
            .value(site_day::Column::Held, Expr::col(held).add(1))
            .and_where(Expr::col(site_day::Column::SiteId).eq(site.as_uuid()))
            .and_where(Expr::col(site_day::Column::Date).is_in(days.iter().copied()))
            .and_where(Expr::col(held).lt(Expr::col((site_day::Entity, site_day::Column::Desks))))
            .returning_col(site_day::Column::Date)
            .to_owned();
        self.returned_dates(&update).await
    }

    /// Runs a statement whose `RETURNING` clause names dates.
    async fn returned_dates<S: StatementBuilder>(&self, statement: &S) -> Result<Vec<NaiveDate>, StoreError> {
        let rows = self.tx.query_all(statement).await?;
        Ok(rows.iter().map(|row| row.try_get::<NaiveDate>("", "date")).collect::<Result<_, _>>()?)
    }

    /// Gives back one desk on each of `days` at `site`.
    pub async fn release_days(&self, site: SiteId, days: &[NaiveDate]) -> Result<(), StoreError> {
        if days.is_empty() {
            return Ok(());
        }
        let released = site_day::Entity::update_many()
            .col_expr(site_day::Column::Held, Expr::col(site_day::Column::Held).sub(1))
            .filter(site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(site_day::Column::Date.is_in(days.iter().copied()))
            .filter(site_day::Column::Held.gt(0))
            .exec(&self.tx)
            .await?
            .rows_affected;
        if released != days.len() as u64 {
            return Err(StoreError::Corrupt(format!("released {released} of {} desk-days at site {site}", days.len())));
        }
        Ok(())
    }
}

/// SQLite's hold of one desk on each of `days` (see
/// [`Tx::hold_days`]): the upsert, returning the days it took.
pub(crate) fn sqlite_hold(
    site: SiteId,
    desks: u32,
    days: &[NaiveDate],
) -> Result<sea_orm::sea_query::InsertStatement, StoreError> {
    let held = (site_day::Entity, site_day::Column::Held);
    let mut insert = insert_rows(
        site_day::Entity,
        [site_day::Column::SiteId, site_day::Column::Date, site_day::Column::Desks, site_day::Column::Held],
        days.iter().map(|date| [site.as_uuid().into(), (*date).into(), stored(desks).into(), 1i32.into()]),
    )?;
    insert
        .on_conflict(
            OnConflict::columns([site_day::Column::SiteId, site_day::Column::Date])
                .value(site_day::Column::Held, Expr::col(held).add(1))
                .action_and_where(Expr::col(held).lt(Expr::col((site_day::Entity, site_day::Column::Desks))))
                .to_owned(),
        )
        .returning_col(site_day::Column::Date);
    Ok(insert)
}

/// The days a hold could not take: those `days` not in `taken`.
pub(crate) fn full_days(days: &[NaiveDate], taken: &[NaiveDate]) -> Vec<NaiveDate> {
    days.iter().filter(|d| !taken.contains(d)).copied().collect()
}
