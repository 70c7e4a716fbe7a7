//! # deskvisa-testing: each test makes its own world
//!
//! [`TestDatabase::new`] gives a test its own migrated database: a fresh
//! SQLite file in a temporary directory, or a fresh database on the real
//! PostgreSQL server (`DESKVISA_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432`), with a small pool, dropped when the
//! test ends, pass or fail. Tests run in parallel; nothing is shared.
//!
//! [`world::World`] is the small network (a home cluster, a host cluster,
//! their sites, a member and a host admin, a fixed clock) the service's and
//! the HTTP layer's tests build on, with the builders of clusters, sites and
//! members and [`world::eventually`], the one way a test waits.
//!
//! [`binary::Running`] is the `deskvisa` binary as an operator starts it,
//! talked to over plain HTTP/1.1 ([`binary::exchange`]).
//!
//! [`smtp::SmtpSink`] is a real SMTP server (aiosmtpd) and [`ics::parse_ics`]
//! reads calendar files with two independent parsers, both from the Python
//! tools `make test-tools` installs.
//!
//! When PostgreSQL cannot be reached, a PostgreSQL test fails under `CI=true`
//! and is skipped (with a line on stderr) elsewhere.
#![allow(clippy::expect_used, clippy::print_stderr)]

use std::path::PathBuf;

pub mod binary;
pub mod ics;
pub mod pdf;
pub mod poll;
pub mod smtp;
pub mod world;

use deskvisa_migrations::{Migrator, MigratorTrait};
use deskvisa_store::{DatabaseConfig, Store};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

/// The two databases deskvisa runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, a file per test.
    Sqlite,
    /// The real PostgreSQL server, a database per test.
    Postgres,
}

/// A test's own database.
pub struct TestDatabase {
    /// A pool on it.
    pub db: DatabaseConnection,
    /// Its URL (to open more pools, as a second application instance would).
    pub url: String,
    backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Nothing,
    Directory(PathBuf),
    Database { server: String, name: String },
}

fn postgres_server() -> String {
    std::env::var("DESKVISA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

impl TestDatabase {
    /// A fresh, migrated database, or `None` when PostgreSQL is out of reach
    /// outside CI.
    pub async fn new(backend: Backend) -> Option<TestDatabase> {
        let db = TestDatabase::empty(backend).await?;
        Migrator::up(&db.db, None).await.expect("migrate the test database");
        Some(db)
    }

    /// A fresh database with no schema at all, as an operator's new
    /// database is before `deskvisa migrate`.
    pub async fn empty(backend: Backend) -> Option<TestDatabase> {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let (url, cleanup, max_connections) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("deskvisa-test-{tag}"));
                std::fs::create_dir_all(&dir).expect("temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.join("test.sqlite").display());
                (url, Cleanup::Directory(dir), 1)
            }
            Backend::Postgres => {
                let server = postgres_server();
                let name = format!("deskvisa_test_{tag}");
                let admin = match Database::connect(format!("{server}/postgres")).await {
                    Ok(admin) => admin,
                    Err(err) => {
                        if std::env::var("CI").is_ok_and(|v| v == "true") {
                            panic!("PostgreSQL at {server} is required in CI: {err}");
                        }
                        eprintln!("skipping a PostgreSQL test: {server} is out of reach ({err})");
                        return None;
                    }
                };
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the test database");
                let _ = admin.close().await;
                (format!("{server}/{name}"), Cleanup::Database { server, name }, 6)
            }
        };
        let db = raw_pool(&url, max_connections).await;
        Some(TestDatabase { db, url, backend, cleanup })
    }

    /// A SQLite file that exists already (a backup, a restored database),
    /// opened as deskvisa opens it; the file is left in place afterwards.
    pub async fn open_sqlite(path: &std::path::Path) -> TestDatabase {
        let url = format!("sqlite://{}", path.display());
        let db = raw_pool(&url, 1).await;
        TestDatabase { db, url, backend: Backend::Sqlite, cleanup: Cleanup::Nothing }
    }

    /// Which backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Another store on the same database with a pool of `max_connections`,
    /// as a second application instance would open.
    pub async fn another_store(&self, max_connections: u32) -> Store {
        let config = DatabaseConfig { max_connections, readers: 0, ..DatabaseConfig::new(self.url.clone()) };
        Store::open(&config).await.expect("open another store")
    }

    /// The store the application opens on this database: on SQLite, a
    /// writer and four readers of its own (as configured by default); on
    /// PostgreSQL, a small pool.
    pub async fn store(&self) -> Store {
        let config = match self.backend {
            Backend::Sqlite => DatabaseConfig { readers: 4, ..DatabaseConfig::new(self.url.clone()) },
            Backend::Postgres => DatabaseConfig { max_connections: 6, ..DatabaseConfig::new(self.url.clone()) },
        };
        Store::open(&config).await.expect("open the store")
    }

    /// Runs a query that returns one integer (for checks written in SQL).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Nothing => {}
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { server, name } => {
                // Drop runs outside any runtime guarantee: use a thread of our own.
                let (server, name) = (server.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    runtime.block_on(async move {
                        if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                            let _ =
                                admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The test's own pool for checks written in SQL, with SQLite's waits as
/// the store sets them (a write of the test never fails at once because the
/// store is writing).
async fn raw_pool(url: &str, max_connections: u32) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(max_connections).sqlx_logging(false);
    if url.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(10))
                .create_if_missing(true)
        });
    }
    Database::connect(options).await.expect("open the test database")
}

/// Runs a test body once on each backend: `on_both_backends(|db| async move { ... })`.
pub async fn on_both_backends<F, Fut>(test: F)
where
    F: Fn(TestDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(db) = TestDatabase::new(backend).await {
            test(db).await;
        }
    }
}
