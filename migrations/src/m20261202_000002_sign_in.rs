//! Sign-in without passwords: single-use sign-in tokens (valid minutes,
//! stored only as a hash, the hash written when the email goes out),
//! sessions for the web pages (stored only as a hash, ended server-side),
//! and rate-limit counters kept in the database so that every instance
//! counts the same hits.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn member_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, "member_id").to("members", "id").on_delete(ForeignKeyAction::Restrict).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sign_in_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("member_id"))
                    // NULL until the email carrying the token is written.
                    .col(string_null("token_hash").unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut member_fk("sign_in_tokens"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(pk_uuid("id"))
                    .col(uuid("member_id"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut member_fk("sessions"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rate_limits")
                    .col(string("bucket"))
                    .col(timestamp_with_time_zone("window_start"))
                    .col(integer("hits"))
                    .primary_key(Index::create().col("bucket").col("window_start"))
                    .to_owned(),
            )
            .await?;
        for (name, table) in [("sign_in_tokens_member", "sign_in_tokens"), ("sessions_member", "sessions")] {
            manager
                .create_index(Index::create().name(name).table(table).col("member_id").col("created_at").to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["rate_limits", "sessions", "sign_in_tokens"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
