//! Month calendars of a site's free desks, as the site page and the host's
//! closures show them: every day carries a symbol and words (free, few
//! left, full, closed, past, too soon, too far ahead, no visitor desks) as
//! well as a colour, so it reads without colour too. On the site page the
//! days a visitor may pick are links, with no script: the first click
//! picks the first day, the second the last.

use chrono::{Datelike, Days, Months, NaiveDate};
use deskvisa_rules::DateRange;
use deskvisa_service::DayAvailability;

use super::Words;

/// One day of a month.
pub(crate) struct Day {
    /// `YYYY-MM-DD`.
    pub(crate) iso: String,
    /// The day of the month.
    pub(crate) number: u32,
    /// `free`, `few`, `full`, `closed` or `past`.
    pub(crate) class: &'static str,
    /// What is seen: a symbol and the free desks.
    pub(crate) shown: String,
    /// What is said: the date and its state in words.
    pub(crate) said: String,
    /// Inside the range the page is about (a stay being requested).
    pub(crate) marked: bool,
    /// `first`, `last` or empty: the ends of the chosen range.
    pub(crate) end: &'static str,
    /// Today, in the site's zone.
    pub(crate) today: bool,
    /// Where picking this day leads, and what the link says it does.
    pub(crate) pick: Option<(String, &'static str)>,
}

/// What a visitor may pick on a site's calendar.
pub(crate) struct Picking {
    /// The page the links point at (`/sites/{id}`).
    pub(crate) page: String,
    /// The first day chosen so far.
    pub(crate) start: Option<NaiveDate>,
    /// The last day chosen so far.
    pub(crate) end: Option<NaiveDate>,
    /// The days a stay may begin on: the host's notice to its horizon.
    pub(crate) starts: DateRange,
}

impl Picking {
    /// Where a click on an open `date` with desks leads, if anywhere: with a
    /// first day chosen and no last, a later day becomes the last;
    /// otherwise a day a stay may begin on becomes the first.
    fn link(&self, w: &'static Words, date: NaiveDate) -> Option<(String, &'static str)> {
        match (self.start, self.end) {
            (Some(start), None) if date >= start => {
                Some((format!("{}?start={start}&end={date}#request-card", self.page), w.pick_last))
            }
            _ if self.starts.contains(date) => {
                Some((format!("{}?start={date}&month={}#calendar", self.page, month_key(date)), w.pick_first))
            }
            _ => None,
        }
    }
}

/// A month, Monday first.
pub(crate) struct Month {
    /// "March 2027".
    pub(crate) caption: String,
    /// Short and full weekday names, Monday first.
    pub(crate) weekdays: Vec<(&'static str, &'static str)>,
    /// Weeks of seven cells; `None` outside the month.
    pub(crate) weeks: Vec<Vec<Option<Day>>>,
}

/// The first day of the month of `date`.
pub(crate) fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The days of the month that begins on `first`.
pub(crate) fn month_range(first: NaiveDate) -> DateRange {
    let last = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    DateRange::new(first, last).unwrap_or(DateRange::day(first))
}

/// `?month=YYYY-MM`, if it is one.
pub(crate) fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// `YYYY-MM` of a date.
pub(crate) fn month_key(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Whether `free` of `desks` is "few left".
fn few(free: u32, desks: u32) -> bool {
    free <= (desks / 5).max(1)
}

/// The calendar of the month beginning on `first`, from the site's days,
/// as the host sees it (no day is a link).
pub(crate) fn month(
    w: &'static Words,
    first: NaiveDate,
    days: &[DayAvailability],
    today: NaiveDate,
    marked: Option<DateRange>,
) -> Month {
    month_to_pick(w, first, days, today, marked, None)
}

/// A day's class, symbol and state in words.
fn state(
    w: &'static Words,
    date: NaiveDate,
    found: Option<&DayAvailability>,
    today: NaiveDate,
    picking: Option<&Picking>,
) -> (&'static str, String, String) {
    // A day past the horizon may still end a stay begun before it.
    let ending = picking.is_some_and(|p| p.start.is_some_and(|s| s <= date) && p.end.is_none());
    match found {
        _ if date < today => ("past", String::new(), w.past.to_owned()),
        None => ("closed", "–".to_owned(), w.closed.to_owned()),
        Some(d) if !d.open => ("closed", "–".to_owned(), w.closed.to_owned()),
        Some(d) if d.desks == 0 => ("closed", "–".to_owned(), w.no_desks.to_owned()),
        _ if picking.is_some_and(|p| date < p.starts.start()) => ("soon", "…".to_owned(), w.too_soon.to_owned()),
        _ if picking.is_some_and(|p| date > p.starts.end()) && !ending => {
            ("beyond", "…".to_owned(), w.too_far.to_owned())
        }
        Some(d) if d.free == 0 => ("full", "✕".to_owned(), w.full.to_owned()),
        Some(d) if few(d.free, d.desks) => {
            ("few", format!("! {}", d.free), format!("{}, {}", w.free(d.free), w.free_few))
        }
        Some(d) => ("free", format!("✓ {}", d.free), w.free(d.free)),
    }
}

/// The calendar of the month beginning on `first`, from the site's days;
/// with `picking`, the days a visitor may choose are links.
pub(crate) fn month_to_pick(
    w: &'static Words,
    first: NaiveDate,
    days: &[DayAvailability],
    today: NaiveDate,
    marked: Option<DateRange>,
    picking: Option<&Picking>,
) -> Month {
    let range = month_range(first);
    let lead = first.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<Day>> = (0..lead).map(|_| None).collect();
    for date in range.dates() {
        let found = days.iter().find(|d| d.date == date);
        let (class, shown, state) = state(w, date, found, today, picking);
        let pickable = matches!(class, "free" | "few" | "full");
        let chosen = picking.map(|p| (p.start, p.end)).unwrap_or_default();
        let end = match chosen {
            (Some(s), _) if s == date => "first",
            (_, Some(e)) if e == date => "last",
            _ => "",
        };
        let today_word = if date == today { format!(" ({})", w.today) } else { String::new() };
        cells.push(Some(Day {
            iso: date.format("%Y-%m-%d").to_string(),
            number: date.day(),
            class,
            shown,
            said: format!("{}{today_word}: {state}", w.date(date)),
            marked: marked.is_some_and(|m| m.contains(date)),
            end,
            today: date == today,
            pick: picking.filter(|_| pickable).and_then(|p| p.link(w, date)),
        }));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let mut weeks = Vec::new();
    let mut cells = cells.into_iter();
    loop {
        let week: Vec<Option<Day>> = cells.by_ref().take(7).collect();
        if week.is_empty() {
            break;
        }
        weeks.push(week);
    }
    let monday = first - Days::new(lead as u64);
    let weekdays = (0..7u64).map(|i| w.weekday((monday + Days::new(i)).weekday())).collect();
    Month { caption: w.month(first), weekdays, weeks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: NaiveDate, open: bool, desks: u32, free: u32) -> DayAvailability {
        DayAvailability { date, open, desks, held: desks - free, free }
    }

    #[test]
    fn every_day_says_its_state_in_words_and_a_symbol() {
        let first = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap_or_default();
        let d = |n| NaiveDate::from_ymd_opt(2027, 3, n).unwrap_or_default();
        let days = [day(d(2), true, 10, 7), day(d(3), true, 10, 2), day(d(4), true, 10, 0), day(d(5), false, 10, 0)];
        let month = month(&super::super::words::EN, first, &days, d(2), None);
        assert_eq!(month.caption, "March 2027");
        // 1 March 2027 is a Monday: no empty cells before it.
        let cells: Vec<&Day> = month.weeks.iter().flatten().flatten().collect();
        assert_eq!(cells.len(), 31);
        let by = |n: usize| cells[n - 1];
        assert_eq!(
            (by(1).class, by(2).class, by(3).class, by(4).class, by(5).class),
            ("past", "free", "few", "full", "closed")
        );
        assert_eq!(by(2).shown, "✓ 7");
        assert!(by(2).today && by(2).said.contains("(today)"), "{}", by(2).said);
        assert!(by(3).said.ends_with("2 desks free, few left"), "{}", by(3).said);
        assert!(by(4).said.ends_with("full"));
        assert_eq!(month.weekdays[0].1, "Monday");
        assert_eq!(month.weeks.iter().map(Vec::len).collect::<Vec<_>>(), [7, 7, 7, 7, 7]);
    }

    #[test]
    fn picking_links_the_first_day_then_the_last_and_marks_what_cannot_begin_a_stay() {
        let d = |n| NaiveDate::from_ymd_opt(2027, 3, n).unwrap_or_default();
        let first = d(1);
        let days: Vec<DayAvailability> = (1..=31).map(|n| day(d(n), n % 7 != 6 && n % 7 != 0, 4, 4)).collect();
        let starts = DateRange::new(d(3), d(20)).unwrap_or(DateRange::day(d(3)));
        let mut picking = Picking { page: "/sites/x".to_owned(), start: None, end: None, starts };
        let cells =
            |m: &Month| m.weeks.iter().flatten().flatten().map(|c| (c.class, c.pick.clone())).collect::<Vec<_>>();
        let month = month_to_pick(&super::super::words::EN, first, &days, d(1), None, Some(&picking));
        let shown = cells(&month);
        // 2 March is too soon (notice), 22 March too far ahead (horizon).
        assert_eq!(shown[1].0, "soon");
        assert_eq!(shown[21].0, "beyond");
        assert_eq!(shown[1].1, None);
        let (href, said) = shown[3].1.clone().unwrap_or_default();
        assert_eq!(href, "/sites/x?start=2027-03-04&month=2027-03#calendar");
        assert_eq!(said, "choose as the first day");
        // With a first day, a later day (past the horizon too) becomes the last.
        picking.start = Some(d(18));
        let month = month_to_pick(&super::super::words::EN, first, &days, d(1), None, Some(&picking));
        let shown = cells(&month);
        assert_eq!(shown[21].0, "free");
        assert_eq!(
            shown[21].1.clone().map(|(h, _)| h).as_deref(),
            Some("/sites/x?start=2027-03-18&end=2027-03-22#request-card")
        );
        // An earlier day starts again.
        assert_eq!(
            shown[9].1.clone().map(|(h, _)| h).as_deref(),
            Some("/sites/x?start=2027-03-10&month=2027-03#calendar")
        );
        // Closed weekends are never links.
        assert_eq!(shown[5], ("closed", None));
    }

    #[test]
    fn a_site_without_visitor_desks_says_so_rather_than_full() {
        let d = |n| NaiveDate::from_ymd_opt(2027, 3, n).unwrap_or_default();
        let days = [day(d(2), true, 0, 0)];
        let month = month(&super::super::words::EN, d(1), &days, d(1), None);
        let cell = month.weeks.iter().flatten().flatten().nth(1).map(|c| (c.class, c.said.clone()));
        assert_eq!(cell.map(|(c, s)| (c, s.ends_with("no desks for visitors"))), Some(("closed", true)));
    }

    #[test]
    fn months_parse_and_print() {
        assert_eq!(parse_month("2027-02").map(month_key).as_deref(), Some("2027-02"));
        assert_eq!(parse_month("2027-13"), None);
        assert_eq!(parse_month("soon"), None);
        let feb = parse_month("2028-02").unwrap_or_default();
        assert_eq!(month_range(feb).len(), 29);
    }
}
