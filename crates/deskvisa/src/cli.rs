//! The command line: what each subcommand does.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use deskvisa_service::{Mailer, Role, Service, SystemClock};
use deskvisa_store::{DatabaseConfig, Store, connect_store, sqlite_file};

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
    /// (migrates the database first, under a lock several instances share).
    Serve {
        /// Load the demo network if the database is empty, and print tokens
        /// for a demo member and a demo host admin.
        #[arg(long)]
        demo: bool,
        /// Do not migrate: serve the schema as it is (/readyz answers 503
        /// until `deskvisa migrate` has run).
        #[arg(long, conflicts_with = "demo")]
        no_migrate: bool,
    },
    /// Deliver emails and settle answer deadlines, without serving the
    /// application ([worker] ops_bind serves /healthz, /readyz and /metrics).
    Worker {
        /// Do not migrate (see `serve --no-migrate`).
        #[arg(long)]
        no_migrate: bool,
    },
    /// Bring the database schema up to date (under a lock: instances starting
    /// at the same moment apply each migration once).
    Migrate {
        /// Only say which migrations are applied and which are pending.
        #[arg(long)]
        status: bool,
    },
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
    /// Make a person a network admin; when nobody has the address, create a
    /// network staff account for them (no home cluster: they run the network
    /// and request no stays). Running it again changes nothing.
    Network {
        /// The person's email address.
        #[arg(long)]
        email: String,
        /// Their name (needed when a staff account is created).
        #[arg(long)]
        name: Option<String>,
        /// The language of a new staff account's pages and emails: en or pl.
        #[arg(long, default_value = "en")]
        locale: String,
        /// Also print a one-time sign-in link (valid 15 minutes, as an
        /// emailed one), for the first sign-in before mail is set up.
        #[arg(long)]
        sign_in_link: bool,
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
    /// Render a sample of an email to the terminal or a file.
    Preview {
        /// The kind of email: stay_requested, stay_requested_host,
        /// stay_approved, stay_declined, stay_expired, stay_cancelled,
        /// stay_cancelled_host, stay_reminder, answer_reminder, stay_moved,
        /// stay_moved_host, waitlist_offered, waitlist_lapsed,
        /// delegation_requested_host, sign_in,
        /// member_invited, event_registered, event_changed, event_cancelled,
        /// event_registration_withdrawn.
        kind: String,
        /// en or pl.
        #[arg(long, default_value = "en")]
        locale: String,
        /// Which part: the subject and plain text, the HTML, the calendar
        /// file, or the whole message as sent (eml).
        #[arg(long, value_enum, default_value_t = PreviewPart::Text)]
        part: PreviewPart,
        /// Write to this file instead of the terminal.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// A part of a previewed email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PreviewPart {
    /// Subject and plain-text body.
    Text,
    /// The HTML body.
    Html,
    /// The calendar file, if the email carries one.
    Ics,
    /// The whole MIME message, as an `.eml` file.
    Eml,
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
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
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

/// Writes a line for the person at the terminal. A closed stdout (the
/// reader went away, `| head`) is not a reason to stop: a server that has
/// printed its demo tokens keeps serving, so write errors are ignored.
fn say(line: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    match cli.command {
        Command::Serve { demo, no_migrate } => serve(&config, demo, !no_migrate).await.map(|()| ExitCode::SUCCESS),
        Command::Worker { no_migrate } => worker(&config, !no_migrate).await.map(|()| ExitCode::SUCCESS),
        Command::Mail { action } => mail_command(&config, action).await,
        Command::Migrate { status: true } => migration_status(&config).await,
        Command::Migrate { status: false } => {
            let store = open(&config).await?;
            let pending = store.migrate().await.context("migration failed")?;
            say(&format!("database up to date ({pending} migrations applied)"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { what: SeedCommand::Demo } => {
            let report = service(&config).await?.seed_demo().await?;
            print_demo(&config, &report);
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { action } => admin_command(&config, action).await,
        Command::Token { action: TokenCommand::Create { email, label } } => {
            let address = parse_email(&email)?;
            match service(&config).await?.create_token(&address, &label).await {
                Ok(token) => {
                    say(&token);
                    Ok(ExitCode::SUCCESS)
                }
                Err(deskvisa_service::ServiceError::NotFound) => Err(nobody_has(&address)),
                Err(err) => Err(err.into()),
            }
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
        Command::Report { what: ReportCommand::Reciprocity { from, to, json } } => {
            reciprocity_report(&config, &from, &to, json).await
        }
        Command::Member { action } => member_command(&config, action).await,
        Command::Backup { path } => backup(&config, &path).await,
        Command::Restore { path } => restore(&config, &path).await,
    }
}

/// `deskvisa report reciprocity --from --to [--json]`.
async fn reciprocity_report(config: &Config, from: &str, to: &str, json: bool) -> Result<ExitCode> {
    let from = deskvisa_rules::parse_date(from).map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    let to = deskvisa_rules::parse_date(to).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    let period = deskvisa_rules::Period::new(from, to)?;
    let report = service(config).await?.ledger(period).await?;
    if json {
        say(&serde_json::to_string_pretty(&report.ledger)?);
    } else {
        for line in crate::report::render(&report) {
            say(&line);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `deskvisa backup PATH`: a consistent copy of the embedded SQLite database.
async fn backup(config: &Config, path: &std::path::Path) -> Result<ExitCode> {
    anyhow::ensure!(
        sqlite_file(&config.database.url).is_some(),
        "deskvisa backup copies the embedded SQLite database; back PostgreSQL up with pg_dump \
         (see the README's \"Backups\")"
    );
    let store = open(config).await?;
    let backup = store.backup_sqlite(path).await?;
    say(&format!("wrote {} ({} bytes, {} stays)", backup.path.display(), backup.bytes, backup.stays));
    Ok(ExitCode::SUCCESS)
}

/// `deskvisa restore PATH`: the embedded SQLite database from a backup, migrated.
async fn restore(config: &Config, path: &std::path::Path) -> Result<ExitCode> {
    let Some(target) = sqlite_file(&config.database.url) else {
        anyhow::bail!(
            "deskvisa restore replaces the embedded SQLite database; restore PostgreSQL with pg_restore \
             (see the README's \"Backups\")"
        );
    };
    anyhow::ensure!(path.is_file(), "the backup {} is not a file", path.display());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let restored = deskvisa_store::restore_sqlite(path, &target, &stamp).await?;
    // A backup from an older release is brought up to date now.
    let store = open(config).await?;
    let pending = store.migrate().await.context("migrating the restored database failed")?;
    say(&format!(
        "restored {} into {} ({} stays, {pending} migrations applied)",
        path.display(),
        target.display(),
        restored.stays
    ));
    if let Some(previous) = restored.previous {
        say(&format!("the database it replaced is kept as {}", previous.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The error for an address nobody has, with the ways to give it an account.
fn nobody_has(address: &deskvisa_rules::Email) -> anyhow::Error {
    anyhow::anyhow!(
        "nobody has the address {address}: a cluster's admin invites members (the cluster's members page, or \
         POST /api/v1/clusters/{{id}}/members), and `deskvisa admin network --email {address} --name NAME` makes \
         a network staff account"
    )
}

/// `admin network` and `admin cluster`.
async fn admin_command(config: &Config, action: AdminCommand) -> Result<ExitCode> {
    use deskvisa_service::{Appointment, Conflict, ServiceError};
    match action {
        AdminCommand::Network { email, name, locale, sign_in_link } => {
            let address = parse_email(&email)?;
            let locale = deskvisa_rules::Locale::parse(locale.trim())
                .map_err(|_| anyhow::anyhow!("--locale `{locale}`: deskvisa speaks en and pl"))?;
            if let Some(name) = &name {
                anyhow::ensure!(
                    !name.trim().is_empty()
                        && name.trim().chars().count() <= 200
                        && !name.chars().any(char::is_control),
                    "--name: 1 to 200 characters, no control characters"
                );
            }
            let service = service(config).await?;
            let (member, appointment) = match service.appoint_network_admin(&address, name.as_deref(), locale).await {
                Ok(done) => done,
                Err(ServiceError::Conflict(Conflict::NameRequired { .. })) => anyhow::bail!(
                    "nobody has the address {address}; to create a network staff account for it, give their name: \
                     --name \"Full Name\""
                ),
                Err(ServiceError::Conflict(Conflict::MemberRevoked { .. })) => anyhow::bail!(
                    "{address} belongs to a member their cluster revoked; they cannot sign in, so they cannot be \
                     a network admin"
                ),
                Err(err) => return Err(err.into()),
            };
            let who = match member.cluster_id {
                Some(home) => match service.cluster_with_sites(home).await {
                    Ok((cluster, _)) => format!("{} ({}, member of {})", member.email, member.name, cluster.name),
                    Err(_) => format!("{} ({})", member.email, member.name),
                },
                None => format!("{} ({}, network staff)", member.email, member.name),
            };
            say(&match appointment {
                Appointment::CreatedStaff => format!(
                    "created a network staff account for {who}: no home cluster, runs the network, requests no \
                     stays; it is a network admin"
                ),
                Appointment::Granted => format!("{who} is now a network admin"),
                Appointment::AlreadyHeld => format!("{who} is already a network admin; nothing changed"),
            });
            if sign_in_link {
                let link = service.issue_sign_in_link(&address).await?;
                say(&format!(
                    "one-time sign-in link for {address} (works once, until {} UTC):\n  {}",
                    link.expires_at.format("%Y-%m-%d %H:%M"),
                    link.url
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Cluster { email } => {
            let address = parse_email(&email)?;
            let service = service(config).await?;
            let member = match service.member_by_email(&address).await {
                Ok(member) => member,
                Err(ServiceError::NotFound) => return Err(nobody_has(&address)),
                Err(err) => return Err(err.into()),
            };
            let Some(home) = member.cluster_id else {
                anyhow::bail!(
                    "{address} is a network staff account and belongs to no cluster, so it cannot administer one"
                );
            };
            service.grant_role(member.id, Role::ClusterAdmin).await?;
            let cluster = service.cluster_with_sites(home).await.map(|(c, _)| c.name).unwrap_or_default();
            say(&format!("{} ({}) is now an admin of {cluster}", member.email, member.name));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `member export` and `member erase`.
async fn member_command(config: &Config, action: MemberCommand) -> Result<ExitCode> {
    let service = service(config).await?;
    let (email, result) = match action {
        MemberCommand::Export { email } => {
            let address = parse_email(&email)?;
            (email, service.export_member(&address).await.map(|data| serde_json::to_string_pretty(&data)))
        }
        MemberCommand::Erase { email } => {
            let address = parse_email(&email)?;
            (email, service.erase_member(&address).await.map(|done| serde_json::to_string_pretty(&done)))
        }
    };
    match result {
        Ok(json) => {
            say(&json?);
            Ok(ExitCode::SUCCESS)
        }
        Err(deskvisa_service::ServiceError::NotFound) => {
            anyhow::bail!("no member has this email address: {}", email.trim())
        }
        Err(err) => Err(err.into()),
    }
}

/// The configured transport, ready to deliver.
fn mailer(config: &Config) -> Result<Arc<Mailer>> {
    let transport = config.mail.transport()?;
    let sender = deskvisa_mail::Sender::new(&transport, &config.mail.from_name, &config.mail.from)
        .context("cannot set up email delivery (the [mail] configuration)")?;
    Ok(Arc::new(Mailer::new(sender, config.mail.delivery())))
}

async fn mail_command(config: &Config, action: MailCommand) -> Result<ExitCode> {
    match action {
        MailCommand::Failed => {
            let service = service(config).await?;
            let failed = service.failed_mail().await?;
            if failed.is_empty() {
                say("no failed emails");
            }
            for row in failed {
                let to = recipient_text(&service, &row.recipient).await;
                say(&format!(
                    "{}  {}  {:<20} to {}  after {} attempt{}: {}",
                    row.id,
                    row.created_at.format("%Y-%m-%d %H:%M:%SZ"),
                    row.kind_name,
                    to,
                    row.attempts,
                    if row.attempts == 1 { "" } else { "s" },
                    row.last_error.as_deref().unwrap_or("-")
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        MailCommand::Retry { id } => {
            let id = uuid::Uuid::parse_str(id.trim()).with_context(|| format!("`{id}` is not an outbox id"))?;
            let service = service(config).await?;
            match service.retry_mail(id).await {
                Ok(row) => {
                    say(&format!("{} ({}) is queued again; the worker sends it shortly", row.id, row.kind_name));
                    Ok(ExitCode::SUCCESS)
                }
                Err(deskvisa_service::ServiceError::NotFound) => {
                    anyhow::bail!("no email in the outbox has the id {id} (`deskvisa mail failed` lists them)")
                }
                Err(err) => Err(err.into()),
            }
        }
        MailCommand::Preview { kind, locale, part, output } => {
            anyhow::ensure!(deskvisa_rules::Locale::parse(&locale).is_ok(), "unknown locale `{locale}`: en or pl");
            let (rendered, to_name, to_email) = sample_mail(&kind, &locale)?;
            let text = match part {
                PreviewPart::Text => format!("Subject: {}\n\n{}", rendered.subject, rendered.text),
                PreviewPart::Html => rendered.html.clone(),
                PreviewPart::Ics => match &rendered.calendar {
                    Some(calendar) => calendar.content.clone(),
                    None => anyhow::bail!("{kind} carries no calendar file"),
                },
                PreviewPart::Eml => {
                    let message = deskvisa_mail::build_message(
                        &config.mail.from_name,
                        &config.mail.from,
                        "preview",
                        &rendered,
                        &to_name,
                        &to_email,
                    )?;
                    String::from_utf8_lossy(&message.formatted()).into_owned()
                }
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
                    say(&format!("wrote {}", path.display()));
                }
                None => say(text.trim_end()),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A sample of the email of `kind` in `locale`, rendered, with its
/// recipient's name and address.
fn sample_mail(kind: &str, locale: &str) -> Result<(deskvisa_mail::Rendered, String, String)> {
    use deskvisa_mail::{AccountKind, EventMailKind, IntroductionKind, StayMailKind};
    use deskvisa_rules::{MailFamily, MailKind};
    let Some(kind) = MailKind::parse(kind) else {
        let kinds: Vec<&str> = MailKind::ALL.iter().map(|k| k.as_str()).collect();
        anyhow::bail!("unknown kind `{kind}`; one of: {}", kinds.join(", "));
    };
    let now = chrono::Utc::now();
    let sample = match kind.family() {
        MailFamily::Stay => StayMailKind::of(kind).map(|stay| {
            let mail = deskvisa_mail::sample(stay, locale);
            (deskvisa_mail::render(&mail, now), mail.recipient_name, mail.recipient_email)
        }),
        MailFamily::Event => EventMailKind::of(kind).map(|event| {
            let mail = deskvisa_mail::event_sample(event, locale);
            (deskvisa_mail::render_event(&mail, now), mail.recipient_name, mail.recipient_email)
        }),
        MailFamily::Account => AccountKind::of(kind).map(|account| {
            let mail = deskvisa_mail::account_sample(account, locale);
            (deskvisa_mail::render_account(&mail), mail.recipient_name, mail.recipient_email)
        }),
        MailFamily::Introduction => IntroductionKind::of(kind).map(|introduction| {
            // The visitor's copy where there is one (an accepted introduction goes to both).
            let to_visitor = introduction != IntroductionKind::IntroductionRequested
                && introduction != IntroductionKind::IntroductionLapsed;
            let mail = deskvisa_mail::introduction_sample(introduction, locale, to_visitor);
            (deskvisa_mail::render_introduction(&mail), mail.recipient_name, mail.recipient_email)
        }),
        MailFamily::Delegation => deskvisa_mail::DelegationKind::of(kind).map(|delegation| {
            let mail = deskvisa_mail::delegation_sample(delegation, locale);
            (deskvisa_mail::render_delegation(&mail), mail.recipient_name, mail.recipient_email)
        }),
        MailFamily::Waitlist => deskvisa_mail::WaitlistKind::of(kind).map(|waitlist| {
            let mail = deskvisa_mail::waitlist_sample(waitlist, locale);
            (deskvisa_mail::render_waitlist(&mail), mail.recipient_name, "anna.nowak@hubclub.example".to_owned())
        }),
    };
    sample.ok_or_else(|| anyhow::anyhow!("no sample of `{kind}`"))
}

/// `member:<id>` as the member's address, when it is known.
async fn recipient_text(service: &Service, recipient: &str) -> String {
    let member = recipient
        .strip_prefix("member:")
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .map(deskvisa_rules::MemberId::from_uuid);
    match member {
        Some(id) => match service.member(id).await {
            Ok(m) => m.email.as_str().to_owned(),
            Err(_) => recipient.to_owned(),
        },
        None => recipient.to_owned(),
    }
}

fn parse_email(text: &str) -> Result<deskvisa_rules::Email> {
    deskvisa_rules::Email::parse(text).map_err(|e| anyhow::anyhow!("`{text}` is not an email address: {e}"))
}

/// `deskvisa migrate --status`: each migration applied or pending, then a
/// summary line; the database is not changed.
async fn migration_status(config: &Config) -> Result<ExitCode> {
    let status = open(config).await?.migration_status().await.context("reading the applied migrations")?;
    for name in &status.applied {
        say(&format!("applied  {name}"));
    }
    for name in &status.pending {
        say(&format!("pending  {name}"));
    }
    for name in &status.unknown {
        say(&format!("newer    {name} (applied by a newer deskvisa)"));
    }
    let verdict = if status.is_current() { "up to date" } else { "run `deskvisa migrate`" };
    say(&format!("{} applied, {} pending: {verdict}", status.applied.len(), status.pending.len()));
    Ok(ExitCode::SUCCESS)
}

async fn service(config: &Config) -> Result<Service> {
    service_migrated(config, true).await
}

/// The service over the configured database, migrated first unless told not to.
async fn service_migrated(config: &Config, migrate: bool) -> Result<Service> {
    let store = open(config).await?;
    if migrate {
        store.migrate().await.context("migration failed")?;
    }
    Ok(Service::with_store(store, Arc::new(SystemClock))
        .with_public_url(&config.http.public_url)
        .with_rate_limits(config.auth.rate_limits())
        .with_event_horizon_days(config.events.horizon_days))
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
    connect_store(&db).await.map_err(|e| {
        // The driver repeats itself down the chain; the last cause says it.
        let mut cause: &dyn std::error::Error = &e;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        anyhow::anyhow!("cannot open the database {}: {cause}", deskvisa_store::redact(&config.database.url))
    })
}

async fn serve(config: &Config, demo: bool, migrate: bool) -> Result<()> {
    let service = service_migrated(config, migrate).await?;
    let mailer = mailer(config)?;
    if demo {
        let report = service.seed_demo().await?;
        print_demo(config, &report);
        if config.mail.transport.trim() == "file" {
            say(&format!(
                "Emails are written as .eml files under {}/ (open them with any mail program).\n",
                config.mail.dir
            ));
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.http.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.http.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, public_url = %config.http.public_url, "deskvisa is serving");
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = {
        let service = service.clone();
        let worker_config = config.worker();
        tokio::spawn(async move {
            service
                .run_worker(worker_config, Some(mailer), async {
                    let _ = worker_stopped.await;
                })
                .await;
        })
    };
    let limits =
        deskvisa_http::Limits { trusted_proxies: config.auth.trusted_proxies()?, ..deskvisa_http::Limits::default() };
    let router = deskvisa_http::router(service, limits);
    deskvisa_http::run(listener, router, config.http.connection_limits(), shutdown_signal()).await?;
    let _ = stop_worker.send(());
    let _ = worker.await;
    tracing::info!("deskvisa stopped serving");
    Ok(())
}

/// `deskvisa worker`: email and deadlines, with `/healthz`, `/readyz` and
/// `/metrics` on `[worker] ops_bind` so that it can be watched like `serve`.
async fn worker(config: &Config, migrate: bool) -> Result<()> {
    let service = service_migrated(config, migrate).await?;
    let mailer = mailer(config)?;
    let (stop_ops, ops_stopped) = tokio::sync::oneshot::channel::<()>();
    let ops = match config.worker.ops_bind.trim() {
        "" => None,
        bind => {
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind} (worker.ops_bind)"))?;
            tracing::info!(address = %listener.local_addr()?, "worker operations endpoints");
            let router = deskvisa_http::operations_router(service.clone());
            let limits = config.http.connection_limits();
            Some(tokio::spawn(deskvisa_http::run(listener, router, limits, async {
                let _ = ops_stopped.await;
            })))
        }
    };
    tracing::info!(transport = %config.mail.transport, "worker started");
    service.run_worker(config.worker(), Some(mailer), shutdown_signal()).await;
    let _ = stop_ops.send(());
    if let Some(ops) = ops {
        let _ = ops.await;
    }
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
