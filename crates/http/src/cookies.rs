//! Every cookie deskvisa sets or reads, in one place the API, the sign-in
//! routes and the pages all depend on: their names, how each is written
//! (the `cookie` crate's builder, never a hand-made `Set-Cookie` string),
//! and how they are read back.
//!
//! The session and form-token cookies are `HttpOnly`; over https they are
//! `Secure` and `__Host-`-prefixed, so only this exact origin can set them.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use deskvisa_service::{SESSION_LIFETIME, Service};

/// How long the form token of someone not signed in lives (the sign-in
/// forms): a quarter of an hour, like a sign-in link.
pub(crate) const FORM_TOKEN_SECONDS: i64 = 15 * 60;

/// The `next` cookie: where to go after signing in, for a quarter of an hour.
pub(crate) const NEXT: &str = "deskvisa_next";

/// The chosen language (`en` or `pl`), for a year.
pub(crate) const LANG: &str = "deskvisa_lang";

fn https(service: &Service) -> bool {
    service.public_url().starts_with("https://")
}

/// The session cookie's name: `__Host-` bound to the exact origin over https.
pub(crate) fn session_name(service: &Service) -> &'static str {
    if https(service) { "__Host-deskvisa_session" } else { "deskvisa_session" }
}

/// The form token's cookie name (the twin of a form's hidden field).
pub(crate) fn form_token_name(service: &Service) -> &'static str {
    if https(service) { "__Host-deskvisa_csrf" } else { "deskvisa_csrf" }
}

/// The value of cookie `name`, if the request carries one that is not empty.
/// Each `Cookie` header is read as text with any bytes that are not UTF-8
/// replaced: another application on the host may set a cookie that is not
/// visible ASCII, and it must not hide ours.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|value| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            Cookie::split_parse(text).filter_map(Result::ok).map(Cookie::into_owned).collect::<Vec<_>>()
        })
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The session cookie carrying `value`, for the session's lifetime.
pub(crate) fn session(service: &Service, value: &str) -> HeaderValue {
    let seconds = SESSION_LIFETIME.num_seconds();
    header_of(private(service, session_name(service), value.to_owned(), SameSite::Lax, seconds))
}

/// Clears the session cookie.
pub(crate) fn session_cleared(service: &Service) -> HeaderValue {
    header_of(private(service, session_name(service), String::new(), SameSite::Lax, 0))
}

/// The form token's cookie (`SameSite=Strict`: another site never sends it).
pub(crate) fn form_token(service: &Service, value: &str) -> HeaderValue {
    header_of(private(service, form_token_name(service), value.to_owned(), SameSite::Strict, FORM_TOKEN_SECONDS))
}

/// Where to go after signing in (form-encoded: a path may hold `;`).
pub(crate) fn next(service: &Service, path: &str) -> HeaderValue {
    let value = form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
    header_of(private(service, NEXT, value, SameSite::Lax, 15 * 60))
}

/// The path [`next`] carries, decoded.
pub(crate) fn read_next(headers: &HeaderMap) -> Option<String> {
    let raw = read(headers, NEXT)?;
    form_urlencoded::parse(format!("v={raw}").as_bytes()).map(|(_, v)| v.into_owned()).next()
}

/// Forgets where to go after signing in.
pub(crate) fn next_cleared(service: &Service) -> HeaderValue {
    header_of(private(service, NEXT, String::new(), SameSite::Lax, 0))
}

/// The chosen language, for a year (read before anyone signs in, so not
/// `HttpOnly`-bound to a session; it holds nothing private).
pub(crate) fn lang(locale: &str) -> HeaderValue {
    let cookie =
        Cookie::build((LANG, locale.to_owned())).path("/").same_site(SameSite::Lax).max_age(Duration::days(365));
    header_of(cookie.build())
}

/// Forgets the chosen language (the profile's, once signed in, rules).
pub(crate) fn lang_cleared() -> HeaderValue {
    header_of(Cookie::build((LANG, "")).path("/").same_site(SameSite::Lax).max_age(Duration::ZERO).build())
}

fn private(service: &Service, name: &'static str, value: String, same_site: SameSite, seconds: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(https(service))
        .max_age(Duration::seconds(seconds))
        .build()
}

/// A cookie as a `Set-Cookie` value. Names are ours and values are random
/// tokens, locales and form-encoded paths, all visible ASCII without `;`, so
/// it is always a valid header; an empty one (never sent) is the fallback.
fn header_of(cookie: Cookie<'static>) -> HeaderValue {
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::COOKIE, HeaderValue::from_bytes(v).unwrap());
        }
        headers
    }

    #[test]
    fn ours_is_found_beside_a_cookie_that_is_not_ascii() {
        let h = headers(&[b"other=caf\xc3\xa9\xff; deskvisa_session=abc; x=1"]);
        assert_eq!(read(&h, "deskvisa_session").as_deref(), Some("abc"));
        assert_eq!(read(&h, "deskvisa"), None);
        assert_eq!(read(&headers(&[b"deskvisa_session="]), "deskvisa_session"), None, "empty is no cookie");
    }
}
