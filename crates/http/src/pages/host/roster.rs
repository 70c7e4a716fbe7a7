//! Who is coming to a site: its open days of the coming week (or month),
//! each with the visitors whose approved or pending stays hold a desk on
//! it, linked to their stays. A host admin plans the reception from it.

use chrono::{Days, NaiveDate};
use deskvisa_rules::{MemberId, StayStatus};
use deskvisa_service::{Caller, Service, SiteRecord};
use std::collections::HashMap;

use crate::pages::{PageError, Words};

/// How many days the week's view of the roster covers.
const WEEK: u64 = 7;
/// How many days the month's view covers.
const MONTH: u64 = 30;
/// How far back a stay still under way today may have begun: a visit of
/// the longest usual length (three months of open days) is still seen.
const BEGUN_SINCE: u64 = 120;

/// One day of the roster: the date in words, and each visitor's name, stay
/// link and status in words.
pub(crate) struct RosterDay {
    pub(crate) date: String,
    pub(crate) today: bool,
    pub(crate) visitors: Vec<(String, String, &'static str)>,
}

/// The roster of a site from today.
pub(crate) struct Roster {
    pub(crate) days: Vec<RosterDay>,
    /// The month's view rather than the week's.
    pub(crate) month: bool,
    /// Whether the viewer sees it: the host's own admins (network admins,
    /// who may open the site's settings, do not read its visitors).
    pub(crate) shown: bool,
}

/// The roster of `site` for the coming week (or 30 days with `month`).
pub(crate) async fn roster(
    service: &Service,
    caller: &Caller,
    w: &'static Words,
    site: &SiteRecord,
    month: bool,
) -> Result<Roster, PageError> {
    if !caller.admin_of(site.cluster_id) {
        return Ok(Roster { days: Vec::new(), month, shown: false });
    }
    let today = site.timezone.date_at(service.now());
    let last = today.checked_add_days(Days::new(if month { MONTH } else { WEEK } - 1)).unwrap_or(today);
    let mut stays = Vec::new();
    for status in [StayStatus::Approved, StayStatus::Pending] {
        let since = today.checked_sub_days(Days::new(BEGUN_SINCE));
        stays.extend(service.site_stays(caller, site.id, Some(status), since, Some(last)).await?);
    }
    stays.retain(|s| s.end_date >= today);
    let mut names: HashMap<MemberId, String> = HashMap::new();
    for stay in &stays {
        super::member_name(service, &mut names, stay.member).await;
    }
    let days = (0..)
        .map_while(|n| today.checked_add_days(Days::new(n)).filter(|d| *d <= last))
        .filter(|d| site.open_weekdays.contains(chrono::Datelike::weekday(d)))
        .map(|date: NaiveDate| RosterDay {
            date: w.date(date),
            today: date == today,
            visitors: stays
                .iter()
                .filter(|s| s.days.contains(&date))
                .map(|s| {
                    let name = names.get(&s.member).cloned().unwrap_or_default();
                    (name, format!("/stays/{}", s.id.as_uuid()), w.stay_status(s.status))
                })
                .collect(),
        })
        .collect();
    Ok(Roster { days, month, shown: true })
}
