//! Where a stay fits: ranges of a given number of open days at a site with a
//! free desk on every one of them. The availability search shows the first
//! ones inside a window; a request refused for `no_capacity` is offered the
//! nearest ones to the dates it asked for.
//!
//! A range starts and ends on open days (a range starting on a closed day
//! holds the same desk-days as the one starting on the next open day).

use chrono::NaiveDate;

use crate::calendar::SiteCalendar;
use crate::dates::DateRange;
use crate::decide::DeskLoad;

/// A site's days, as far as fitting a stay cares.
#[derive(Debug, Clone, Copy)]
pub struct SiteLoad<'a> {
    /// Open weekdays and closures.
    pub calendar: &'a SiteCalendar,
    /// Desks held per day.
    pub held: &'a DeskLoad,
    /// Visitor desks.
    pub desks: u32,
}

/// Which starts a host accepts: from today + notice to today + horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Starts {
    /// The earliest start.
    pub earliest: NaiveDate,
    /// The latest start.
    pub latest: NaiveDate,
}

impl Starts {
    fn allow(&self, date: NaiveDate) -> bool {
        self.earliest <= date && date <= self.latest
    }
}

/// Every range of `days` open days inside `window`, each with a free desk on
/// every open day, starting where `starts` allows, earliest first.
fn fitting(site: SiteLoad<'_>, window: DateRange, days: u32, starts: Starts) -> Vec<DateRange> {
    let days = days as usize;
    if days == 0 || site.desks == 0 {
        return Vec::new();
    }
    let open: Vec<(NaiveDate, bool)> =
        site.calendar.open_days(window).map(|d| (d, site.held.held_on(d) < site.desks)).collect();
    if open.len() < days {
        return Vec::new();
    }
    // Slide over the open days, counting the full ones inside the run.
    let mut full_in_run = open[..days].iter().filter(|(_, free)| !free).count();
    let mut fits = Vec::new();
    for i in 0..=open.len() - days {
        if i > 0 {
            full_in_run -= usize::from(!open[i - 1].1);
            full_in_run += usize::from(!open[i + days - 1].1);
        }
        let (start, end) = (open[i].0, open[i + days - 1].0);
        if full_in_run == 0 && starts.allow(start) {
            fits.extend(DateRange::new(start, end));
        }
    }
    fits
}

/// The first `limit` ranges that fit in `window`, none overlapping another.
pub fn first_fits(site: SiteLoad<'_>, window: DateRange, days: u32, starts: Starts, limit: usize) -> Vec<DateRange> {
    let mut chosen: Vec<DateRange> = Vec::new();
    for range in fitting(site, window, days, starts) {
        if chosen.len() == limit {
            break;
        }
        if chosen.last().is_none_or(|last| !last.overlaps(range)) {
            chosen.push(range);
        }
    }
    chosen
}

/// The `limit` ranges of `days` open days nearest to `wanted` (by how far
/// their start is from its start; the earlier of two as near), inside
/// `window`, none overlapping another: real choices, not the same week
/// shifted by a day.
pub fn nearest_fits(
    site: SiteLoad<'_>,
    window: DateRange,
    days: u32,
    starts: Starts,
    wanted: NaiveDate,
    limit: usize,
) -> Vec<DateRange> {
    let mut fits = fitting(site, window, days, starts);
    fits.sort_by_key(|r| ((r.start() - wanted).num_days().abs(), r.start()));
    let mut chosen: Vec<DateRange> = Vec::new();
    for range in fits {
        if chosen.len() == limit {
            break;
        }
        if chosen.iter().all(|c| !c.overlaps(range)) {
            chosen.push(range);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::test_dates::{d, range};
    use crate::weekdays::WeekdaySet;

    const ANY: Starts = Starts { earliest: NaiveDate::MIN, latest: NaiveDate::MAX };

    #[test]
    fn ranges_of_open_days_step_over_weekends_closures_and_full_days() {
        // March 2026: Monday 2 to Friday 6, Monday 9 ...; the 4th closed,
        // the 10th full.
        let calendar = SiteCalendar::new(WeekdaySet::MON_TO_FRI, [d("2026-03-04")]);
        let held: DeskLoad = [(d("2026-03-10"), 2)].into_iter().collect();
        let site = SiteLoad { calendar: &calendar, held: &held, desks: 2 };
        let window = range("2026-03-01", "2026-03-20");
        assert_eq!(
            first_fits(site, window, 3, ANY, 10),
            [range("2026-03-02", "2026-03-05"), range("2026-03-11", "2026-03-13"), range("2026-03-16", "2026-03-18")],
            "three open days each, none holding the full 10th, none overlapping"
        );
        assert_eq!(first_fits(site, window, 3, ANY, 1), [range("2026-03-02", "2026-03-05")]);
        assert_eq!(first_fits(site, window, 6, ANY, 3), [range("2026-03-11", "2026-03-18")]);
        assert!(first_fits(site, window, 9, ANY, 3).is_empty(), "no nine free open days in a row");
        let later = Starts { earliest: d("2026-03-12"), latest: d("2026-03-31") };
        assert_eq!(
            first_fits(site, window, 2, later, 2),
            [range("2026-03-12", "2026-03-13"), range("2026-03-16", "2026-03-17")]
        );
        assert!(first_fits(site, window, 0, ANY, 3).is_empty());
        let closed = SiteLoad { desks: 0, ..site };
        assert!(first_fits(closed, window, 1, ANY, 3).is_empty());
    }

    #[test]
    fn the_nearest_fits_come_from_both_sides_of_the_wanted_date() {
        let calendar = SiteCalendar::new(WeekdaySet::MON_TO_FRI, []);
        // The week of 9 March is full on Wednesday the 11th.
        let held: DeskLoad = [(d("2026-03-11"), 1)].into_iter().collect();
        let site = SiteLoad { calendar: &calendar, held: &held, desks: 1 };
        let window = range("2026-02-23", "2026-03-31");
        let near = nearest_fits(site, window, 5, ANY, d("2026-03-09"), 3);
        assert_eq!(
            near,
            [range("2026-03-12", "2026-03-18"), range("2026-03-04", "2026-03-10"), range("2026-03-19", "2026-03-25")],
            "from the 12th (3 days after), from the 4th (5 before), from the 19th (10 after)"
        );
    }
}
