//! The first schema: the map (clusters, sites, closures, policies), members
//! and their roles, stays with their desk-days and history, the per-site
//! per-day desk counters, the desk count over time, idempotency keys, API
//! tokens and the email outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `column IN ('a', 'b', ...)`.
fn one_of(column: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, column).to(to, "id").on_delete(ForeignKeyAction::Restrict).to_owned()
}

fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

/// The tables of the network, its clusters and their sites, in the order their foreign keys need.
fn network_tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("network_policy")
            .col(integer("id").primary_key())
            .col(integer("guaranteed_days"))
            .col(integer("reciprocity_grace_days"))
            .col(timestamp_with_time_zone("updated_at"))
            .check(Expr::col("id").eq(1))
            .check(Expr::col("guaranteed_days").gte(5))
            .check(Expr::col("reciprocity_grace_days").gte(0))
            .to_owned(),
        Table::create()
            .table("clusters")
            .col(pk_uuid("id"))
            .col(string("name"))
            .col(string("city"))
            .col(string_len("country", 2))
            .col(string("timezone"))
            .col(double("latitude"))
            .col(double("longitude"))
            .col(date("joined_on"))
            .col(string("status"))
            .col(timestamp_with_time_zone("created_at"))
            .check(one_of("status", &["active", "suspended", "left"]))
            .check(Expr::col("latitude").between(-90, 90))
            .check(Expr::col("longitude").between(-180, 180))
            .to_owned(),
        Table::create()
            .table("sites")
            .col(pk_uuid("id"))
            .col(uuid("cluster_id"))
            .col(string("name"))
            .col(text("address"))
            .col(string("timezone"))
            .col(integer("desks"))
            .col(small_integer("open_weekdays"))
            .col(string("contact_email"))
            .col(text("house_rules"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("sites", "cluster_id", "clusters"))
            .check(Expr::col("desks").gte(0))
            .check(Expr::col("open_weekdays").between(0, 127))
            .to_owned(),
        Table::create()
            .table("site_desk_counts")
            .col(big_pk_auto("id"))
            .col(uuid("site_id"))
            .col(timestamp_with_time_zone("at"))
            .col(integer("desks"))
            .foreign_key(&mut fk("site_desk_counts", "site_id", "sites"))
            .check(Expr::col("desks").gte(0))
            .to_owned(),
        Table::create()
            .table("closures")
            .col(uuid("site_id"))
            .col(date("date"))
            .col(text("reason"))
            .col(timestamp_with_time_zone("created_at"))
            .primary_key(Index::create().col("site_id").col("date"))
            .foreign_key(&mut fk("closures", "site_id", "sites"))
            .to_owned(),
    ]
}

/// The tables of host policies, members, their roles, and the sites' day counters, in the order their foreign keys need.
fn member_tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("policies")
            .col(uuid("cluster_id").primary_key())
            .col(integer("max_days_per_stay"))
            .col(integer("stays_per_year"))
            .col(integer("min_notice_days"))
            .col(integer("horizon_days"))
            .col(string("approval_mode"))
            .col(integer("answer_window_days"))
            .col(string("on_no_answer"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("policies", "cluster_id", "clusters"))
            .check(Expr::col("max_days_per_stay").gte(5))
            .check(Expr::col("stays_per_year").gte(1))
            .check(Expr::col("min_notice_days").between(0, 7))
            .check(Expr::col("horizon_days").gte(30))
            .check(Expr::col("answer_window_days").between(1, 14))
            .check(one_of("approval_mode", &["manual", "auto"]))
            .check(one_of("on_no_answer", &["approve", "expire"]))
            .to_owned(),
        Table::create()
            .table("members")
            .col(pk_uuid("id"))
            .col(string_uniq("email"))
            .col(string("name"))
            .col(string("company"))
            .col(string_len("locale", 2))
            .col(uuid("cluster_id"))
            .col(string("status"))
            .col(date_null("vouched_until"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("members", "cluster_id", "clusters"))
            .check(one_of("status", &["invited", "active", "revoked"]))
            .check(one_of("locale", &["en", "pl"]))
            .check(Expr::col("email").eq(Func::lower(Expr::col("email"))))
            .to_owned(),
        Table::create()
            .table("member_roles")
            .col(uuid("member_id"))
            .col(string("role"))
            .col(timestamp_with_time_zone("granted_at"))
            .primary_key(Index::create().col("member_id").col("role"))
            .foreign_key(&mut fk("member_roles", "member_id", "members"))
            .check(one_of("role", &["cluster_admin", "network_admin"]))
            .to_owned(),
        Table::create()
            .table("site_days")
            .col(uuid("site_id"))
            .col(date("date"))
            .col(integer("desks"))
            .col(integer("held"))
            .primary_key(Index::create().col("site_id").col("date"))
            .foreign_key(&mut fk("site_days", "site_id", "sites"))
            // The capacity invariant, in the database itself.
            .check(Expr::col("held").gte(0).and(Expr::col("held").lte(Expr::col("desks"))))
            .to_owned(),
    ]
}

/// The tables of stays, their held days and history, in the order their foreign keys need.
fn stay_tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("stays")
            .col(pk_uuid("id"))
            .col(uuid("member_id"))
            .col(uuid("site_id"))
            .col(uuid("host_cluster_id"))
            .col(uuid("home_cluster_id"))
            .col(date("start_date"))
            .col(date("end_date"))
            .col(string("status"))
            .col(text("purpose"))
            .col(text_null("decline_reason"))
            .col(text_null("cancel_reason"))
            .col(timestamp_with_time_zone_null("answer_deadline"))
            .col(boolean("within_guarantee"))
            .col(boolean("checked_in"))
            .col(boolean("no_show"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("stays", "member_id", "members"))
            .foreign_key(&mut fk("stays", "site_id", "sites"))
            .foreign_key(&mut fk("stays", "host_cluster_id", "clusters"))
            .foreign_key(&mut fk("stays", "home_cluster_id", "clusters"))
            .check(one_of("status", &["pending", "approved", "declined", "cancelled", "expired"]))
            .check(Expr::col("end_date").gte(Expr::col("start_date")))
            .check(Expr::col("checked_in").eq(false).or(Expr::col("no_show").eq(false)))
            .check(Expr::col("status").ne("pending").or(Expr::col("answer_deadline").is_not_null()))
            .to_owned(),
        Table::create()
            .table("stay_days")
            .col(uuid("stay_id"))
            .col(uuid("site_id"))
            .col(uuid("member_id"))
            .col(date("date"))
            .primary_key(Index::create().col("stay_id").col("date"))
            .foreign_key(&mut fk("stay_days", "stay_id", "stays"))
            .foreign_key(&mut fk("stay_days", "member_id", "members"))
            .foreign_key(
                ForeignKey::create()
                    .from("stay_days", ("site_id", "date"))
                    .to("site_days", ("site_id", "date"))
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .to_owned(),
        Table::create()
            .table("stay_history")
            .col(big_pk_auto("id"))
            .col(uuid("stay_id"))
            .col(timestamp_with_time_zone("at"))
            .col(string("actor"))
            .col(uuid_null("by_member_id"))
            .col(string_null("from_status"))
            .col(string("to_status"))
            .col(string("action"))
            .col(text_null("reason"))
            .col(boolean("guarantee_exception"))
            .foreign_key(&mut fk("stay_history", "stay_id", "stays"))
            .check(one_of("actor", &["member", "host_admin", "worker"]))
            .to_owned(),
    ]
}

/// The tables of idempotency keys, API tokens and the outbox, in the order their foreign keys need.
fn access_tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("idempotency_keys")
            .col(uuid("member_id"))
            .col(string("key"))
            .col(string("request_hash"))
            // Set in the stay's own transaction: a key maps to at most one stay.
            .col(uuid_null("stay_id"))
            .col(integer_null("status_code"))
            .col(text_null("response_body"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .primary_key(Index::create().col("member_id").col("key"))
            .foreign_key(&mut fk("idempotency_keys", "member_id", "members"))
            .to_owned(),
        Table::create()
            .table("api_tokens")
            .col(pk_uuid("id"))
            .col(uuid("member_id"))
            .col(string_uniq("token_hash"))
            .col(string("label"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .foreign_key(&mut fk("api_tokens", "member_id", "members"))
            .to_owned(),
        Table::create()
            .table("outbox")
            .col(pk_uuid("id"))
            .col(string("kind"))
            .col(string("recipient"))
            .col(string_len("locale", 2))
            .col(text("payload"))
            .col(string("status"))
            .col(integer("attempts"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("next_attempt_at"))
            .col(timestamp_with_time_zone_null("lease_until"))
            .col(timestamp_with_time_zone_null("sent_at"))
            .col(text_null("last_error"))
            .check(one_of("status", &["pending", "sent", "dead"]))
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [network_tables(), member_tables(), stay_tables(), access_tables()].concat();
        for table in tables {
            manager.create_table(table).await?;
        }
        let indexes = [
            index("sites_cluster", "sites", &["cluster_id"]),
            index("site_desk_counts_site", "site_desk_counts", &["site_id", "at"]),
            index("members_cluster", "members", &["cluster_id"]),
            index("stays_member", "stays", &["member_id", "start_date"]),
            index("stays_site", "stays", &["site_id", "start_date"]),
            index("stays_deadline", "stays", &["status", "answer_deadline"]),
            index("stay_history_stay", "stay_history", &["stay_id", "id"]),
            index("api_tokens_member", "api_tokens", &["member_id"]),
            index("outbox_due", "outbox", &["status", "next_attempt_at"]),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        // One desk a day per member, whatever the stay: the backstop of the
        // overlap rule.
        manager
            .create_index(
                Index::create()
                    .name("stay_days_member_date")
                    .table("stay_days")
                    .col("member_id")
                    .col("date")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "outbox",
            "api_tokens",
            "idempotency_keys",
            "stay_history",
            "stay_days",
            "stays",
            "site_days",
            "member_roles",
            "members",
            "policies",
            "closures",
            "site_desk_counts",
            "sites",
            "clusters",
            "network_policy",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
