//! Stays: writing a new one with its desk-days and history, reading one back,
//! and moving it on with a compare-and-swap from the status it was read in.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{
    Actor, ClusterId, DateRange, HistoryAction, MemberId, Reason, SiteId, StayFacts, StayId, StayStatus, TimeZone,
    Transition, counts_held_days,
};
use sea_orm::sea_query::{Expr, InsertStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Statement, Value,
};

use crate::convert::{parse, zone};
use crate::entity::{site, stay, stay_day, stay_history};
use crate::error::StoreError;
use crate::ledger_totals::{RequestTally, ledger_days_added, ledger_exception_added, ledger_request_added};
use crate::tx::{Tx, insert_rows};

/// A stay to write, as the rules accepted it.
#[derive(Debug, Clone)]
pub struct NewStay {
    /// Its new id.
    pub id: StayId,
    /// Who.
    pub member: MemberId,
    /// Where.
    pub site: SiteId,
    /// The site's cluster.
    pub host_cluster: ClusterId,
    /// The member's cluster.
    pub home_cluster: ClusterId,
    /// First date.
    pub start_date: NaiveDate,
    /// Last date.
    pub end_date: NaiveDate,
    /// Its status from the start.
    pub status: StayStatus,
    /// Why the member comes.
    pub purpose: String,
    /// When the host's answer is due.
    pub answer_deadline: Option<DateTime<Utc>>,
    /// Free under the guarantee.
    pub within_guarantee: bool,
    /// The desk-days it holds (none if it expired at once).
    pub held_days: Vec<NaiveDate>,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
}

/// One line of a stay's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Member, host admin or worker.
    pub actor: Actor,
    /// The person, if a person acted.
    pub by: Option<MemberId>,
    /// The status before (none for the request).
    pub from: Option<StayStatus>,
    /// The status after.
    pub to: StayStatus,
    /// What was done.
    pub action: HistoryAction,
    /// Why, when a reason was given.
    pub reason: Option<Reason>,
    /// Recorded as a guarantee exception.
    pub guarantee_exception: bool,
    /// For a move: the dates it moved from and to.
    pub moved: Option<DatesMoved>,
}

impl HistoryEntry {
    /// A plain change of status: by no one named, with no reason, no
    /// exception and no move (as a bulk load or a test writes them).
    pub fn change(
        at: DateTime<Utc>,
        actor: Actor,
        from: Option<StayStatus>,
        to: StayStatus,
        action: HistoryAction,
    ) -> HistoryEntry {
        HistoryEntry { at, actor, by: None, from, to, action, reason: None, guarantee_exception: false, moved: None }
    }

    /// The same entry recorded as a guarantee exception, or not.
    #[must_use]
    pub fn exception(self, guarantee_exception: bool) -> HistoryEntry {
        HistoryEntry { guarantee_exception, ..self }
    }
}

/// The first and last days a move took a stay from, and to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatesMoved {
    /// First and last day before.
    pub from: (NaiveDate, NaiveDate),
    /// First and last day after.
    pub to: (NaiveDate, NaiveDate),
}

/// A stay as stored, with its held days and history.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StayRecord {
    pub id: StayId,
    /// Who.
    pub member: MemberId,
    /// Where.
    pub site: SiteId,
    /// The site's cluster.
    pub host_cluster: ClusterId,
    /// The member's cluster.
    pub home_cluster: ClusterId,
    /// First date.
    pub start_date: NaiveDate,
    /// Last date.
    pub end_date: NaiveDate,
    /// The open dates it holds now.
    pub days: Vec<NaiveDate>,
    /// Status.
    pub status: StayStatus,
    /// Why the member comes.
    pub purpose: String,
    /// The host's reason for declining.
    pub decline_reason: Option<Reason>,
    /// The reason given for cancelling.
    pub cancel_reason: Option<Reason>,
    /// When the host's answer is due.
    pub answer_deadline: Option<DateTime<Utc>>,
    /// Free under the guarantee.
    pub within_guarantee: bool,
    /// Arrived.
    pub checked_in: bool,
    /// Did not come.
    pub no_show: bool,
    /// Requested at.
    pub created_at: DateTime<Utc>,
    /// Every transition, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The delegation it belongs to, if it was asked for as one of a group.
    pub delegation: Option<uuid::Uuid>,
    /// The facts the state machine judges.
    pub facts: StayFacts,
}

impl StayRecord {
    /// Whether the request has had its first answer (approved, declined or
    /// expired from pending): what the ledger's request counts hold.
    pub fn first_answer_given(&self) -> bool {
        self.history.iter().any(|h| {
            h.from == Some(StayStatus::Pending)
                && matches!(h.to, StayStatus::Approved | StayStatus::Declined | StayStatus::Expired)
        })
    }
}

/// SQL written with `$n` placeholders, and its values.
pub(crate) type RawStatement = (String, Vec<Value>);

/// The statements that write a new stay: the rows of the stay, its
/// desk-days, its history and its emails, then the ledger's totals.
pub(crate) fn stay_statements(
    new: &NewStay,
    history: &[HistoryEntry],
    mails: &[crate::NewMail],
) -> Result<(Vec<InsertStatement>, Vec<RawStatement>), StoreError> {
    let mut statements = vec![insert_rows(
        stay::Entity,
        [
            stay::Column::Id,
            stay::Column::MemberId,
            stay::Column::SiteId,
            stay::Column::HostClusterId,
            stay::Column::HomeClusterId,
            stay::Column::StartDate,
            stay::Column::EndDate,
            stay::Column::Status,
            stay::Column::Purpose,
            stay::Column::AnswerDeadline,
            stay::Column::WithinGuarantee,
            stay::Column::CheckedIn,
            stay::Column::NoShow,
            stay::Column::CreatedAt,
            stay::Column::UpdatedAt,
            stay::Column::ApprovedAt,
        ],
        [[
            new.id.as_uuid().into(),
            new.member.as_uuid().into(),
            new.site.as_uuid().into(),
            new.host_cluster.as_uuid().into(),
            new.home_cluster.as_uuid().into(),
            new.start_date.into(),
            new.end_date.into(),
            new.status.as_str().into(),
            new.purpose.clone().into(),
            new.answer_deadline.into(),
            new.within_guarantee.into(),
            false.into(),
            false.into(),
            new.created_at.into(),
            new.created_at.into(),
            (new.status == StayStatus::Approved).then_some(new.created_at).into(),
        ]],
    )?];
    if !new.held_days.is_empty() {
        statements.push(insert_rows(
            stay_day::Entity,
            [stay_day::Column::StayId, stay_day::Column::Date, stay_day::Column::SiteId, stay_day::Column::MemberId],
            new.held_days.iter().map(|date| {
                [new.id.as_uuid().into(), (*date).into(), new.site.as_uuid().into(), new.member.as_uuid().into()]
            }),
        )?);
    }
    if !history.is_empty() {
        statements.push(history_insert(history.iter().map(|entry| (new.id, entry)))?);
    }
    if !mails.is_empty() {
        statements.push(crate::outbox::mail_insert(mails, new.created_at)?);
    }
    // The ledger's totals: a stay approved at once counts its days. The
    // request's totals come before its exceptions' (on the same day or
    // later), so the row locks are taken in the order of their keys.
    let mut totals: Vec<RawStatement> = Vec::new();
    if counts_held_days(new.status, true, false) {
        totals.extend(ledger_days_added(new.host_cluster, new.home_cluster, &new.held_days, 1));
    }
    let tally = RequestTally { received: 1, ..RequestTally::answered(new.status) };
    let exceptions = history.iter().flat_map(|entry| ledger_exception_added(new.id, entry));
    totals.extend(
        ledger_request_added(new.host_cluster, new.created_at, tally)
            .into_iter()
            .chain(exceptions)
            .map(|(sql, v)| (sql.to_owned(), v)),
    );
    Ok((statements, totals))
}

/// Stays, sites or days named in one `IN (...)` list.
const STAYS_A_STATEMENT: usize = 500;

/// A stay's record from its row, its site's zone, its held days (in order)
/// and its history.
fn stay_record(
    row: stay::Model,
    zone: TimeZone,
    days: Vec<NaiveDate>,
    history: Vec<HistoryEntry>,
) -> Result<StayRecord, StoreError> {
    let status: StayStatus = parse("stay status", &row.status)?;
    let facts = StayFacts {
        status,
        checked_in: row.checked_in,
        no_show: row.no_show,
        start_date: row.start_date,
        end_date: row.end_date,
        held_days: days.clone(),
        days: days.clone(),
        answer_deadline: row.answer_deadline,
        within_guarantee: row.within_guarantee,
        zone,
    };
    Ok(StayRecord {
        id: StayId::from_uuid(row.id),
        member: MemberId::from_uuid(row.member_id),
        site: SiteId::from_uuid(row.site_id),
        host_cluster: ClusterId::from_uuid(row.host_cluster_id),
        home_cluster: ClusterId::from_uuid(row.home_cluster_id),
        start_date: row.start_date,
        end_date: row.end_date,
        days,
        status,
        purpose: row.purpose,
        decline_reason: row.decline_reason.as_deref().map(|r| parse("decline reason", r)).transpose()?,
        cancel_reason: row.cancel_reason.as_deref().map(|r| parse("cancel reason", r)).transpose()?,
        answer_deadline: row.answer_deadline,
        within_guarantee: row.within_guarantee,
        checked_in: row.checked_in,
        no_show: row.no_show,
        created_at: row.created_at,
        history,
        facts,
        delegation: row.delegation_id,
    })
}

/// The insert of history lines, each of its stay, in their order.
pub(crate) fn history_insert<'a>(
    entries: impl IntoIterator<Item = (StayId, &'a HistoryEntry)>,
) -> Result<InsertStatement, StoreError> {
    insert_rows(
        stay_history::Entity,
        [
            stay_history::Column::StayId,
            stay_history::Column::At,
            stay_history::Column::Actor,
            stay_history::Column::ByMemberId,
            stay_history::Column::FromStatus,
            stay_history::Column::ToStatus,
            stay_history::Column::Action,
            stay_history::Column::Reason,
            stay_history::Column::GuaranteeException,
            stay_history::Column::MovedFromStart,
            stay_history::Column::MovedFromEnd,
            stay_history::Column::MovedToStart,
            stay_history::Column::MovedToEnd,
        ],
        entries.into_iter().map(|(stay, entry)| {
            [
                stay.as_uuid().into(),
                entry.at.into(),
                entry.actor.as_str().into(),
                entry.by.map(|m| m.as_uuid()).into(),
                entry.from.map(|s| s.as_str()).into(),
                entry.to.as_str().into(),
                entry.action.as_str().into(),
                entry.reason.as_ref().map(Reason::as_str).into(),
                entry.guarantee_exception.into(),
                entry.moved.map(|m| m.from.0).into(),
                entry.moved.map(|m| m.from.1).into(),
                entry.moved.map(|m| m.to.0).into(),
                entry.moved.map(|m| m.to.1).into(),
            ]
        }),
    )
}

/// A stored history line.
fn history_entry(h: stay_history::Model) -> Result<HistoryEntry, StoreError> {
    Ok(HistoryEntry {
        at: h.at,
        actor: actor(&h.actor)?,
        by: h.by_member_id.map(MemberId::from_uuid),
        from: h.from_status.as_deref().map(|s| parse("stay status", s)).transpose()?,
        to: parse("stay status", &h.to_status)?,
        action: parse("stay history action", &h.action)?,
        reason: h.reason.as_deref().map(|r| parse("stay history reason", r)).transpose()?,
        guarantee_exception: h.guarantee_exception,
        moved: match (h.moved_from_start, h.moved_from_end, h.moved_to_start, h.moved_to_end) {
            (Some(a), Some(b), Some(c), Some(d)) => Some(DatesMoved { from: (a, b), to: (c, d) }),
            _ => None,
        },
    })
}

fn actor(text: &str) -> Result<Actor, StoreError> {
    Actor::parse(text).ok_or_else(|| StoreError::Corrupt(format!("actor `{text}`")))
}

impl Tx {
    /// Writes a new stay, its desk-days, its history (oldest first) and the
    /// emails it causes. The
    /// desks themselves must already be held ([`Tx::hold_days`]). On SQLite
    /// the statements travel to the database in one round trip.
    pub async fn insert_stay(
        &self,
        new: &NewStay,
        history: &[HistoryEntry],
        mails: &[crate::NewMail],
    ) -> Result<(), StoreError> {
        let (inserts, totals) = stay_statements(new, history, mails)?;
        self.execute_all(&inserts).await?;
        for (sql, values) in totals {
            self.run(&sql, values).await?;
        }
        Ok(())
    }

    /// Appends a line to a stay's history.
    pub async fn record_history(&self, stay: StayId, entry: &HistoryEntry) -> Result<(), StoreError> {
        self.execute_all(&[history_insert([(stay, entry)])?]).await?;
        self.add_ledger_exception(stay, entry).await
    }

    /// Runs statements in order: on SQLite as one multi-statement round
    /// trip (sqlx binds each statement's parameters in turn), on PostgreSQL
    /// one by one (its extended protocol takes one statement at a time).
    async fn execute_all(&self, statements: &[InsertStatement]) -> Result<(), StoreError> {
        let backend = self.tx.get_database_backend();
        if self.is_postgres() || statements.len() == 1 {
            for statement in statements {
                self.tx.execute(statement).await?;
            }
            return Ok(());
        }
        let mut sql = String::new();
        let mut values = Vec::new();
        for statement in statements {
            let built = backend.build(statement);
            sql.push_str(&built.sql);
            sql.push_str(";\n");
            values.extend(built.values.map(|v| v.0).unwrap_or_default());
        }
        self.tx.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        Ok(())
    }

    /// A stay with its held days, history and facts, if it exists. With
    /// `for_update`, PostgreSQL locks its row until the transaction ends.
    pub async fn stay(&self, id: StayId, for_update: bool) -> Result<Option<StayRecord>, StoreError> {
        let mut query = stay::Entity::find_by_id(id.as_uuid());
        if for_update && self.is_postgres() {
            query = query.lock_exclusive();
        }
        let Some(row) = query.one(&self.tx).await? else {
            return Ok(None);
        };
        Ok(self.stay_records(vec![row]).await?.pop())
    }

    /// The stays of `ids` that exist, in that order, read together: four
    /// statements for a page of an inbox, not four a stay.
    pub async fn stays(&self, ids: &[StayId]) -> Result<Vec<StayRecord>, StoreError> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(STAYS_A_STATEMENT) {
            rows.extend(
                stay::Entity::find()
                    .filter(stay::Column::Id.is_in(chunk.iter().map(|id| id.as_uuid())))
                    .all(&self.tx)
                    .await?,
            );
        }
        let mut records: HashMap<StayId, StayRecord> =
            self.stay_records(rows).await?.into_iter().map(|r| (r.id, r)).collect();
        Ok(ids.iter().filter_map(|id| records.remove(id)).collect())
    }

    /// The records of these stays' rows: their sites' zones, held days and
    /// history, each read for all of them at once.
    async fn stay_records(&self, rows: Vec<stay::Model>) -> Result<Vec<StayRecord>, StoreError> {
        let mut zones: HashMap<uuid::Uuid, TimeZone> = HashMap::new();
        let mut days: HashMap<uuid::Uuid, Vec<NaiveDate>> = HashMap::new();
        let mut histories: HashMap<uuid::Uuid, Vec<HistoryEntry>> = HashMap::new();
        let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
        let sites: BTreeSet<uuid::Uuid> = rows.iter().map(|r| r.site_id).collect();
        for chunk in sites.into_iter().collect::<Vec<_>>().chunks(STAYS_A_STATEMENT) {
            let found: Vec<(uuid::Uuid, String)> = site::Entity::find()
                .select_only()
                .columns([site::Column::Id, site::Column::Timezone])
                .filter(site::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.tx)
                .await?;
            for (site, timezone) in found {
                zones.insert(site, zone(&timezone)?);
            }
        }
        for chunk in ids.chunks(STAYS_A_STATEMENT) {
            let held: Vec<(uuid::Uuid, NaiveDate)> = stay_day::Entity::find()
                .select_only()
                .columns([stay_day::Column::StayId, stay_day::Column::Date])
                .filter(stay_day::Column::StayId.is_in(chunk.iter().copied()))
                .order_by_asc(stay_day::Column::Date)
                .into_tuple()
                .all(&self.tx)
                .await?;
            for (stay, date) in held {
                days.entry(stay).or_default().push(date);
            }
            let lines = stay_history::Entity::find()
                .filter(stay_history::Column::StayId.is_in(chunk.iter().copied()))
                .order_by_asc(stay_history::Column::Id)
                .all(&self.tx)
                .await?;
            for line in lines {
                let stay = line.stay_id;
                histories.entry(stay).or_default().push(history_entry(line)?);
            }
        }
        rows.into_iter()
            .map(|row| {
                let zone = *zones
                    .get(&row.site_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("site of stay {} missing", row.id)))?;
                let days = days.remove(&row.id).unwrap_or_default();
                let history = histories.remove(&row.id).unwrap_or_default();
                stay_record(row, zone, days, history)
            })
            .collect()
    }

    /// Applies a transition the rules allowed, as a compare-and-swap from the
    /// state the stay was read in: `false` when someone moved it first (the
    /// caller answers `stay_not_pending` or re-reads). The ledger's totals
    /// move with it: days that start or stop counting, the request's outcome,
    /// and the time a host admin took to answer.
    pub async fn apply_transition(
        &self,
        stay: &StayRecord,
        transition: &Transition,
        actor: Actor,
        reason: Option<&Reason>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // The request's first answer is what the ledger counts; one given
        // again after a move (issue 23) is not counted twice.
        let answered =
            stay.status == StayStatus::Pending && transition.to != StayStatus::Pending && !stay.first_answer_given();
        let mut update = stay::Entity::update_many()
            .col_expr(stay::Column::Status, Expr::value(transition.to.as_str()))
            .col_expr(stay::Column::CheckedIn, Expr::value(transition.checked_in))
            .col_expr(stay::Column::NoShow, Expr::value(transition.no_show))
            .col_expr(stay::Column::UpdatedAt, Expr::value(now))
            .filter(stay::Column::Id.eq(stay.id.as_uuid()))
            .filter(stay::Column::Status.eq(stay.status.as_str()))
            .filter(stay::Column::CheckedIn.eq(stay.checked_in))
            .filter(stay::Column::NoShow.eq(stay.no_show));
        match transition.to {
            StayStatus::Declined => {
                update =
                    update.col_expr(stay::Column::DeclineReason, Expr::value(reason.map(|r| r.as_str().to_owned())))
            }
            StayStatus::Cancelled => {
                update = update.col_expr(stay::Column::CancelReason, Expr::value(reason.map(|r| r.as_str().to_owned())))
            }
            _ => {}
        }
        if stay.status == StayStatus::Pending && transition.to == StayStatus::Approved {
            update = update.col_expr(stay::Column::ApprovedAt, Expr::value(now));
        }
        let by_host = answered
            && actor == Actor::HostAdmin
            && matches!(transition.to, StayStatus::Approved | StayStatus::Declined);
        if by_host {
            let seconds = (now - stay.created_at).num_seconds().max(0);
            update = update.col_expr(stay::Column::AnswerSeconds, Expr::value(seconds));
        }
        if update.exec(&self.tx).await?.rows_affected != 1 {
            return Ok(false);
        }
        if !transition.released.is_empty() {
            stay_day::Entity::delete_many()
                .filter(stay_day::Column::StayId.eq(stay.id.as_uuid()))
                .filter(stay_day::Column::Date.is_in(transition.released.iter().copied()))
                .exec(&self.tx)
                .await?;
            self.release_days(stay.site, &transition.released).await?;
        }
        let was_approved = stay.status == StayStatus::Approved || stay.status == StayStatus::Cancelled;
        let counted_before = counts_held_days(stay.status, was_approved, stay.no_show);
        let counted_after =
            counts_held_days(transition.to, was_approved || transition.to == StayStatus::Approved, transition.no_show);
        let kept: Vec<NaiveDate> = stay.days.iter().copied().filter(|d| !transition.released.contains(d)).collect();
        let (host, home) = (stay.host_cluster, stay.home_cluster);
        match (counted_before, counted_after) {
            (true, true) => {
                let given_back: Vec<NaiveDate> =
                    stay.days.iter().copied().filter(|d| transition.released.contains(d)).collect();
                self.add_ledger_days(host, home, &given_back, -1).await?;
            }
            (false, true) => self.add_ledger_days(host, home, &kept, 1).await?,
            (true, false) => self.add_ledger_days(host, home, &stay.days, -1).await?,
            (false, false) => {}
        }
        if answered {
            let tally = RequestTally { answered: i32::from(by_host), ..RequestTally::answered(transition.to) };
            self.add_ledger_request(host, stay.created_at, tally).await?;
        }
        Ok(true)
    }

    /// Pending stays whose answer deadline has passed, oldest first, at most `limit`.
    pub async fn stays_due(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<StayId>, StoreError> {
        self.stay_ids(
            stay::Entity::find()
                .filter(stay::Column::Status.eq("pending"))
                .filter(stay::Column::AnswerDeadline.lte(now))
                .order_by_asc(stay::Column::AnswerDeadline)
                .limit(limit),
        )
        .await
    }

    /// The ids of the stays a query finds, in its order.
    async fn stay_ids(&self, query: Select<stay::Entity>) -> Result<Vec<StayId>, StoreError> {
        let ids: Vec<uuid::Uuid> = query.select_only().column(stay::Column::Id).into_tuple().all(&self.tx).await?;
        Ok(ids.into_iter().map(StayId::from_uuid).collect())
    }
}

impl Tx {
    /// A member's stays, newest first: at most `limit`, requested before
    /// the cursor (the `created_at` and id of the last stay already shown).
    pub async fn member_stays(
        &self,
        member: MemberId,
        limit: u64,
        before: Option<(DateTime<Utc>, StayId)>,
    ) -> Result<Vec<StayId>, StoreError> {
        use sea_orm::Condition;
        let mut query = stay::Entity::find()
            .filter(stay::Column::MemberId.eq(member.as_uuid()))
            .order_by_desc(stay::Column::CreatedAt)
            .order_by_desc(stay::Column::Id)
            .limit(limit);
        if let Some((at, id)) = before {
            query = query.filter(
                Condition::any()
                    .add(stay::Column::CreatedAt.lt(at))
                    .add(Condition::all().add(stay::Column::CreatedAt.eq(at)).add(stay::Column::Id.lt(id.as_uuid()))),
            );
        }
        self.stay_ids(query).await
    }

    /// The first days of a member's live stays (pending or approved) at
    /// one host cluster that start within `window`: what the host's yearly
    /// limit counts.
    pub async fn live_stay_starts(
        &self,
        member: MemberId,
        host: ClusterId,
        window: DateRange,
    ) -> Result<Vec<NaiveDate>, StoreError> {
        Ok(stay::Entity::find()
            .select_only()
            .column(stay::Column::StartDate)
            .filter(stay::Column::MemberId.eq(member.as_uuid()))
            .filter(stay::Column::HostClusterId.eq(host.as_uuid()))
            .filter(stay::Column::Status.is_in(["pending", "approved"]))
            .filter(stay::Column::StartDate.between(window.start(), window.end()))
            .into_tuple::<NaiveDate>()
            .all(&self.tx)
            .await?)
    }
}

impl Tx {
    /// Stays at a site (the host's inbox), by start date (then when they
    /// were asked for, then id), optionally of one status and starting
    /// within a window: at most `limit`, after the stay `after` (a cursor:
    /// `None` when that stay is not at this site).
    pub async fn site_stays(
        &self,
        site: SiteId,
        status: Option<StayStatus>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        after: Option<StayId>,
        limit: u64,
    ) -> Result<Option<Vec<StayId>>, StoreError> {
        use sea_orm::Condition;
        let mut query = stay::Entity::find()
            .filter(stay::Column::SiteId.eq(site.as_uuid()))
            .order_by_asc(stay::Column::StartDate)
            .order_by_asc(stay::Column::CreatedAt)
            .order_by_asc(stay::Column::Id)
            .limit(limit);
        if let Some(after) = after {
            let key: Option<(NaiveDate, DateTime<Utc>)> = stay::Entity::find_by_id(after.as_uuid())
                .filter(stay::Column::SiteId.eq(site.as_uuid()))
                .select_only()
                .column(stay::Column::StartDate)
                .column(stay::Column::CreatedAt)
                .into_tuple()
                .one(&self.tx)
                .await?;
            let Some((start, at)) = key else { return Ok(None) };
            query = query.filter(Condition::any().add(stay::Column::StartDate.gt(start)).add(
                Condition::all().add(stay::Column::StartDate.eq(start)).add(
                    Condition::any().add(stay::Column::CreatedAt.gt(at)).add(
                        Condition::all().add(stay::Column::CreatedAt.eq(at)).add(stay::Column::Id.gt(after.as_uuid())),
                    ),
                ),
            ));
        }
        if let Some(status) = status {
            query = query.filter(stay::Column::Status.eq(status.as_str()));
        }
        if let Some(from) = from {
            query = query.filter(stay::Column::EndDate.gte(from));
        }
        if let Some(to) = to {
            query = query.filter(stay::Column::StartDate.lte(to));
        }
        self.stay_ids(query).await.map(Some)
    }
}

impl Tx {
    /// Emails waiting in the outbox, and when the oldest was written.
    pub async fn outbox_depth(&self) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
        use crate::entity::outbox;
        use sea_orm::PaginatorTrait;
        let pending = outbox::Entity::find().filter(outbox::Column::Status.eq("pending"));
        let count = pending.clone().count(&self.tx).await?;
        let oldest: Option<DateTime<Utc>> = pending
            .select_only()
            .column(outbox::Column::CreatedAt)
            .order_by_asc(outbox::Column::CreatedAt)
            .into_tuple()
            .one(&self.tx)
            .await?;
        Ok((count, oldest))
    }

    /// How many stays there are in each status.
    pub async fn stays_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        Ok(stay::Entity::find()
            .select_only()
            .column(stay::Column::Status)
            .column_as(Expr::col(stay::Column::Id).count(), "n")
            .group_by(stay::Column::Status)
            .into_tuple()
            .all(&self.tx)
            .await?)
    }
}

/// Whose visit record is asked: the visitor, the first day of the stay
/// being weighed (earlier stays began before it), and that stay itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitAsked {
    /// The visitor.
    pub member: MemberId,
    /// Stays that began before this day count.
    pub before: NaiveDate,
    /// The stay being weighed, which does not.
    pub except: StayId,
}

/// What a host knows of a visitor from their earlier stays with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitRecord {
    /// Approved stays at the host's sites that began before this one, the
    /// visitor came to (not marked no-show).
    pub visits: u32,
    /// Of the approved ones, those marked no-show.
    pub no_shows: u32,
}

impl Tx {
    /// Each of `asked`'s earlier stays at any of `host`'s sites: approved
    /// ones that began before its `before`, other than its `except`. Read
    /// together (an inbox weighs every waiting request): the approved stays
    /// of the members named, counted for each.
    pub async fn visit_records(&self, host: ClusterId, asked: &[VisitAsked]) -> Result<Vec<VisitRecord>, StoreError> {
        let members: BTreeSet<uuid::Uuid> = asked.iter().map(|a| a.member.as_uuid()).collect();
        let mut approved: HashMap<uuid::Uuid, Vec<(uuid::Uuid, NaiveDate, bool)>> = HashMap::new();
        for chunk in members.into_iter().collect::<Vec<_>>().chunks(STAYS_A_STATEMENT) {
            let rows: Vec<(uuid::Uuid, uuid::Uuid, NaiveDate, bool)> = stay::Entity::find()
                .select_only()
                .columns([stay::Column::MemberId, stay::Column::Id, stay::Column::StartDate, stay::Column::NoShow])
                .filter(stay::Column::HostClusterId.eq(host.as_uuid()))
                .filter(stay::Column::Status.eq(StayStatus::Approved.as_str()))
                .filter(stay::Column::MemberId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.tx)
                .await?;
            for (member, id, start, no_show) in rows {
                approved.entry(member).or_default().push((id, start, no_show));
            }
        }
        Ok(asked
            .iter()
            .map(|a| {
                let earlier = approved
                    .get(&a.member.as_uuid())
                    .into_iter()
                    .flatten()
                    .filter(|(id, start, _)| *start < a.before && *id != a.except.as_uuid());
                let (mut visits, mut no_shows) = (0u32, 0u32);
                for (_, _, no_show) in earlier {
                    if *no_show {
                        no_shows = no_shows.saturating_add(1);
                    } else {
                        visits = visits.saturating_add(1);
                    }
                }
                VisitRecord { visits, no_shows }
            })
            .collect())
    }
}
