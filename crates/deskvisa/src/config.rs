//! Configuration, in layers: the defaults compiled in (`config/default.toml`),
//! then a file given with `--config` (or `DESKVISA_CONFIG`), then environment
//! variables named after each key (`DESKVISA_DATABASE_URL`, ...). Typed, and
//! built per run: no global statics, so tests build their own.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// Everything deskvisa reads at start-up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Config {
    pub database: Database,
    /// The HTTP server.
    pub http: Http,
    /// Email delivery.
    pub mail: Mail,
    /// Sign-in and rate limits.
    pub auth: Auth,
    /// How long what is kept only for a while is kept.
    pub retention: Retention,
    /// Events during visits.
    pub events: Events,
    /// `deskvisa worker` on its own.
    pub worker: Worker,
}

/// `[worker]`: `deskvisa worker` run on its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    /// Where it serves `/healthz`, `/readyz` and `/metrics`; empty: nowhere.
    pub ops_bind: String,
}

/// `[events]`: events during visits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// How far ahead (in days) an event may be published.
    pub horizon_days: u32,
}

/// `[retention]`: personal data kept only for a while.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Days sign-in links and sessions are kept after they stop working.
    pub credentials_days: u32,
    /// Days sent (or given-up) emails keep their facts.
    pub sent_mail_days: u32,
}

impl Retention {
    /// The service's retention.
    pub fn retention(&self) -> deskvisa_service::Retention {
        deskvisa_service::Retention {
            credentials: chrono::TimeDelta::days(i64::from(self.credentials_days.max(1))),
            mail_bodies: chrono::TimeDelta::days(i64::from(self.sent_mail_days.max(1))),
        }
    }
}

/// `[auth]`: how often people may ask, and whom to believe about who asks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Sign-in emails per address per hour.
    pub sign_in_emails_per_address_per_hour: u32,
    /// Sign-in requests per client address per minute.
    pub sign_in_requests_per_client_per_minute: u32,
    /// Stay requests per member per hour.
    pub stay_requests_per_member_per_hour: u32,
    /// Invitations one admin may send per hour.
    pub invitations_per_admin_per_hour: u32,
    /// Welcome emails one address receives per day.
    pub invitations_per_address_per_day: u32,
    /// Invitation-letter verifications per client address per minute.
    pub letter_checks_per_client_per_minute: u32,
    /// Comma-separated proxy addresses whose `X-Forwarded-For` is believed.
    pub trusted_proxies: String,
}

impl Auth {
    /// The rate limits.
    pub fn rate_limits(&self) -> deskvisa_service::RateLimits {
        deskvisa_service::RateLimits {
            sign_in_emails_per_address_per_hour: self.sign_in_emails_per_address_per_hour,
            sign_in_requests_per_client_per_minute: self.sign_in_requests_per_client_per_minute,
            stay_requests_per_member_per_hour: self.stay_requests_per_member_per_hour,
            invitations_per_admin_per_hour: self.invitations_per_admin_per_hour,
            invitations_per_address_per_day: self.invitations_per_address_per_day,
            letter_checks_per_client_per_minute: self.letter_checks_per_client_per_minute,
        }
    }

    /// The trusted proxies; an error names the entry that is no address.
    pub fn trusted_proxies(&self) -> Result<Vec<std::net::IpAddr>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| a.parse().with_context(|| format!("auth.trusted_proxies: `{a}` is not an IP address")))
            .collect()
    }
}

/// `[database]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `sqlite://...` or `postgres://...`.
    pub url: String,
    /// Pool size; 0 chooses by backend (1 writer on SQLite, 8 on PostgreSQL).
    pub max_connections: u32,
    /// SQLite files: connections kept for reads beside the writer.
    pub readers: u32,
}

/// The URL may carry a password: never shown.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let config = deskvisa_store::DatabaseConfig::new(self.url.clone());
        f.debug_struct("Database")
            .field("url", &format!("{config:?}"))
            .field("max_connections", &self.max_connections)
            .field("readers", &self.readers)
            .finish()
    }
}

/// `[http]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// The address to listen on.
    pub bind: String,
    /// The address people reach deskvisa at.
    pub public_url: String,
    /// Seconds a client has to send a request's headers; also how long an
    /// idle keep-alive connection is kept.
    pub header_read_timeout_seconds: u64,
    /// The most client connections at once (kept below the open-file limit).
    pub max_connections: usize,
}

impl Http {
    /// The bounds on connections.
    pub fn connection_limits(&self) -> deskvisa_http::ConnectionLimits {
        deskvisa_http::ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout_seconds.max(1)),
            max_connections: self.max_connections.max(1),
        }
    }
}

/// `[mail]`: how and when email is delivered.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Mail {
    /// `file` or `smtp`.
    pub transport: String,
    /// Where `file` writes `.eml` files.
    pub dir: String,
    /// The sender address.
    pub from: String,
    /// The sender's display name.
    pub from_name: String,
    /// The SMTP server.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none`.
    pub smtp_security: String,
    /// User name; empty for none.
    pub smtp_username: String,
    /// Password; empty for none. Never shown.
    pub smtp_password: String,
    /// Seconds one SMTP command may take.
    pub smtp_timeout_seconds: u64,
    /// Messages sent at once.
    pub concurrency: u32,
    /// Rows claimed per round.
    pub batch: u32,
    /// Seconds a claimed message stays its worker's.
    pub lease_seconds: u32,
    /// The first retry's delay, in milliseconds.
    pub retry_base_ms: u32,
    /// The longest delay between tries, in seconds.
    pub retry_max_seconds: u32,
    /// Tries before a transient failure becomes a dead letter.
    pub max_attempts: u32,
    /// How often the worker looks for email, in milliseconds.
    pub poll_ms: u32,
    /// Days before a stay that its member is reminded.
    pub reminder_days: u32,
    /// Hours before an answer deadline that host admins are reminded.
    pub answer_reminder_hours: u32,
}

/// The SMTP password is never shown.
impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("transport", &self.transport)
            .field("dir", &self.dir)
            .field("from", &self.from)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &if self.smtp_password.is_empty() { "" } else { "<redacted>" })
            .finish_non_exhaustive()
    }
}

impl Mail {
    /// The transport this section describes; an error names the bad key.
    pub fn transport(&self) -> Result<deskvisa_mail::TransportConfig> {
        use deskvisa_mail::{Security, TransportConfig};
        match self.transport.trim() {
            "file" => Ok(TransportConfig::File { dir: self.dir.clone().into() }),
            "smtp" => {
                let security = match self.smtp_security.trim() {
                    "starttls" => Security::StartTls,
                    "tls" => Security::Tls,
                    "none" => Security::None,
                    other => anyhow::bail!("mail.smtp_security must be starttls, tls or none, not `{other}`"),
                };
                anyhow::ensure!(!self.smtp_host.trim().is_empty(), "mail.smtp_host is empty");
                let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
                Ok(TransportConfig::Smtp {
                    host: self.smtp_host.trim().to_owned(),
                    port: self.smtp_port,
                    security,
                    username: optional(&self.smtp_username),
                    password: optional(&self.smtp_password),
                    timeout: std::time::Duration::from_secs(self.smtp_timeout_seconds.max(1)),
                })
            }
            other => anyhow::bail!("mail.transport must be file or smtp, not `{other}`"),
        }
    }

    /// How the worker delivers.
    pub fn delivery(&self) -> deskvisa_service::DeliveryConfig {
        use chrono::TimeDelta;
        deskvisa_service::DeliveryConfig {
            batch: self.batch.max(1),
            concurrency: self.concurrency.max(1) as usize,
            lease: TimeDelta::seconds(i64::from(self.lease_seconds.max(1))),
            retry_base: TimeDelta::milliseconds(i64::from(self.retry_base_ms.max(1))),
            retry_max: TimeDelta::seconds(i64::from(self.retry_max_seconds.max(1))),
            max_attempts: self.max_attempts.max(1),
        }
    }

    /// How the worker paces itself and reminds people.
    pub fn worker(&self) -> deskvisa_service::WorkerConfig {
        deskvisa_service::WorkerConfig {
            mail_poll: std::time::Duration::from_millis(u64::from(self.poll_ms.max(10))),
            reminder_days: self.reminder_days,
            answer_notice: chrono::TimeDelta::hours(i64::from(self.answer_reminder_hours)),
            ..deskvisa_service::WorkerConfig::default()
        }
    }
}

impl Config {
    /// How the worker paces itself, reminds people and forgets.
    pub fn worker(&self) -> deskvisa_service::WorkerConfig {
        deskvisa_service::WorkerConfig { retention: self.retention.retention(), ..self.mail.worker() }
    }

    /// Loads the layers. `file` overrides the defaults key by key; `env`
    /// (a lookup, so tests can pass their own) overrides both.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let mut table: toml::Table = DEFAULTS.parse().context("the built-in defaults are not valid TOML")?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let overrides: toml::Table =
                text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
            merge(&mut table, overrides);
        }
        // `DATABASE_URL`, the usual name, selects the database too; the
        // deskvisa-specific name wins when both are set.
        let env = |name: &str| match name {
            "DESKVISA_DATABASE_URL" => env(name).or_else(|| env("DATABASE_URL")),
            _ => env(name),
        };
        for (section, values) in table.iter_mut() {
            let Some(values) = values.as_table_mut() else {
                continue;
            };
            for (key, value) in values.iter_mut() {
                let name = format!("DESKVISA_{}_{}", section.to_uppercase(), key.to_uppercase());
                if let Some(text) = env(&name) {
                    *value = match value {
                        toml::Value::Integer(_) => toml::Value::Integer(
                            text.trim().parse().with_context(|| format!("{name} must be a whole number"))?,
                        ),
                        _ => toml::Value::String(text),
                    };
                }
            }
        }
        toml::Value::Table(table).try_into().context("invalid configuration")
    }
}

fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => merge(inner, over),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_embedded_sqlite_on_localhost() {
        let config = Config::load(None, |_| None).unwrap();
        assert!(config.database.url.starts_with("sqlite://var/"));
        assert_eq!(config.database.max_connections, 0, "chosen by backend");
        assert_eq!(config.database.readers, 4);
        assert_eq!(config.http.bind, "127.0.0.1:8080");
    }

    #[test]
    fn a_file_overrides_the_defaults_and_the_environment_overrides_both() {
        let dir = std::env::temp_dir().join(format!("deskvisa-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("prod.toml");
        std::fs::write(&file, "[database]\nurl = \"postgres://app@db/deskvisa\"\nmax_connections = 8\n").unwrap();
        let env = |name: &str| (name == "DESKVISA_DATABASE_MAX_CONNECTIONS").then(|| "4".to_owned());
        let config = Config::load(Some(&file), env).unwrap();
        assert_eq!(config.database.url, "postgres://app@db/deskvisa");
        assert_eq!(config.database.max_connections, 4);
        assert_eq!(config.http.bind, "127.0.0.1:8080");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_misspelt_key_or_a_bad_number_is_an_error_not_a_silent_default() {
        let dir = std::env::temp_dir().join(format!("deskvisa-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "[database]\nulr = \"x\"\n").unwrap();
        assert!(Config::load(Some(&file), |_| None).is_err());
        let env = |name: &str| (name == "DESKVISA_DATABASE_MAX_CONNECTIONS").then(|| "many".to_owned());
        assert!(Config::load(None, env).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn database_url_selects_the_database_unless_the_deskvisa_name_is_set() {
        let plain = |name: &str| (name == "DATABASE_URL").then(|| "postgres://db/x".to_owned());
        assert_eq!(Config::load(None, plain).unwrap().database.url, "postgres://db/x");
        let both = |name: &str| match name {
            "DATABASE_URL" => Some("postgres://db/x".to_owned()),
            "DESKVISA_DATABASE_URL" => Some("postgres://db/y".to_owned()),
            _ => None,
        };
        assert_eq!(Config::load(None, both).unwrap().database.url, "postgres://db/y");
    }

    #[test]
    fn mail_goes_to_files_by_default_and_smtp_is_configured_by_the_environment() {
        let config = Config::load(None, |_| None).unwrap();
        assert_eq!(config.mail.transport().unwrap(), deskvisa_mail::TransportConfig::File { dir: "var/mail".into() });
        let env = |name: &str| match name {
            "DESKVISA_MAIL_TRANSPORT" => Some("smtp".to_owned()),
            "DESKVISA_MAIL_SMTP_HOST" => Some("mail.example.org".to_owned()),
            "DESKVISA_MAIL_SMTP_PORT" => Some("465".to_owned()),
            "DESKVISA_MAIL_SMTP_SECURITY" => Some("tls".to_owned()),
            "DESKVISA_MAIL_SMTP_PASSWORD" => Some("s3cret-pw".to_owned()),
            _ => None,
        };
        let config = Config::load(None, env).unwrap();
        match config.mail.transport().unwrap() {
            deskvisa_mail::TransportConfig::Smtp { host, port, security, username, password, .. } => {
                assert_eq!((host.as_str(), port, security), ("mail.example.org", 465, deskvisa_mail::Security::Tls));
                assert_eq!((username, password.as_deref()), (None, Some("s3cret-pw")));
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{config:?}").contains("s3cret-pw"));
        let bad = |name: &str| (name == "DESKVISA_MAIL_SMTP_SECURITY").then(|| "ssl".to_owned());
        let config = Config::load(None, |n| if n == "DESKVISA_MAIL_TRANSPORT" { Some("smtp".into()) } else { bad(n) });
        assert!(config.unwrap().mail.transport().unwrap_err().to_string().contains("smtp_security"));
        let config = Config::load(None, |n| (n == "DESKVISA_MAIL_TRANSPORT").then(|| "pigeon".to_owned())).unwrap();
        assert!(config.mail.transport().is_err());
    }

    #[test]
    fn rate_limits_and_trusted_proxies_come_from_the_configuration() {
        let config = Config::load(None, |_| None).unwrap();
        assert_eq!(config.auth.rate_limits(), deskvisa_service::RateLimits::default());
        assert!(config.auth.trusted_proxies().unwrap().is_empty());
        let env = |name: &str| (name == "DESKVISA_AUTH_TRUSTED_PROXIES").then(|| "10.0.0.1, ::1".to_owned());
        let proxies = Config::load(None, env).unwrap().auth.trusted_proxies().unwrap();
        assert_eq!(proxies, ["10.0.0.1".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]);
        let env = |name: &str| (name == "DESKVISA_AUTH_TRUSTED_PROXIES").then(|| "proxy.internal".to_owned());
        assert!(Config::load(None, env).unwrap().auth.trusted_proxies().is_err());
    }

    #[test]
    fn the_database_password_never_shows_in_debug_output() {
        let env = |name: &str| (name == "DESKVISA_DATABASE_URL").then(|| "postgres://app:hunter2@db/x".to_owned());
        let config = Config::load(None, env).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
