//! Each site's opening weekdays over time, beside its desk count: a cluster's
//! reciprocity standing asks whether it offered a bookable desk-day (desks on
//! an open weekday), and a site with desks but no opening day offers nothing.
//! Rows recorded before this migration take the site's present weekdays, the
//! best knowledge there is. Ground (b) counts a host's answers to requests
//! within the guarantee over 90 days: an index on the host and the creation
//! instant keeps that count small for every request.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteDeskCounts {
    Table,
    OpenWeekdays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SiteDeskCounts::Table)
                    .add_column(ColumnDef::new(SiteDeskCounts::OpenWeekdays).small_integer().not_null().default(31))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE site_desk_counts SET open_weekdays = \
             (SELECT sites.open_weekdays FROM sites WHERE sites.id = site_desk_counts.site_id) \
             WHERE EXISTS (SELECT 1 FROM sites WHERE sites.id = site_desk_counts.site_id)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX stays_host_created ON stays (host_cluster_id, created_at)").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX stays_host_created").await?;
        manager
            .alter_table(
                Table::alter().table(SiteDeskCounts::Table).drop_column(SiteDeskCounts::OpenWeekdays).to_owned(),
            )
            .await
    }
}
