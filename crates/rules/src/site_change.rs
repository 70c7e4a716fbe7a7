//! Changing a site never strands a held day: a change of desks, opening
//! weekdays or time zone, or a new closure, that would leave a held date
//! without its desk or make it closed is refused with those dates
//! (`dates_hold_stays`).

use chrono::NaiveDate;

use crate::calendar::SiteCalendar;
use crate::decide::DeskLoad;
use crate::zone::TimeZone;

/// The parts of a site that stays depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSetup {
    /// Its zone: the dates of its stays are its calendar dates.
    pub zone: TimeZone,
    /// Visitor desks.
    pub desks: u32,
    /// Opening weekdays and closures.
    pub calendar: SiteCalendar,
}

/// The held dates from `today` on (in the site's current zone) that the
/// change from `current` to `proposed` would take away; empty when the change
/// is safe. Dates before today are history and never block a change.
pub fn dates_hold_stays(
    held: &DeskLoad,
    today: NaiveDate,
    current: &SiteSetup,
    proposed: &SiteSetup,
) -> Vec<NaiveDate> {
    let zone_changes = current.zone != proposed.zone;
    held.iter()
        .filter(|(date, n)| *n > 0 && *date >= today)
        .filter(|(date, n)| zone_changes || *n > proposed.desks || !proposed.calendar.is_open(*date))
        .map(|(date, _)| date)
        .collect()
}
