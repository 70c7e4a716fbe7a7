//! What the in-process page tests share: a request as a browser sends it,
//! the answer read whole, a page's hidden fields, a browser session signed
//! in through a sign-in link, and the shared world with its router.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use deskvisa_http::{Limits, router};
use deskvisa_rules::{Email, Locale};
use deskvisa_service::{DeliveryConfig, Mailer, NewMember, Service};
use deskvisa_testing::smtp::SmtpSink;
use deskvisa_testing::world::{World, member_named, smtp_sink};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The public URL the tests' services run at.
pub const ORIGIN: &str = "http://127.0.0.1:8080";

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Where a redirect leads.
    pub fn location(&self) -> &str {
        self.headers.get("location").map_or("", |v| v.to_str().unwrap())
    }

    /// The `name=value` of the cookie it sets.
    pub fn cookie(&self) -> String {
        self.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Answer { status, headers, body }
}

/// A page asked for by a browser with `cookie`.
pub fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header("cookie", cookie).header("accept", "text/html").body(Body::empty()).unwrap()
}

/// A form posted by a browser with `cookie`, from this server's page.
pub fn post(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("cookie", cookie)
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// A form's body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// The value of the first hidden field `name` of a page.
pub fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no field {name} in {page}")) + marker.len();
    page[start..].chars().take_while(|c| *c != '"').collect()
}

/// Follows a sign-in link's page and its button (with `extra_cookie`, such
/// as where to go back to): the answer that starts the session.
pub async fn follow_sign_in(app: &Router, path: &str, extra_cookie: &str) -> Answer {
    let token = path.split("token=").nth(1).unwrap();
    let page = send(app, get(path, "")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cookie = if extra_cookie.is_empty() { page.cookie() } else { format!("{}; {extra_cookie}", page.cookie()) };
    let body = format!("token={token}&csrf={}", field(&page.body, "csrf"));
    send(app, post("/auth/verify", &cookie, &body)).await
}

/// A browser session of `email`, signed in through a one-time sign-in link.
pub async fn session(app: &Router, service: &Service, email: &str) -> String {
    let link = service.issue_sign_in_link(&Email::parse(email).unwrap()).await.unwrap();
    let signed_in = follow_sign_in(app, link.url.strip_prefix(ORIGIN).unwrap(), "").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    signed_in.cookie()
}

/// HTML's character references, decoded as a browser decodes them.
pub fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let entity = &rest[at..];
        let Some(end) = entity.find(';') else {
            out.push_str(entity);
            return out;
        };
        let name = &entity[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &entity[end + 1..];
            }
            None => {
                out.push('&');
                rest = &entity[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The token of the first sign-in link in an email's text.
pub fn sign_in_token(text: &str) -> String {
    let start = text.find("/auth/verify?token=").expect("a sign-in link") + "/auth/verify?token=".len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// A member of the test worlds named after their address (anna@… is anna).
pub fn person(email: &str, locale: Locale) -> NewMember {
    member_named(email, email.split('@').next().unwrap(), locale)
}

/// The shared world with the router over its service and, for the tests
/// that read what is emailed, an SMTP server of its own.
pub struct Web {
    pub app: Router,
    pub world: World,
    mail: Option<(SmtpSink, Arc<Mailer>)>,
}

impl Web {
    pub fn new(world: World) -> Web {
        Web { app: router(world.service.clone(), Limits::default()), world, mail: None }
    }

    /// The same, with email sent to a real SMTP server.
    pub fn with_mail(world: World) -> Web {
        Web { mail: Some(smtp_sink(DeliveryConfig::default())), ..Web::new(world) }
    }

    pub fn sink(&self) -> &SmtpSink {
        &self.mail.as_ref().expect("a Web::with_mail").0
    }

    pub fn mailer(&self) -> &Arc<Mailer> {
        &self.mail.as_ref().expect("a Web::with_mail").1
    }
}

impl std::ops::Deref for Web {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}
