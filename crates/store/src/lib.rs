//! # deskvisa-store: the database
//!
//! sea-orm 2 over SQLite (embedded, the default) and PostgreSQL (production).
//! The store loads and saves; it never decides: what it returns is a rules
//! type or a plain record, and every judgement is the rules crate's.
//!
//! Concurrency, as measured in CONCURRENCY.md: write transactions begin
//! `IMMEDIATE` on SQLite ([`Store::begin_write`]), where queued writes share
//! one durable commit ([`group_commit`]), and the stay request's transaction
//! runs whole on the writer's own thread ([`Store::write_whole`],
//! `native/`); capacity is taken with
//! conditional updates on per-site per-day counters ([`Tx::hold_days`]);
//! status changes are compare-and-swap from the expected status; a member's
//! stay-writing transactions are serialized ([`Tx::lock_member`]); and the
//! schema's constraints are the backstop. Database errors are classified in
//! [`StoreError`] so the service can retry or map them.

mod availability;
mod backup;
mod bulk;
mod calendar_feeds;
mod connect;
mod convert;
mod delegations;
mod desks;
mod entity;
mod error;
mod events;
mod firms;
pub mod group_commit;
mod hosting;
mod idempotency;
mod introductions;
mod ledger;
mod ledger_totals;
mod letters;
mod mail_facts;
mod map;
mod migrate;
mod native;
mod network_map;
mod outbox;
mod personal;
mod reminders;
mod sign_in;
mod site_faces;
mod snapshot;
mod stay_moves;
mod stays;
mod tokens;
mod tx;
mod visitors;
mod waitlist;
mod writer_thread;

pub use availability::{DaysInTheWay, RangeFacts, SiteDays};
pub use backup::{Backup, Restored, restore_sqlite, verify_sqlite};
pub use bulk::{Loaded, LoadedStay, NetworkBlock};
pub use connect::{Backend, ConnectError, DatabaseConfig, connect_store, redact, sqlite_file};
pub use delegations::DelegationRow;
pub use error::StoreError;
pub use events::{EventChange, EventMailFacts, EventRecord, NewEvent, RegistrationRecord, RegistrationStatus};
pub use firms::{FirmFilter, FirmProfile, FirmRecord, sort_name};
pub use idempotency::{ANSWER_KEPT, IN_FLIGHT_TIMEOUT, KeyState};
pub use introductions::{IntroductionRecord, NewIntroduction, Party};
pub use ledger::{BoundaryDay, ExceptionPage, RequestTotals};
pub use letters::{LetterCheck, Letterhead, NewLetter, StoredLetter};
pub use mail_facts::{MailContext, MailFacts};
pub use map::{ClusterRecord, MemberRecord, Role, SitePatch, SiteRecord};
pub use migrate::MigrationStatus;
pub use native::{NativeRow, NativeTx};
pub use network_map::NetworkMap;
pub use outbox::{MailRow, NewMail, member_recipient};
pub use personal::{
    CredentialExport, ERASED_NAME, EmailExport, Erased, FirmExport, IntroductionExport, KeyExport, LetterExport,
    MemberData, ProfileRecord, Purged, RegistrationExport, StayExport, StayHistoryExport, erased_email,
};
pub use reminders::ReminderCandidate;
pub use site_faces::SitePhoto;
pub use snapshot::SnapshotError;
pub use stay_moves::{MoveWrite, MoveWritten};
pub use stays::{DatesMoved, HistoryEntry, NewStay, StayRecord, VisitAsked, VisitRecord};
pub use tx::{Store, Tx};
pub use visitors::Visitor;
pub use waitlist::WaitEntry;
