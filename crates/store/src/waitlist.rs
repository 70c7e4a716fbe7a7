//! The waitlist (issue 23): entries in line for exact dates at a site, in
//! order of joining. Each change of an entry is a compare-and-swap from the
//! status it was read in, so two workers offer and lapse each entry once;
//! an offer's desks are taken with the same guarded update as a stay's
//! ([`Tx::hold_days`]) and listed in `waitlist_days`, so the desk counters
//! still equal what holds them.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{MemberId, SiteId, StayId, WaitStatus};
use sea_orm::FromQueryResult;

use crate::error::StoreError;
use crate::tx::Tx;

/// One entry of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct WaitEntry {
    pub id: uuid::Uuid,
    pub member: MemberId,
    pub site: SiteId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: WaitStatus,
    /// When the member joined: the order of the line.
    pub joined_at: DateTime<Utc>,
    /// When desks were offered.
    pub offered_at: Option<DateTime<Utc>>,
    /// Until when the offer holds them.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// When it was accepted, lapsed or left.
    pub ended_at: Option<DateTime<Utc>>,
    /// The stay an accepted offer became.
    pub stay: Option<StayId>,
    /// The days an offer holds.
    pub days: Vec<NaiveDate>,
}

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    member_id: uuid::Uuid,
    site_id: uuid::Uuid,
    start_date: NaiveDate,
    end_date: NaiveDate,
    status: String,
    joined_at: DateTime<Utc>,
    offered_at: Option<DateTime<Utc>>,
    offer_expires_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    stay_id: Option<uuid::Uuid>,
}

const COLUMNS: &str =
    "id, member_id, site_id, start_date, end_date, status, joined_at, offered_at, offer_expires_at, ended_at, stay_id";

impl Row {
    fn entry(self, days: Vec<NaiveDate>) -> Result<WaitEntry, StoreError> {
        Ok(WaitEntry {
            id: self.id,
            member: MemberId::from_uuid(self.member_id),
            site: SiteId::from_uuid(self.site_id),
            start_date: self.start_date,
            end_date: self.end_date,
            status: WaitStatus::parse(&self.status)
                .ok_or_else(|| StoreError::Corrupt(format!("waitlist status `{}`", self.status)))?,
            joined_at: self.joined_at,
            offered_at: self.offered_at,
            offer_expires_at: self.offer_expires_at,
            ended_at: self.ended_at,
            stay: self.stay_id.map(StayId::from_uuid),
            days,
        })
    }
}

impl Tx {
    /// Puts a member in line.
    pub async fn join_waitlist(&self, entry: &WaitEntry) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO waitlist (id, member_id, site_id, start_date, end_date, status, joined_at) \
             VALUES ($1, $2, $3, $4, $5, 'waiting', $6)",
            vec![
                entry.id.into(),
                entry.member.as_uuid().into(),
                entry.site.as_uuid().into(),
                entry.start_date.into(),
                entry.end_date.into(),
                entry.joined_at.into(),
            ],
        )
        .await
        .map(drop)
    }

    /// An entry with the days its offer holds; PostgreSQL locks its row
    /// with `for_update`.
    pub async fn wait_entry(&self, id: uuid::Uuid, for_update: bool) -> Result<Option<WaitEntry>, StoreError> {
        let lock = if for_update && self.is_postgres() { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT {COLUMNS} FROM waitlist WHERE id = $1{lock}");
        let Some(row) = self.rows::<Row>(&sql, vec![id.into()]).await?.pop() else {
            return Ok(None);
        };
        let days = self.offer_days(id).await?;
        row.entry(days).map(Some)
    }

    async fn offer_days(&self, id: uuid::Uuid) -> Result<Vec<NaiveDate>, StoreError> {
        #[derive(FromQueryResult)]
        struct Day {
            date: NaiveDate,
        }
        let days: Vec<Day> =
            self.rows("SELECT date FROM waitlist_days WHERE entry_id = $1 ORDER BY date", vec![id.into()]).await?;
        Ok(days.into_iter().map(|d| d.date).collect())
    }

    /// A member's entries, live ones first, then the latest ended, at most `limit`.
    pub async fn member_waitlist(&self, member: MemberId, limit: u64) -> Result<Vec<WaitEntry>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM waitlist WHERE member_id = $1 \
             ORDER BY CASE WHEN status IN ('waiting', 'offered') THEN 0 ELSE 1 END, joined_at DESC, id LIMIT $2"
        );
        let rows: Vec<Row> = self.rows(&sql, vec![member.as_uuid().into(), limit.cast_signed().into()]).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let days = self.offer_days(row.id).await?;
            entries.push(row.entry(days)?);
        }
        Ok(entries)
    }

    /// The member's live entries at a site (to refuse waiting twice for
    /// overlapping dates) and how many live entries they have anywhere.
    pub async fn live_waits(&self, member: MemberId) -> Result<Vec<WaitEntry>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM waitlist WHERE member_id = $1 AND status IN ('waiting', 'offered')");
        let rows: Vec<Row> = self.rows(&sql, vec![member.as_uuid().into()]).await?;
        rows.into_iter().map(|r| r.entry(Vec::new())).collect()
    }

    /// An entry's place in line: 1 + the live entries at its site, for
    /// dates overlapping its own, that joined before it.
    pub async fn place_in_line(&self, entry: &WaitEntry) -> Result<u64, StoreError> {
        #[derive(FromQueryResult)]
        struct Count {
            n: i64,
        }
        let ahead: Vec<Count> = self
            .rows(
                "SELECT COUNT(*) AS n FROM waitlist WHERE site_id = $1 AND status IN ('waiting', 'offered') \
                 AND start_date <= $3 AND end_date >= $2 AND (joined_at < $4 OR (joined_at = $4 AND id < $5))",
                vec![
                    entry.site.as_uuid().into(),
                    entry.start_date.into(),
                    entry.end_date.into(),
                    entry.joined_at.into(),
                    entry.id.into(),
                ],
            )
            .await?;
        Ok(ahead.first().map_or(0, |c| c.n.unsigned_abs()) + 1)
    }

    /// The sites with members waiting, at most `limit`.
    pub async fn sites_with_line(&self, limit: u64) -> Result<Vec<SiteId>, StoreError> {
        #[derive(FromQueryResult)]
        struct Site {
            site_id: uuid::Uuid,
        }
        let rows: Vec<Site> = self
            .rows(
                "SELECT DISTINCT site_id FROM waitlist WHERE status = 'waiting' ORDER BY site_id LIMIT $1",
                vec![limit.cast_signed().into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| SiteId::from_uuid(r.site_id)).collect())
    }

    /// A site's waiting entries for dates from `from` on, in order of
    /// joining, at most `limit`.
    pub async fn line_at(&self, site: SiteId, from: NaiveDate, limit: u64) -> Result<Vec<WaitEntry>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM waitlist WHERE site_id = $1 AND status = 'waiting' AND start_date >= $2 \
             ORDER BY joined_at, id LIMIT $3"
        );
        let rows: Vec<Row> =
            self.rows(&sql, vec![site.as_uuid().into(), from.into(), limit.cast_signed().into()]).await?;
        rows.into_iter().map(|r| r.entry(Vec::new())).collect()
    }

    /// Waiting entries whose first day has come (they can no longer be
    /// offered), at most `limit`.
    pub async fn stale_waits(&self, today: NaiveDate, limit: u64) -> Result<Vec<uuid::Uuid>, StoreError> {
        #[derive(FromQueryResult)]
        struct Id {
            id: uuid::Uuid,
        }
        let rows: Vec<Id> = self
            .rows(
                "SELECT id FROM waitlist WHERE status = 'waiting' AND start_date <= $1 ORDER BY id LIMIT $2",
                vec![today.into(), limit.cast_signed().into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Offers whose hold has run out at `now`, at most `limit`.
    pub async fn offers_due(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<uuid::Uuid>, StoreError> {
        #[derive(FromQueryResult)]
        struct Id {
            id: uuid::Uuid,
        }
        let rows: Vec<Id> = self
            .rows(
                "SELECT id FROM waitlist WHERE status = 'offered' AND offer_expires_at <= $1 \
                 ORDER BY offer_expires_at LIMIT $2",
                vec![now.into(), limit.cast_signed().into()],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Offers `days` to a waiting entry until `expires`: the entry moves
    /// from `waiting` (`false` if it had moved already), then the desks are
    /// taken with the guarded update (`Err` with the full days: the caller
    /// drops the transaction).
    pub async fn offer(
        &self,
        entry: &WaitEntry,
        days: &[NaiveDate],
        desks: u32,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<Result<bool, Vec<NaiveDate>>, StoreError> {
        let moved = self
            .run(
                "UPDATE waitlist SET status = 'offered', offered_at = $2, offer_expires_at = $3 \
                 WHERE id = $1 AND status = 'waiting'",
                vec![entry.id.into(), now.into(), expires.into()],
            )
            .await?;
        if moved != 1 {
            return Ok(Ok(false));
        }
        if let Err(full) = self.hold_days(entry.site, desks, days).await? {
            return Ok(Err(full));
        }
        for date in days {
            self.run(
                "INSERT INTO waitlist_days (entry_id, site_id, date) VALUES ($1, $2, $3)",
                vec![entry.id.into(), entry.site.as_uuid().into(), (*date).into()],
            )
            .await?;
        }
        Ok(Ok(true))
    }

    /// Ends an entry read as `from` (`false` if it had moved since),
    /// releasing the desks an offer held; `stay` for an accepted offer.
    pub async fn end_wait(
        &self,
        entry: &WaitEntry,
        from: WaitStatus,
        to: WaitStatus,
        stay: Option<StayId>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let moved = self
            .run(
                "UPDATE waitlist SET status = $3, ended_at = $4, stay_id = $5 WHERE id = $1 AND status = $2",
                vec![
                    entry.id.into(),
                    from.as_str().into(),
                    to.as_str().into(),
                    now.into(),
                    stay.map(|s| s.as_uuid()).into(),
                ],
            )
            .await?;
        if moved != 1 {
            return Ok(false);
        }
        let days = self.offer_days(entry.id).await?;
        if !days.is_empty() {
            self.run("DELETE FROM waitlist_days WHERE entry_id = $1", vec![entry.id.into()]).await?;
            self.release_days(entry.site, &days).await?;
        }
        Ok(true)
    }

    /// Removes a member's places in line (erasure), giving back the desks
    /// an open offer held.
    pub async fn drop_member_waits(&self, member: MemberId) -> Result<(), StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM waitlist WHERE member_id = $1 AND status = 'offered'");
        let offered: Vec<Row> = self.rows(&sql, vec![member.as_uuid().into()]).await?;
        for row in offered {
            let site = SiteId::from_uuid(row.site_id);
            let days = self.offer_days(row.id).await?;
            self.run("DELETE FROM waitlist_days WHERE entry_id = $1", vec![row.id.into()]).await?;
            self.release_days(site, &days).await?;
        }
        self.run("DELETE FROM waitlist WHERE member_id = $1", vec![member.as_uuid().into()]).await.map(drop)
    }
}
