//! Repeating events (issue 22): a series ("every first Tuesday until
//! June") is a row of `event_series`, and each of its occurrences an event
//! of its own that names it, so registrations, seats, emails and calendar
//! files work for an occurrence as for any event.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("event_series")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(string("repeat"))
                    .col(date("until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("event_series", "site_id")
                            .to("sites", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table("events").add_column(uuid_null("series_id")).to_owned()).await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX events_series ON events (series_id, starts_utc)")
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX events_series").await?;
        manager.alter_table(Table::alter().table("events").drop_column("series_id").to_owned()).await?;
        db.execute_unprepared("DROP TABLE event_series").await.map(drop)
    }
}
