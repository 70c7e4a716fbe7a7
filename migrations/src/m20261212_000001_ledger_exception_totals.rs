//! The ledger's guarantee exceptions counted in the request totals (issue
//! 25): a year of a network a hundred times the demo's holds 400,000
//! exceptions, and the figures counted them per host off their index on
//! every report (0.13 s on PostgreSQL, 0.3 s on SQLite). `ledger_requests`
//! and `ledger_request_months` now carry `exceptions`, the exceptions
//! recorded at their host on the UTC day (month) of the row, kept in the
//! same transaction as the list; the exceptions already listed are counted
//! here, once.
//!
//! The days of the months a period cuts are read by date: `ledger_requests`
//! is keyed by host first, so they were found by reading every host's
//! every day (0.2 s at 100×, twice a report). An index by date carries the
//! totals, so they come from the index alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["ledger_requests", "ledger_request_months"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new("exceptions").integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }
        let backend = manager.get_database_backend();
        // The UTC day of an exception's time: PostgreSQL holds a timestamp
        // with a zone, SQLite the RFC 3339 text of a UTC time.
        let (day, month) = match backend {
            DbBackend::Postgres => {
                ("CAST(at AT TIME ZONE 'UTC' AS DATE)", "CAST(date_trunc('month', at AT TIME ZONE 'UTC') AS DATE)")
            }
            _ => ("substr(at, 1, 10)", "substr(at, 1, 7) || '-01'"),
        };
        let db = manager.get_connection();
        for (table, key, of) in [("ledger_request_months", "month", month), ("ledger_requests", "date", day)] {
            // `WHERE TRUE` lets SQLite's parser tell the upsert's ON from a join's.
            db.execute_unprepared(&format!(
                "INSERT INTO {table} (host_cluster_id, {key}, received, approved, declined, expired, answered, exceptions)
                 SELECT host_cluster_id, {of}, 0, 0, 0, 0, 0, COUNT(*) FROM ledger_exceptions WHERE TRUE
                  GROUP BY host_cluster_id, {of}
                 ON CONFLICT (host_cluster_id, {key}) DO UPDATE SET exceptions = {table}.exceptions + excluded.exceptions"
            ))
            .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ledger_requests_by_date")
                    .table("ledger_requests")
                    .col("date")
                    .col("host_cluster_id")
                    .col("received")
                    .col("approved")
                    .col("declined")
                    .col("expired")
                    .col("answered")
                    .col("exceptions")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ledger_requests_by_date").table("ledger_requests").to_owned()).await?;
        for table in ["ledger_requests", "ledger_request_months"] {
            manager.alter_table(Table::alter().table(table).drop_column("exceptions").to_owned()).await?;
        }
        Ok(())
    }
}
