//! A site's face (issue 22): its arrival pack (opening hours, how to get
//! in, the on-site contact, Wi-Fi, transport, accessibility, amenities) as
//! one JSON document the rules crate reads back, and its one photo,
//! re-encoded by deskvisa (full size and a thumbnail), with a version that
//! changes with every upload so caches can keep each one for good.

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
                    .table("site_arrivals")
                    .col(pk_uuid("site_id"))
                    .col(text("pack"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("site_arrivals", "site_id")
                            .to("sites", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("site_photos")
                    .col(pk_uuid("site_id"))
                    .col(string("version"))
                    .col(blob("photo"))
                    .col(blob("thumbnail"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("site_photos", "site_id")
                            .to("sites", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE site_photos").await?;
        db.execute_unprepared("DROP TABLE site_arrivals").await.map(drop)
    }
}
