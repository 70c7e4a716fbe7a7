//! A site's availability in one statement: the site's desks and opening
//! days, its day counters and its closures over a window, read together so
//! the answer is consistent without a transaction (availability is the most
//! asked read of all).

use chrono::NaiveDate;
use deskvisa_rules::{DeskLoad, SiteCalendar, SiteId, WeekdaySet};
use sea_orm::ConnectionTrait;

use crate::convert::count;
use crate::error::StoreError;
use crate::tx::Store;

/// Written once with PostgreSQL's `$n`; SQLite reads `?n` the same way.
const AVAILABILITY: &str = "\
SELECT s.desks AS desks, s.open_weekdays AS open_weekdays, d.date AS date, d.held AS held, d.closed AS closed
  FROM sites s
  LEFT JOIN (SELECT site_id, date, held, 0 AS closed FROM site_days WHERE site_id = $1 AND date BETWEEN $2 AND $3
             UNION ALL
             SELECT site_id, date, 0 AS held, 1 AS closed FROM closures WHERE site_id = $1 AND date BETWEEN $2 AND $3) d
    ON d.site_id = s.id
 WHERE s.id = $1";

/// What availability is made of.
#[derive(Debug, Clone)]
pub struct SiteDays {
    /// The site's desks.
    pub desks: u32,
    /// Its opening days and closures over the window.
    pub calendar: SiteCalendar,
    /// Desks held per day over the window.
    pub held: DeskLoad,
}

/// Every site with the days over a window it cannot offer, for the
/// availability search: its full days (every desk held; `site_days_full`, a
/// partial index, holds only those) and its closures. A day with a free desk
/// is all a fit needs to know of it, so the other day counters, nearly all
/// of them, are never read.
const FULL_DAYS: &str = "\
SELECT s.id AS site_id, s.desks AS desks, s.open_weekdays AS open_weekdays, d.date AS date, d.held AS held,
       d.closed AS closed
  FROM sites s
  LEFT JOIN (SELECT site_id, date, held, 0 AS closed FROM site_days WHERE date BETWEEN $1 AND $2 AND held >= desks
             UNION ALL
             SELECT site_id, date, 0 AS held, 1 AS closed FROM closures WHERE date BETWEEN $1 AND $2) d
    ON d.site_id = s.id
 ORDER BY s.id";

/// One site's rows (all with the same site) into its days.
fn site_days_of(rows: &[sea_orm::QueryResult]) -> Result<Option<SiteDays>, StoreError> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let desks = count("desks", first.try_get::<i32>("", "desks")?)?;
    let open_weekdays = first.try_get::<i16>("", "open_weekdays")?;
    let bits =
        u8::try_from(open_weekdays).map_err(|_| StoreError::Corrupt(format!("open weekdays {open_weekdays}")))?;
    let mut closures = Vec::new();
    let mut held = Vec::new();
    for row in rows {
        let Some(date) = row.try_get::<Option<NaiveDate>>("", "date")? else {
            continue;
        };
        if row.try_get::<i32>("", "closed")? == 1 {
            closures.push(date);
        } else {
            held.push((date, Ord::max(row.try_get::<i32>("", "held")?, 0).unsigned_abs()));
        }
    }
    Ok(Some(SiteDays {
        desks,
        calendar: SiteCalendar::new(WeekdaySet::from_bits(bits), closures),
        held: held.into_iter().collect(),
    }))
}

impl Store {
    /// The site's desks, calendar and held desks over `from..=to`, or `None`
    /// when there is no such site.
    pub async fn site_days(
        &self,
        site: SiteId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<SiteDays>, StoreError> {
        let statement = self.statement(AVAILABILITY, [site.as_uuid().into(), from.into(), to.into()]);
        let rows = self.reads().query_all_raw(statement).await?;
        site_days_of(&rows)
    }

    /// Every site's desks and calendar over `from..=to`, with only its full
    /// days as held (each held to its desks), in one statement: where a stay
    /// fits reads the same from them as from every day's count.
    pub async fn full_site_days(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(SiteId, SiteDays)>, StoreError> {
        let statement = self.statement(FULL_DAYS, [from.into(), to.into()]);
        let rows = self.reads().query_all_raw(statement).await?;
        let mut sites = Vec::new();
        let mut start = 0;
        while start < rows.len() {
            let id: uuid::Uuid = rows[start].try_get("", "site_id")?;
            let mut end = start + 1;
            while end < rows.len() && rows[end].try_get::<uuid::Uuid>("", "site_id")? == id {
                end += 1;
            }
            if let Some(days) = site_days_of(&rows[start..end])? {
                sites.push((SiteId::from_uuid(id), days));
            }
            start = end;
        }
        Ok(sites)
    }
}

/// Ranges a statement asks about: three values each, under SQLite's limit
/// and far from the cost sqlx pays per value on long statements.
const RANGES_A_STATEMENT: usize = 300;

impl Store {
    /// The most desks held on any day of each site's range (0 where none is
    /// held): how many are free on a fit's fullest day.
    pub async fn most_held(
        &self,
        ranges: &[(SiteId, deskvisa_rules::DateRange)],
    ) -> Result<std::collections::HashMap<SiteId, u32>, StoreError> {
        let mut most = std::collections::HashMap::with_capacity(ranges.len());
        for chunk in ranges.chunks(RANGES_A_STATEMENT) {
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
            let sql = format!(
                "WITH f (site_id, first_day, last_day) AS (VALUES {})
                 SELECT f.site_id AS site_id,
                        (SELECT MAX(d.held) FROM site_days d
                          WHERE d.site_id = f.site_id AND d.date BETWEEN f.first_day AND f.last_day) AS held
                   FROM f",
                rows.join(", ")
            );
            let values = chunk.iter().flat_map(|(site, range)| {
                [site.as_uuid().into(), range.start().into(), range.end().into()] as [sea_orm::Value; 3]
            });
            let found = self.reads().query_all_raw(self.statement(&sql, values)).await?;
            for row in found {
                let site = SiteId::from_uuid(row.try_get::<uuid::Uuid>("", "site_id")?);
                let held: Option<i32> = row.try_get("", "held")?;
                most.insert(site, held.unwrap_or(0).max(0).unsigned_abs());
            }
        }
        Ok(most)
    }
}
