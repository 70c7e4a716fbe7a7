//! # deskvisa-store: the database
//!
//! sea-orm 2 over SQLite (embedded, the default) and PostgreSQL (production).
//! The store loads and saves; it never decides: everything it returns is a
//! rules type, and every judgement is the rules crate's. The tables, entities
//! and queries arrive with the stays service; this crate already owns how a
//! connection is opened, because that is where the concurrency guarantees
//! begin (see `connect`).

mod connect;
mod entity;

pub use connect::{Backend, ConnectError, DatabaseConfig, connect};
pub use sea_orm::DatabaseConnection;
