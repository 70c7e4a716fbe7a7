//! Delivering the outbox: claim due rows, write each message from the
//! database as it is now, send it through the configured transport, mark it.
//!
//! - A row addressed to a cluster's admins is first expanded into one row
//!   per admin, in one transaction, so each message has its own outbox id.
//! - The Message-ID is the outbox id: a message sent again after a crash
//!   (sent, then the worker died before marking it) is recognisably the same
//!   message; at most the messages in flight at the crash (being sent, or
//!   being marked: twice the concurrency) are sent twice.
//! - A transient failure (4xx, no connection, timeout) is retried with
//!   exponential backoff and jitter, up to a number of attempts; a permanent
//!   one (5xx, an address that is no address) goes to the dead letters at
//!   once. Dead letters show in `/metrics` and `deskvisa mail failed`, and
//!   `deskvisa mail retry ID` puts one back in the queue.
//!
//! Nothing here runs on a request's path: requests only write outbox rows.

use std::sync::Arc;

use chrono::TimeDelta;
use deskvisa_mail::{
    AccountKind, EventMail, EventMailKind, IntroductionKind, IntroductionMail, SendError, Sender, StayEventLine,
    StayMail, StayMailKind,
};
use deskvisa_rules::{ClusterId, EventId, Locale, MailFamily, MailKind, MemberId, StayId, StayStatus};
use deskvisa_store::{MailRow, NewMail};

use crate::Service;
use crate::error::ServiceError;
use crate::mail_events::{EventNotice, StayEvent, to_member};

/// How the worker delivers email.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Rows claimed per round.
    pub batch: u32,
    /// Messages sent at once.
    pub concurrency: usize,
    /// How long a claimed row is the claimer's: longer than a batch takes
    /// to send, so a live worker never loses its rows to another.
    pub lease: TimeDelta,
    /// The first retry's delay; each further retry doubles it.
    pub retry_base: TimeDelta,
    /// The longest delay between two tries.
    pub retry_max: TimeDelta,
    /// Tries before a transiently failing message becomes a dead letter.
    pub max_attempts: u32,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            batch: 64,
            concurrency: 4,
            lease: TimeDelta::minutes(5),
            retry_base: TimeDelta::seconds(30),
            retry_max: TimeDelta::hours(1),
            // With the defaults: about two days of trying.
            max_attempts: 60,
        }
    }
}

/// A transport and how to use it.
#[derive(Debug)]
pub struct Mailer {
    sender: Sender,
    config: DeliveryConfig,
}

impl Mailer {
    /// Delivers through `sender` as `config` says.
    pub fn new(sender: Sender, config: DeliveryConfig) -> Self {
        let config = DeliveryConfig { batch: config.batch.max(1), concurrency: config.concurrency.max(1), ..config };
        Mailer { sender, config }
    }

    /// How it delivers.
    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }
}

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages handed to the transport.
    pub sent: usize,
    /// Messages that failed transiently and wait for another try.
    pub retried: usize,
    /// Messages that became dead letters.
    pub dead: usize,
    /// Rows for a cluster's admins split into one row per admin.
    pub expanded: usize,
}

impl DeliveryReport {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Sent => self.sent += 1,
            Outcome::Retry => self.retried += 1,
            Outcome::Dead => self.dead += 1,
            Outcome::Expanded => self.expanded += 1,
        }
    }
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Sent,
    Retry,
    Dead,
    Expanded,
}

/// Who a row is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    Member(MemberId),
    Admins(ClusterId),
}

impl Recipient {
    fn parse(text: &str) -> Option<Recipient> {
        let (scope, id) = text.split_once(':')?;
        let id = uuid::Uuid::parse_str(id).ok()?;
        match scope {
            "member" => Some(Recipient::Member(MemberId::from_uuid(id))),
            "admins" => Some(Recipient::Admins(ClusterId::from_uuid(id))),
            _ => None,
        }
    }
}

/// The delay before try `attempts + 1`, after `attempts` failed tries:
/// `base · 2^(attempts-1)`, at most `max`, times a jitter factor in
/// `[0.5, 1.5)` (`unit` is a uniform draw in `[0, 1)`), so that messages
/// that failed together do not all come back together.
pub fn backoff(attempts: u32, base: TimeDelta, max: TimeDelta, unit: f64) -> TimeDelta {
    let exponent = attempts.saturating_sub(1).min(30);
    let base_ms = base.num_milliseconds().max(1) as f64;
    let max_ms = max.num_milliseconds().max(1) as f64;
    let delay = (base_ms * f64::from(1u32 << exponent)).min(max_ms);
    let factor = 0.5 + unit.clamp(0.0, 1.0);
    TimeDelta::milliseconds((delay * factor).round() as i64)
}

/// A uniform draw in `[0, 1)` from the OS's randomness (via uuid v4).
fn unit_draw() -> f64 {
    (uuid::Uuid::new_v4().as_u128() as u32) as f64 / (f64::from(u32::MAX) + 1.0)
}

/// Text for the outbox's `last_error`: one line, bounded.
fn error_text(err: &str) -> String {
    err.chars().map(|c| if c.is_control() { ' ' } else { c }).take(500).collect()
}

impl Service {
    /// Delivers every email due now, `mailer.config().concurrency` at a time,
    /// until none is due; returns what it did. Sends run back to back: the
    /// next batch is claimed as soon as the last one is handed out, so no
    /// sender waits for the slowest of a batch.
    pub async fn deliver_mail(&self, mailer: &Arc<Mailer>) -> Result<DeliveryReport, ServiceError> {
        let (_keep, never) = tokio::sync::watch::channel(false);
        self.deliver_mail_until(mailer, &never).await
    }

    /// [`Self::deliver_mail`], claiming nothing more once `stop` turns true:
    /// the sends in flight finish and are marked, rows claimed but not
    /// started are given back, due at once for another worker.
    pub async fn deliver_mail_until(
        &self,
        mailer: &Arc<Mailer>,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> Result<DeliveryReport, ServiceError> {
        let mut report = DeliveryReport::default();
        let mut queue: std::collections::VecDeque<MailRow> = std::collections::VecDeque::new();
        // When the rows in `queue` were claimed: past half their lease they
        // are given back and claimed afresh, so no row is sent on a lease
        // that may have run out (and been taken by another worker).
        let mut claimed_at = self.now();
        let mut tasks = tokio::task::JoinSet::new();
        let mut exhausted = false;
        let mut failure = None;
        let mut expanded_seen = 0;
        // A permit is one email in flight: from its SMTP exchange until its
        // outcome is marked, so a process that dies has at most
        // `concurrency` emails sent and unmarked (each sent again, with its
        // Message-ID, when its lease runs out).
        let sending = Arc::new(tokio::sync::Semaphore::new(mailer.config.concurrency));
        loop {
            while tasks.len() < 2 * mailer.config.concurrency {
                if *stop.borrow() {
                    exhausted = true;
                    self.give_back(&mut queue).await;
                    break;
                }
                if queue.is_empty() {
                    if exhausted {
                        break;
                    }
                    match self.claim_due(mailer).await {
                        Ok(rows) if rows.is_empty() => {
                            exhausted = true;
                            break;
                        }
                        Ok(rows) => {
                            claimed_at = self.now();
                            queue.extend(rows);
                        }
                        Err(err) => {
                            // Let the sends in flight finish before answering.
                            failure = Some(err);
                            exhausted = true;
                            break;
                        }
                    }
                }
                let Ok(permit) = sending.clone().acquire_owned().await else {
                    break;
                };
                if self.now() >= claimed_at + mailer.config.lease / 2 {
                    self.give_back(&mut queue).await;
                    continue;
                }
                let Some(row) = queue.pop_front() else {
                    break;
                };
                let (service, mailer) = (self.clone(), mailer.clone());
                tasks.spawn(async move {
                    let (id, attempts) = (row.id, row.attempts);
                    (id, attempts, service.deliver_row(&mailer, row, permit).await)
                });
            }
            match tasks.join_next().await {
                Some(Ok((_, _, Ok(outcome)))) => report.add(outcome),
                Some(Ok((id, attempts, Err(err)))) => self.mark_failed(mailer, &mut report, id, attempts, &err).await,
                Some(Err(err)) => tracing::error!(error = %err, "an email delivery task failed"),
                None => {
                    if let Some(err) = failure {
                        return Err(err);
                    }
                    // Rows written during this run (one per admin) are due
                    // too; with none written, this run is done.
                    if *stop.borrow() || report.expanded == expanded_seen {
                        return Ok(report);
                    }
                    expanded_seen = report.expanded;
                    exhausted = false;
                }
            }
        }
    }

    /// Gives the claimed rows not started back, due at once for any worker.
    async fn give_back(&self, queue: &mut std::collections::VecDeque<MailRow>) {
        let unstarted: Vec<uuid::Uuid> = queue.drain(..).map(|row| row.id).collect();
        if let Err(err) = self.store.release_mail(&unstarted).await {
            tracing::warn!(error = %err, "giving back unsent emails failed; their leases run out");
        }
    }

    async fn claim_due(&self, mailer: &Mailer) -> Result<Vec<MailRow>, ServiceError> {
        let now = self.now();
        if !self.store.mail_due(now).await? {
            return Ok(Vec::new());
        }
        Ok(self.store.claim_mail(mailer.config.batch, now, mailer.config.lease).await?)
    }

    async fn deliver_row(
        &self,
        mailer: &Mailer,
        row: MailRow,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Result<Outcome, ServiceError> {
        let addressed = match (row.kind, Recipient::parse(&row.recipient)) {
            (Some(kind), Some(Recipient::Admins(cluster))) => return self.expand_to_admins(&row, kind, cluster).await,
            (Some(kind), Some(Recipient::Member(member))) => (kind, member),
            _ => {
                let why = format!("unknown kind `{}` or recipient `{}`", row.kind_name, row.recipient);
                self.give_up(&row, &why).await?;
                return Ok(Outcome::Dead);
            }
        };
        let (kind, member) = addressed;
        // Each family has its renderer. What the email is about may have gone
        // meanwhile (the stay erased, the link used): then nothing is sent.
        let now = self.now();
        let written = match kind.family() {
            MailFamily::Stay => {
                let mail = match StayMailKind::of(kind) {
                    Some(kind) => self.compose(kind, member, &row.payload).await?,
                    None => None,
                };
                mail.map(|m| (deskvisa_mail::render(&m, now), m.recipient_name, m.recipient_email, m.locale))
                    .ok_or("the recipient, or what the email is about, no longer exists")
            }
            MailFamily::Event => {
                let mail = match EventMailKind::of(kind) {
                    Some(kind) => self.compose_event_mail(kind, member, &row.payload).await?,
                    None => None,
                };
                mail.map(|m| (deskvisa_mail::render_event(&m, now), m.recipient_name, m.recipient_email, m.locale))
                    .ok_or("the recipient, or the event, no longer exists")
            }
            MailFamily::Introduction => {
                let mail = match IntroductionKind::of(kind) {
                    Some(kind) => self.compose_introduction(kind, member, &row.payload).await?,
                    None => None,
                };
                mail.map(|m| (deskvisa_mail::render_introduction(&m), m.recipient_name, m.recipient_email, m.locale))
                    .ok_or("the recipient, or the introduction, no longer exists")
            }
            MailFamily::Waitlist => {
                let mail = match deskvisa_mail::WaitlistKind::of(kind) {
                    Some(kind) => self.compose_waitlist(kind, member, &row.payload).await?,
                    None => None,
                };
                mail.map(|(m, email)| (deskvisa_mail::render_waitlist(&m), m.recipient_name, email, m.locale))
                    .ok_or("the recipient, or the place in line, no longer exists")
            }
            MailFamily::Delegation => {
                let mail = match deskvisa_mail::DelegationKind::of(kind) {
                    Some(kind) => self.compose_delegation(kind, member, &row.payload).await?,
                    None => None,
                };
                mail.map(|m| (deskvisa_mail::render_delegation(&m), m.recipient_name, m.recipient_email, m.locale))
                    .ok_or("the recipient, or the delegation, no longer exists")
            }
            MailFamily::Account => {
                let mail = match AccountKind::of(kind) {
                    Some(kind) => self.compose_account(kind, &row.payload).await?,
                    None => None,
                };
                mail.map(|m| (deskvisa_mail::render_account(&m), m.recipient_name, m.recipient_email, m.locale))
                    .ok_or("the sign-in link was used or expired before it could be sent")
            }
        };
        match written {
            Ok((rendered, name, email, locale)) => {
                self.send(mailer, &row, &rendered, (name.as_str(), email.as_str()), &locale, permit).await
            }
            Err(why) => {
                self.give_up(&row, why).await?;
                Ok(Outcome::Dead)
            }
        }
    }

    /// A delivery that failed for a reason not the mail server's (the
    /// database, most likely): tried again after a backoff, and not for ever.
    async fn mark_failed(
        &self,
        mailer: &Mailer,
        report: &mut DeliveryReport,
        id: uuid::Uuid,
        attempts: i32,
        err: &ServiceError,
    ) {
        let attempts = u32::try_from(attempts).unwrap_or(0);
        let marked = if attempts >= mailer.config.max_attempts {
            report.dead += 1;
            self.store.mail_dead(id, &error_text(&err.to_string())).await
        } else {
            report.retried += 1;
            let delay = backoff(attempts, mailer.config.retry_base, mailer.config.retry_max, unit_draw());
            self.store.mail_retry(id, self.now() + delay, &error_text(&err.to_string())).await
        };
        tracing::warn!(outbox = %id, error = %err, "delivering an email failed; it will be tried again");
        if let Err(err) = marked {
            tracing::warn!(outbox = %id, error = %err, "marking the failure failed too; its lease runs out");
        }
    }

    /// Replaces a row for a cluster's admins by one row per admin.
    async fn expand_to_admins(
        &self,
        row: &MailRow,
        kind: MailKind,
        cluster: ClusterId,
    ) -> Result<Outcome, ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let admins = tx.cluster_admins(cluster).await?;
        if admins.is_empty() {
            tracing::warn!(outbox = %row.id, %cluster, kind = %row.kind_name, "no admin to tell: the email is dropped");
        }
        let mails: Vec<NewMail> = admins
            .iter()
            .map(|admin| NewMail { kind, recipient: to_member(admin.id), payload: row.payload.clone() })
            .collect();
        tx.expand_mail(row.id, &mails, now).await?;
        tx.commit().await?;
        Ok(Outcome::Expanded)
    }

    async fn send(
        &self,
        mailer: &Mailer,
        row: &MailRow,
        rendered: &deskvisa_mail::Rendered,
        (to_name, to_email): (&str, &str),
        locale: &str,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) -> Result<Outcome, ServiceError> {
        let sent = mailer.sender.send(&row.id.to_string(), rendered, to_name, to_email).await;
        let attempts = u32::try_from(row.attempts).unwrap_or(0);
        let outcome = match &sent {
            Ok(()) => Outcome::Sent,
            Err(SendError::Transient(_)) if attempts < mailer.config.max_attempts => Outcome::Retry,
            Err(_) => Outcome::Dead,
        };
        // Marking must not be lost to a passing database hiccup: a message
        // sent and left unmarked is sent again when its lease runs out.
        let mut tries = 0;
        loop {
            let now = self.now();
            let marked = match (&sent, outcome) {
                (Ok(()), _) => self.store.mail_sent(row.id, locale, now).await,
                (Err(err), Outcome::Retry) => {
                    let delay = backoff(attempts, mailer.config.retry_base, mailer.config.retry_max, unit_draw());
                    self.store.mail_retry(row.id, now + delay, &error_text(&err.to_string())).await
                }
                (Err(err), _) => self.store.mail_dead(row.id, &error_text(&err.to_string())).await,
            };
            match marked {
                Ok(()) => break,
                Err(err) if tries < 5 => {
                    tries += 1;
                    tracing::debug!(error = %err, "marking an email failed; trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(20 << tries)).await;
                }
                Err(err) => return Err(err.into()),
            }
        }
        drop(permit);
        let kind = row.kind_name.clone();
        match (&sent, outcome) {
            (Ok(()), _) => {
                metrics::counter!("deskvisa_mail_sent_total", "kind" => kind).increment(1);
                tracing::debug!(outbox = %row.id, kind = %row.kind_name, "email sent");
            }
            (Err(err), Outcome::Retry) => {
                metrics::counter!("deskvisa_mail_failures_total", "kind" => kind, "outcome" => "retry").increment(1);
                tracing::info!(outbox = %row.id, attempts, error = %err, "email not delivered yet; will retry");
            }
            (Err(err), _) => {
                metrics::counter!("deskvisa_mail_failures_total", "kind" => kind, "outcome" => "dead").increment(1);
                tracing::warn!(outbox = %row.id, attempts, error = %err, "email failed for good: dead letter");
            }
        }
        Ok(outcome)
    }

    async fn give_up(&self, row: &MailRow, why: &str) -> Result<(), ServiceError> {
        tracing::warn!(outbox = %row.id, kind = %row.kind_name, why, "email cannot be written: dead letter");
        metrics::counter!("deskvisa_mail_failures_total", "kind" => row.kind.map_or("unknown", MailKind::as_str), "outcome" => "dead").increment(1);
        Ok(self.store.mail_dead(row.id, why).await?)
    }

    /// Writes the email of `kind` for `recipient` from `payload` (a
    /// [`StayEvent`]) and the database as it is now; `None` when the
    /// recipient or the stay no longer exists.
    pub async fn compose(
        &self,
        kind: StayMailKind,
        recipient: MemberId,
        payload: &str,
    ) -> Result<Option<StayMail>, ServiceError> {
        let Ok(event) = serde_json::from_str::<StayEvent>(payload) else {
            return Ok(None);
        };
        self.compose_event(kind, recipient, event).await
    }

    /// Writes the email of `kind` for `recipient` about `event`.
    pub(crate) async fn compose_event(
        &self,
        kind: StayMailKind,
        recipient: MemberId,
        event: StayEvent,
    ) -> Result<Option<StayMail>, ServiceError> {
        let Some(facts) = self.store.mail_facts(StayId::from_uuid(event.stay), recipient).await? else {
            return Ok(None);
        };
        let status = facts.stay_status()?;
        let stay = StayId::from_uuid(facts.stay_id);
        let events = if kind == StayMailKind::StayApproved {
            self.store
                .events_during_stay(stay)
                .await?
                .into_iter()
                .map(|e| StayEventLine {
                    seats_left: e.seats_left(),
                    title: e.title,
                    starts_at: e.starts_at,
                    ends_at: e.ends_at,
                    open_to_visitors: e.open_to_visitors,
                })
                .collect()
        } else {
            Vec::new()
        };
        // What the visitor needs on arriving goes with the approval and the reminder.
        let arrival = if matches!(kind, StayMailKind::StayApproved | StayMailKind::StayReminder) {
            Some(self.store.arrival_pack(deskvisa_rules::SiteId::from_uuid(facts.site_id)).await?)
                .filter(|p| !p.is_empty())
        } else {
            None
        };
        Ok(Some(StayMail {
            events,
            arrival,
            kind,
            locale: facts.context.recipient_locale,
            recipient_name: facts.context.recipient_name,
            recipient_email: facts.context.recipient_email,
            member_name: facts.member_name,
            member_email: facts.member_email,
            member_company: facts.member_company,
            site_name: facts.context.site_name,
            site_address: facts.context.site_address,
            site_timezone: facts.context.site_timezone,
            site_contact_email: facts.context.site_contact_email,
            house_rules: facts.house_rules,
            host_cluster_name: facts.context.host_cluster_name,
            stay_id: stay.to_string(),
            start_date: facts.start_date,
            end_date: facts.end_date,
            days: facts.days,
            purpose: facts.purpose,
            reason: event.reason,
            answer_deadline: (status == StayStatus::Pending).then_some(facts.answer_deadline).flatten(),
            sequence: event.sequence,
            had_been_approved: event.had_been_approved,
            stay_url: self.stay_url(stay),
            moved_from: event.moved_from,
        }))
    }

    /// Writes the introduction email of `kind` for `recipient` from
    /// `payload` (an [`crate::IntroductionNotice`]) and the database as it is
    /// now; `None` when the introduction is gone or `recipient` is not the
    /// party the row names.
    pub async fn compose_introduction(
        &self,
        kind: IntroductionKind,
        recipient: MemberId,
        payload: &str,
    ) -> Result<Option<IntroductionMail>, ServiceError> {
        let Ok(notice) = serde_json::from_str::<crate::IntroductionNotice>(payload) else {
            return Ok(None);
        };
        let id = deskvisa_rules::IntroductionId::from_uuid(notice.introduction);
        let Some(intro) = self.store.read_introduction(id).await? else {
            return Ok(None);
        };
        let (to, other) =
            if notice.to_visitor { (&intro.visitor, &intro.contact) } else { (&intro.contact, &intro.visitor) };
        // The email goes to whom the outbox row names, and only to a party of it.
        if to.member != recipient {
            return Ok(None);
        }
        // Each learns the other's address only once the contact has accepted.
        let accepted = kind == IntroductionKind::IntroductionAccepted;
        let base = self.public_url.trim_end_matches('/');
        let link = match (kind, notice.to_visitor) {
            (IntroductionKind::IntroductionRequested, _) => format!("{base}/introductions/{id}"),
            (IntroductionKind::IntroductionLapsed, _) | (_, false) => format!("{base}/introductions"),
            (_, true) => format!("{base}/stays/{}", intro.stay),
        };
        Ok(Some(IntroductionMail {
            kind,
            locale: to.locale.as_str().to_owned(),
            recipient_name: to.name.clone(),
            recipient_email: to.email.clone(),
            to_visitor: notice.to_visitor,
            visitor_name: intro.visitor.name.clone(),
            visitor_firm: intro.visitor.firm_name.clone(),
            visitor_cluster: intro.visitor.cluster_name.clone(),
            visitor_email: (accepted && !notice.to_visitor).then(|| other.email.clone()),
            firm_name: intro.contact.firm_name.clone(),
            contact_name: (accepted && notice.to_visitor).then(|| other.name.clone()),
            contact_email: (accepted && notice.to_visitor).then(|| other.email.clone()),
            host_cluster: intro.contact.cluster_name.clone(),
            site_name: intro.site_name.clone(),
            site_address: intro.site_address.clone(),
            start_date: intro.start_date,
            end_date: intro.end_date,
            note: intro.note.clone(),
            link,
            stay_cancelled: intro.stay_status == StayStatus::Cancelled,
        }))
    }

    /// Writes the event email of `kind` for `recipient` from `payload` (an
    /// [`EventNotice`]) and the database as it is now; `None` when the
    /// recipient or the event no longer exists.
    pub async fn compose_event_mail(
        &self,
        kind: EventMailKind,
        recipient: MemberId,
        payload: &str,
    ) -> Result<Option<EventMail>, ServiceError> {
        let Ok(notice) = serde_json::from_str::<EventNotice>(payload) else {
            return Ok(None);
        };
        let event = EventId::from_uuid(notice.event);
        let Some(facts) = self.store.event_mail_facts(event, recipient).await? else {
            return Ok(None);
        };
        let reason = if notice.by_member {
            Some(
                match Locale::parse(&facts.context.recipient_locale).unwrap_or_default() {
                    Locale::En => "You withdrew your registration yourself.",
                    Locale::Pl => "Zapis wycofano na Twoją prośbę.",
                }
                .to_owned(),
            )
        } else {
            notice.reason.or_else(|| {
                (kind == EventMailKind::EventCancelled).then(|| facts.event.cancel_reason.clone()).flatten()
            })
        };
        Ok(Some(EventMail {
            kind,
            locale: facts.context.recipient_locale,
            recipient_name: facts.context.recipient_name,
            recipient_email: facts.context.recipient_email,
            event_id: event.to_string(),
            title: facts.event.title,
            description: facts.event.description,
            site_name: facts.context.site_name,
            site_address: facts.context.site_address,
            site_timezone: facts.context.site_timezone,
            site_contact_email: facts.context.site_contact_email,
            host_cluster_name: facts.context.host_cluster_name,
            starts_at: facts.event.starts_at,
            ends_at: facts.event.ends_at,
            sequence: notice.sequence,
            reason,
            event_url: format!("{}/events/{event}", self.public_url.trim_end_matches('/')),
        }))
    }

    /// The page of a stay, from the configured public URL (never from a
    /// request's Host header).
    pub(crate) fn stay_url(&self, stay: StayId) -> String {
        format!("{}/stays/{stay}", self.public_url.trim_end_matches('/'))
    }

    /// The outbox's dead letters, newest first.
    pub async fn failed_mail(&self) -> Result<Vec<MailRow>, ServiceError> {
        Ok(self.store.dead_mail().await?)
    }

    /// Puts one email back in the queue, due now (a dead letter, or a sent
    /// message to send again); `NotFound` when there is no such email.
    pub async fn retry_mail(&self, id: uuid::Uuid) -> Result<MailRow, ServiceError> {
        if !self.store.requeue_mail(id, self.now()).await? {
            return Err(ServiceError::NotFound);
        }
        self.store.mail(id).await?.ok_or(ServiceError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling_with_jitter_around_it() {
        let (base, max) = (TimeDelta::seconds(30), TimeDelta::hours(1));
        assert_eq!(backoff(1, base, max, 0.5), TimeDelta::seconds(30));
        assert_eq!(backoff(2, base, max, 0.5), TimeDelta::seconds(60));
        assert_eq!(backoff(5, base, max, 0.5), TimeDelta::seconds(480));
        assert_eq!(backoff(20, base, max, 0.5), TimeDelta::hours(1));
        assert_eq!(backoff(u32::MAX, base, max, 0.5), TimeDelta::hours(1));
        // Jitter spreads a delay over [0.5, 1.5) of it.
        assert_eq!(backoff(1, base, max, 0.0), TimeDelta::seconds(15));
        assert_eq!(backoff(1, base, max, 0.999), TimeDelta::milliseconds(44_970));
        for _ in 0..1000 {
            let d = backoff(3, base, max, unit_draw());
            assert!(d >= TimeDelta::seconds(60) && d < TimeDelta::seconds(180), "{d}");
        }
    }

    #[test]
    fn recipients_are_a_member_or_a_clusters_admins() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(Recipient::parse(&format!("member:{id}")), Some(Recipient::Member(MemberId::from_uuid(id))));
        assert_eq!(Recipient::parse(&format!("admins:{id}")), Some(Recipient::Admins(ClusterId::from_uuid(id))));
        assert_eq!(Recipient::parse("member:nope"), None);
        assert_eq!(Recipient::parse(&format!("others:{id}")), None);
        assert_eq!(Recipient::parse("anna@example.org"), None);
    }

    #[test]
    fn error_text_is_one_bounded_line() {
        let text = error_text(&format!("550 no\r\nsuch user {}", "x".repeat(1000)));
        assert!(!text.contains(['\r', '\n']));
        assert_eq!(text.chars().count(), 500);
    }
}
