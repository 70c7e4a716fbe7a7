//! Repeating events (issue 22): an admin publishes a weekly or monthly
//! series with a last date; each occurrence is an event of its own (one
//! registers for one, cancels one), all written in one transaction or none.
//! Cancelling "the rest" cancels an occurrence and every later one, each
//! as a cancellation of that event (its registered people are told).

use chrono::{NaiveDate, NaiveDateTime};
use deskvisa_rules::{EventId, EventTimes, Repeat, SiteId, occurrence_dates};
use deskvisa_store::{EventRecord, NewEvent};

use crate::caller::Caller;
use crate::error::ServiceError;
use crate::events::times_error;
use crate::retry::retrying;
use crate::{EventDraft, Service};

/// A series just published.
#[derive(Debug, Clone)]
pub struct PublishedSeries {
    /// The series' id.
    pub id: uuid::Uuid,
    /// How it repeats.
    pub repeat: Repeat,
    /// Its last date.
    pub until: NaiveDate,
    /// Its occurrences, earliest first.
    pub events: Vec<EventRecord>,
}

/// A local time moved to another date, its time of day kept.
fn on(date: NaiveDate, time: NaiveDateTime) -> NaiveDateTime {
    date.and_time(time.time())
}

impl Service {
    /// The site's cluster admins publish `draft` as the first occurrence of
    /// a series repeating `repeat` until `until` (at most
    /// [`deskvisa_rules::MAX_OCCURRENCES`]); every occurrence is checked as
    /// an event is (in the past, too far), and one refused refuses all.
    pub async fn publish_event_series(
        &self,
        caller: &Caller,
        site: SiteId,
        draft: EventDraft,
        repeat: Repeat,
        until: NaiveDate,
    ) -> Result<PublishedSeries, ServiceError> {
        let record = self.site_for_admin(caller, site).await?;
        let dates = occurrence_dates(draft.starts_at.date(), repeat, until)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let length = draft.ends_at - draft.starts_at;
        let series = uuid::Uuid::new_v4();
        let now = self.now();
        let mut occurrences = Vec::with_capacity(dates.len());
        for date in dates {
            let starts_at = on(date, draft.starts_at);
            let times =
                EventTimes::check_within(starts_at, starts_at + length, record.timezone, now, self.event_horizon_days)
                    .map_err(times_error)?;
            occurrences.push(NewEvent {
                id: EventId::from_uuid(uuid::Uuid::new_v4()),
                site,
                cluster: record.cluster_id,
                title: draft.title.clone(),
                description: draft.description.clone(),
                times,
                capacity: draft.capacity,
                open_to_visitors: draft.open_to_visitors,
                created_by: caller.member,
                series: Some(series),
            });
        }
        retrying("publish an event series", || async {
            let tx = self.store.begin_write().await?;
            tx.insert_event_series(series, site, repeat, until, now).await?;
            for event in &occurrences {
                tx.insert_event(event, now).await?;
            }
            tx.commit().await?;
            Ok::<(), crate::error::AttemptError>(())
        })
        .await?;
        tracing::info!(%series, %site, occurrences = occurrences.len(), "event series published");
        Ok(PublishedSeries { id: series, repeat, until, events: self.store.series_events(series).await? })
    }

    /// The series' occurrences and how it repeats, for any signed-in member.
    pub async fn event_series(&self, series: uuid::Uuid) -> Result<PublishedSeries, ServiceError> {
        let (repeat, until) = self.store.event_series(series).await?.ok_or(ServiceError::NotFound)?;
        Ok(PublishedSeries { id: series, repeat, until, events: self.store.series_events(series).await? })
    }

    /// Cancels `event` and every later occurrence of its series still on
    /// (each told to its registered people, as a cancellation is); the
    /// events cancelled. An event of no series is cancelled alone.
    pub async fn cancel_event_and_rest(
        &self,
        caller: &Caller,
        event: EventId,
        reason: Option<String>,
    ) -> Result<Vec<EventId>, ServiceError> {
        let first = self.event(event).await?;
        let Some(series) = first.series else {
            self.cancel_event(caller, event, reason).await?;
            return Ok(vec![event]);
        };
        let tx = self.store.begin_read().await?;
        let rest = tx.series_rest(series, first.starts_utc).await?;
        drop(tx);
        // The first refused (another cluster's, begun, cancelled already) says why; the rest follow it.
        let mut cancelled = Vec::new();
        for id in rest {
            let result = retrying("cancel an event", || self.cancel_event_once(caller, id, reason.as_deref())).await;
            match result {
                Ok(()) => cancelled.push(id),
                Err(e) if cancelled.is_empty() && id == event => return Err(e),
                Err(ServiceError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        if cancelled.is_empty() {
            // The event itself was cancelled already: say so.
            self.cancel_event(caller, event, reason).await?;
        }
        Ok(cancelled)
    }
}
