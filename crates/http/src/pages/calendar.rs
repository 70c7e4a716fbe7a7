//! Month calendars of a site's free desks, as the site page and the host's
//! closures show them: every day carries a symbol and words (free, few
//! left, full, closed, past) as well as a colour, so it reads without
//! colour too.

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

/// The calendar of the month beginning on `first`, from the site's days.
pub(crate) fn month(
    w: &'static Words,
    first: NaiveDate,
    days: &[DayAvailability],
    today: NaiveDate,
    marked: Option<DateRange>,
) -> Month {
    let range = month_range(first);
    let lead = first.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<Day>> = (0..lead).map(|_| None).collect();
    for date in range.dates() {
        let found = days.iter().find(|d| d.date == date);
        let (class, shown, state) = match found {
            _ if date < today => ("past", String::new(), w.past.to_owned()),
            None => ("closed", "–".to_owned(), w.closed.to_owned()),
            Some(d) if !d.open => ("closed", "–".to_owned(), w.closed.to_owned()),
            Some(d) if d.free == 0 => ("full", "✕".to_owned(), w.full.to_owned()),
            Some(d) if few(d.free, d.desks) => {
                ("few", format!("! {}", d.free), format!("{} {}, {}", d.free, w.free_many, w.free_few))
            }
            Some(d) => ("free", format!("✓ {}", d.free), format!("{} {}", d.free, w.free_many)),
        };
        cells.push(Some(Day {
            iso: date.format("%Y-%m-%d").to_string(),
            number: date.day(),
            class,
            shown,
            said: format!("{}: {state}", w.date(date)),
            marked: marked.is_some_and(|m| m.contains(date)),
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
        assert!(by(3).said.ends_with("2 free, few left"), "{}", by(3).said);
        assert!(by(4).said.ends_with("full"));
        assert_eq!(month.weekdays[0].1, "Monday");
        assert_eq!(month.weeks.iter().map(Vec::len).collect::<Vec<_>>(), [7, 7, 7, 7, 7]);
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
