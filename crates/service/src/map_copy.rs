//! The service's copy of the network's map (clusters, sites, host
//! policies): the map page, the availability search and the programme read
//! it on every call, and a network a hundred times the demo's (4,300
//! clusters, 6,700 sites) took tens of milliseconds to read each time.
//!
//! A commit through this service's store that changes the map makes the
//! copy stale at once ([`deskvisa_store::Store::map_changes`]): the next
//! call reads the map again and waits for it, so whoever made a change
//! sees it. A change by another instance (PostgreSQL with several) or by
//! another process on the same file (the command line) is seen within
//! [`FRESH_FOR`] and one read while calls come in: a copy older than that
//! is still served while a task reads the next one, so no call waits for a
//! read it did not ask for. A copy older than [`SERVED_AT_MOST`] (an
//! instance that sat idle) is not served: its first call reads. Booking
//! never reads the copy: a stay request checks the site, its
//! cluster and the policy in its own transaction, so a stale copy can show
//! a site, never book a wrong one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use deskvisa_store::{NetworkMap, Store, StoreError};

/// How long a copy serves before it is read again, for changes this
/// service's store did not make.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// The oldest copy a call is answered from while the next is read; an
/// older one is read again first.
pub const SERVED_AT_MOST: Duration = Duration::from_secs(10);

/// What a call does with the copy it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Answer from it.
    Serve,
    /// Answer from it, and read the next one in the background.
    ServeAndRefresh,
    /// Read the map and answer from what was read.
    Read,
}

/// What to do with a copy `age` old that a change through this store made
/// stale or not.
fn decide(age: Duration, stale: bool) -> Use {
    if stale || age >= SERVED_AT_MOST {
        Use::Read
    } else if age >= FRESH_FOR {
        Use::ServeAndRefresh
    } else {
        Use::Serve
    }
}

/// A copy and when it was read.
#[derive(Clone)]
struct Held {
    /// The store's count of changes before the read.
    changes: u64,
    read_at: Instant,
    map: Arc<NetworkMap>,
}

/// The copy, and whether a task is reading the next one.
#[derive(Default)]
pub(crate) struct MapCopy {
    held: Mutex<Option<Held>>,
    /// One read at a time; a caller that waited takes what the read found.
    reading: tokio::sync::Mutex<()>,
    /// A task is reading the next copy in the background.
    refreshing: AtomicBool,
}

impl MapCopy {
    /// The map: the copy, unless a change through this store made it stale.
    pub(crate) async fn map(self: &Arc<Self>, store: &Store) -> Result<Arc<NetworkMap>, StoreError> {
        let changes = store.map_changes();
        let Some(held) = self.held() else { return self.read(store, changes).await };
        match decide(held.read_at.elapsed(), held.changes != changes) {
            Use::Read => self.read(store, changes).await,
            Use::Serve => Ok(held.map),
            Use::ServeAndRefresh => {
                if !self.refreshing.swap(true, Ordering::AcqRel) {
                    let (copy, store) = (Arc::clone(self), store.clone());
                    tokio::spawn(async move {
                        if let Err(e) = copy.read(&store, changes).await {
                            tracing::warn!(error = %e, "reading the network's map again");
                        }
                        copy.refreshing.store(false, Ordering::Release);
                    });
                }
                Ok(held.map)
            }
        }
    }

    fn held(&self) -> Option<Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Reads the map unless a read that began after `changes` was counted
    /// finished while this one waited its turn.
    async fn read(&self, store: &Store, changes: u64) -> Result<Arc<NetworkMap>, StoreError> {
        let asked_at = Instant::now();
        let _turn = self.reading.lock().await;
        if let Some(held) = self.held().filter(|h| h.changes >= changes && h.read_at >= asked_at) {
            return Ok(held.map);
        }
        // Counted before the read: a commit during it leaves the copy stale.
        let changes = store.map_changes();
        let read_at = Instant::now();
        let map = Arc::new(store.read_network_map().await?);
        *self.held.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Held { changes, read_at, map: Arc::clone(&map) });
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::{FRESH_FOR, SERVED_AT_MOST, Use, decide};
    use std::time::Duration;

    #[test]
    fn a_copy_serves_while_fresh_is_read_again_behind_the_calls_then_before_them() {
        assert_eq!(decide(Duration::ZERO, false), Use::Serve);
        assert_eq!(decide(FRESH_FOR - Duration::from_millis(1), false), Use::Serve);
        assert_eq!(decide(FRESH_FOR, false), Use::ServeAndRefresh);
        assert_eq!(decide(SERVED_AT_MOST - Duration::from_millis(1), false), Use::ServeAndRefresh);
        assert_eq!(decide(SERVED_AT_MOST, false), Use::Read, "an idle instance's first call reads");
        assert_eq!(decide(Duration::from_secs(3_600), false), Use::Read);
        assert_eq!(decide(Duration::ZERO, true), Use::Read, "a change made here is seen at once");
    }
}
