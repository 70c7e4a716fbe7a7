//! The ledger's running totals summed by month as well as by day (issue
//! 25): a year's ledger of a network a hundred times the demo's summed three
//! million daily rows of counted days and one and a half million of
//! requests. With `ledger_months` (counted days per host, home and month)
//! and `ledger_request_months` (requests per host and month) it sums a row
//! for each whole month of the period, and the daily rows only for the
//! months it cuts. The service keeps both in the same transaction, months
//! before days; the totals already counted are summed into months here,
//! once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table("ledger_months")
            .col(uuid("host_cluster_id"))
            .col(uuid("home_cluster_id"))
            // The month's first day.
            .col(date("month"))
            .col(integer("days"))
            .primary_key(Index::create().col("host_cluster_id").col("home_cluster_id").col("month"))
            .check(Expr::col("days").gte(0))
            .to_owned();
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        let create = clustered(backend, &table);
        let month = match backend {
            DbBackend::Postgres => "CAST(date_trunc('month', date) AS DATE)",
            _ => "date(date, 'start of month')",
        };
        db.execute_unprepared(&create).await?;
        let requests = Table::create()
            .table("ledger_request_months")
            .col(uuid("host_cluster_id"))
            .col(date("month"))
            .col(integer("received"))
            .col(integer("approved"))
            .col(integer("declined"))
            .col(integer("expired"))
            .col(integer("answered"))
            .primary_key(Index::create().col("host_cluster_id").col("month"))
            .to_owned();
        db.execute_unprepared(&clustered(backend, &requests)).await?;
        // The days of the months a period cuts, found by date and summed
        // from the index alone.
        manager
            .create_index(
                Index::create()
                    .name("ledger_days_by_date")
                    .table("ledger_days")
                    .col("date")
                    .col("host_cluster_id")
                    .col("home_cluster_id")
                    .col("days")
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO ledger_months (host_cluster_id, home_cluster_id, month, days)
             SELECT host_cluster_id, home_cluster_id, {month}, SUM(days) FROM ledger_days
              GROUP BY host_cluster_id, home_cluster_id, {month}"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO ledger_request_months (host_cluster_id, month, received, approved, declined, expired, answered)
             SELECT host_cluster_id, {month}, SUM(received), SUM(approved), SUM(declined), SUM(expired), SUM(answered)
               FROM ledger_requests GROUP BY host_cluster_id, {month}"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ledger_days_by_date").table("ledger_days").to_owned()).await?;
        manager.drop_table(Table::drop().table("ledger_request_months").to_owned()).await?;
        manager.drop_table(Table::drop().table("ledger_months").to_owned()).await
    }
}

/// The statement creating `table`, clustered by its key on SQLite (`WITHOUT
/// ROWID`), so a sum over it reads no second b-tree for the totals.
fn clustered(backend: DbBackend, table: &TableCreateStatement) -> String {
    match backend {
        DbBackend::Postgres => backend.build(table).sql,
        _ => format!("{} WITHOUT ROWID", backend.build(table).sql),
    }
}
