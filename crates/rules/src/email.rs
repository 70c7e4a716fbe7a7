//! Email addresses: how a member is known and reached.
//!
//! An address is stored lower-cased, so two spellings of one address are one
//! member. Only the ordinary dot-atom form is accepted (no quoted local parts,
//! no IP-literal domains, ASCII only): it is what business mail systems hand
//! out, and it can never carry a line break or a comma into a mail header.

use serde::Serialize;

use crate::text_form::text_form;

/// A syntactically sound email address, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("the email address is empty")]
    Empty,
    /// Longer than the 254 characters SMTP allows.
    #[error("the email address is longer than 254 characters")]
    TooLong,
    /// No `@`, or more than one.
    #[error("an email address has exactly one `@`")]
    NoSingleAt,
    /// The part before the `@` is empty, too long, or has a character or dot
    /// where none may be.
    #[error("the part before `@` is not valid")]
    BadLocalPart,
    /// The part after the `@` is not a domain name with at least two labels.
    #[error("the part after `@` is not a valid domain name")]
    BadDomain,
}

impl Email {
    /// Parses an address, trimming surrounding white space and lower-casing it.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(EmailError::Empty);
        }
        if input.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let mut parts = input.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::NoSingleAt);
        };
        if !valid_local_part(local) {
            return Err(EmailError::BadLocalPart);
        }
        if !valid_domain(domain) {
            return Err(EmailError::BadDomain);
        }
        Ok(Email(input.to_ascii_lowercase()))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain, after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

/// RFC 5322 dot-atom: atext characters, dots only between them, at most 64.
fn valid_local_part(local: &str) -> bool {
    const ATEXT_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || ATEXT_SPECIALS.contains(c))
}

/// Letters, digits and hyphens in labels of 1 to 63, at least two labels, and
/// a top-level label that is not all digits (so not an IP address).
fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels.last().is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

text_form!(Email as as_str => Display, Deserialize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_address_is_accepted_and_lower_cased() {
        let email = Email::parse("  Anna.Nowak+desk@HubClub.Ruda.PL ").unwrap();
        assert_eq!(email.as_str(), "anna.nowak+desk@hubclub.ruda.pl");
        assert_eq!(email.domain(), "hubclub.ruda.pl");
    }

    #[test]
    fn two_spellings_of_one_address_are_equal() {
        assert_eq!(Email::parse("A@B.dk"), Email::parse("a@b.DK"));
    }

    #[test]
    fn an_empty_address_is_refused() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn an_address_without_or_with_two_at_signs_is_refused() {
        assert_eq!(Email::parse("anna.example.com"), Err(EmailError::NoSingleAt));
        assert_eq!(Email::parse("a@b@example.com"), Err(EmailError::NoSingleAt));
    }

    #[test]
    fn a_local_part_with_bad_dots_or_characters_is_refused() {
        for bad in [".a@example.com", "a.@example.com", "a..b@example.com", "a b@example.com", "@example.com"] {
            assert_eq!(Email::parse(bad), Err(EmailError::BadLocalPart), "{bad}");
        }
    }

    #[test]
    fn a_line_break_can_never_reach_a_mail_header() {
        assert!(Email::parse("a\r\nBcc: x@evil.com@example.com").is_err());
        assert!(Email::parse("a@example.com\r\nBcc: x@evil.com").is_err());
    }

    #[test]
    fn a_domain_that_is_no_domain_name_is_refused() {
        for bad in ["a@localhost", "a@-x.com", "a@x-.com", "a@x..com", "a@1.2.3.4", "a@exa_mple.com", "a@example."] {
            assert_eq!(Email::parse(bad), Err(EmailError::BadDomain), "{bad}");
        }
    }

    #[test]
    fn an_address_over_the_smtp_limit_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let local_65 = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&local_65), Err(EmailError::BadLocalPart));
    }

    #[test]
    fn json_input_is_parsed_too() {
        let email: Email = serde_json::from_str("\"Jan@Example.com\"").unwrap();
        assert_eq!(email.as_str(), "jan@example.com");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
