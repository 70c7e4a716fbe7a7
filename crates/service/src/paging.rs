//! Lists a page at a time, read in the database by keyset (after the last
//! item shown, in the list's own order): a page costs the same at the end
//! of a long list as at its start, and a row added meanwhile shows up once,
//! where it belongs. The cursor is the last item's id, so nothing private
//! (an address, a name) is put in a URL.

use crate::error::ServiceError;

/// Which page: at most `limit` items after the item `after` (none: the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<Id> {
    /// The id of the last item of the page before.
    pub after: Option<Id>,
    /// At most this many items.
    pub limit: u64,
}

/// One page: its items, and the cursor of the next page (none on the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, Id> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// The id to ask the next page after; `None` on the last page.
    pub next: Option<Id>,
}

impl<Id: Copy> PageRequest<Id> {
    /// How many rows to read: one more than the page, to know whether
    /// another page follows.
    pub(crate) fn rows(&self) -> u64 {
        self.limit.saturating_add(1)
    }

    /// The page of `rows` (read with [`PageRequest::rows`]).
    pub(crate) fn page<T>(&self, mut rows: Vec<T>, id: impl Fn(&T) -> Id) -> Page<T, Id> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(id) } else { None };
        Page { items: rows, next }
    }
}

/// A cursor that names no item of the list: not one this server gave.
pub(crate) fn foreign_cursor() -> ServiceError {
    ServiceError::Invalid("cursor: not one this server gave for this list".to_owned())
}
