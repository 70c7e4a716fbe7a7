//! Delegations (issue 23): one request for a group of a cluster's members
//! at one site and range, answered once by the host; each member's stay
//! names its delegation.

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
                    .table("delegations")
                    .col(pk_uuid("id"))
                    .col(uuid("home_cluster_id"))
                    .col(uuid("host_cluster_id"))
                    .col(uuid("site_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(string("purpose"))
                    .col(uuid_null("requested_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("delegations", "site_id")
                            .to("sites", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .check(Expr::col("end_date").gte(Expr::col("start_date")))
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table("stays").add_column(uuid_null("delegation_id")).to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX stays_delegation ON stays (delegation_id)").await?;
        db.execute_unprepared("CREATE INDEX delegations_host ON delegations (host_cluster_id, start_date)")
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX stays_delegation").await?;
        manager.alter_table(Table::alter().table("stays").drop_column("delegation_id").to_owned()).await?;
        db.execute_unprepared("DROP TABLE delegations").await.map(drop)
    }
}
