//! Personal calendar feeds (issue 22): a secret URL a member's calendar
//! program subscribes to, showing their stays and event registrations. Only
//! the token's SHA-256 hash is stored; a member has at most one live feed
//! (making a new one revokes the old), and revoking keeps the row.

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
                    .table("calendar_feeds")
                    .col(pk_uuid("id"))
                    .col(uuid("member_id"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("calendar_feeds", "member_id")
                            .to("members", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX calendar_feeds_member ON calendar_feeds (member_id)")
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP TABLE calendar_feeds").await.map(drop)
    }
}
