//! Moving a stay (issue 23): a move's line in the stay's history keeps the
//! dates it moved from and to, so the history reads as what happened.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The four dates of a move, in the order they are added.
const COLUMNS: [&str; 4] = ["moved_from_start", "moved_from_end", "moved_to_start", "moved_to_end"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("stay_history").add_column(date_null(column)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS.iter().rev() {
            manager.alter_table(Table::alter().table("stay_history").drop_column(*column).to_owned()).await?;
        }
        Ok(())
    }
}
