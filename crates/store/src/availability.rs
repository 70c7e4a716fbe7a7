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

/// The days over a window a site cannot offer, for the availability search:
/// its full days (every desk held; `site_days_full`, a partial index, holds
/// only those) and its closures. A day with a free desk is all a fit needs
/// to know of it, so the other day counters, nearly all of them, are never
/// read; the sites' desks and opening days come from the network's map.
const DAYS_IN_THE_WAY: &str = "\
SELECT site_id, date, held, 0 AS closed FROM site_days WHERE date BETWEEN $1 AND $2 AND held >= desks
UNION ALL
SELECT site_id, date, 0 AS held, 1 AS closed FROM closures WHERE date BETWEEN $1 AND $2";

/// A site's full days and closures over a window.
#[derive(Debug, Clone, Default)]
pub struct DaysInTheWay {
    /// Days every desk is held, with how many are.
    pub full: Vec<(NaiveDate, u32)>,
    /// Days the site is closed.
    pub closed: Vec<NaiveDate>,
}

impl SiteDays {
    /// A site's days over a window from its desks, its opening weekdays and
    /// the days in the way there: where a stay fits reads the same from them
    /// as from every day's count.
    pub fn around(desks: u32, open: WeekdaySet, in_the_way: Option<&DaysInTheWay>) -> SiteDays {
        let (full, closed) = in_the_way.map_or((Vec::new(), Vec::new()), |w| (w.full.clone(), w.closed.clone()));
        SiteDays { desks, calendar: SiteCalendar::new(open, closed), held: full.into_iter().collect() }
    }
}

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

    /// Every site's full days and closures over `from..=to`, in one
    /// statement (sites with neither are not named).
    pub async fn days_in_the_way(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<std::collections::HashMap<SiteId, DaysInTheWay>, StoreError> {
        let statement = self.statement(DAYS_IN_THE_WAY, [from.into(), to.into()]);
        let mut sites: std::collections::HashMap<SiteId, DaysInTheWay> = std::collections::HashMap::new();
        for row in self.reads().query_all_raw(statement).await? {
            let site = SiteId::from_uuid(row.try_get::<uuid::Uuid>("", "site_id")?);
            let date: NaiveDate = row.try_get("", "date")?;
            let days = sites.entry(site).or_default();
            if row.try_get::<i32>("", "closed")? == 1 {
                days.closed.push(date);
            } else {
                days.full.push((date, Ord::max(row.try_get::<i32>("", "held")?, 0).unsigned_abs()));
            }
        }
        Ok(sites)
    }
}

/// Ranges a statement asks about: three values each, under SQLite's limit
/// and far from the cost sqlx pays per value on long statements.
const RANGES_A_STATEMENT: usize = 300;

/// What a search's result card says of a site's range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RangeFacts {
    /// The most desks held on a day of the range.
    pub most_held: u32,
    /// Events open to visitors, not cancelled, starting on a date of it.
    pub events: u32,
}

impl Store {
    /// For each site's range, the most desks held on a day of it and the
    /// events there during it, a statement for 300 ranges: what the cards of
    /// the sites a search page shows say.
    pub async fn range_facts(
        &self,
        ranges: &[(SiteId, deskvisa_rules::DateRange)],
    ) -> Result<std::collections::HashMap<SiteId, RangeFacts>, StoreError> {
        let mut facts = std::collections::HashMap::with_capacity(ranges.len());
        for chunk in ranges.chunks(RANGES_A_STATEMENT) {
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
            let sql = format!(
                "WITH f (site_id, first_day, last_day) AS (VALUES {})
                 SELECT f.site_id AS site_id,
                        (SELECT MAX(d.held) FROM site_days d
                          WHERE d.site_id = f.site_id AND d.date BETWEEN f.first_day AND f.last_day) AS held,
                        (SELECT COUNT(*) FROM events e
                          WHERE e.site_id = f.site_id AND e.start_date BETWEEN f.first_day AND f.last_day
                            AND e.cancelled_at IS NULL AND e.open_to_visitors) AS events
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
                let events: i64 = row.try_get("", "events")?;
                let fact = RangeFacts {
                    most_held: held.unwrap_or(0).max(0).unsigned_abs(),
                    events: u32::try_from(events.max(0)).unwrap_or(u32::MAX),
                };
                facts.insert(site, fact);
            }
        }
        Ok(facts)
    }
}
