//! One cluster per name: two clusters called alike ("HubClub" and
//! "hubclub") would read as one on the map, in emails and in the ledger.
//! A unique index on the lower-cased name backs the service's check, so
//! that two admins adding the same cluster at once cannot both succeed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An expression index: both SQLite and PostgreSQL take this text.
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX clusters_name_unique ON clusters (lower(name))")
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX clusters_name_unique").await.map(drop)
    }
}
