//! Request extractors: JSON bodies whose every rejection is a clear problem
//! (400 `malformed_request`, 413 `body_too_large`), and the authenticated
//! caller behind `Authorization: Bearer`.
//!
//! JSON is read strictly: a key given twice in one object (serde_json
//! would keep the last) and a field the body does not take (serde would
//! ignore it, so that a typo such as `vouched_untill` changes nothing and
//! answers 200) are refused with `malformed_request` naming them.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use deskvisa_service::{Caller, Service};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body, parsed into `T`.
pub struct ApiJson<T>(pub T);

/// A JSON document walked once to refuse a key given twice in one object.
struct Unique;

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        // Bounded by the body's own limit.
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("`{key}` is given twice")));
            }
            map.next_value::<Unique>()?;
        }
        Ok(Unique)
    }
}

/// `value` as `T`, refusing any field `T` does not take.
pub(crate) fn strictly<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Problem> {
    let mut unknown = Vec::new();
    let parsed: T = serde_ignored::deserialize(value, |path| unknown.push(path.to_string()))
        .map_err(|e| Problem::malformed(e.to_string()))?;
    match unknown.first() {
        None => Ok(parsed),
        Some(field) => Err(Problem::malformed(format!("`{field}`: no such field in this body"))),
    }
}

fn too_large() -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the body is larger than this server accepts")
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .is_some_and(|t| t == "application/json" || (t.starts_with("application/") && t.ends_with("+json")));
        if !json {
            return Err(Problem::malformed("send the body as application/json"));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { Problem::malformed(e.body_text()) }
        })?;
        serde_json::from_slice::<Unique>(&bytes).map_err(|e| Problem::malformed(e.to_string()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| Problem::malformed(e.to_string()))?;
        // Every body of the API is an object: serde would also read a
        // struct from an array of its fields, which no client means.
        if !value.is_object() {
            return Err(Problem::malformed("the body must be a JSON object"));
        }
        strictly(value).map(ApiJson)
    }
}

/// An optional JSON body: absent (or only white space) is `None`.
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for MaybeJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { Problem::malformed(e.body_text()) }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(MaybeJson(None));
        }
        serde_json::from_slice::<Unique>(&bytes).map_err(|e| Problem::malformed(e.to_string()))?;
        let value = serde_json::from_slice(&bytes).map_err(|e| Problem::malformed(e.to_string()))?;
        strictly(value).map(|v| MaybeJson(Some(v)))
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

/// The scheme, host and port of a URL: what `Origin` carries.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |i| &url[..after_scheme + i])
}

/// Refuses a request another site made a browser send: `Sec-Fetch-Site`
/// must be `same-origin` (or `none`, typed by the person), else `Origin`
/// must be deskvisa's own (scheme and host compared without regard to case,
/// as URLs do). A request with neither did not come from a browser that
/// could be tricked; a header that is there but is not text is no match.
pub(crate) fn same_origin(headers: &axum::http::HeaderMap, public_url: &str) -> Result<(), Problem> {
    let refused = || Problem::new(StatusCode::FORBIDDEN, "forbidden", "a cross-site request is refused");
    if let Some(site) = headers.get("sec-fetch-site").map(|v| v.to_str().unwrap_or_default()) {
        return if matches!(site, "same-origin" | "none") { Ok(()) } else { Err(refused()) };
    }
    if let Some(origin) = headers.get(axum::http::header::ORIGIN).map(|v| v.to_str().unwrap_or_default()) {
        return if origin.trim_end_matches('/').eq_ignore_ascii_case(origin_of(public_url.trim_end_matches('/'))) {
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
        if let Some(session) = crate::cookies::read(&parts.headers, crate::cookies::session_name(service)) {
            if !parts.method.is_safe() {
                same_origin(&parts.headers, service.public_url())?;
            }
            return Ok(Authenticated(service.authenticate_session(&session).await?));
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
        // Entry by entry: one whose bytes are not text is no address (and
        // ends the walk below), but must not hide the entries right of it.
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(|entry| std::str::from_utf8(entry).unwrap_or_default())
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
        assert_eq!(crate::cookies::read(&headers, "deskvisa_session").as_deref(), Some("abc"));
        assert_eq!(crate::cookies::read(&headers, "b"), None);
    }

    // -----------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------

    use std::net::{IpAddr, SocketAddr};

    use axum::http::{HeaderMap, HeaderValue, header};
    use proptest::prelude::*;
    use proptest::sample::{Index, select};

    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    /// Any bytes an HTTP header value may hold: visible ASCII, space, tab,
    /// and the bytes above 0x7f (obs-text, passed on by servers and proxies).
    fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop_oneof![8 => 0x20u8..=0x7e, 1 => Just(b'\t'), 2 => 0x80u8..=0xff], 0..80)
    }

    fn value(bytes: impl AsRef<[u8]>) -> HeaderValue {
        HeaderValue::from_bytes(bytes.as_ref()).unwrap()
    }

    fn one_header(name: header::HeaderName, bytes: impl AsRef<[u8]>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value(bytes));
        headers
    }

    /// `text` with the ASCII letters whose bit is set in `mask` upper-cased.
    fn with_case(text: &str, mask: u64) -> String {
        text.chars()
            .enumerate()
            .map(|(i, c)| if (mask >> (i % 64)) & 1 == 1 { c.to_ascii_uppercase() } else { c })
            .collect()
    }

    /// RFC 6265 cookie names (tokens) and values (cookie-octets).
    const COOKIE_NAME: &str = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}";
    const COOKIE_VALUE: &str = "[!#-+\\--:<-\\[\\]-~]{1,40}";

    proptest! {
        #![proptest_config(config(1000))]

        /// `Authorization: Bearer <token>` yields the token, white space
        /// around it dropped, whatever visible characters it holds.
        #[test]
        fn a_bearer_header_yields_its_token(token in "[!-~]([!-~ ]{0,60}[!-~])?", before in "[ \t]{0,3}", after in "[ \t]{0,3}") {
            let headers = one_header(header::AUTHORIZATION, format!("Bearer {before}{token}{after}"));
            prop_assert_eq!(bearer(&headers), Some(token.as_str()));
        }

        /// Only `Bearer` and a space carry a token: other schemes, `Bearer`
        /// glued to the token or followed by a tab, `Bearer` with nothing
        /// but white space after it, and no header at all give none.
        #[test]
        fn other_schemes_and_empty_tokens_give_no_bearer_token(
            token in "[!-~]{1,40}",
            scheme in select(vec!["Basic ", "Token ", "Digest ", "Bearerx", "Bearer:", "Bearer\t", "Bearer", "X-Bearer ", "Bearer-", "Bearer=", ""]),
            blank in "[ \t]{0,5}",
        ) {
            let (other, empty) = (
                one_header(header::AUTHORIZATION, format!("{scheme}{token}")),
                one_header(header::AUTHORIZATION, format!("Bearer {blank}")),
            );
            prop_assert_eq!(bearer(&other), None);
            prop_assert_eq!(bearer(&empty), None);
            prop_assert!(bearer(&HeaderMap::new()).is_none());
        }

        /// No `Authorization` value, whatever its bytes, makes `bearer`
        /// panic; a token it reads is never empty, has no white space around
        /// it, and is exactly what follows `Bearer `.
        #[test]
        fn bearer_never_panics_and_reads_only_what_follows_the_scheme(bytes in header_bytes(), prefixed in any::<bool>()) {
            let sent = if prefixed { [b"Bearer ".as_slice(), &bytes].concat() } else { bytes };
            if let Some(token) = bearer(&one_header(header::AUTHORIZATION, &sent)) {
                prop_assert!(!token.is_empty() && token.trim() == token);
                let text = std::str::from_utf8(&sent).unwrap();
                prop_assert_eq!(text.strip_prefix("Bearer ").map(str::trim), Some(token));
            }
        }

        /// The named cookie is found, its value exact, among any other
        /// cookies (names that contain it or differ from it in case
        /// included), in any place, in one `Cookie` header or spread over
        /// several; with an empty value it is no cookie.
        #[test]
        fn the_named_cookie_is_found_among_any_others(
            name in COOKIE_NAME,
            wanted in COOKIE_VALUE,
            others in prop::collection::vec((COOKIE_NAME, COOKIE_VALUE), 0..8),
            lookalikes in prop::collection::vec((0usize..4, COOKIE_VALUE), 0..3),
            at in any::<Index>(),
            breaks in prop::collection::vec(any::<bool>(), 12),
            spaces in prop::collection::vec(" {0,2}", 12),
        ) {
            let mut pairs: Vec<(String, String)> = others.into_iter().filter(|(n, _)| *n != name).collect();
            for (kind, v) in lookalikes {
                let n = match kind {
                    0 => format!("{name}_x"),
                    1 => format!("x{name}"),
                    2 => name.to_ascii_uppercase(),
                    _ => name.to_ascii_lowercase(),
                };
                if n != name {
                    pairs.push((n, v));
                }
            }
            let place = at.index(pairs.len() + 1);
            let headers_with = |own: &str| {
                let mut all = pairs.clone();
                all.insert(place, (name.clone(), own.to_owned()));
                let mut headers = HeaderMap::new();
                let mut line = String::new();
                for (i, (n, v)) in all.iter().enumerate() {
                    if !line.is_empty() {
                        if breaks[i] {
                            headers.append(header::COOKIE, value(&line));
                            line.clear();
                        } else {
                            line.push(';');
                            line.push_str(&spaces[i]);
                        }
                    }
                    line.push_str(&format!("{n}={v}"));
                }
                headers.append(header::COOKIE, value(&line));
                headers
            };
            let (with_value, with_nothing) = (headers_with(&wanted), headers_with(""));
            prop_assert_eq!(crate::cookies::read(&with_value, &name), Some(wanted.clone()));
            prop_assert_eq!(crate::cookies::read(&with_nothing, &name), None);
        }

        /// A foreign cookie holding bytes that are not visible ASCII (UTF-8
        /// or Latin-1 text that another application on the host set), before
        /// or after the named cookie in the same header, does not hide it.
        #[test]
        fn a_foreign_cookie_with_other_bytes_does_not_hide_the_named_one(
            name in COOKIE_NAME.prop_filter("not the foreign one", |n| n != "pref"),
            wanted in COOKIE_VALUE,
            foreign in prop_oneof![
                Just("caf\u{e9}".as_bytes().to_vec()),
                Just("\u{142}\u{f3}d\u{17a}".as_bytes().to_vec()),
                prop::collection::vec(prop_oneof![0x80u8..=0xff, b'a'..=b'z'], 1..20),
            ],
            foreign_first in any::<bool>(),
        ) {
            let foreign = [b"pref=".as_slice(), &foreign].concat();
            let own = format!("{name}={wanted}").into_bytes();
            let line = if foreign_first { [foreign, b"; ".to_vec(), own].concat() } else { [own, b"; ".to_vec(), foreign].concat() };
            let headers = one_header(header::COOKIE, line);
            prop_assert_eq!(crate::cookies::read(&headers, &name), Some(wanted.clone()));
        }

        /// No `Cookie` header, whatever its bytes, makes `cookies::read`
        /// panic; a value it finds is never empty, has no white space around
        /// it and no `;`.
        #[test]
        fn reading_a_cookie_never_panics(lines in prop::collection::vec(header_bytes(), 0..3), name in prop_oneof![COOKIE_NAME, "[ -~]{0,10}"]) {
            let mut headers = HeaderMap::new();
            for line in &lines {
                headers.append(header::COOKIE, value(line));
            }
            if let Some(v) = crate::cookies::read(&headers, &name) {
                prop_assert!(!v.is_empty() && v.trim() == v && !v.contains(';'), "{:?}", v);
            }
        }
    }

    /// A public URL, as (scheme, host, port, path): ports other than the
    /// schemes' defaults, which browsers leave out of `Origin`.
    fn public_url() -> impl Strategy<Value = (&'static str, String, Option<u16>, &'static str)> {
        (
            select(vec!["http", "https"]),
            prop_oneof![
                "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?){0,3}",
                Just("127.0.0.1".to_owned()),
                Just("[::1]".to_owned()),
            ],
            prop::option::of((1u16..=65535).prop_filter("not a default port", |p| *p != 80 && *p != 443)),
            select(vec!["", "/", "/app", "/app/", "/a/b?c=d"]),
        )
    }

    fn origin((scheme, host, port, _): &(&str, String, Option<u16>, &str)) -> String {
        match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        }
    }

    fn url(parts: &(&str, String, Option<u16>, &str)) -> String {
        format!("{}{}", origin(parts), parts.3)
    }

    fn is_forbidden(result: Result<(), Problem>) -> bool {
        result.is_err_and(|p| p.status() == StatusCode::FORBIDDEN)
    }

    proptest! {
        #![proptest_config(config(1000))]

        /// A request whose `Origin` is deskvisa's public origin (the public
        /// URL's scheme, host and port, its path left out) passes, with or
        /// without a trailing `/`, and in whatever letter case the
        /// configuration or the browser spelled the scheme and host.
        #[test]
        fn the_public_origin_passes(parts in public_url(), slash in any::<bool>(), sent_case in any::<u64>(), url_case in any::<u64>()) {
            let sent = with_case(&format!("{}{}", origin(&parts), if slash { "/" } else { "" }), sent_case);
            let public = with_case(&url(&parts), url_case);
            prop_assert!(same_origin(&one_header(header::ORIGIN, &sent), &public).is_ok(), "{} from {}", sent, public);
        }

        /// Any other `Origin` is refused with 403: another scheme, a host
        /// that only begins or ends like deskvisa's, another host with
        /// deskvisa's as a path or user name, another port, a port added or
        /// left out, a path, `null`, empty, or bytes that are no text.
        #[test]
        fn every_other_origin_is_refused(parts in public_url(), miss in 0usize..10, pick in any::<Index>()) {
            let (scheme, host, port, _) = &parts;
            let own = origin(&parts);
            let rest = own.split_once("://").unwrap().1.to_owned();
            let sent: Vec<u8> = match miss {
                0 => format!("{}://{rest}", if *scheme == "https" { "http" } else { "https" }).into_bytes(),
                1 => format!("{own}{}", pick.get(&[".evil.example", "x", "-evil.example", ".", ":"])).into_bytes(),
                2 => format!("{scheme}://{}{rest}", pick.get(&["evil", "evil.", "x-", "www."])).into_bytes(),
                3 => format!("{scheme}://evil.example/{rest}").into_bytes(),
                4 => format!("{scheme}://{rest}@evil.example").into_bytes(),
                5 => match port {
                    Some(p) if pick.index(2) == 0 => format!("{scheme}://{host}:{}", p ^ 1).into_bytes(),
                    Some(_) => format!("{scheme}://{host}").into_bytes(),
                    None => format!("{scheme}://{host}:8443").into_bytes(),
                },
                6 => format!("{own}/app").into_bytes(),
                7 => b"null".to_vec(),
                8 => Vec::new(),
                _ => [own.as_bytes(), *pick.get(&[b"\xff".as_slice(), b"\xc3\xa9", b"/\x80"])].concat(),
            };
            prop_assert!(is_forbidden(same_origin(&one_header(header::ORIGIN, &sent), &url(&parts))), "{}", String::from_utf8_lossy(&sent));
        }

        /// `Sec-Fetch-Site`, when a browser sends it, decides alone:
        /// `same-origin` and `none` pass whatever `Origin` says, anything
        /// else is refused even beside deskvisa's own `Origin`; a request
        /// with neither header passes.
        #[test]
        fn sec_fetch_site_decides_when_present(
            parts in public_url(),
            site in prop_oneof![
                select(vec!["same-origin", "none"]).prop_map(|s| s.as_bytes().to_vec()),
                select(vec!["same-site", "cross-site", "Same-Origin", "NONE", "", " same-origin"]).prop_map(|s| s.as_bytes().to_vec()),
                header_bytes(),
            ],
            sent_origin in prop::option::of(prop_oneof![Just(None), header_bytes().prop_map(Some)]),
        ) {
            let mut headers = one_header(header::HeaderName::from_static("sec-fetch-site"), &site);
            match &sent_origin {
                Some(None) => { headers.insert(header::ORIGIN, value(origin(&parts))); }
                Some(Some(bytes)) => { headers.insert(header::ORIGIN, value(bytes)); }
                None => {}
            }
            let passes = site == b"same-origin" || site == b"none";
            let result = same_origin(&headers, &url(&parts));
            if passes { prop_assert!(result.is_ok()) } else { prop_assert!(is_forbidden(result)) }
            prop_assert!(same_origin(&HeaderMap::new(), &url(&parts)).is_ok());
        }

        /// No header bytes and no public URL make `same_origin` or
        /// `origin_of` panic, and an origin is always a beginning of its URL.
        #[test]
        fn same_origin_never_panics(site in prop::option::of(header_bytes()), sent in prop::option::of(header_bytes()), public in "(?s:.{0,60})") {
            let mut headers = HeaderMap::new();
            if let Some(site) = site {
                headers.insert("sec-fetch-site", value(site));
            }
            if let Some(sent) = sent {
                headers.insert(header::ORIGIN, value(sent));
            }
            let _ = same_origin(&headers, &public);
            prop_assert!(public.starts_with(origin_of(&public)));
        }
    }

    /// Addresses no proxy is trusted with, and the trusted proxies.
    const CLIENTS: [&str; 5] = ["192.0.2.1", "198.51.100.7", "203.0.113.9", "2001:db8::1", "6.6.6.6"];
    const PROXIES: [&str; 3] = ["10.0.0.2", "10.0.0.3", "2001:db8::2"];

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// An address in one of the spellings a proxy may use: plain, or an
    /// IPv4 address as IPv4-mapped IPv6.
    fn spelled(address: IpAddr, mapped: bool) -> String {
        match address {
            IpAddr::V4(v4) if mapped => v4.to_ipv6_mapped().to_string(),
            other => other.to_string(),
        }
    }

    /// One entry of X-Forwarded-For: an address (any, trusted or not), or
    /// an entry that is no address (a host name, a port, brackets, an
    /// empty entry, any other text, bytes that are no text).
    fn entry() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => (select([CLIENTS.as_slice(), PROXIES.as_slice()].concat()), any::<bool>()).prop_map(|(a, m)| spelled(ip(a), m).into_bytes()),
            2 => junk(),
        ]
    }

    fn junk() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            select(vec![
                "unknown",
                "1.2.3.4:80",
                "[2001:db8::1]",
                "",
                "_hidden",
                "999.1.1.1",
                "localhost",
                "192.0.2.1/24"
            ])
            .prop_map(|s| s.as_bytes().to_vec()),
            "[!-+\\--~ ]{1,12}"
                .prop_filter("no address", |s| s.trim().parse::<IpAddr>().is_err())
                .prop_map(String::into_bytes),
            prop::collection::vec(prop_oneof![0x80u8..=0xff, b'a'..=b'z'], 1..8)
                .prop_filter("no text", |b| std::str::from_utf8(b).is_err()),
        ]
    }

    /// A request from `peer` carrying `entries` in X-Forwarded-For, put in
    /// one header or split over several where `breaks` says.
    fn forwarded(peer: SocketAddr, entries: &[Vec<u8>], breaks: &[bool], trusted: &[&str]) -> Parts {
        let mut request = axum::http::Request::new(());
        let mut line: Vec<u8> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                if breaks.get(i).copied().unwrap_or(false) {
                    request.headers_mut().append("x-forwarded-for", value(&line));
                    line.clear();
                } else {
                    line.extend_from_slice(b", ");
                }
            }
            line.extend_from_slice(entry);
        }
        if !entries.is_empty() {
            request.headers_mut().append("x-forwarded-for", value(&line));
        }
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        request.extensions_mut().insert(TrustedProxies(std::sync::Arc::new(trusted.iter().map(|a| ip(a)).collect())));
        request.into_parts().0
    }

    fn peer(address: &str, mapped: bool, port: u16) -> SocketAddr {
        match ip(address) {
            IpAddr::V4(v4) if mapped => SocketAddr::new(IpAddr::V6(v4.to_ipv6_mapped()), port),
            other => SocketAddr::new(other, port),
        }
    }

    proptest! {
        #![proptest_config(config(1000))]

        /// A peer that is no trusted proxy is the client, whatever
        /// X-Forwarded-For says.
        #[test]
        fn an_untrusted_peer_is_the_client_whatever_it_forwards(
            from in select(CLIENTS.to_vec()),
            mapped in any::<bool>(),
            port in any::<u16>(),
            entries in prop::collection::vec(entry(), 0..6),
            breaks in prop::collection::vec(any::<bool>(), 6),
        ) {
            let parts = forwarded(peer(from, mapped, port), &entries, &breaks, &PROXIES);
            prop_assert_eq!(client_address(&parts), Some(ip(from)));
        }

        /// Behind trusted proxies the client is the address the first of
        /// them saw: whatever a client forged to the left of it (addresses,
        /// proxies' addresses, junk, bytes that are no text), the answer is
        /// the nearest address that is no trusted proxy, found right to left
        /// over the trusted hops, in either spelling of IPv4, however the
        /// header is split into lines.
        #[test]
        fn behind_trusted_proxies_the_client_is_what_the_first_proxy_saw(
            forged in prop::collection::vec(entry(), 0..5),
            client in select(CLIENTS.to_vec()),
            client_mapped in any::<bool>(),
            hops in prop::collection::vec((select(PROXIES.to_vec()), any::<bool>()), 0..3),
            proxy in select(PROXIES.to_vec()),
            proxy_mapped in any::<bool>(),
            breaks in prop::collection::vec(any::<bool>(), 9),
        ) {
            let mut entries = forged;
            entries.push(spelled(ip(client), client_mapped).into_bytes());
            entries.extend(hops.iter().map(|(hop, m)| spelled(ip(hop), *m).into_bytes()));
            let parts = forwarded(peer(proxy, proxy_mapped, 443), &entries, &breaks, &PROXIES);
            prop_assert_eq!(client_address(&parts), Some(ip(client)));
        }

        /// An entry that is no address ends the walk: the client is then the
        /// entry just right of it (or the peer), never one to its left; when
        /// every entry is a trusted proxy, the leftmost is the client; with
        /// no entry at all, the peer is.
        #[test]
        fn an_entry_that_is_no_address_ends_the_walk(
            left in prop::collection::vec(entry(), 0..4),
            bad in junk(),
            hops in prop::collection::vec(select(PROXIES.to_vec()), 0..3),
            proxy in select(PROXIES.to_vec()),
            breaks in prop::collection::vec(any::<bool>(), 8),
        ) {
            let mut entries = left;
            entries.push(bad);
            entries.extend(hops.iter().map(|h| h.as_bytes().to_vec()));
            let expected = hops.first().map_or(ip(proxy), |h| ip(h));
            prop_assert_eq!(client_address(&forwarded(peer(proxy, false, 1), &entries, &breaks, &PROXIES)), Some(expected));
            let only_hops: Vec<Vec<u8>> = hops.iter().map(|h| h.as_bytes().to_vec()).collect();
            prop_assert_eq!(client_address(&forwarded(peer(proxy, false, 1), &only_hops, &breaks, &PROXIES)), Some(expected));
        }

        /// Whatever X-Forwarded-For holds, `client_address` never panics and
        /// answers the peer or one of the forwarded addresses; without a
        /// peer address (in-process tests) it answers nothing.
        #[test]
        fn client_address_never_panics(
            lines in prop::collection::vec(header_bytes(), 0..3),
            from in select([CLIENTS.as_slice(), PROXIES.as_slice()].concat()),
            trusted in prop::sample::subsequence([CLIENTS.as_slice(), PROXIES.as_slice()].concat(), 0..=8),
        ) {
            let mut request = axum::http::Request::new(());
            for line in &lines {
                request.headers_mut().append("x-forwarded-for", value(line));
            }
            request.extensions_mut().insert(TrustedProxies(std::sync::Arc::new(trusted.iter().map(|a| ip(a)).collect())));
            let without_peer = request.into_parts().0;
            prop_assert_eq!(client_address(&without_peer), None);
            let mut parts = without_peer;
            parts.extensions.insert(axum::extract::ConnectInfo(peer(from, false, 1)));
            let found = client_address(&parts).unwrap();
            let forwarded_addresses: Vec<IpAddr> = lines
                .iter()
                .flat_map(|l| l.split(|b| *b == b','))
                .filter_map(|e| std::str::from_utf8(e).ok()?.trim().parse::<IpAddr>().ok())
                .map(|a| a.to_canonical())
                .collect();
            prop_assert!(found == ip(from) || forwarded_addresses.contains(&found), "{found}");
        }

        /// A path or query id is the id the rules parse from it, and text
        /// that is no id is 404 `not_found`.
        #[test]
        fn a_path_id_is_the_rules_id_or_not_found(text in prop_oneof![
            any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
            "(?s:.{0,40})",
        ]) {
            match (id(&text, deskvisa_rules::SiteId::parse), deskvisa_rules::SiteId::parse(&text)) {
                (Ok(got), Ok(parsed)) => prop_assert_eq!(got, parsed),
                (Err(problem), Err(_)) => prop_assert_eq!(problem.status(), StatusCode::NOT_FOUND),
                (got, parsed) => prop_assert!(false, "id: {:?}, parse: {:?}", got.ok(), parsed.ok()),
            }
        }
    }
}
