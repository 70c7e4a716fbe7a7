//! # deskvisa-mail: the emails deskvisa sends about stays, events and accounts
//!
//! - [`StayMail`]: the plain data one stay email is written from (stored as
//!   JSON in the outbox by the service, in the same transaction as the
//!   change), with the host's events during the stay ([`StayEventLine`]);
//! - [`render`]: the subject, plain-text and HTML bodies in the recipient's
//!   locale (`en`, `pl`; askama templates compiled in) and, for approvals and
//!   cancellations of approved stays, an RFC 5545 calendar file ([`ics`]);
//! - [`EventMail`] and [`render_event`]: the emails about a registration for
//!   a host's event (confirmed, event changed, event cancelled, registration
//!   withdrawn), each with an invitation or a cancellation of the event;
//! - [`AccountMail`] and [`render_account`]: the sign-in link and the welcome
//!   of an invited member;
//! - [`IntroductionMail`] and [`render_introduction`]: a visitor's request to
//!   meet a host's firm, its acceptance (to both sides, each with the other's
//!   address), its decline and its lapse;
//! - [`WaitlistMail`] and [`render_waitlist`]: a waitlist's offer of desks
//!   and its lapse;
//! - [`DelegationMail`] and [`render_delegation`]: a group's request, to the
//!   host's admins;
//! - [`transport`]: delivery through SMTP (lettre, pooled) or into `.eml`
//!   files, with errors split into transient (retry later) and permanent.
//!
//! [`sample`], [`event_sample`], [`account_sample`] and
//! [`introduction_sample`] give a realistic mail of every kind for previews.

mod account;
mod delegation;
mod event;
pub mod ics;
mod introduction;
mod kind;
mod model;
mod render;
mod smtp;
pub mod transport;
mod waitlist;

pub use account::{AccountKind, AccountMail, account_sample, render_account};
pub use delegation::{DelegationKind, DelegationMail, delegation_sample, render_delegation};
pub use event::{EventMail, EventMailKind, event_sample, render_event};
pub use ics::{EventCalendar, IcsMethod, event_calendar};
pub use introduction::{IntroductionKind, IntroductionMail, introduction_sample, render_introduction};
pub use kind::StayMailKind;
pub use model::{StayEventLine, StayMail, sample};
pub use render::{CalendarFile, Rendered, calendar_method, render};
pub use smtp::{Security, SendError};
pub use transport::{MailError, Sender, TransportConfig, build_message};
pub use waitlist::{WaitlistKind, WaitlistMail, render_waitlist, waitlist_sample};

#[cfg(test)]
mod tests;
