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

use crate::extract::session_cookie;
use crate::problem::Problem;

/// The hidden field's name.
pub(crate) const FIELD: &str = "csrf";

/// How long a form's token lasts: as long as a sign-in link.
const LIFETIME_SECONDS: i64 = 15 * 60;

/// The cookie's name: `__Host-` bound to the exact origin over https.
fn cookie_name(service: &Service) -> &'static str {
    if service.public_url().starts_with("https://") { "__Host-deskvisa_csrf" } else { "deskvisa_csrf" }
}

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
    let secure = if service.public_url().starts_with("https://") { "; Secure" } else { "" };
    let cookie = HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_SECONDS}{secure}",
        cookie_name(service)
    ))
    .map_err(|_| Problem::from(deskvisa_service::ServiceError::Internal("a cookie that is no header".to_owned())))?;
    Ok(FormToken { value, cookie })
}

/// Whether the posted field matches the cookie; 403 `forbidden` if not.
pub(crate) fn check(service: &Service, headers: &HeaderMap, field: Option<&str>) -> Result<(), Problem> {
    let cookie = session_cookie(headers, cookie_name(service));
    match (cookie, field) {
        (Some(cookie), Some(field)) if equal(cookie.as_bytes(), field.as_bytes()) => Ok(()),
        _ => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this form has expired or was not served by deskvisa: open the page again",
        )),
    }
}

/// Compares in time that depends only on the lengths.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::equal;

    #[test]
    fn equal_compares_every_byte() {
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
        assert!(!equal(b"abc", b"ab"));
        assert!(!equal(b"", b"a"));
    }
}
