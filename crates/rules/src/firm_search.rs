//! Words for the firm directory's full-text search, cut the same way for
//! what is searched and what is asked, so that SQLite's FTS5 and
//! PostgreSQL's `tsvector` see the same plain words and find the same firms:
//! each engine's own tokenizer would cut `e-commerce`, `C++` or a web
//! address differently, so neither is left to decide where words begin.

/// The words of `text` as the search keeps them: runs of letters and
/// digits, lower case, in order (repeats kept: the engines count them).
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// What a directory search asks for: every term must begin a word of the
/// firm's name, about or tags (`clou` finds `cloud`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

/// Why a search is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchTermsError {
    /// Longer than [`SearchTerms::MAX_CHARS`] characters.
    #[error("q: at most {} characters", SearchTerms::MAX_CHARS)]
    TooLong,
    /// More than [`SearchTerms::MAX_TERMS`] words.
    #[error("q: at most {} words", SearchTerms::MAX_TERMS)]
    TooManyTerms,
}

impl SearchTerms {
    /// The longest query, in characters.
    pub const MAX_CHARS: usize = 200;
    /// The most words a query may hold.
    pub const MAX_TERMS: usize = 8;

    /// Reads a query as typed; `None` when it holds no word (punctuation
    /// alone asks for nothing, so the whole directory is shown).
    pub fn parse(query: &str) -> Result<Option<SearchTerms>, SearchTermsError> {
        if query.chars().count() > Self::MAX_CHARS {
            return Err(SearchTermsError::TooLong);
        }
        let mut terms = search_words(query);
        terms.sort();
        terms.dedup();
        if terms.len() > Self::MAX_TERMS {
            return Err(SearchTermsError::TooManyTerms);
        }
        Ok((!terms.is_empty()).then_some(SearchTerms(terms)))
    }

    /// The terms, each a run of lower-case letters and digits.
    pub fn terms(&self) -> &[String] {
        &self.0
    }

    /// The query in FTS5's syntax: every term as a quoted prefix.
    pub fn fts5(&self) -> String {
        self.0.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" AND ")
    }

    /// The query in PostgreSQL's `to_tsquery` syntax: every term as a prefix.
    pub fn tsquery(&self) -> String {
        self.0.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ")
    }

    /// The same, every term found only among the words of `weight` (`A`
    /// the name, `B` the tags, as the stored vector weighs them).
    pub fn tsquery_weighted(&self, weight: char) -> String {
        self.0.iter().map(|t| format!("{t}:*{weight}")).collect::<Vec<_>>().join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits_in_lower_case() {
        assert_eq!(
            search_words("E-commerce & C++ at https://Bastion.dk/o-nas"),
            ["e", "commerce", "c", "at", "https", "bastion", "dk", "o", "nas"]
        );
        assert_eq!(search_words("Żółć, Łódź 2026"), ["żółć", "łódź", "2026"]);
    }

    #[test]
    fn a_query_becomes_prefixes_for_both_engines() {
        let q = SearchTerms::parse(" Cloud  sec.  cloud").unwrap().unwrap();
        assert_eq!(q.terms(), ["cloud", "sec"]);
        assert_eq!(q.fts5(), "\"cloud\"* AND \"sec\"*");
        assert_eq!(q.tsquery(), "cloud:* & sec:*");
        assert_eq!(q.tsquery_weighted('A'), "cloud:*A & sec:*A");
    }

    #[test]
    fn punctuation_alone_asks_for_nothing_and_limits_hold() {
        assert_eq!(SearchTerms::parse(" -- ! "), Ok(None));
        assert_eq!(SearchTerms::parse(&"a".repeat(201)), Err(SearchTermsError::TooLong));
        assert_eq!(SearchTerms::parse("a b c d e f g h i"), Err(SearchTermsError::TooManyTerms));
    }

    #[test]
    fn no_query_can_carry_syntax_into_either_engine() {
        for q in ["\"a\" OR b", "a:* | !b", "NEAR(a b)", "x' OR '1'='1", "a & (b"] {
            let Some(terms) = SearchTerms::parse(q).unwrap() else { continue };
            assert!(terms.terms().iter().all(|t| t.chars().all(char::is_alphanumeric)), "{q}");
        }
    }
}
