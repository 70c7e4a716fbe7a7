//! A long list held whole, shown a numbered page at a time (`page=N` in
//! the address): which items a page shows, and the line under it that says
//! where it is ("101–200 / 6700") with links to the pages either side. The
//! map's sites found and the ledger's figures are such lists.

use std::ops::Range;

/// Where a page is among the pages of a list, for the `_pages.html` line.
pub(crate) struct Numbered {
    /// The line's id, for links and tests.
    pub(crate) id: &'static str,
    /// The first item shown, from 1.
    pub(crate) first: usize,
    /// The last item shown.
    pub(crate) last: usize,
    /// Items in all.
    pub(crate) of: usize,
    /// The page before, with its link's words.
    pub(crate) back: Option<(String, &'static str)>,
    /// The page after, with its link's words.
    pub(crate) next: Option<(String, &'static str)>,
}

/// Which pages a list is cut into, and the words of its links.
pub(crate) struct Pages<'a> {
    /// The line's id.
    pub(crate) id: &'static str,
    /// Items a page.
    pub(crate) size: usize,
    /// Words of the link to the page before, and after.
    pub(crate) words: (&'static str, &'static str),
    /// The address of page `n`.
    pub(crate) link: &'a dyn Fn(usize) -> String,
}

impl Pages<'_> {
    /// The items of the page `asked` (the query's text; the first page when
    /// it is not a number, the last when past it) of a list of `total`, and
    /// the line that places it, when there is more than one page.
    pub(crate) fn cut(&self, total: usize, asked: &str) -> (Range<usize>, Option<Numbered>) {
        let size = self.size.max(1);
        let pages = total.div_ceil(size).max(1);
        let page = asked.parse::<usize>().unwrap_or(1).clamp(1, pages);
        let shown = (page - 1) * size..(page * size).min(total);
        let line = (pages > 1).then(|| Numbered {
            id: self.id,
            first: shown.start + 1,
            last: shown.end,
            of: total,
            back: (page > 1).then(|| ((self.link)(page - 1), self.words.0)),
            next: (page < pages).then(|| ((self.link)(page + 1), self.words.1)),
        });
        (shown, line)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Pages;

    #[test]
    fn a_list_is_cut_into_pages_each_placed_among_the_others() {
        let link = |n: usize| format!("/?page={n}");
        let pages = Pages { id: "p", size: 100, words: ("back", "next"), link: &link };
        let (shown, line) = pages.cut(250, "2");
        assert_eq!(shown, 100..200);
        let line = line.unwrap();
        assert_eq!((line.first, line.last, line.of), (101, 200, 250));
        assert_eq!(line.back, Some(("/?page=1".to_owned(), "back")));
        assert_eq!(line.next, Some(("/?page=3".to_owned(), "next")));
        let (last, line) = pages.cut(250, "9");
        assert_eq!(last, 200..250, "past the end: the last page");
        assert!(line.unwrap().next.is_none());
        let (first, line) = pages.cut(250, "x");
        assert_eq!(first, 0..100, "not a number: the first page");
        assert!(line.unwrap().back.is_none());
        assert!(pages.cut(80, "1").1.is_none(), "one page needs no line");
        assert_eq!(pages.cut(0, "").0, 0..0);
    }
}
