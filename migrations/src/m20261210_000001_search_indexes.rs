//! The availability search over a network of thousands of sites (issue 25):
//! it reads only the days it cannot offer, a site's full days and its
//! closures, each by date through an index of its own, instead of every
//! day counter of every site.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Partial: a full day is a rare row, so the index stays small.
        db.execute_unprepared("CREATE INDEX site_days_full ON site_days (date, site_id) WHERE held >= desks").await?;
        db.execute_unprepared("CREATE INDEX closures_date ON closures (date, site_id)").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX closures_date").await?;
        db.execute_unprepared("DROP INDEX site_days_full").await?;
        Ok(())
    }
}
