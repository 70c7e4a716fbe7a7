//! The service's errors: one variant per answer a client can get. The HTTP
//! layer maps each to one status and one stable code.

use deskvisa_rules::{PolicyBelowGuarantee, Refusal, TransitionError};
use deskvisa_store::{SnapshotError, StoreError};

use crate::conflict::Conflict;

/// A use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No valid token or session.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Unknown, or not visible to the caller (never says which).
    #[error("not found")]
    NotFound,
    /// Visible to the caller, but not theirs to change.
    #[error("forbidden")]
    Forbidden,
    /// The rules refused the request (every violation, or `no_capacity` alone).
    #[error("refused by the rules")]
    Refused(Refusal),
    /// The stay's state machine refused the move.
    #[error("{0}")]
    Transition(TransitionError),
    /// A policy below its floors.
    #[error("{0}")]
    Policy(PolicyBelowGuarantee),
    /// A refusal with a stable code (409 or 422, by [`Conflict::status`]).
    #[error("{0}")]
    Conflict(Conflict),
    /// Changing or closing a site would take days that stays hold (409
    /// `dates_hold_stays`, with the dates).
    #[error("stays hold desks on {}", dates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    DatesHoldStays {
        /// The held dates the change would take.
        dates: Vec<chrono::NaiveDate>,
    },
    /// Input the rules' parsers refused.
    #[error("{0}")]
    Invalid(String),
    /// An event's times the rules refuse as malformed (400, as `Invalid`),
    /// kept typed so a page can say it in the viewer's language.
    #[error("{0}")]
    EventTimes(deskvisa_rules::EventTimeError),
    /// A delegation some members of which the rules refuse: each one's
    /// refusal (422 `delegation_refused`).
    #[error("the rules refuse the delegation for {} of its members", .0.len())]
    GroupRefused(Vec<(deskvisa_rules::MemberId, deskvisa_rules::Refusal)>),
    /// Too many requests from this client: try again after this many seconds.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the current window ends.
        retry_after_seconds: u64,
    },
    /// The database is unreachable or overloaded.
    #[error("the database is unavailable")]
    Unavailable,
    /// A bug or corrupt data: logged in full, answered as 500 without detail.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Conflict> for ServiceError {
    fn from(conflict: Conflict) -> Self {
        ServiceError::Conflict(conflict)
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) | StoreError::Retry(_) => ServiceError::Unavailable,
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<SnapshotError> for ServiceError {
    fn from(err: SnapshotError) -> Self {
        match err {
            SnapshotError::UnknownMember | SnapshotError::UnknownSite => ServiceError::NotFound,
            SnapshotError::Store(e) => e.into(),
        }
    }
}

/// Why one attempt of a transaction did not end with a result: a transient
/// conflict worth another attempt, or an answer. An attempt returns
/// [`Attempt`], so that `?` works on the store's and the service's errors
/// alike.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// Try the whole transaction again.
    Transient(StoreError),
    /// The answer, final.
    Final(ServiceError),
}

/// What one attempt of a transaction ends with.
pub(crate) type Attempt<T> = Result<T, AttemptError>;

impl From<StoreError> for AttemptError {
    fn from(err: StoreError) -> Self {
        if err.is_retryable() { AttemptError::Transient(err) } else { AttemptError::Final(err.into()) }
    }
}

impl From<ServiceError> for AttemptError {
    fn from(err: ServiceError) -> Self {
        AttemptError::Final(err)
    }
}

impl From<Conflict> for AttemptError {
    fn from(conflict: Conflict) -> Self {
        AttemptError::Final(ServiceError::Conflict(conflict))
    }
}

impl From<SnapshotError> for AttemptError {
    fn from(err: SnapshotError) -> Self {
        match err {
            SnapshotError::Store(e) => e.into(),
            other => AttemptError::Final(other.into()),
        }
    }
}
