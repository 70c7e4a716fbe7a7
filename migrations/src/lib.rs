//! # deskvisa-migrations: the schema's history
//!
//! One sea-orm migration a file, tables and columns named by string (never
//! through entities: migrations are frozen history, entities move on). The
//! same migrations serve SQLite and PostgreSQL. The tables arrive with the
//! stays service; until then the history is empty and `deskvisa migrate` only
//! creates sea-orm's bookkeeping table.

pub use sea_orm_migration::prelude::*;

/// Every migration, oldest first.
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        Vec::new()
    }
}
