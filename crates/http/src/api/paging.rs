//! Long lists in pages, `{"items","next_cursor"}`: a `limit` (1 to 200,
//! default 50) and the `cursor` the page before gave. The caller's stays
//! are paged by when they were made (the cursor is that instant and the
//! stay's id); the members of a cluster, a site's inbox and a site's events
//! by the id of the last item shown, read in the database after it (see
//! the service's `paging`).

use deskvisa_service::{Page, PageRequest};
use serde::Deserialize;

use crate::problem::Problem;

/// The largest page.
const MAX_LIMIT: u64 = 200;
/// The page when none is asked for.
const DEFAULT_LIMIT: u64 = 50;

/// A page of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// 1 to 200 (default 50).
    pub(crate) limit: Option<u64>,
    /// The `next_cursor` of the page before.
    pub(crate) cursor: Option<String>,
}

impl Paging {
    /// How many items a page holds; 400 outside 1 to 200.
    pub(crate) fn limit(&self) -> Result<u64, Problem> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if (1..=MAX_LIMIT).contains(&limit) { Ok(limit) } else { Err(Problem::malformed("limit: from 1 to 200")) }
    }

    /// The cursor, if one was given (an empty one is none).
    pub(crate) fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|c| !c.is_empty())
    }

    /// The page asked for, its cursor read as the id of the list's items.
    pub(crate) fn request<Id, E>(&self, parse: impl Fn(&str) -> Result<Id, E>) -> Result<PageRequest<Id>, Problem> {
        let limit = self.limit()?;
        let after = self
            .cursor()
            .map(|text| parse(text).map_err(|_| Problem::malformed("cursor: not one this server gave")))
            .transpose()?;
        Ok(PageRequest { after, limit })
    }
}

/// A page's items as the answer shows them, and its `next_cursor`.
pub(crate) fn shown<T, Id: std::fmt::Display, S>(
    page: Page<T, Id>,
    show: impl Fn(&T) -> S,
) -> (Vec<S>, Option<String>) {
    (page.items.iter().map(show).collect(), page.next.map(|id| id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(limit: Option<u64>, cursor: Option<&str>) -> Paging {
        Paging { limit, cursor: cursor.map(str::to_owned) }
    }

    #[test]
    fn a_limit_outside_its_range_or_a_made_up_cursor_is_refused() {
        let parse = |t: &str| t.parse::<u32>();
        assert_eq!(paging(None, None).request(parse).unwrap(), PageRequest { after: None, limit: 50 });
        assert_eq!(paging(Some(7), Some("3")).request(parse).unwrap(), PageRequest { after: Some(3), limit: 7 });
        assert_eq!(paging(Some(7), Some("")).request(parse).unwrap(), PageRequest { after: None, limit: 7 });
        assert!(paging(Some(0), None).request(parse).is_err());
        assert!(paging(Some(201), None).request(parse).is_err());
        assert!(paging(None, Some("nine")).request(parse).is_err());
    }
}
