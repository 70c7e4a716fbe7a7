//! The command line: what each subcommand does.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use deskvisa_migrations::{Migrator, MigratorTrait};
use deskvisa_service::{Role, Service, SystemClock};
use deskvisa_store::{DatabaseConfig, Store, connect_store};

use crate::config::Config;

/// deskvisa: free desks for members of a network of ICT clusters, wherever
/// they travel in it.
#[derive(Debug, Parser)]
#[command(
    name = "deskvisa",
    version,
    about = "deskvisa: free desks for members of a network of ICT clusters, wherever they travel in it"
)]
pub struct Cli {
    /// A configuration file laid over the built-in defaults.
    #[arg(long, global = true, env = "DESKVISA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and the JSON API, with the worker in-process
    /// (migrates the database first).
    Serve {
        /// Load the demo network if the database is empty, and print tokens
        /// for a demo member and a demo host admin.
        #[arg(long)]
        demo: bool,
    },
    /// Deliver emails and settle answer deadlines, without serving HTTP.
    Worker,
    /// Bring the database schema up to date.
    Migrate,
    /// Fill the database with data.
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
    /// Give people roles.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Inspect and retry outgoing email.
    Mail {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// Print reports.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// A member's personal data.
    Member {
        #[command(subcommand)]
        action: MemberCommand,
    },
    /// Take a consistent online copy of the SQLite database.
    Backup {
        /// Where to write the copy.
        path: PathBuf,
    },
    /// Replace the SQLite database with a backup.
    Restore {
        /// The backup to restore.
        path: PathBuf,
    },
    /// List the rule codes that refuse a stay request, with their meaning.
    Rules,
    /// Print the OpenAPI 3.1 document of the HTTP API (as served at /openapi.json).
    Openapi,
}

#[derive(Debug, Subcommand)]
enum SeedCommand {
    /// A realistic network of clusters, sites and members to try deskvisa with.
    Demo,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make a member a network admin.
    Network {
        /// The member's email address.
        #[arg(long)]
        email: String,
    },
    /// Make a member an admin of their own cluster.
    Cluster {
        /// The member's email address.
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a member.
    Create {
        /// The member's email address.
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// List messages that could not be delivered.
    Failed,
    /// Send a dead-lettered message again.
    Retry {
        /// The outbox id.
        id: String,
    },
    /// Render a sample of an email.
    Preview {
        /// The kind of email (stay_approved, sign_in, ...).
        kind: String,
        /// en or pl.
        #[arg(long, default_value = "en")]
        locale: String,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The reciprocity ledger over a period.
    Reciprocity {
        /// First date (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last date (YYYY-MM-DD).
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
enum MemberCommand {
    /// Print all of a member's data as JSON.
    Export {
        /// The member's email address.
        email: String,
    },
    /// Erase a member's personal data.
    Erase {
        /// The member's email address.
        email: String,
    },
}

/// Writes a line for the person at the terminal.
#[allow(clippy::print_stdout)]
fn say(line: &str) {
    println!("{line}");
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    match cli.command {
        Command::Serve { demo } => serve(&config, demo).await.map(|()| ExitCode::SUCCESS),
        Command::Worker => {
            let service = service(&config).await?;
            tracing::info!("worker started");
            service.run_worker(WORKER_INTERVAL, shutdown_signal()).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store = open(&config).await?;
            let pending = Migrator::get_pending_migrations(store.db()).await?.len();
            Migrator::up(store.db(), None).await.context("migration failed")?;
            say(&format!("database up to date ({pending} migrations applied)"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { what: SeedCommand::Demo } => {
            let report = service(&config).await?.seed_demo().await?;
            print_demo(&config, &report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { action } => {
            let (email, role) = match action {
                AdminCommand::Network { email } => (email, Role::NetworkAdmin),
                AdminCommand::Cluster { email } => (email, Role::ClusterAdmin),
            };
            let service = service(&config).await?;
            let member = service.member_by_email(&parse_email(&email)?).await?;
            service.grant_role(member.id, role).await?;
            say(&format!("{} is now {}", member.email, role.as_str()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { action: TokenCommand::Create { email, label } } => {
            let token = service(&config).await?.create_token(&parse_email(&email)?, &label).await?;
            say(&token);
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            say(&deskvisa_http::openapi().to_pretty_json().context("rendering the OpenAPI document")?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules => {
            for code in deskvisa_rules::ViolationCode::ALL {
                say(&format!("{:<24} {}", code.as_str(), code.meaning()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mail { .. }
        | Command::Report { .. }
        | Command::Member { .. }
        | Command::Backup { .. }
        | Command::Restore { .. } => {
            tracing::error!("this command is planned but not available in this build yet");
            Ok(ExitCode::from(2))
        }
    }
}

/// How often the worker looks for answer deadlines that have passed.
const WORKER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15);

fn parse_email(text: &str) -> Result<deskvisa_rules::Email> {
    deskvisa_rules::Email::parse(text).map_err(|e| anyhow::anyhow!("{text}: {e}"))
}

async fn service(config: &Config) -> Result<Service> {
    let store = open(config).await?;
    Migrator::up(store.db(), None).await.context("migration failed")?;
    Ok(Service::with_store(store, Arc::new(SystemClock)))
}

fn print_demo(config: &Config, report: &deskvisa_service::seed::SeedReport) {
    use deskvisa_service::seed::{DEMO_HOST_ADMIN, DEMO_MEMBER, DEMO_NETWORK_ADMIN};
    let url = &config.http.public_url;
    if report.loaded {
        say(&format!("Loaded the demo network: {} clusters.", report.clusters));
    }
    say(&format!("\ndeskvisa: {url}   API docs: {url}/docs   OpenAPI: {url}/openapi.json\n"));
    say("Ready-made API tokens (new ones on every start):");
    say(&format!("  visiting member  {DEMO_MEMBER:<42} {}", report.member_token));
    say(&format!("  host admin       {DEMO_HOST_ADMIN:<42} {}", report.host_admin_token));
    say(&format!("  network admin    {DEMO_NETWORK_ADMIN:<42} {}", report.network_admin_token));
    say(&format!("\nTry:  curl -H 'Authorization: Bearer {}' {url}/api/v1/clusters\n", report.member_token));
}

async fn open(config: &Config) -> Result<Store> {
    let dir = sqlite_file(&config.database.url).and_then(|path| path.parent().map(PathBuf::from));
    if let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut db = DatabaseConfig::new(config.database.url.clone());
    if config.database.max_connections > 0 {
        db.max_connections = config.database.max_connections;
    }
    db.readers = config.database.readers;
    Ok(connect_store(&db).await?)
}

/// The file behind a `sqlite://` URL, if it names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().filter(|p| !p.is_empty() && *p != ":memory:")?;
    Some(PathBuf::from(path))
}

async fn serve(config: &Config, demo: bool) -> Result<()> {
    let service = service(config).await?;
    if demo {
        let report = service.seed_demo().await?;
        print_demo(config, &report);
    }
    let listener = tokio::net::TcpListener::bind(&config.http.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.http.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, public_url = %config.http.public_url, "deskvisa is serving");
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = {
        let service = service.clone();
        tokio::spawn(async move {
            service
                .run_worker(WORKER_INTERVAL, async {
                    let _ = worker_stopped.await;
                })
                .await;
        })
    };
    deskvisa_http::run(listener, deskvisa_http::router(service, deskvisa_http::Limits::default()), shutdown_signal())
        .await?;
    let _ = stop_worker.send(());
    let _ = worker.await;
    tracing::info!("deskvisa stopped serving");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_file_is_found_in_its_url() {
        assert_eq!(sqlite_file("sqlite://var/deskvisa.sqlite?mode=rwc"), Some(PathBuf::from("var/deskvisa.sqlite")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
