//! Waiting for what happens in the background (a worker's delivery, a
//! second instance's write): poll with a deadline, never a fixed sleep.

use std::time::{Duration, Instant};

/// How often [`eventually`] looks again.
const POLL: Duration = Duration::from_millis(10);

/// Polls `check` until it returns `Ok`, and returns what it holds; panics
/// with the last `Err` (what is still missing) once `within` has passed.
/// A round that moves a manual clock or delivers mail does so in `check`.
pub async fn eventually<T>(within: Duration, mut check: impl AsyncFnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + within;
    loop {
        match check().await {
            Ok(done) => return done,
            Err(missing) => assert!(Instant::now() < deadline, "after {within:?}: {missing}"),
        }
        tokio::time::sleep(POLL).await;
    }
}
