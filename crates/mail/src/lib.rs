//! # deskvisa-mail: the emails deskvisa sends about stays
//!
//! - [`StayMail`]: the plain data one email is written from (stored as JSON
//!   in the outbox by the service, in the same transaction as the change);
//! - [`render`]: the subject, plain-text and HTML bodies in the recipient's
//!   locale (`en`, `pl`; askama templates compiled in) and, for approvals and
//!   cancellations of approved stays, an RFC 5545 calendar file ([`ics`]);
//! - [`transport`]: delivery through SMTP (lettre, pooled) or into `.eml`
//!   files, with errors split into transient (retry later) and permanent.
//!
//! [`sample`] gives a realistic [`StayMail`] of every kind for previews.

mod account;
mod dates;
pub mod ics;
mod kind;
mod model;
mod render;
mod smtp;
pub mod transport;

pub use account::{AccountKind, AccountMail, account_sample, render_account};
pub use dates::{date_range, day_month_year, instant_in_zone, long_date};
pub use ics::{EventCalendar, IcsMethod, event_calendar};
pub use kind::MailKind;
pub use model::{StayMail, sample};
pub use render::{CalendarFile, Rendered, calendar_method, render};
pub use transport::{MailError, Security, SendError, Sender, TransportConfig, build_message};

#[cfg(test)]
mod tests;
