//! A small pool of SMTP connections over lettre's [`AsyncSmtpConnection`],
//! opened with `TCP_NODELAY`.
//!
//! Why not lettre's own pooled transport: lettre 0.11.23 never sets
//! `TCP_NODELAY`, and it writes a message's body and its closing `.` in two
//! writes, so Nagle's algorithm holds the `.` until the server's delayed ACK
//! (40 ms on Linux): every message costs 40 ms per connection, whatever the
//! server (measured here: 88 messages/s from four connections to a local
//! server). lettre's PR #1159 fixes it upstream but is not released; until
//! it is, the connections are opened here, with the socket option set, and
//! handed to lettre, which still speaks SMTP, STARTTLS and AUTH.
//!
//! A connection that fails is dropped; one that idled longer than
//! [`MAX_IDLE`] is closed rather than reused (servers hang up on idle
//! clients). A reused connection that fails before the server answered
//! anything is replaced once by a fresh one.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::{Error as SmtpError, response::Response};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// No encryption (a relay on the same host or network only).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Sending one message failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: a 4xx reply, a connection failure, a timeout,
    /// a local I/O error.
    #[error("transient mail failure: {0}")]
    Transient(String),
    /// Retrying will not help: a 5xx reply, an invalid recipient address, a
    /// message that cannot be built.
    #[error("permanent mail failure: {0}")]
    Permanent(String),
}

impl SendError {
    /// Whether retrying later may succeed.
    pub const fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
}

/// How long an idle connection is kept for reuse.
const MAX_IDLE: Duration = Duration::from_secs(30);

/// Idle connections kept at most.
const MAX_POOLED: usize = 16;

/// Where and how to connect.
pub(crate) struct SmtpPool {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

fn classify(err: &SmtpError) -> SendError {
    if err.is_permanent() { SendError::Permanent(err.to_string()) } else { SendError::Transient(err.to_string()) }
}

impl SmtpPool {
    pub(crate) fn new(
        host: String,
        port: u16,
        security: Security,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> SmtpPool {
        SmtpPool {
            host,
            port,
            security,
            credentials,
            timeout,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some((connection, since)) = idle.pop() {
            if since.elapsed() < MAX_IDLE && !connection.has_broken() {
                return Some(connection);
            }
            // Too old to trust: dropped (its socket closes).
        }
        None
    }

    fn give_back(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_POOLED && !connection.has_broken() {
            idle.push((connection, Instant::now()));
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let tls = || {
            TlsParameters::new(self.host.clone())
                .map_err(|e| SendError::Permanent(format!("TLS for {}: {e}", self.host)))
        };
        let mut connection = match self.security {
            Security::None | Security::StartTls => {
                let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                    .await
                    .map_err(|e| SendError::Transient(format!("cannot connect to {}:{}: {e}", self.host, self.port)))?;
                tcp.set_nodelay(true).map_err(|e| SendError::Transient(e.to_string()))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                    .await
                    .map_err(|e| classify(&e))?
            }
            // Implicit TLS goes through lettre's own connect (without
            // TCP_NODELAY until lettre sets it itself).
            Security::Tls => AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.timeout),
                &self.hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(|e| classify(&e))?,
        };
        if self.security == Security::StartTls {
            connection.starttls(tls()?, &self.hello).await.map_err(|e| classify(&e))?;
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(|e| classify(&e))?;
        }
        Ok(connection)
    }

    async fn send_on(
        &self,
        connection: &mut AsyncSmtpConnection,
        message: &Message,
        raw: &[u8],
    ) -> Result<Response, SmtpError> {
        connection.send(message.envelope(), raw).await
    }

    /// Sends one message, within the timeout.
    pub(crate) async fn send(&self, message: &Message) -> Result<(), SendError> {
        let raw = message.formatted();
        let attempt = async {
            if let Some(mut connection) = self.take_idle() {
                match self.send_on(&mut connection, message, &raw).await {
                    Ok(_) => {
                        self.give_back(connection);
                        return Ok(());
                    }
                    // The server answered: that is the answer.
                    Err(err) if err.status().is_some() => {
                        connection.abort().await;
                        return Err(classify(&err));
                    }
                    // No answer at all: most likely the server closed the idle
                    // connection; a fresh one gets the message.
                    Err(_) => connection.abort().await,
                }
            }
            let mut connection = self.connect().await?;
            match self.send_on(&mut connection, message, &raw).await {
                Ok(_) => {
                    self.give_back(connection);
                    Ok(())
                }
                Err(err) => {
                    connection.abort().await;
                    Err(classify(&err))
                }
            }
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Transient(format!(
                "no answer from {}:{} within {:?}",
                self.host, self.port, self.timeout
            ))),
        }
    }
}
