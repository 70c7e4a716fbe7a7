//! Reminders sent once: a stay remembers when its member was reminded of
//! the coming visit and when the host's admins were reminded that the
//! answer window is closing. The worker sets each with a compare-and-swap
//! from NULL in the transaction that queues the email, so two workers never
//! send the same reminder twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["reminded_at", "answer_reminded_at"] {
            manager
                .alter_table(Table::alter().table("stays").add_column(timestamp_with_time_zone_null(column)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["answer_reminded_at", "reminded_at"] {
            manager.alter_table(Table::alter().table("stays").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
