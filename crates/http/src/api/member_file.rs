//! A file of members to import, as a cluster's admin exports it from a
//! spreadsheet: CSV (comma- or, as Polish spreadsheets write it,
//! semicolon-separated), UTF-8, a header row naming the columns `email`,
//! `name` and optionally `company`, `locale`, `vouched_until`, in any order.
//! Each row goes through the same member parser as the API's invite
//! ([`crate::input::new_member`]). A file that cannot be trusted as a whole
//! (not UTF-8, wrong columns, a cell a spreadsheet would run as a formula,
//! too large) is refused whole: nothing of it is written.

use deskvisa_service::{ImportRow, MAX_IMPORT_ROWS};

use crate::input::{FieldError, MemberRequest, date};

/// The largest file taken.
pub(crate) const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The columns a file may have; the first two it must.
const COLUMNS: [&str; 5] = ["email", "name", "company", "locale", "vouched_until"];
const REQUIRED: usize = 2;

/// Why a whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileProblem {
    /// More than [`MAX_FILE_BYTES`].
    TooLarge,
    /// No header row, or no rows under it.
    Empty,
    /// Bytes that are not UTF-8, first on this line.
    NotUtf8 {
        /// The line.
        line: usize,
    },
    /// Columns missing, unknown or twice.
    Columns {
        /// Required columns not there.
        missing: Vec<&'static str>,
        /// Columns deskvisa does not know, or that come twice.
        unknown: Vec<String>,
    },
    /// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab).
    Formula {
        /// The line.
        line: usize,
        /// The column.
        column: String,
    },
    /// More than [`MAX_IMPORT_ROWS`] rows.
    TooManyRows,
    /// Not CSV: a quote left open, or a row of another length.
    Malformed {
        /// The line.
        line: usize,
    },
}

/// One row of the file: what it said, and the member it is (or why not).
#[derive(Debug, Clone)]
pub(crate) struct FileRow {
    /// The line of the file.
    pub(crate) line: usize,
    /// The email as written.
    pub(crate) email: String,
    /// The name as written.
    pub(crate) name: String,
    /// The member, or the field that is wrong.
    pub(crate) parsed: Result<ImportRow, FieldError>,
}

/// The line a record starting at `byte` of `text` is on (csv's position
/// points at the line break before a record, blank lines included).
fn line_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(byte).unwrap_or(bytes.len()).min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|b| **b == b'\n').count()
}

fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Reads a members file.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<FileRow>, FileProblem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| FileProblem::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count(),
    })?;
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.contains(';') && !header_line.contains(',') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem::Malformed { line: 1 })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(FileProblem::Empty);
    }
    let mut unknown = Vec::new();
    let mut at = [None; COLUMNS.len()];
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().position(|c| c == name) {
            Some(k) if at[k].is_none() => at[k] = Some(i),
            _ => unknown.push(name.clone()),
        }
    }
    let missing: Vec<&'static str> = (0..REQUIRED).filter(|k| at[*k].is_none()).map(|k| COLUMNS[k]).collect();
    if !missing.is_empty() || !unknown.is_empty() {
        return Err(FileProblem::Columns { missing, unknown });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| FileProblem::Malformed { line: e.position().map_or(1, |p| line_at(text, p.byte())) })?;
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if let Some((i, _)) = record.iter().enumerate().find(|(_, cell)| formula_like(cell)) {
            return Err(FileProblem::Formula { line, column: header.get(i).cloned().unwrap_or_default() });
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let cell = |k: usize| at[k].and_then(|i| record.get(i)).unwrap_or_default();
        let request = MemberRequest {
            email: cell(0).trim().to_owned(),
            name: cell(1).trim().to_owned(),
            company: cell(2).trim().to_owned(),
            locale: Some(cell(3).trim().to_owned()).filter(|l| !l.is_empty()),
        };
        // A row tells its first refused field, as the preview shows one per row.
        let parsed = request.parse().map_err(FieldError::first).and_then(|member| {
            let until = cell(4).trim();
            let vouched_until = if until.is_empty() { None } else { Some(date("vouched_until", until)?) };
            Ok(ImportRow { line, member, vouched_until })
        });
        rows.push(FileRow { line, email: cell(0).trim().to_owned(), name: cell(1).trim().to_owned(), parsed });
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_spreadsheet_export_is_read_in_any_column_order() {
        let file = "\u{feff}Name,Email,Company,Locale,Vouched_until\r\nAnna Nowak,ANNA@hub.example,Nowak IT,pl,2027-06-30\r\n\r\nLars,lars@hub.example,,,\r\n";
        let rows = parse(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        let anna = rows[0].parsed.as_ref().unwrap();
        assert_eq!(
            (anna.line, anna.member.email.as_str(), anna.member.company.as_str()),
            (2, "anna@hub.example", "Nowak IT")
        );
        assert_eq!(anna.member.locale, deskvisa_rules::Locale::Pl);
        assert_eq!(anna.vouched_until, Some(chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap()));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].parsed.as_ref().unwrap().vouched_until, None);
    }

    #[test]
    fn semicolons_as_polish_spreadsheets_write_them() {
        let rows = parse("email;name;company\nola@hub.example;Ola;Firma, sp. z o.o.\n".as_bytes()).unwrap();
        assert_eq!(rows[0].parsed.as_ref().unwrap().member.company, "Firma, sp. z o.o.");
    }

    #[test]
    fn a_bad_row_is_refused_alone_with_its_field() {
        let rows = parse(b"email,name\nnot-an-address,X\nok@hub.example,\nfine@hub.example,Fine\n").unwrap();
        assert_eq!(rows[0].parsed.as_ref().unwrap_err().field, "email");
        assert_eq!(rows[1].parsed.as_ref().unwrap_err().field, "name");
        assert!(rows[2].parsed.is_ok());
    }

    #[test]
    fn a_file_that_cannot_be_trusted_is_refused_whole() {
        assert_eq!(parse(b"email,name\nx@y.example,Caf\xe9\n").unwrap_err(), FileProblem::NotUtf8 { line: 2 });
        assert_eq!(
            parse(b"mail,name,phone\n").unwrap_err(),
            FileProblem::Columns { missing: vec!["email"], unknown: vec!["mail".into(), "phone".into()] }
        );
        assert_eq!(
            parse(b"email,name,company\nx@y.example,X,=HYPERLINK(\"http://evil\")\n").unwrap_err(),
            FileProblem::Formula { line: 2, column: "company".into() }
        );
        assert_eq!(parse(b"email,name\n").unwrap_err(), FileProblem::Empty);
        assert_eq!(parse(b"").unwrap_err(), FileProblem::Empty);
        assert_eq!(parse(b"email,name\nx@y.example,X,extra\n").unwrap_err(), FileProblem::Malformed { line: 2 });
        assert_eq!(parse(&vec![b' '; MAX_FILE_BYTES + 1]).unwrap_err(), FileProblem::TooLarge);
        let many: String = std::iter::once("email,name\n".to_owned())
            .chain((0..=MAX_IMPORT_ROWS).map(|i| format!("m{i}@hub.example,M {i}\n")))
            .collect();
        assert_eq!(parse(many.as_bytes()).unwrap_err(), FileProblem::TooManyRows);
    }
}
