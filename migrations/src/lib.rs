//! # deskvisa-migrations: the schema's history
//!
//! One sea-orm migration a file, tables and columns named by string (never
//! through entities: migrations are frozen history, entities move on). The
//! same migrations serve SQLite and PostgreSQL.
//!
//! The schema guards the invariants itself, so that a bug in the code cannot
//! corrupt data: a day never holds more desks than the site has (`CHECK held
//! <= desks` on `site_days`), a member holds at most one desk a day (unique
//! `(member_id, date)` on `stay_days`), every desk-day points at its day's
//! counter (foreign key), and every status is one of its known values.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_initial_schema;
mod m20261202_000001_stay_reminders;
mod m20261202_000002_sign_in;
mod m20261202_000003_ledger_indexes;
mod m20261202_000004_events;
mod m20261202_000005_ledger_summary;
mod m20261206_000001_network_staff;
mod m20261206_000002_cluster_names;
mod m20261206_000003_site_offers;
mod m20261207_000001_firms;
mod m20261207_000002_programme;
mod m20261207_000003_calendar_feeds;
mod m20261208_000001_letters;
mod m20261208_000002_site_faces;
mod m20261208_000003_event_series;
mod m20261209_000001_stay_moves;
mod m20261209_000002_waitlist;
mod m20261209_000003_delegations;
mod m20261210_000001_search_indexes;
mod m20261211_000001_ledger_scale_indexes;
mod m20261211_000002_ledger_months;
mod m20261212_000001_ledger_exception_totals;

/// Every migration, oldest first.
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_initial_schema::Migration),
            Box::new(m20261202_000001_stay_reminders::Migration),
            Box::new(m20261202_000002_sign_in::Migration),
            Box::new(m20261202_000003_ledger_indexes::Migration),
            Box::new(m20261202_000004_events::Migration),
            Box::new(m20261202_000005_ledger_summary::Migration),
            Box::new(m20261206_000001_network_staff::Migration),
            Box::new(m20261206_000002_cluster_names::Migration),
            Box::new(m20261206_000003_site_offers::Migration),
            Box::new(m20261207_000001_firms::Migration),
            Box::new(m20261207_000002_programme::Migration),
            Box::new(m20261207_000003_calendar_feeds::Migration),
            Box::new(m20261208_000001_letters::Migration),
            Box::new(m20261208_000002_site_faces::Migration),
            Box::new(m20261208_000003_event_series::Migration),
            Box::new(m20261209_000001_stay_moves::Migration),
            Box::new(m20261209_000002_waitlist::Migration),
            Box::new(m20261209_000003_delegations::Migration),
            Box::new(m20261210_000001_search_indexes::Migration),
            Box::new(m20261211_000001_ledger_scale_indexes::Migration),
            Box::new(m20261211_000002_ledger_months::Migration),
            Box::new(m20261212_000001_ledger_exception_totals::Migration),
        ]
    }
}
