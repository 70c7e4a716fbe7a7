//! Events at sites (DOMAIN.md, "Events") and the registrations for them.
//!
//! Seats are guarded like desks: `registered` counts the live registrations
//! and the schema refuses more than `capacity` (`CHECK registered <=
//! capacity`); the service takes a seat with a conditional update. A member
//! holds at most one live registration per event (a partial unique index);
//! withdrawn and cancelled registrations stay as history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, column).to(to, "id").on_delete(ForeignKeyAction::Restrict).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("events")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid("cluster_id"))
                    .col(string("title"))
                    .col(text("description"))
                    // Site-local wall-clock times, `YYYY-MM-DDTHH:MM`, as the API shows them.
                    .col(string("starts_at"))
                    .col(string("ends_at"))
                    // The local date of the start: the day a visitor's stay must hold.
                    .col(date("start_date"))
                    // The same moments in UTC, for ordering and "has it begun".
                    .col(timestamp_with_time_zone("starts_utc"))
                    .col(timestamp_with_time_zone("ends_utc"))
                    .col(integer("capacity"))
                    .col(integer("registered").default(0))
                    .col(boolean("open_to_visitors"))
                    // The calendar SEQUENCE: raised on every change.
                    .col(integer("sequence").default(0))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(text_null("cancel_reason"))
                    .check(Expr::col("capacity").gte(1))
                    .check(Expr::col("registered").gte(0))
                    .check(Expr::col("registered").lte(Expr::col("capacity")))
                    .check(Expr::col("ends_utc").gt(Expr::col("starts_utc")))
                    .foreign_key(&mut fk("events", "site_id", "sites"))
                    .foreign_key(&mut fk("events", "cluster_id", "clusters"))
                    .foreign_key(&mut fk("events", "created_by", "members"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_registrations")
                    .col(pk_uuid("id"))
                    .col(uuid("event_id"))
                    .col(uuid("member_id"))
                    // The approved stay that allowed a visitor in (NULL for the host's own members).
                    .col(uuid_null("stay_id"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .check(Expr::col("status").is_in([
                        "registered",
                        "withdrawn",
                        "stay_cancelled",
                        "event_cancelled",
                        "no_longer_eligible",
                    ]))
                    .foreign_key(&mut fk("event_registrations", "event_id", "events"))
                    .foreign_key(&mut fk("event_registrations", "member_id", "members"))
                    .foreign_key(&mut fk("event_registrations", "stay_id", "stays"))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            ("events_site_start", "events", &["site_id", "start_date"][..]),
            ("event_registrations_event", "event_registrations", &["event_id", "status"][..]),
            ("event_registrations_member", "event_registrations", &["member_id"][..]),
            ("event_registrations_stay", "event_registrations", &["stay_id"][..]),
        ];
        for (name, table, columns) in indexes {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index).await?;
        }
        // One live registration per member and event; SQLite and PostgreSQL
        // both take partial indexes in this form.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX event_registrations_live ON event_registrations (event_id, member_id) \
                 WHERE status = 'registered'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["event_registrations", "events"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
