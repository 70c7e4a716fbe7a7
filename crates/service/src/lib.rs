//! # deskvisa-service: the use cases
//!
//! Each use case is one transaction: load a snapshot through the store, let
//! the rules decide, write the decision and the emails it causes (outbox
//! rows), or nothing. Transient conflicts retry the whole transaction;
//! nothing database-shaped reaches a client. The worker that settles answer
//! deadlines lives here too. Time enters only through a [`Clock`], so tests
//! fix it; ids are drawn here, never in the rules.

mod admin;
mod calendar;
mod caller;
mod clock;
mod conflict;
mod delegations;
mod delivery;
mod error;
mod event_series;
mod events;
mod firms;
mod idempotency;
mod introductions;
mod ledger;
mod letters;
mod mail_events;
mod map;
mod map_copy;
mod meeting;
mod member_import;
mod network_staff;
mod paging;
mod personal;
mod photos;
mod reads;
mod retry;
mod search;
pub mod seed;
mod sign_in;
mod site_faces;
mod sites;
mod stay_moves;
mod stays;
mod tokens;
mod waitlist;
mod worker;

pub use admin::ClusterPatch;
pub use caller::Caller;
pub use clock::{Clock, ManualClock, SystemClock};
pub use conflict::Conflict;
pub use delegations::{Delegation, DelegationInput, DelegationNotice, GroupAnswer};
pub use delivery::{DeliveryConfig, DeliveryReport, Mailer, backoff};
pub use deskvisa_store::{
    ClusterRecord, DatesMoved, DelegationRow, EventRecord, FirmProfile, FirmRecord, HistoryEntry, IntroductionRecord,
    MemberRecord, NetworkMap, Party, RegistrationRecord, RegistrationStatus, Role, SitePatch, SiteRecord, StayRecord,
    Store, VisitRecord, Visitor,
};
pub use error::ServiceError;
pub use waitlist::{MyWait, WaitNotice};

pub use event_series::PublishedSeries;
pub use events::{DEFAULT_EVENT_DAYS, EventDraft, EventPatch, MAX_EVENT_WINDOW_DAYS, Registered};
pub use firms::{FirmPatch, FirmQuery};
pub use idempotency::{KeyedAnswer, request_hash};
pub use introductions::{IntroductionAnswer, IntroductionNotice, MAX_LISTED_INTRODUCTIONS};
pub use ledger::{EXCEPTIONS_A_PAGE, ExceptionsListed, LedgerReport};
pub use letters::{LetterMade, LetterheadView, MAX_LETTERHEAD_ADDRESS_CHARS, Verification};
pub use mail_events::{EventNotice, StayEvent};
pub use map::{MAX_CLOSED_AT_ONCE, NewCluster, NewMember, NewSite};
pub use map_copy::{FRESH_FOR, SERVED_AT_MOST};
pub use meeting::{MAX_VISITOR_WINDOW_DAYS, SUGGESTED_FIRMS, Suggestion, VisitorWithFirm};
pub use member_import::{ImportRow, ImportVerdict, MAX_IMPORT_ROWS};
pub use network_staff::{Appointment, IssuedLink};
pub use paging::{Page, PageRequest};
pub use personal::{EXPORT_FORMAT, Erasure, MemberExport, Retention};
pub use photos::{FULL_SIDE, MAX_PHOTO_BYTES, PhotoError, THUMBNAIL};
pub use reads::{DayAvailability, Gauges, MAX_AVAILABILITY_DAYS};
pub use search::{FirstFitFacts, SearchQuery, SiteFits};
pub use sign_in::{AccountEvent, RateLimits, SESSION_LIFETIME, SIGN_IN_LINK_LIFETIME, secret};
pub use sites::InboxFilter;
pub use stays::{StayCommand, StayRequestInput};
pub use worker::{WorkerConfig, WorkerReport};

use std::sync::Arc;

/// The use cases, over one database and one clock.
#[derive(Clone)]
pub struct Service {
    store: Store,
    clock: Arc<dyn Clock>,
    /// The address people reach deskvisa at: links in emails and calendar
    /// files are built from it, never from a request's Host header.
    public_url: Arc<str>,
    /// How often people may ask for things.
    rate_limits: sign_in::RateLimits,
    /// How far ahead events may be published, in days.
    event_horizon_days: u32,
    /// Whether the schema was found current (see [`Service::ready`]).
    schema_current: Arc<std::sync::atomic::AtomicBool>,
    /// The network's map, kept ([`map_copy`]).
    map_copy: Arc<map_copy::MapCopy>,
}

impl Service {
    /// The service over an opened store (see `deskvisa_store::connect_store`).
    pub fn with_store(store: Store, clock: Arc<dyn Clock>) -> Self {
        Service {
            store,
            clock,
            public_url: Arc::from("http://127.0.0.1:8080"),
            rate_limits: RateLimits::default(),
            event_horizon_days: deskvisa_rules::DEFAULT_EVENT_HORIZON_DAYS,
            schema_current: Arc::default(),
            map_copy: Arc::default(),
        }
    }

    /// The same service, linking to deskvisa at `url` in emails.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    /// The same service with these rate limits.
    pub fn with_rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// With events publishable at most `days` ahead (default two years).
    pub fn with_event_horizon_days(mut self, days: u32) -> Self {
        self.event_horizon_days = days;
        self
    }

    /// A date outside its field's bounds, as the answer names it.
    pub(crate) fn bounded(
        &self,
        field: deskvisa_rules::DateField,
        date: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Result<chrono::NaiveDate, ServiceError> {
        deskvisa_rules::within_bounds(field, date, today).map_err(|e| Conflict::DateOutOfRange(e).into())
    }

    /// The store underneath (for tools and tests that inspect the outbox).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The instant it is now, to the microsecond: what both databases store,
    /// so an answer built in memory equals the same record read back.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound;
        self.clock.now().trunc_subsecs(6)
    }

    /// Whether this instance can serve: the database answers and has every
    /// migration this version knows (an instance started with
    /// `--no-migrate` waits for `deskvisa migrate`). Once current, the
    /// schema stays so, and is not asked again.
    pub async fn ready(&self) -> Result<(), NotReady> {
        self.store.ping().await.map_err(|_| NotReady::Database)?;
        if self.schema_current.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        let status = self.store.migration_status().await.map_err(|_| NotReady::Database)?;
        if !status.is_current() {
            return Err(NotReady::MigrationsPending(status.pending.len()));
        }
        self.schema_current.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// Why an instance cannot serve yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    /// The database does not answer.
    #[error("the database does not answer")]
    Database,
    /// Migrations this version needs are not applied.
    #[error("{0} migrations pending: run `deskvisa migrate`")]
    MigrationsPending(usize),
}
