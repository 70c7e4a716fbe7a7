//! The ledger's guarantee exceptions counted per host over a period without
//! reading their rows (issue 25): a year of a network a hundred times the
//! demo's holds hundreds of thousands, and the report lists a page of them
//! but counts them all. The index by time now carries the host and home, so
//! the counts are read from the index alone; it replaces the index on `at`.

use sea_orm_migration::prelude::*;

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
        manager.drop_index(Index::drop().name("ledger_exceptions_at").table("ledger_exceptions").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(Index::create().name("ledger_exceptions_at").table("ledger_exceptions").col("at").to_owned())
            .await?;
        manager.drop_index(Index::drop().name("ledger_exceptions_by_time").table("ledger_exceptions").to_owned()).await
    }
}
