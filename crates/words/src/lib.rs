//! # deskvisa-words: what the emails and the web pages both say
//!
//! The names of the fields of ICT work firms offer and seek, and dates,
//! instants and weekdays written the way each locale writes them in running
//! text ("Monday, 9 March 2026" / "poniedziałek, 9 marca 2026"), in one
//! place, so that a stay's dates read the same in its approval email and on
//! its page. The mail crate writes its emails with these, and the http
//! crate its pages; neither depends on the other for them.
//!
//! Pure: no I/O, no clock. The caller passes the date or the instant and the
//! locale, and gets the words back.

mod arrival;
mod country;
mod dates;
mod fields;
mod plural;

pub use arrival::{amenity_name, arrival_lines, opening_hours};
pub use country::country_name;
pub use dates::{date_range, day_month_year, instant_in_zone, long_date, month_and_year, time_span, weekday};
pub use fields::field_name;
pub use plural::{Counted, category, counted};
