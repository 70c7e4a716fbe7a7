//! Invitation letters (issue 22). `letterheads`: what a cluster's letters
//! say of the host (its postal address, the admin who signs). `letters`:
//! each letter made, with the stay as it said it (to tell later whether the
//! stay changed), the visitor's passport name (kept only here, erased with
//! the member) and its initials, the PDF itself (so the member downloads
//! the very letter the code verifies), and only the SHA-256 hash of its
//! verification code. A newer letter for the stay marks the older replaced.

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
                    .table("letterheads")
                    .col(pk_uuid("cluster_id"))
                    .col(text("address"))
                    .col(uuid_null("signatory_member_id"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("letterheads", "cluster_id")
                            .to("clusters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("letterheads", "signatory_member_id")
                            .to("members", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("letters")
                    .col(pk_uuid("id"))
                    .col(uuid("stay_id"))
                    .col(uuid("member_id"))
                    .col(uuid("site_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(string("passport_name"))
                    .col(string("initials"))
                    .col(string_uniq("code_hash"))
                    .col(blob("pdf"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("replaced_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("letters", "stay_id")
                            .to("stays", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("letters", "member_id")
                            .to("members", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX letters_stay ON letters (stay_id, created_at)").await?;
        db.execute_unprepared("CREATE INDEX letters_member ON letters (member_id)").await.map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE letters").await?;
        db.execute_unprepared("DROP TABLE letterheads").await.map(drop)
    }
}
