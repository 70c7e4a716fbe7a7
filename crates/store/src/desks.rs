//! The capacity guard: desk-days are taken with a conditional update on the
//! per-site per-day counters (`held < desks`, rows affected checked) and given
//! back with its mirror. No check-then-insert anywhere: two requests for the
//! last desk cannot both succeed, on SQLite or PostgreSQL.

use chrono::NaiveDate;
use deskvisa_rules::SiteId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::convert::stored;
use crate::entity::site_day;
use crate::error::StoreError;
use crate::tx::Tx;

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
        let rows = days.iter().map(|date| site_day::ActiveModel {
            site_id: Set(site.as_uuid()),
            date: Set(*date),
            desks: Set(stored(desks)),
            held: Set(0),
        });
        site_day::Entity::insert_many(rows).on_conflict_do_nothing().exec_without_returning(&self.tx).await?;
        if self.is_postgres() {
            // Lock the rows in date order first: a multi-row UPDATE visits
            // rows in physical order, and two of them deadlocked that way.
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
        }
        let taken = site_day::Entity::update_many()
            .col_expr(site_day::Column::Held, Expr::col(site_day::Column::Held).add(1))
            .filter(site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(site_day::Column::Date.is_in(days.iter().copied()))
            .filter(Expr::col(site_day::Column::Held).lt(Expr::col(site_day::Column::Desks)))
            .exec(&self.tx)
            .await?
            .rows_affected;
        if taken == days.len() as u64 {
            return Ok(Ok(()));
        }
        // Some day was full: name the full days. (The caller drops the
        // transaction, which undoes the increments that did happen.)
        let full: Vec<NaiveDate> = site_day::Entity::find()
            .select_only()
            .column(site_day::Column::Date)
            .filter(site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(site_day::Column::Date.is_in(days.iter().copied()))
            .filter(Expr::col(site_day::Column::Held).gte(Expr::col(site_day::Column::Desks)))
            .order_by_asc(site_day::Column::Date)
            .into_tuple()
            .all(&self.tx)
            .await?;
        Ok(Err(full))
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
