//! Tokens in HTML forms against cross-site request forgery, beside the
//! `Origin` / `Sec-Fetch-Site` checks of [`crate::extract::same_origin`]
//! (which browsers that send neither header would let through).
//!
//! A form served before anyone is signed in (the sign-in link's page) gets a
//! double-submit token: a random value in a `SameSite=Strict`, `HttpOnly`
//! cookie and the same value in a hidden field. Another site can make a
//! browser post a form, but cannot set or read this origin's cookie, so it
//! cannot make the two agree.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use deskvisa_service::Service;

use crate::cookies;
use crate::problem::Problem;

/// A form token: the value for the hidden field and the `Set-Cookie` header
/// that carries its twin.
pub(crate) struct FormToken {
    /// For `<input type="hidden" name="csrf" value="...">`.
    pub(crate) value: String,
    /// To send with the page.
    pub(crate) cookie: HeaderValue,
}

/// A fresh token for a form served to someone not signed in.
pub(crate) fn issue(service: &Service) -> Result<FormToken, Problem> {
    let value = deskvisa_service::secret("")?;
    let cookie = cookies::form_token(service, &value);
    Ok(FormToken { value, cookie })
}

/// Whether the posted field matches the cookie; 403 `forbidden` if not.
pub(crate) fn check(service: &Service, headers: &HeaderMap, field: Option<&str>) -> Result<(), Problem> {
    let cookie = cookies::read(headers, cookies::form_token_name(service));
    match (cookie, field) {
        (Some(cookie), Some(field)) if equal(cookie.as_bytes(), field.as_bytes()) => Ok(()),
        _ => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this form has expired or was not served by deskvisa: open the page again",
        )),
    }
}

/// Compares in time that depends only on the lengths (`subtle`).
pub(crate) fn equal(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::Arc;

    use axum::http::header;
    use deskvisa_service::SystemClock;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    #[test]
    fn equal_compares_every_byte() {
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
        assert!(!equal(b"abc", b"ab"));
        assert!(!equal(b"", b"a"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// `equal` says two byte strings are equal exactly when they are:
        /// any two, two of one length, and one against itself with one bit
        /// flipped.
        #[test]
        fn equal_is_equality(a in prop::collection::vec(any::<u8>(), 0..40), b in prop::collection::vec(any::<u8>(), 0..40), same_length in prop::collection::vec(any::<u8>(), 8), at in any::<Index>(), bit in 0u8..8) {
            prop_assert_eq!(equal(&a, &b), a == b);
            prop_assert!(equal(&a, &a.clone()));
            let other = same_length.iter().rev().copied().collect::<Vec<u8>>();
            prop_assert_eq!(equal(&same_length, &other), same_length == other);
            if !a.is_empty() {
                let mut flipped = a.clone();
                flipped[at.index(a.len())] ^= 1 << bit;
                prop_assert!(!equal(&a, &flipped));
            }
        }
    }

    /// A posted form passes exactly when its hidden field equals the CSRF
    /// cookie of this origin's name (`__Host-deskvisa_csrf` over https,
    /// `deskvisa_csrf` over http), among any other cookies: a token just
    /// issued, sent back as the browser would, passes; a field that differs
    /// by one character, is cut short or made longer, is empty or missing,
    /// or a cookie that is missing, empty or under the other scheme's name,
    /// is 403 `forbidden`.
    #[test]
    fn a_form_passes_exactly_when_its_field_matches_its_cookie() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let config = deskvisa_store::DatabaseConfig::new("sqlite::memory:");
        let store = runtime.block_on(deskvisa_store::Store::open(&config)).unwrap();
        let service = Service::with_store(store, Arc::new(SystemClock));
        for url in ["http://127.0.0.1:8080", "https://desks.example.org"] {
            let service = service.clone().with_public_url(url);
            let name = cookies::form_token_name(&service);
            let other_name = if name.starts_with("__Host-") { "deskvisa_csrf" } else { "__Host-deskvisa_csrf" };
            let forbidden = |headers: &HeaderMap, field: Option<&str>| {
                check(&service, headers, field).is_err_and(|p| p.status() == StatusCode::FORBIDDEN)
            };
            let strategy = (
                "[A-Za-z0-9_-]{1,64}",
                prop::collection::vec(("[a-z_]{1,12}", "[A-Za-z0-9_=-]{1,20}"), 0..4),
                any::<Index>(),
                select(vec!['x', 'A', '0', '-', '_', '=', ' ']),
            );
            let mut runner = TestRunner::new(Config { cases: 500, failure_persistence: None, ..Config::default() });
            runner
                .run(&strategy, |(token, others, at, with)| {
                    let cookies = |own: Option<(&str, &str)>| {
                        let mut pairs: Vec<String> = others
                            .iter()
                            .filter(|(n, _)| n != name && n != other_name)
                            .map(|(n, v)| format!("{n}={v}"))
                            .collect();
                        if let Some((n, v)) = own {
                            pairs.insert(at.index(pairs.len() + 1), format!("{n}={v}"));
                        }
                        let mut headers = HeaderMap::new();
                        if !pairs.is_empty() {
                            headers.insert(header::COOKIE, HeaderValue::from_str(&pairs.join("; ")).unwrap());
                        }
                        headers
                    };
                    let own = cookies(Some((name, &token)));
                    prop_assert!(check(&service, &own, Some(&token)).is_ok());
                    let i = at.index(token.len());
                    let changed: String = token
                        .char_indices()
                        .map(|(j, c)| if j == i { if c == with { '!' } else { with } } else { c })
                        .collect();
                    for field in
                        [Some(changed.as_str()), Some(&token[..i]), Some(&format!("{token}{with}")), Some(""), None]
                    {
                        prop_assert!(forbidden(&own, field), "{:?}", field);
                    }
                    for headers in [cookies(None), cookies(Some((other_name, &token))), cookies(Some((name, "")))] {
                        prop_assert!(forbidden(&headers, Some(&token)));
                    }
                    let issued = issue(&service).unwrap();
                    let sent_back = issued.cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
                    let headers = cookies(Some(sent_back.split_once('=').unwrap()));
                    prop_assert!(check(&service, &headers, Some(&issued.value)).is_ok());
                    Ok(())
                })
                .unwrap();
        }
    }
}
