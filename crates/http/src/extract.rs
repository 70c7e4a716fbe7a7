//! Request extractors: JSON bodies whose every rejection is a clear problem
//! (400 `malformed_request`, 413 `body_too_large`), and the authenticated
//! caller behind `Authorization: Bearer`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use deskvisa_service::{Caller, Service};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body, parsed into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(e)) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than this server accepts",
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(Problem::malformed("send the body as application/json"))
            }
            Err(e) => Err(Problem::malformed(e.body_text())),
        }
    }
}

/// An optional JSON body: absent (or only white space) is `None`.
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for MaybeJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "the body is larger than this server accepts",
                )
            } else {
                Problem::malformed(e.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(MaybeJson(None));
        }
        serde_json::from_slice(&bytes).map(|v| MaybeJson(Some(v))).map_err(|e| Problem::malformed(e.to_string()))
    }
}

/// The caller, authenticated by a bearer token or, for the web pages, a
/// session cookie. A state-changing request that only a cookie
/// authenticates must come from deskvisa's own pages (CSRF): a browser's
/// `Sec-Fetch-Site` or `Origin` says so, or it is refused with 403.
pub struct Authenticated(pub Caller);

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The value of cookie `name`, if the request carries it.
pub(crate) fn session_cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// The scheme, host and port of a URL: what `Origin` carries.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |i| &url[..after_scheme + i])
}

/// Refuses a request another site made a browser send: `Sec-Fetch-Site`
/// must be `same-origin` (or `none`, typed by the person), else `Origin`
/// must be deskvisa's own. A request with neither did not come from a
/// browser that could be tricked.
pub(crate) fn same_origin(headers: &axum::http::HeaderMap, public_url: &str) -> Result<(), Problem> {
    let refused = || Problem::new(StatusCode::FORBIDDEN, "forbidden", "a cross-site request is refused");
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return if matches!(site, "same-origin" | "none") { Ok(()) } else { Err(refused()) };
    }
    if let Some(origin) = headers.get(axum::http::header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return if origin.trim_end_matches('/') == origin_of(public_url.trim_end_matches('/')) {
            Ok(())
        } else {
            Err(refused())
        };
    }
    Ok(())
}

impl FromRequestParts<Service> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            return Ok(Authenticated(service.authenticate(token).await?));
        }
        if let Some(session) = session_cookie(&parts.headers, crate::auth::cookie_name(service)) {
            if !parts.method.is_safe() {
                same_origin(&parts.headers, service.public_url())?;
            }
            return Ok(Authenticated(service.authenticate_session(session).await?));
        }
        Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "a valid bearer token or session is required"))
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub(crate) struct TrustedProxies(pub(crate) std::sync::Arc<Vec<std::net::IpAddr>>);

/// The client's address: the peer's, or, when the peer is a trusted proxy,
/// the nearest address in `X-Forwarded-For` that is not itself a trusted
/// proxy. `None` when the server was not started with peer addresses
/// (in-process tests).
pub(crate) fn client_address(parts: &Parts) -> Option<std::net::IpAddr> {
    // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip().to_canonical();
    let trusted = parts.extensions.get::<TrustedProxies>().cloned().unwrap_or_default();
    if !trusted.0.contains(&peer) {
        return Some(peer);
    }
    let entries: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // Right to left: each trusted hop vouches for the one before it. An
    // entry that is no address ends the walk there (never skipped, or a
    // client could slip its own choice past a hop the proxy wrote).
    let mut client = peer;
    for entry in entries.into_iter().rev() {
        let Ok(address) = entry.parse::<std::net::IpAddr>().map(|a| a.to_canonical()) else {
            break;
        };
        client = address;
        if !trusted.0.contains(&address) {
            break;
        }
    }
    Some(client)
}

/// The client's address, as [`client_address`] finds it.
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// Parses a path or query id into a rules id type, or 404 (an id that is not
/// one names nothing).
pub fn id<T>(text: &str, parse: impl Fn(&str) -> Result<T, deskvisa_rules::IdError>) -> Result<T, Problem> {
    parse(text).map_err(|_| Problem::not_found())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("https://desks.example.org"), "https://desks.example.org");
        assert_eq!(origin_of("https://desks.example.org/app"), "https://desks.example.org");
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    fn parts(peer: &str, forwarded: &str, trusted: &[&str]) -> Parts {
        let mut request = axum::http::Request::new(());
        if !forwarded.is_empty() {
            request.headers_mut().insert("x-forwarded-for", forwarded.parse().unwrap());
        }
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        let trusted = trusted.iter().map(|a| a.parse().unwrap()).collect();
        request.extensions_mut().insert(TrustedProxies(std::sync::Arc::new(trusted)));
        request.into_parts().0
    }

    #[test]
    fn the_client_is_found_behind_trusted_proxies_only() {
        let ip = |s: &str| Some(s.parse::<std::net::IpAddr>().unwrap());
        assert_eq!(client_address(&parts("192.0.2.1:1", "198.51.100.7", &["10.0.0.2"])), ip("192.0.2.1"));
        assert_eq!(client_address(&parts("10.0.0.2:1", "198.51.100.7", &["10.0.0.2"])), ip("198.51.100.7"));
        // A client's own forged entries sit to the left of what the proxy wrote.
        assert_eq!(client_address(&parts("10.0.0.2:1", "6.6.6.6, 198.51.100.7", &["10.0.0.2"])), ip("198.51.100.7"));
        // Two trusted hops.
        let two = parts("10.0.0.2:1", "198.51.100.7, 10.0.0.3", &["10.0.0.2", "10.0.0.3"]);
        assert_eq!(client_address(&two), ip("198.51.100.7"));
        // An entry that is no address ends the walk: nothing left of it is believed.
        assert_eq!(client_address(&parts("10.0.0.2:1", "6.6.6.6, 1.2.3.4:5678", &["10.0.0.2"])), ip("10.0.0.2"));
        // An IPv4 peer on a dual-stack socket is still the trusted proxy.
        assert_eq!(client_address(&parts("[::ffff:10.0.0.2]:1", "198.51.100.7", &["10.0.0.2"])), ip("198.51.100.7"));
        assert_eq!(client_address(&parts("10.0.0.2:1", "", &["10.0.0.2"])), ip("10.0.0.2"));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, "a=1; deskvisa_session_x=2; deskvisa_session=abc".parse().unwrap());
        assert_eq!(session_cookie(&headers, "deskvisa_session"), Some("abc"));
        assert_eq!(session_cookie(&headers, "b"), None);
    }
}
