//! Where "now" comes from. The rules never read a clock; the service asks one
//! of these, so that tests can fix the instant and move it on.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

/// Tells the instant it is.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that shows a set instant until it is moved (tests, demos).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(at)))
    }

    /// Sets the instant.
    pub fn set(&self, at: DateTime<Utc>) {
        // A panic elsewhere while holding the lock leaves a valid instant behind.
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the clock on.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_shows_what_it_was_set_to_and_moves_when_told() {
        let at: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
        let clock = ManualClock::new(at);
        assert_eq!(clock.now(), at);
        clock.advance(TimeDelta::hours(25));
        assert_eq!(clock.now(), "2026-03-03T10:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }
}
