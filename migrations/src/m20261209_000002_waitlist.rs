//! A waitlist for full days (issue 23): members in line for exact dates at a
//! site, in order of joining; an offer holds desks for one of them (its days
//! in `waitlist_days`, counted in `site_days.held` like a stay's) until it
//! is accepted or lapses; and the host's `offer_hold_hours`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("policies").add_column(integer("offer_hold_hours").default(24)).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("waitlist")
                    .col(pk_uuid("id"))
                    .col(uuid("member_id"))
                    .col(uuid("site_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("joined_at"))
                    .col(timestamp_with_time_zone_null("offered_at"))
                    .col(timestamp_with_time_zone_null("offer_expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .col(uuid_null("stay_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("waitlist", "member_id")
                            .to("members", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("waitlist", "site_id")
                            .to("sites", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .check(Expr::col("status").is_in(["waiting", "offered", "accepted", "lapsed", "left"]))
                    .check(Expr::col("end_date").gte(Expr::col("start_date")))
                    .check(Expr::col("status").ne("offered").or(Expr::col("offer_expires_at").is_not_null()))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("waitlist_days")
                    .col(uuid("entry_id"))
                    .col(uuid("site_id"))
                    .col(date("date"))
                    .primary_key(Index::create().col("entry_id").col("date"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("waitlist_days", "entry_id")
                            .to("waitlist", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX waitlist_line ON waitlist (site_id, status, joined_at)").await?;
        db.execute_unprepared("CREATE INDEX waitlist_member ON waitlist (member_id, status)").await?;
        db.execute_unprepared("CREATE INDEX waitlist_expiry ON waitlist (status, offer_expires_at)").await?;
        db.execute_unprepared("CREATE INDEX waitlist_days_site ON waitlist_days (site_id, date)").await.map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE waitlist_days").await?;
        db.execute_unprepared("DROP TABLE waitlist").await?;
        manager.alter_table(Table::alter().table("policies").drop_column("offer_hold_hours").to_owned()).await.map(drop)
    }
}
