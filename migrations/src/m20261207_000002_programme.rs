//! The network's programme (issue 22): every event open to visitors across
//! the network over a window of days, earliest first. An index on the local
//! start date and the start instant keeps that list a range scan whatever
//! the number of sites (the site-first index serves one site's list).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX events_programme ON events (start_date, starts_utc, id)")
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX events_programme").await.map(drop)
    }
}
