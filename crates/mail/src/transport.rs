//! Delivering rendered emails: through an SMTP server (pooled connections
//! speaking lettre's SMTP, plain, STARTTLS or implicit TLS; see
//! [`crate::smtp`]) or into `.eml` files in a directory (development,
//! tests, previews).
//!
//! Failures come back split the way the outbox worker needs them: a
//! [`SendError::Transient`] is retried later (4xx replies, connection
//! trouble, timeouts, a full disk), a [`SendError::Permanent`] is not (5xx
//! replies, an address that is not an address).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use crate::smtp::{Security, SendError, SmtpPool};

use crate::Rendered;

/// Where emails go.
#[derive(Clone, PartialEq, Eq)]
pub enum TransportConfig {
    /// Into `{uuid}.eml` files in `dir` (created if missing).
    File {
        /// The directory the files are written to.
        dir: PathBuf,
    },
    /// To an SMTP server.
    Smtp {
        /// The server's host name (also the name its TLS certificate must carry).
        host: String,
        /// The server's port.
        port: u16,
        /// How the connection is secured.
        security: Security,
        /// The user name to authenticate with, if any.
        username: Option<String>,
        /// The password to authenticate with, if any.
        password: Option<String>,
        /// How long one SMTP command may take.
        timeout: Duration,
    },
}

impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportConfig::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
            TransportConfig::Smtp { host, port, security, username, password, timeout } => f
                .debug_struct("Smtp")
                .field("host", host)
                .field("port", port)
                .field("security", security)
                .field("username", username)
                .field("password", &password.as_ref().map(|_| "<redacted>"))
                .field("timeout", timeout)
                .finish(),
        }
    }
}

/// The sender could not be set up, or a message could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// An email address is not valid.
    #[error("`{address}` is not a valid email address: {reason}")]
    Address {
        /// The address given (without control characters).
        address: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The transport could not be set up (e.g. TLS for the host).
    #[error("cannot set up the mail transport: {0}")]
    Transport(String),
    /// The directory for `.eml` files could not be created.
    #[error("cannot create the mail directory `{dir}`: {reason}")]
    Directory {
        /// The directory.
        dir: String,
        /// Why not.
        reason: String,
    },
    /// The message could not be assembled.
    #[error("cannot build the message: {0}")]
    Message(String),
}

enum Inner {
    Smtp(SmtpPool),
    File(AsyncFileTransport<Tokio1Executor>),
}

/// Sends rendered emails from one sender address through one transport.
/// Cheap to share: SMTP connections are pooled inside.
pub struct Sender {
    inner: Inner,
    from_name: String,
    from_email: String,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.inner {
            Inner::Smtp(_) => "smtp",
            Inner::File(_) => "file",
        };
        f.debug_struct("Sender").field("transport", &kind).field("from_email", &self.from_email).finish()
    }
}

impl Sender {
    /// Sets up the transport for `config`, sending as `from_name <from_email>`.
    /// For SMTP no connection is opened yet. For files,
    /// the directory is created if missing.
    pub fn new(config: &TransportConfig, from_name: &str, from_email: &str) -> Result<Sender, MailError> {
        // Fail early on a bad sender address.
        mailbox(from_name, from_email)?;
        let inner = match config {
            TransportConfig::File { dir } => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| MailError::Directory { dir: dir.display().to_string(), reason: e.to_string() })?;
                Inner::File(AsyncFileTransport::<Tokio1Executor>::new(dir))
            }
            TransportConfig::Smtp { host, port, security, username, password, timeout } => {
                if host.trim().is_empty() {
                    return Err(MailError::Transport("the SMTP host is empty".to_owned()));
                }
                if *security != Security::None {
                    // Fail at start-up, not at the first email, on a host TLS cannot verify.
                    lettre::transport::smtp::client::TlsParameters::new(host.clone())
                        .map_err(|e| MailError::Transport(e.to_string()))?;
                }
                let credentials =
                    username.as_ref().map(|user| Credentials::new(user.clone(), password.clone().unwrap_or_default()));
                Inner::Smtp(SmtpPool::new(host.trim().to_owned(), *port, *security, credentials, *timeout))
            }
        };
        Ok(Sender { inner, from_name: from_name.to_owned(), from_email: from_email.to_owned() })
    }

    /// Sends one message to `to_name <to_email>`, with the Message-ID
    /// `<{message_id}@{sender's domain}>` (so a retried send of the same outbox row
    /// carries the same id).
    pub async fn send(
        &self,
        message_id: &str,
        rendered: &Rendered,
        to_name: &str,
        to_email: &str,
    ) -> Result<(), SendError> {
        let message = build_message(&self.from_name, &self.from_email, message_id, rendered, to_name, to_email)
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        match &self.inner {
            Inner::Smtp(pool) => pool.send(&message).await,
            Inner::File(transport) => {
                transport.send(message).await.map(drop).map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

/// Text safe for one header: control characters (CR, LF above all) become
/// spaces, runs of whitespace one space.
fn header_text(s: &str) -> String {
    s.split(|c: char| c.is_control() || c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn mailbox(name: &str, email: &str) -> Result<Mailbox, MailError> {
    let address: Address = email.trim().parse().map_err(|e: lettre::address::AddressError| MailError::Address {
        address: email.chars().filter(|c| !c.is_control()).take(254).collect(),
        reason: e.to_string(),
    })?;
    let name = header_text(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// Builds the message `send` sends: From, To (one recipient), Subject,
/// Message-ID `<{message_id}@{domain of from_email}>`, Date; a multipart/alternative of
/// text and HTML, and with a calendar file the layout mail clients expect:
///
/// ```text
/// multipart/mixed
/// ├── multipart/alternative
/// │   ├── text/plain
/// │   ├── text/html
/// │   └── text/calendar; method=REQUEST|CANCEL
/// └── invite.ics (application/ics, attachment)
/// ```
///
/// Names and the subject are reduced to one line first, so no text can add
/// a header.
pub fn build_message(
    from_name: &str,
    from_email: &str,
    message_id: &str,
    rendered: &Rendered,
    to_name: &str,
    to_email: &str,
) -> Result<Message, MailError> {
    let id: String = message_id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    if id.is_empty() {
        return Err(MailError::Message(format!("`{}` cannot be a Message-ID", header_text(message_id))));
    }
    let from = mailbox(from_name, from_email)?;
    let domain = from.email.domain().to_owned();
    let builder = Message::builder()
        .from(from)
        .to(mailbox(to_name, to_email)?)
        .subject(header_text(&rendered.subject))
        .message_id(Some(format!("<{id}@{domain}>")));
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(rendered.text.clone()))
        .singlepart(SinglePart::html(rendered.html.clone()));
    let message = match &rendered.calendar {
        None => builder.multipart(alternative),
        Some(calendar) => {
            let inline = ContentType::parse(&format!("text/calendar; charset=utf-8; method={}", calendar.method))
                .map_err(|e| MailError::Message(e.to_string()))?;
            let file = ContentType::parse("application/ics; name=\"invite.ics\"")
                .map_err(|e| MailError::Message(e.to_string()))?;
            let alternative = alternative.singlepart(
                SinglePart::builder()
                    .header(inline)
                    .header(ContentTransferEncoding::Base64)
                    .body(calendar.content.clone()),
            );
            builder.multipart(
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(Attachment::new("invite.ics".to_owned()).body(calendar.content.clone(), file)),
            )
        }
    };
    message.map_err(|e| MailError::Message(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StayMailKind, render, sample};

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
    }

    fn formatted(message: &Message) -> String {
        String::from_utf8(message.formatted()).unwrap()
    }

    /// The sample of `kind` in `locale`, built as message `id` to its member and formatted.
    fn formatted_sample(kind: StayMailKind, locale: &str, id: &str) -> String {
        let rendered = render(&sample(kind, locale), now());
        let (name, email) = ("Anna Nowak", "anna.nowak@hubclub.example");
        formatted(&build_message("deskvisa", "noreply@deskvisa.example", id, &rendered, name, email).unwrap())
    }

    /// The header block of a formatted message, unfolded.
    fn headers(text: &str) -> Vec<String> {
        let head = text.split("\r\n\r\n").next().unwrap();
        head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n").map(str::to_owned).collect()
    }

    #[test]
    fn names_and_subjects_cannot_add_headers() {
        let mut rendered = render(&sample(StayMailKind::StayRequested, "en"), now());
        rendered.subject = "Hello\r\nBcc: evil@x.example\r\n\r\nbody".to_owned();
        let message = build_message(
            "deskvisa\r\nBcc: evil@x.example",
            "noreply@deskvisa.example",
            "outbox-42",
            &rendered,
            "Anna\r\nBcc: evil@x.example",
            "anna.nowak@hubclub.example",
        )
        .unwrap();
        let text = formatted(&message);
        for line in text.split("\r\n") {
            assert!(!line.to_ascii_lowercase().starts_with("bcc:"), "header line injected: {line}");
        }
        assert_eq!(message.envelope().to().len(), 1);
        assert_eq!(message.envelope().to()[0].to_string(), "anna.nowak@hubclub.example");
        let headers = headers(&text);
        assert_eq!(headers.iter().filter(|h| h.starts_with("To: ")).count(), 1);
        assert!(headers.iter().any(|h| h == "Message-ID: <outbox-42@deskvisa.example>"), "{headers:?}");
        assert!(headers.iter().any(|h| h.starts_with("Date: ")));
    }

    #[test]
    fn an_invalid_recipient_is_an_error() {
        let rendered = render(&sample(StayMailKind::StayRequested, "en"), now());
        let built = build_message("deskvisa", "noreply@deskvisa.example", "1", &rendered, "X", "not an address");
        assert!(matches!(built, Err(MailError::Address { .. })));
        let built = build_message("deskvisa", "noreply@deskvisa.example", "\r\n", &rendered, "X", "x@y.example");
        assert!(matches!(built, Err(MailError::Message(_))));
    }

    #[test]
    fn a_plain_mail_is_text_and_html_alternatives() {
        let text = formatted_sample(StayMailKind::StayDeclined, "pl", "7");
        assert!(text.contains("Content-Type: multipart/alternative"));
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(text.contains("Content-Type: text/html; charset=utf-8"));
        assert!(!text.contains("text/calendar"));
        assert!(!text.contains("multipart/mixed"));
    }

    #[test]
    fn an_approval_carries_the_invitation_inline_and_attached() {
        let text = formatted_sample(StayMailKind::StayApproved, "en", "8");
        assert!(text.contains("Content-Type: multipart/mixed"));
        assert!(text.contains("Content-Type: multipart/alternative"));
        assert!(text.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST"));
        assert!(text.contains("Content-Type: application/ics; name=\"invite.ics\""));
        assert!(text.contains("Content-Disposition: attachment; filename=\"invite.ics\""));
        let mixed = text.find("multipart/mixed").unwrap();
        let alternative = text.find("multipart/alternative").unwrap();
        let calendar = text.find("text/calendar").unwrap();
        let attachment = text.find("application/ics").unwrap();
        assert!(mixed < alternative && alternative < calendar && calendar < attachment);
    }

    #[tokio::test]
    async fn the_file_transport_writes_an_eml_and_creates_its_directory() {
        let dir = std::env::temp_dir().join(format!("deskvisa-mail-test-{}", std::process::id())).join("outbox");
        let _ = std::fs::remove_dir_all(&dir);
        let sender =
            Sender::new(&TransportConfig::File { dir: dir.clone() }, "deskvisa", "noreply@deskvisa.example").unwrap();
        let rendered = render(&sample(StayMailKind::StayCancelled, "pl"), now());
        sender.send("stay-1-cancel", &rendered, "Anna Nowak", "anna.nowak@hubclub.example").await.unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(eml.contains("Message-ID: <stay-1-cancel@deskvisa.example>"));
        assert!(eml.contains("method=CANCEL"));
        let bad = sender.send("x", &rendered, "Anna", "not-an-address").await;
        assert!(matches!(bad, Err(SendError::Permanent(_))));
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    }

    #[tokio::test]
    async fn an_unreachable_smtp_server_is_a_transient_failure() {
        // Port 9 on localhost (discard): nothing listens there in tests.
        let config = TransportConfig::Smtp {
            host: "127.0.0.1".to_owned(),
            port: 9,
            security: Security::None,
            username: Some("user".to_owned()),
            password: Some("secret".to_owned()),
            timeout: Duration::from_secs(2),
        };
        assert!(!format!("{config:?}").contains("secret"));
        let sender = Sender::new(&config, "deskvisa", "noreply@deskvisa.example").unwrap();
        let rendered = render(&sample(StayMailKind::StayApproved, "en"), now());
        let sent = sender.send("9", &rendered, "Anna", "anna.nowak@hubclub.example").await;
        assert!(matches!(sent, Err(SendError::Transient(_))), "{sent:?}");
        assert!(matches!(
            Sender::new(&TransportConfig::File { dir: "/tmp".into() }, "x", "bad"),
            Err(MailError::Address { .. })
        ));
    }
}
