//! The reciprocity ledger's running totals, kept in the same transaction as
//! every change of a stay, so that a year's ledger reads a few thousand
//! rows instead of every held day and every history line:
//!
//! - `ledger_days`: counted held days per (host, home, date): days of stays
//!   that were approved and are not no-shows (a cancelled stay keeps the days
//!   it held before the cancellation);
//! - `ledger_requests`: per host and UTC date of the request, how many were
//!   received, approved (ever), declined, expired and answered by a host
//!   admin;
//! - on `stays`: `approved_at` (the first approval) and `answer_seconds`
//!   (request to a host admin's approval or decline), indexed for the median;
//! - `ledger_exceptions`: the history lines that are guarantee exceptions,
//!   with the stay's host and home, by time.
//!
//! Existing data is counted into the new tables here, once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The backfill, written with `{seconds}` and `{utc_date}` for the
/// backend's expressions.
const BACKFILL: [&str; 5] = [
    "UPDATE stays SET approved_at = (SELECT MIN(h.at) FROM stay_history h
      WHERE h.stay_id = stays.id AND h.to_status = 'approved')",
    "UPDATE stays SET answer_seconds = (SELECT MIN({seconds}) FROM stay_history h
      WHERE h.stay_id = stays.id AND h.from_status = 'pending' AND h.actor = 'host_admin'
        AND h.to_status IN ('approved', 'declined'))",
    "INSERT INTO ledger_days (host_cluster_id, home_cluster_id, date, days)
     SELECT s.host_cluster_id, s.home_cluster_id, d.date, COUNT(*)
       FROM stay_days d JOIN stays s ON s.id = d.stay_id
      WHERE s.approved_at IS NOT NULL AND s.no_show = FALSE AND s.status IN ('approved', 'cancelled')
      GROUP BY s.host_cluster_id, s.home_cluster_id, d.date",
    "INSERT INTO ledger_requests (host_cluster_id, date, received, approved, declined, expired, answered)
     SELECT s.host_cluster_id, {utc_date}, COUNT(*),
            SUM(CASE WHEN s.approved_at IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.status = 'declined' THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.status = 'expired' THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.answer_seconds IS NOT NULL THEN 1 ELSE 0 END)
       FROM stays s GROUP BY s.host_cluster_id, {utc_date}",
    "INSERT INTO ledger_exceptions (stay_id, host_cluster_id, home_cluster_id, at, to_status, reason)
     SELECT h.stay_id, s.host_cluster_id, s.home_cluster_id, h.at, h.to_status, h.reason
       FROM stay_history h JOIN stays s ON s.id = h.stay_id
      WHERE h.guarantee_exception = TRUE ORDER BY h.id",
];

/// Fills the new columns and tables from the stays and histories already
/// there, in each backend's own date arithmetic.
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let (seconds, utc_date) = match manager.get_database_backend() {
        DbBackend::Postgres => (
            "CAST(EXTRACT(EPOCH FROM (h.at - stays.created_at)) AS BIGINT)",
            "CAST((s.created_at AT TIME ZONE 'UTC') AS DATE)",
        ),
        _ => ("CAST(ROUND((julianday(h.at) - julianday(stays.created_at)) * 86400) AS INTEGER)", "date(s.created_at)"),
    };
    for sql in BACKFILL {
        db.execute_unprepared(&sql.replace("{seconds}", seconds).replace("{utc_date}", utc_date)).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter().table("stays").add_column(timestamp_with_time_zone_null("approved_at")).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("stays").add_column(big_integer_null("answer_seconds")).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ledger_days")
                    .col(uuid("host_cluster_id"))
                    .col(uuid("home_cluster_id"))
                    .col(date("date"))
                    .col(integer("days"))
                    .primary_key(Index::create().col("host_cluster_id").col("home_cluster_id").col("date"))
                    .check(Expr::col("days").gte(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ledger_requests")
                    .col(uuid("host_cluster_id"))
                    .col(date("date"))
                    .col(integer("received"))
                    .col(integer("approved"))
                    .col(integer("declined"))
                    .col(integer("expired"))
                    // Answered by a host admin (approve or decline): how many
                    // times to answer the median is taken over.
                    .col(integer("answered"))
                    .primary_key(Index::create().col("host_cluster_id").col("date"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("stays_answers")
                    .table("stays")
                    .col("host_cluster_id")
                    .col("answer_seconds")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("ledger_exceptions")
                    .col(pk_auto("id"))
                    .col(uuid("stay_id"))
                    .col(uuid("host_cluster_id"))
                    .col(uuid("home_cluster_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("to_status"))
                    .col(text_null("reason"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("ledger_exceptions", "stay_id")
                            .to("stays", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ledger_exceptions_at").table("ledger_exceptions").col("at").to_owned())
            .await?;
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("stays_answers").table("stays").to_owned()).await?;
        for table in ["ledger_exceptions", "ledger_requests", "ledger_days"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in ["answer_seconds", "approved_at"] {
            manager.alter_table(Table::alter().table("stays").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
