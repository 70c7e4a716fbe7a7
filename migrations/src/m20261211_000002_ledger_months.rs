//! The ledger's counted days summed by month (issue 25): a year's ledger of
//! a network a hundred times the demo's summed three million daily rows;
//! with `ledger_months` it sums a row a pair a whole month, and the daily
//! rows only for the months the period cuts. The service keeps both in the
//! same transaction, months before days; the rows already counted are
//! summed into months here, once.

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
        let (create, month) = match backend {
            DbBackend::Postgres => (backend.build(&table).sql, "CAST(date_trunc('month', date) AS DATE)"),
            // Clustered by its key on SQLite, so a sum over it reads no
            // second b-tree for `days`.
            _ => (format!("{} WITHOUT ROWID", backend.build(&table).sql), "date(date, 'start of month')"),
        };
        db.execute_unprepared(&create).await?;
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ledger_days_by_date").table("ledger_days").to_owned()).await?;
        manager.drop_table(Table::drop().table("ledger_months").to_owned()).await
    }
}
