//! Events at sites and their registrations (DOMAIN.md, "Events").
//!
//! A seat is taken like a desk: a conditional update of the event's
//! counter (`registered < capacity`, and not cancelled), the schema's
//! `CHECK registered <= capacity` as the backstop; a registration that ends
//! gives its seat back in the same transaction. A member holds at most one
//! live registration per event (a partial unique index). Ended registrations
//! are kept, with why they ended.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use deskvisa_rules::{
    ClusterId, EventId, EventTimes, MemberId, RegistrantStay, SiteId, StayId, StayStatus, parse_local_time,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use crate::convert::{count, parse, stored};
use crate::error::StoreError;
use crate::mail_facts::MailContext;
use crate::tx::{Store, Tx, raw_statement};

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EventRecord {
    pub id: EventId,
    /// Where.
    pub site: SiteId,
    /// The site's cluster (the host).
    pub cluster: ClusterId,
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Local start at the site.
    pub starts_at: NaiveDateTime,
    /// Local end at the site.
    pub ends_at: NaiveDateTime,
    /// The start's instant.
    pub starts_utc: DateTime<Utc>,
    /// The end's instant.
    pub ends_utc: DateTime<Utc>,
    /// Seats.
    pub capacity: u32,
    /// Seats taken by live registrations.
    pub registered: u32,
    /// Whether visitors may register, or only the host's own members.
    pub open_to_visitors: bool,
    /// The calendar SEQUENCE: raised on every change.
    pub sequence: u32,
    /// When the host cancelled it.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why, if a reason was given.
    pub cancel_reason: Option<String>,
    /// When it was published.
    pub created_at: DateTime<Utc>,
    /// The series it is an occurrence of, if it repeats.
    pub series: Option<uuid::Uuid>,
}

impl EventRecord {
    /// Seats still free.
    pub fn seats_left(&self) -> u32 {
        self.capacity.saturating_sub(self.registered)
    }
}

/// An event to publish, as the rules accepted its times.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewEvent {
    /// Its new id.
    pub id: EventId,
    /// Where.
    pub site: SiteId,
    /// The site's cluster.
    pub cluster: ClusterId,
    pub title: String,
    /// What it is about.
    pub description: String,
    /// When, checked.
    pub times: EventTimes,
    /// Seats.
    pub capacity: u32,
    /// Whether visitors may register.
    pub open_to_visitors: bool,
    /// The admin who published it.
    pub created_by: MemberId,
    /// The series it is an occurrence of, if it repeats.
    pub series: Option<uuid::Uuid>,
}

/// An event's new values, all of them (the service merges a patch first).
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct EventChange {
    pub title: String,
    /// What it is about.
    pub description: String,
    /// When, checked.
    pub times: EventTimes,
    /// Seats (not below the seats taken: the schema refuses that).
    pub capacity: u32,
    /// Whether visitors may register.
    pub open_to_visitors: bool,
}

/// How a registration ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationStatus {
    /// Live: the member holds a seat.
    Registered,
    /// The member withdrew.
    Withdrawn,
    /// The stay that allowed it was cancelled.
    StayCancelled,
    /// The host cancelled the event.
    EventCancelled,
    /// The event changed so that the member's stay no longer covers it, or
    /// it is no longer open to visitors.
    NoLongerEligible,
}

impl RegistrationStatus {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Withdrawn => "withdrawn",
            RegistrationStatus::StayCancelled => "stay_cancelled",
            RegistrationStatus::EventCancelled => "event_cancelled",
            RegistrationStatus::NoLongerEligible => "no_longer_eligible",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        [
            RegistrationStatus::Registered,
            RegistrationStatus::Withdrawn,
            RegistrationStatus::StayCancelled,
            RegistrationStatus::EventCancelled,
            RegistrationStatus::NoLongerEligible,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| StoreError::Corrupt(format!("registration status `{text}`")))
    }
}

/// A registration as stored, with who registered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct RegistrationRecord {
    pub id: uuid::Uuid,
    /// For which event.
    pub event: EventId,
    /// Who.
    pub member: MemberId,
    /// The stay that allowed a visitor in (none for the host's own members).
    pub stay: Option<StayId>,
    /// Live, or how it ended.
    pub status: RegistrationStatus,
    /// When the member registered.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// The member's name.
    pub name: String,
    /// The member's address.
    pub email: String,
    /// The member's company.
    pub company: String,
    /// The member's home cluster.
    pub cluster: ClusterId,
}

#[derive(FromQueryResult)]
struct EventRow {
    id: uuid::Uuid,
    site_id: uuid::Uuid,
    cluster_id: uuid::Uuid,
    title: String,
    description: String,
    starts_at: String,
    ends_at: String,
    starts_utc: DateTime<Utc>,
    ends_utc: DateTime<Utc>,
    capacity: i32,
    registered: i32,
    open_to_visitors: bool,
    sequence: i32,
    cancelled_at: Option<DateTime<Utc>>,
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    series_id: Option<uuid::Uuid>,
}

fn local(text: &str) -> Result<NaiveDateTime, StoreError> {
    parse_local_time(text).map_err(|_| StoreError::Corrupt(format!("event time `{text}`")))
}

impl TryFrom<EventRow> for EventRecord {
    type Error = StoreError;

    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        Ok(EventRecord {
            id: EventId::from_uuid(r.id),
            site: SiteId::from_uuid(r.site_id),
            cluster: ClusterId::from_uuid(r.cluster_id),
            title: r.title,
            description: r.description,
            starts_at: local(&r.starts_at)?,
            ends_at: local(&r.ends_at)?,
            starts_utc: r.starts_utc,
            ends_utc: r.ends_utc,
            capacity: count("event capacity", r.capacity)?,
            registered: count("event seats taken", r.registered)?,
            open_to_visitors: r.open_to_visitors,
            sequence: count("event sequence", r.sequence)?,
            cancelled_at: r.cancelled_at,
            cancel_reason: r.cancel_reason,
            created_at: r.created_at,
            series: r.series_id,
        })
    }
}

#[derive(FromQueryResult)]
struct RegistrationRow {
    id: uuid::Uuid,
    event_id: uuid::Uuid,
    member_id: uuid::Uuid,
    stay_id: Option<uuid::Uuid>,
    status: String,
    created_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    name: String,
    email: String,
    company: String,
    cluster_id: uuid::Uuid,
}

impl TryFrom<RegistrationRow> for RegistrationRecord {
    type Error = StoreError;

    fn try_from(r: RegistrationRow) -> Result<Self, StoreError> {
        Ok(RegistrationRecord {
            id: r.id,
            event: EventId::from_uuid(r.event_id),
            member: MemberId::from_uuid(r.member_id),
            stay: r.stay_id.map(StayId::from_uuid),
            status: RegistrationStatus::parse(&r.status)?,
            created_at: r.created_at,
            ended_at: r.ended_at,
            name: r.name,
            email: r.email,
            company: r.company,
            cluster: ClusterId::from_uuid(r.cluster_id),
        })
    }
}

const EVENT_COLUMNS: &str = "e.id, e.site_id, e.cluster_id, e.title, e.description, e.starts_at, e.ends_at, \
    e.starts_utc, e.ends_utc, e.capacity, e.registered, e.open_to_visitors, e.sequence, e.cancelled_at, \
    e.cancel_reason, e.created_at, e.series_id";

const REGISTRATION_COLUMNS: &str = "g.id, g.event_id, g.member_id, g.stay_id, g.status, g.created_at, g.ended_at, \
    m.name, m.email, m.company, m.cluster_id";

fn text(time: NaiveDateTime) -> String {
    deskvisa_rules::format_local_time(time)
}

/// What an admin writes of an event, as the values of `title, description,
/// starts_at, ends_at, start_date, starts_utc, ends_utc, capacity,
/// open_to_visitors`, in that order: the new event's and a change's.
fn written(title: &str, description: &str, times: &EventTimes, capacity: u32, open_to_visitors: bool) -> [Value; 9] {
    [
        title.into(),
        description.into(),
        text(times.starts_at).into(),
        text(times.ends_at).into(),
        times.starts_at.date().into(),
        times.starts_utc.into(),
        times.ends_utc.into(),
        stored(capacity).into(),
        open_to_visitors.into(),
    ]
}

/// Runs `sql` (written with `$n`) and reads every row as `R`, then `T`.
async fn rows<C, R, T>(db: &C, backend: sea_orm::DbBackend, sql: &str, values: Vec<Value>) -> Result<Vec<T>, StoreError>
where
    C: ConnectionTrait,
    R: FromQueryResult,
    T: TryFrom<R, Error = StoreError>,
{
    let statement = raw_statement(backend, sql, values);
    db.query_all_raw(statement).await?.iter().map(|row| R::from_query_result(row, "")?.try_into()).collect()
}

impl Tx {
    /// Publishes an event.
    pub async fn insert_event(&self, new: &NewEvent, now: DateTime<Utc>) -> Result<(), StoreError> {
        let NewEvent { id, site, cluster, title, description, times, capacity, open_to_visitors, created_by, series } =
            new;
        let mut values: Vec<Value> = vec![id.as_uuid().into(), site.as_uuid().into(), cluster.as_uuid().into()];
        values.extend(written(title, description, times, *capacity, *open_to_visitors));
        values.extend([created_by.as_uuid().into(), now.into(), (*series).into()]);
        self.run(
            "INSERT INTO events (id, site_id, cluster_id, title, description, starts_at, ends_at, start_date, \
             starts_utc, ends_utc, capacity, registered, open_to_visitors, sequence, created_by, created_at, updated_at, \
             series_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, 0, $13, $14, $14, $15)",
            values,
        )
        .await?;
        Ok(())
    }

    /// Records a series of repeating events (its occurrences are inserted
    /// as events naming it).
    pub async fn insert_event_series(
        &self,
        id: uuid::Uuid,
        site: SiteId,
        repeat: deskvisa_rules::Repeat,
        until: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO event_series (id, site_id, repeat, until, created_at) VALUES ($1, $2, $3, $4, $5)",
            vec![id.into(), site.as_uuid().into(), repeat.as_str().into(), until.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// The occurrences of `series` from `from` on (its start's instant), not
    /// cancelled, earliest first: what "cancel the rest" cancels.
    pub async fn series_rest(&self, series: uuid::Uuid, from: DateTime<Utc>) -> Result<Vec<EventId>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            id: uuid::Uuid,
        }
        let rows: Vec<Row> = self
            .rows(
                "SELECT id FROM events WHERE series_id = $1 AND starts_utc >= $2 AND cancelled_at IS NULL \
                 ORDER BY starts_utc, id",
                vec![series.into(), from.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| EventId::from_uuid(r.id)).collect())
    }

    /// An event, if it exists. With `for_update`, PostgreSQL locks its row
    /// until the transaction ends.
    pub async fn event(&self, id: EventId, for_update: bool) -> Result<Option<EventRecord>, StoreError> {
        let lock = if for_update && self.is_postgres() { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = $1{lock}");
        Ok(rows::<_, EventRow, EventRecord>(&self.tx, self.backend, &sql, vec![id.as_uuid().into()])
            .await?
            .into_iter()
            .next())
    }

    /// Changes an event (its row locked or the write serialized by the
    /// caller) and raises its SEQUENCE; `false` if it was cancelled meanwhile.
    pub async fn update_event(
        &self,
        id: EventId,
        change: &EventChange,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let EventChange { title, description, times, capacity, open_to_visitors } = change;
        let mut values: Vec<Value> = vec![id.as_uuid().into()];
        values.extend(written(title, description, times, *capacity, *open_to_visitors));
        values.push(now.into());
        let changed = self
            .run(
                "UPDATE events SET title = $2, description = $3, starts_at = $4, ends_at = $5, start_date = $6, \
                 starts_utc = $7, ends_utc = $8, capacity = $9, open_to_visitors = $10, sequence = sequence + 1, \
                 updated_at = $11 WHERE id = $1 AND cancelled_at IS NULL",
                values,
            )
            .await?;
        Ok(changed == 1)
    }

    /// Cancels an event and raises its SEQUENCE: `false` if it already was.
    /// Its live registrations are ended by [`Tx::end_registrations_of_event`].
    pub async fn cancel_event(
        &self,
        id: EventId,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "UPDATE events SET cancelled_at = $2, cancel_reason = $3, sequence = sequence + 1, updated_at = $2 \
                 WHERE id = $1 AND cancelled_at IS NULL",
                vec![id.as_uuid().into(), now.into(), reason.map(str::to_owned).into()],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Takes one seat: `false` when none is left (or the event was cancelled).
    pub async fn take_seat(&self, event: EventId) -> Result<bool, StoreError> {
        let taken = self
            .run(
                "UPDATE events SET registered = registered + 1 \
                 WHERE id = $1 AND registered < capacity AND cancelled_at IS NULL",
                vec![event.as_uuid().into()],
            )
            .await?;
        Ok(taken == 1)
    }

    /// Gives seats back and raises the SEQUENCE: the calendar cancellation
    /// of an ended registration carries the new value, so that a later
    /// invitation to the same person is never older than it.
    async fn give_back_seats(&self, event: EventId, seats: usize) -> Result<(), StoreError> {
        if seats > 0 {
            let seats = i64::try_from(seats).unwrap_or(i64::MAX);
            self.run(
                "UPDATE events SET registered = registered - $2, sequence = sequence + 1 WHERE id = $1",
                vec![event.as_uuid().into(), seats.into()],
            )
            .await?;
        }
        Ok(())
    }

    /// Writes a live registration; its seat must already be taken
    /// ([`Tx::take_seat`]).
    pub async fn insert_registration(
        &self,
        id: uuid::Uuid,
        event: EventId,
        member: MemberId,
        stay: Option<StayId>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO event_registrations (id, event_id, member_id, stay_id, status, created_at) \
             VALUES ($1, $2, $3, $4, 'registered', $5)",
            vec![
                id.into(),
                event.as_uuid().into(),
                member.as_uuid().into(),
                stay.map(|s| s.as_uuid()).into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// The member's live registration for the event, if any.
    pub async fn live_registration(
        &self,
        event: EventId,
        member: MemberId,
    ) -> Result<Option<RegistrationRecord>, StoreError> {
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS} FROM event_registrations g JOIN members m ON m.id = g.member_id \
             WHERE g.event_id = $1 AND g.member_id = $2 AND g.status = 'registered'"
        );
        let found = rows::<_, RegistrationRow, RegistrationRecord>(
            &self.tx,
            self.backend,
            &sql,
            vec![event.as_uuid().into(), member.as_uuid().into()],
        )
        .await?;
        Ok(found.into_iter().next())
    }

    /// Ends the given live registrations with `status`, gives their seats
    /// back and raises each event's SEQUENCE once; returns those that were
    /// still live (a compare-and-swap each).
    pub async fn end_registrations(
        &self,
        registrations: &[RegistrationRecord],
        status: RegistrationStatus,
        now: DateTime<Utc>,
    ) -> Result<Vec<RegistrationRecord>, StoreError> {
        let mut ended = Vec::new();
        for r in registrations {
            let changed = self
                .run(
                    "UPDATE event_registrations SET status = $2, ended_at = $3 WHERE id = $1 AND status = 'registered'",
                    vec![r.id.into(), status.as_str().into(), now.into()],
                )
                .await?;
            if changed == 1 {
                ended.push(RegistrationRecord { status, ended_at: Some(now), ..r.clone() });
            }
        }
        let mut by_event: Vec<EventId> = ended.iter().map(|r| r.event).collect();
        by_event.sort_by_key(|e| e.as_uuid());
        by_event.dedup();
        for event in by_event {
            self.give_back_seats(event, ended.iter().filter(|r| r.event == event).count()).await?;
        }
        Ok(ended)
    }

    /// The live registrations of an event, earliest first.
    pub async fn live_registrations(&self, event: EventId) -> Result<Vec<RegistrationRecord>, StoreError> {
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS} FROM event_registrations g JOIN members m ON m.id = g.member_id \
             WHERE g.event_id = $1 AND g.status = 'registered' ORDER BY g.created_at, g.id"
        );
        rows::<_, RegistrationRow, RegistrationRecord>(&self.tx, self.backend, &sql, vec![event.as_uuid().into()]).await
    }

    /// The live registrations a stay allowed, for events that have not begun
    /// at `now` (cancelling the stay withdraws them; those of events already
    /// held stay as they were).
    pub async fn live_registrations_of_stay(
        &self,
        stay: StayId,
        now: DateTime<Utc>,
    ) -> Result<Vec<RegistrationRecord>, StoreError> {
        let sql = format!(
            "SELECT {REGISTRATION_COLUMNS} FROM event_registrations g JOIN members m ON m.id = g.member_id \
             JOIN events e ON e.id = g.event_id \
             WHERE g.stay_id = $1 AND g.status = 'registered' AND e.starts_utc > $2 ORDER BY g.created_at, g.id"
        );
        rows::<_, RegistrationRow, RegistrationRecord>(
            &self.tx,
            self.backend,
            &sql,
            vec![stay.as_uuid().into(), now.into()],
        )
        .await
    }

    /// The member's approved stays at a site, with their held days, as the
    /// registration rule reads them. PostgreSQL share-locks the stays, so a
    /// cancellation running at the same time waits for this transaction and
    /// then finds (and withdraws) the registration it writes.
    pub async fn registrant_stays(&self, member: MemberId, site: SiteId) -> Result<Vec<RegistrantStay>, StoreError> {
        let lock = if self.is_postgres() { " FOR SHARE" } else { "" };
        let sql = format!(
            "SELECT id, status, no_show FROM stays WHERE member_id = $1 AND site_id = $2 AND status = 'approved'{lock}"
        );
        let statement = self.statement(&sql, [member.as_uuid().into(), site.as_uuid().into()]);
        let mut stays = Vec::new();
        for row in self.tx.query_all_raw(statement).await? {
            let id: uuid::Uuid = row.try_get_by_index(0)?;
            let status: String = row.try_get_by_index(1)?;
            let no_show: bool = row.try_get_by_index(2)?;
            let days = self
                .tx
                .query_all_raw(
                    self.statement("SELECT date FROM stay_days WHERE stay_id = $1 ORDER BY date", [id.into()]),
                )
                .await?
                .iter()
                .map(|r| r.try_get_by_index::<NaiveDate>(0))
                .collect::<Result<Vec<_>, _>>()?;
            let status: StayStatus = parse("stay status", &status)?;
            stays.push(RegistrantStay { id: StayId::from_uuid(id), site, status, no_show, held_days: days });
        }
        Ok(stays)
    }
}

impl Store {
    /// A site's events that are not cancelled and start on a local date in
    /// `from..=to`, earliest first (at most `limit`), after the event
    /// `after` when given (a cursor: an event of another site matches none).
    pub async fn site_events(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
        after: Option<EventId>,
        limit: u64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut values = vec![site.as_uuid().into(), from.into(), to.into(), limit.into()];
        // Keyset: strictly after the cursor's (start instant, id).
        let after_clause = match after {
            None => "",
            Some(after) => {
                values.push(after.as_uuid().into());
                " AND EXISTS (SELECT 1 FROM events c WHERE c.id = $5 AND c.site_id = e.site_id \
                 AND (e.starts_utc > c.starts_utc OR (e.starts_utc = c.starts_utc AND e.id > c.id)))"
            }
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.site_id = $1 AND e.start_date >= $2 AND e.start_date <= $3 \
             AND e.cancelled_at IS NULL{after_clause} ORDER BY e.starts_utc, e.id LIMIT $4"
        );
        rows::<_, EventRow, EventRecord>(self.reads(), self.db_backend(), &sql, values).await
    }

    /// The network's programme: events open to visitors, not cancelled, at
    /// the sites of active clusters (or of `clusters`), starting on a local
    /// date of `from..=to`, earliest first, from after the event `after` on;
    /// at most `limit`.
    pub async fn programme(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        clusters: Option<&[ClusterId]>,
        after: Option<EventId>,
        limit: u64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut values: Vec<Value> = vec![from.into(), to.into(), limit.into()];
        let mut bind = |v: Value| {
            values.push(v);
            format!("${}", values.len())
        };
        let among = match clusters {
            None => "e.cluster_id IN (SELECT c.id FROM clusters c WHERE c.status = 'active')".to_owned(),
            Some([]) => return Ok(Vec::new()),
            Some(list) => {
                let list: Vec<String> = list.iter().map(|c| bind(c.as_uuid().into())).collect();
                format!("e.cluster_id IN ({})", list.join(", "))
            }
        };
        let after_clause = match after {
            None => String::new(),
            Some(after) => {
                let after = bind(after.as_uuid().into());
                format!(
                    " AND EXISTS (SELECT 1 FROM events c WHERE c.id = {after} \
                     AND (e.starts_utc > c.starts_utc OR (e.starts_utc = c.starts_utc AND e.id > c.id)))"
                )
            }
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e WHERE e.start_date >= $1 AND e.start_date <= $2 \
             AND e.cancelled_at IS NULL AND e.open_to_visitors AND {among}{after_clause} \
             ORDER BY e.starts_utc, e.id LIMIT $3"
        );
        rows::<_, EventRow, EventRecord>(self.reads(), self.db_backend(), &sql, values).await
    }

    /// Every occurrence of a series, cancelled ones too, earliest first (at
    /// most [`deskvisa_rules::MAX_OCCURRENCES`], as a series is made).
    pub async fn series_events(&self, series: uuid::Uuid) -> Result<Vec<EventRecord>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.series_id = $1 ORDER BY e.starts_utc, e.id");
        rows::<_, EventRow, EventRecord>(self.reads(), self.db_backend(), &sql, vec![series.into()]).await
    }

    /// A series' repeat and last date.
    pub async fn event_series(
        &self,
        series: uuid::Uuid,
    ) -> Result<Option<(deskvisa_rules::Repeat, chrono::NaiveDate)>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            repeat: String,
            until: chrono::NaiveDate,
        }
        let statement = self.statement("SELECT repeat, until FROM event_series WHERE id = $1", vec![series.into()]);
        let Some(row) = Row::find_by_statement(statement).one(self.reads()).await? else {
            return Ok(None);
        };
        let repeat = deskvisa_rules::Repeat::parse(&row.repeat)
            .ok_or_else(|| StoreError::Corrupt(format!("series repeat `{}`", row.repeat)))?;
        Ok(Some((repeat, row.until)))
    }

    /// An event, read on the read pool.
    pub async fn read_event(&self, id: EventId) -> Result<Option<EventRecord>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = $1");
        Ok(rows::<_, EventRow, EventRecord>(self.reads(), self.db_backend(), &sql, vec![id.as_uuid().into()])
            .await?
            .into_iter()
            .next())
    }

    /// The events at a stay's site during the stay (local start dates from
    /// its first to its last date), not cancelled, earliest first: the
    /// approval email lists them.
    pub async fn events_during_stay(&self, stay: StayId) -> Result<Vec<EventRecord>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN stays s ON s.site_id = e.site_id \
             WHERE s.id = $1 AND e.start_date >= s.start_date AND e.start_date <= s.end_date \
             AND e.cancelled_at IS NULL ORDER BY e.starts_utc, e.id LIMIT 50"
        );
        rows::<_, EventRow, EventRecord>(self.reads(), self.db_backend(), &sql, vec![stay.as_uuid().into()]).await
    }

    /// A member's live registrations for events that have not ended at
    /// `now`, earliest event first.
    pub async fn member_registrations(
        &self,
        member: MemberId,
        now: DateTime<Utc>,
    ) -> Result<Vec<(RegistrationRecord, EventRecord)>, StoreError> {
        let registrations = rows::<_, RegistrationRow, RegistrationRecord>(
            self.reads(),
            self.db_backend(),
            &format!(
                "SELECT {REGISTRATION_COLUMNS} FROM event_registrations g JOIN members m ON m.id = g.member_id \
                 JOIN events e ON e.id = g.event_id \
                 WHERE g.member_id = $1 AND g.status = 'registered' AND e.ends_utc > $2 \
                 ORDER BY e.starts_utc, g.id LIMIT 200"
            ),
            vec![member.as_uuid().into(), now.into()],
        )
        .await?;
        let mut out = Vec::with_capacity(registrations.len());
        for r in registrations {
            if let Some(event) = self.read_event(r.event).await? {
                out.push((r, event));
            }
        }
        Ok(out)
    }
}

/// What an email about an event is written from, for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMailFacts {
    /// The event as it is now.
    pub event: EventRecord,
    /// The recipient, the event's site and its host.
    pub context: MailContext,
}

const PLACE: &str = "\
SELECT r.name AS recipient_name, r.email AS recipient_email, r.locale AS recipient_locale,
       t.name AS site_name, t.address AS site_address, t.timezone AS site_timezone,
       t.contact_email AS site_contact_email, c.name AS host_cluster_name
  FROM events e
  JOIN sites t ON t.id = e.site_id
  JOIN clusters c ON c.id = e.cluster_id
  JOIN members r ON r.id = $2
 WHERE e.id = $1";

impl Store {
    /// The facts of an email about `event` to `recipient`; `None` when either
    /// no longer exists.
    pub async fn event_mail_facts(
        &self,
        event: EventId,
        recipient: MemberId,
    ) -> Result<Option<EventMailFacts>, StoreError> {
        let Some(record) = self.read_event(event).await? else {
            return Ok(None);
        };
        let statement = self.statement(PLACE, [event.as_uuid().into(), recipient.as_uuid().into()]);
        let Some(row) = self.reads().query_one_raw(statement).await? else {
            return Ok(None);
        };
        Ok(Some(EventMailFacts { event: record, context: MailContext::from_query_result(&row, "")? }))
    }
}
