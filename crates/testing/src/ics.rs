//! Reading calendar files as two independent parsers do: the Python
//! `icalendar` and `vobject` packages (`crates/testing/py/ics_check.py`).

use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;

/// One VEVENT as a parser read it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ParsedEvent {
    /// UID.
    pub uid: Option<String>,
    /// SEQUENCE (0 when absent).
    pub sequence: i64,
    /// DTSTART: `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SSZ` for a time.
    pub dtstart: Option<String>,
    /// DTEND, the same way.
    pub dtend: Option<String>,
    /// SUMMARY.
    pub summary: Option<String>,
    /// LOCATION.
    pub location: Option<String>,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// STATUS.
    pub status: Option<String>,
    /// ORGANIZER (its URI).
    pub organizer: Option<String>,
    /// ATTENDEE URIs.
    pub attendees: Vec<String>,
}

/// A calendar as a parser read it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ParsedCalendar {
    /// METHOD.
    pub method: Option<String>,
    pub events: Vec<ParsedEvent>,
}

/// What both parsers read.
#[derive(Debug, Clone, Deserialize)]
pub struct BothParsers {
    /// The `icalendar` package's reading.
    pub icalendar: ParsedCalendar,
    /// The `vobject` package's reading.
    pub vobject: ParsedCalendar,
}

/// Parses `ics` with both parsers; panics (with their error) if either fails.
pub fn parse_ics(ics: &str) -> BothParsers {
    let mut child = Command::new(crate::smtp::python())
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("py/ics_check.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ics_check.py");
    child.stdin.take().expect("stdin").write_all(ics.as_bytes()).expect("write the calendar");
    let output = child.wait_with_output().expect("ics_check.py");
    assert!(
        output.status.success(),
        "a parser refused the calendar:\n{}\n{ics}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("ics_check.py's JSON")
}
