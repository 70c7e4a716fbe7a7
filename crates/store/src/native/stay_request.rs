//! What a stay request reads and writes, on the writer thread: the same
//! statements as [`crate::Tx`]'s `hit`, `stay_snapshot`, `hold_days`,
//! `insert_stay` and `link_key`, run synchronously through rusqlite.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{Answers, ClusterId, DeskLoad, MemberId, SiteCalendar, SiteId, Snapshot, StayId, StayRequest};

use super::NativeTx;
use super::values::required;
use crate::desks::{full_days, sqlite_hold};
use crate::error::StoreError;
use crate::hosting::{APPROVED, OFFERS, OfferRow, REFUSED, answers_of, answers_since, hosting_from};
use crate::idempotency::key_link;
use crate::sign_in::HIT;
use crate::snapshot::{
    MEMBER_STAYS, SITE_DAYS, SNAPSHOT, SnapshotError, SnapshotRow, StayWindow, calendar_and_load, member_stay,
};
use crate::stays::stay_statements;
use crate::{HistoryEntry, NewMail, NewStay};

impl NativeTx<'_> {
    /// Counts one hit on `bucket` in the window starting at `window_start`:
    /// the hits so far in it, this one included.
    pub fn hit(&self, bucket: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        let hits = self.rows(HIT, &[bucket.into(), window_start.into(), 1i32.into()], |row| row.int(0))?;
        let hits = hits.into_iter().next().flatten().unwrap_or(1);
        Ok(u32::try_from(hits).unwrap_or(u32::MAX))
    }

    /// Everything `decide` needs for `request` by `member` at `site`.
    pub fn stay_snapshot(
        &self,
        member_id: MemberId,
        site_id: SiteId,
        request: &StayRequest,
        now: DateTime<Utc>,
    ) -> Result<Snapshot, SnapshotError> {
        let values = [member_id.as_uuid().into(), site_id.as_uuid().into()];
        let Some(row) = self.rows(SNAPSHOT, &values, snapshot_row)?.into_iter().next() else {
            let member = self.rows("SELECT 1 FROM members WHERE id = $1", &[member_id.as_uuid().into()], |_| Ok(()))?;
            return Err(if member.is_empty() { SnapshotError::UnknownMember } else { SnapshotError::UnknownSite });
        };
        let window = StayWindow::of(request);
        let member_stays = self.rows(MEMBER_STAYS, &window.values(member_id), |row| {
            member_stay(
                required(row.uuid(0)?, "stays.id")?,
                required(row.uuid(1)?, "stays.site_id")?,
                required(row.uuid(2)?, "stays.host_cluster_id")?,
                (required(row.date(3)?, "stays.start_date")?, required(row.date(4)?, "stays.end_date")?),
                &required(row.text(5)?, "stays.status")?,
                required(row.bool(6)?, "stays.no_show")?,
            )
        })?;
        let days = self.site_days(site_id, row.site_open_weekdays, window.first, window.last)?;
        let home = ClusterId::from_uuid(row.home_id);
        let offers = self.rows(OFFERS, &[home.as_uuid().into()], |row| {
            Ok(OfferRow {
                site_id: required(row.uuid(0)?, "sites.id")?,
                timezone: required(row.text(1)?, "sites.timezone")?,
                at: row.time(2)?,
                desks: row.int32(3)?,
                open_weekdays: row.int32(4)?.map(|n| i16::try_from(n).unwrap_or(-1)),
                closed_on: row.date(5)?,
            })
        })?;
        let hosting = hosting_from(offers, self.answers(home, now)?, row.home_joined_on, row.home_created_at)?;
        row.snapshot(member_id, site_id, days, hosting, member_stays)
    }

    /// The site's calendar and the desks held on each day over `from..=to`.
    fn site_days(
        &self,
        site: SiteId,
        open_weekdays: i16,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(SiteCalendar, DeskLoad), StoreError> {
        let rows = self.rows(SITE_DAYS, &[site.as_uuid().into(), from.into(), to.into()], |row| {
            Ok((
                required(row.date(0)?, "site_days.date")?,
                required(row.int32(1)?, "site_days.held")?,
                row.int(2)? == Some(1),
            ))
        })?;
        calendar_and_load(open_weekdays, rows)
    }

    /// A host's answers within the guarantee (as `Tx::hosting_of` reads them).
    fn answers(&self, cluster: ClusterId, now: DateTime<Utc>) -> Result<Answers, StoreError> {
        let values = [cluster.as_uuid().into(), true.into(), answers_since(now).into()];
        let refused = self.rows(REFUSED, &values, |row| Ok((row.int(0)?.unwrap_or(0), row.time(1)?)))?;
        let refused = refused.into_iter().next();
        let approved = match refused {
            Some((n, _)) if n > 0 => !self.rows(APPROVED, &values, |_| Ok(()))?.is_empty(),
            _ => false,
        };
        Ok(answers_of(refused, approved))
    }

    /// Holds one desk on each of `days` at `site`; the full days, if any
    /// (the caller undoes the part, see [`NativeTx::part`]).
    pub fn hold_days(
        &self,
        site: SiteId,
        desks: u32,
        days: &[NaiveDate],
    ) -> Result<Result<(), Vec<NaiveDate>>, StoreError> {
        if days.is_empty() {
            return Ok(Ok(()));
        }
        if desks == 0 {
            return Ok(Err(days.to_vec()));
        }
        let taken = self.query(&sqlite_hold(site, desks, days)?, |row| required(row.date(0)?, "site_days.date"))?;
        if taken.len() == days.len() { Ok(Ok(())) } else { Ok(Err(full_days(days, &taken))) }
    }

    /// Writes a new stay, its desk-days, its history and its emails, and
    /// moves the ledger's totals (the desks must already be held).
    pub fn insert_stay(&self, new: &NewStay, history: &[HistoryEntry], mails: &[NewMail]) -> Result<(), StoreError> {
        let (inserts, totals) = stay_statements(new, history, mails)?;
        for insert in &inserts {
            self.execute(insert)?;
        }
        for (sql, values) in totals {
            self.run(&sql, &values)?;
        }
        Ok(())
    }

    /// Links the key to the stay its request created.
    pub fn link_key(&self, member: MemberId, key: &str, stay: StayId) -> Result<(), StoreError> {
        self.execute(&key_link(member, key, stay))?;
        Ok(())
    }
}

/// A row of [`SNAPSHOT`], column by column in its order.
fn snapshot_row(row: &super::NativeRow<'_, '_>) -> Result<SnapshotRow, StoreError> {
    let small = |n: i32| i16::try_from(n).map_err(|_| StoreError::Corrupt(format!("open weekdays {n}")));
    Ok(SnapshotRow {
        member_status: required(row.text(0)?, "members.status")?,
        vouched_until: row.date(1)?,
        home_id: required(row.uuid(2)?, "clusters.id")?,
        home_status: required(row.text(3)?, "clusters.status")?,
        home_timezone: required(row.text(4)?, "clusters.timezone")?,
        home_joined_on: required(row.date(5)?, "clusters.joined_on")?,
        home_created_at: required(row.time(6)?, "clusters.created_at")?,
        host_id: required(row.uuid(7)?, "clusters.id")?,
        host_status: required(row.text(8)?, "clusters.status")?,
        site_timezone: required(row.text(9)?, "sites.timezone")?,
        site_desks: required(row.int32(10)?, "sites.desks")?,
        site_open_weekdays: small(required(row.int32(11)?, "sites.open_weekdays")?)?,
        max_days_per_stay: row.int32(12)?,
        stays_per_year: row.int32(13)?,
        min_notice_days: row.int32(14)?,
        horizon_days: row.int32(15)?,
        approval_mode: row.text(16)?,
        answer_window_days: row.int32(17)?,
        offer_hold_hours: row.int32(18)?,
        on_no_answer: row.text(19)?,
        guaranteed_days: row.int32(20)?,
        reciprocity_grace_days: row.int32(21)?,
    })
}
