//! Indexes for the ledger of a network a hundred times the demo's (issue 25):
//!
//! - the guarantee exceptions counted per host over a period without reading
//!   their rows: a year holds hundreds of thousands, and the report lists a
//!   page of them but counts them all. The index by time now carries the
//!   host and home, so the counts come from the index alone; it replaces the
//!   index on `at`;
//! - the requests each host refused within the guarantee over the last 90
//!   days (the standings): a partial index of refused requests by time,
//!   instead of every declined and expired stay ever, looked up one by one.

use sea_orm_migration::prelude::*;

/// A refused request within the guarantee, as the store's standings ask.
const REFUSED_WITHIN_GUARANTEE: &str = "within_guarantee = TRUE AND status IN ('declined', 'expired')";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ledger_exceptions_by_time")
                    .table("ledger_exceptions")
                    .col("at")
                    .col("host_cluster_id")
                    .col("home_cluster_id")
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name("ledger_exceptions_at").table("ledger_exceptions").to_owned()).await?;
        // Its predicate is the standings' query's, word for word: both
        // planners use a partial index only where they see the query's
        // conditions imply it.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX stays_refused ON stays (created_at, host_cluster_id) WHERE {REFUSED_WITHIN_GUARANTEE}"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("stays_refused").table("stays").to_owned()).await?;
        manager
            .create_index(Index::create().name("ledger_exceptions_at").table("ledger_exceptions").col("at").to_owned())
            .await?;
        manager.drop_index(Index::drop().name("ledger_exceptions_by_time").table("ledger_exceptions").to_owned()).await
    }
}
