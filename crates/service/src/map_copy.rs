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
//! read it did not ask for (and an instance that sat idle answers its first
//! call from the copy it had; bounding that too is left to do). Booking
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
        if let Some(held) = self.held().filter(|h| h.changes == changes) {
            if held.read_at.elapsed() >= FRESH_FOR && !self.refreshing.swap(true, Ordering::AcqRel) {
                let (copy, store) = (Arc::clone(self), store.clone());
                tokio::spawn(async move {
                    if let Err(e) = copy.read(&store, changes).await {
                        tracing::warn!(error = %e, "reading the network's map again");
                    }
                    copy.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(held.map);
        }
        self.read(store, changes).await
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
