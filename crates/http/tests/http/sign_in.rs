//! Sign-in by email link end to end: the link really emailed (a real SMTP
//! server), its page that consumes nothing, the form that does, the session
//! cookie, replay and expiry, no enumeration, cross-site refusals, logout,
//! revocation, security headers, and no raw secret in the database.

use std::time::Duration;

use crate::support::{Answer, Web, field, send, sign_in_token};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::TimeDelta;
use deskvisa_http::{Limits, router};
use deskvisa_rules::{Email, Locale};
use deskvisa_service::*;
use deskvisa_testing::world::{Setup, World, member_named};
use deskvisa_testing::{Backend, TestDatabase, on_both_backends};

/// HubClub with Anna (who reads Polish) and a member about to be revoked,
/// beside the rest of the shared world; a real SMTP server.
async fn world(test_db: TestDatabase) -> Web {
    let setup = Setup { member: member_named("anna@hubclub.example", "Anna", Locale::Pl), ..Setup::desks(1) };
    let w = World::with(test_db, setup).await;
    w.add_member(w.home, member_named("revoked@hubclub.example", "Anna", Locale::En)).await;
    Web::with_mail(w)
}

/// An admin of HubClub.
async fn boss(w: &Web) -> Caller {
    w.add_admin(w.home, member_named("boss@hubclub.example", "B", Locale::En)).await
}

/// `GET /api/v1/me` with a session cookie.
fn me_with_cookie(cookie: &str) -> Request<Body> {
    Request::get("/api/v1/me").header("cookie", cookie).body(Body::empty()).unwrap()
}

/// `method path` with a bearer token.
fn with_token(method: &str, path: &str, token: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

fn json_post(path: &str, body: &str) -> Request<Body> {
    Request::post(path).header("content-type", "application/json").body(Body::from(body.to_owned())).unwrap()
}

/// A form post to `path`, its body still to come.
fn form_post(path: &str) -> axum::http::request::Builder {
    Request::post(path).header("content-type", "application/x-www-form-urlencoded")
}

/// Asks for a link for `email` and returns the token from the email that arrives.
async fn link_for(w: &Web, email: &str) -> String {
    let before = w.sink().messages().len();
    let answer = send(&w.app, json_post("/api/v1/auth/magic-link", &format!("{{\"email\":\"{email}\"}}"))).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    w.service.deliver_mail(w.mailer()).await.unwrap();
    let messages = w.sink().wait_for(before + 1, Duration::from_secs(10)).await;
    let text = messages[before].text();
    let token = sign_in_token(text);
    assert!(text.contains(&format!("http://127.0.0.1:8080/auth/verify?token={token}")), "built from the public URL");
    token
}

/// Opens the link's page as a browser does and returns the post its button
/// sends: the token with the page's form token in the body, the form token's
/// cookie (beside `session`, if any) and `headers`.
async fn button(w: &Web, token: &str, headers: &[(&str, &str)], session: Option<&str>) -> Request<Body> {
    let page = send(&w.app, Request::get(format!("/auth/verify?token={token}")).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    let set = page.headers["set-cookie"].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    let form_cookie = page.cookie();
    let field = field(&page.body, "csrf");
    assert_eq!(form_cookie.split_once('=').unwrap().1, field, "the cookie and the field agree");
    let cookie = match session {
        Some(session) => format!("{form_cookie}; {session}"),
        None => form_cookie,
    };
    let mut request = form_post("/auth/verify").header("cookie", cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from(format!("token={token}&csrf={field}"))).unwrap()
}

fn cookie_of(answer: &Answer) -> String {
    let set = answer.headers.get("set-cookie").expect("a session cookie").to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_member_signs_in_through_the_link_the_server_really_sent() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let token = link_for(&w, "Anna@HubClub.example").await;
        let message = &w.sink().messages()[0];
        assert_eq!(message.rcpt_tos, ["anna@hubclub.example"]);
        assert!(message.subject().contains("logowania"), "in the member's language: {}", message.subject());

        // Mail scanners open links: a hundred GETs consume nothing.
        for _ in 0..100 {
            let page =
                send(&w.app, Request::get(format!("/auth/verify?token={token}")).body(Body::empty()).unwrap()).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("<form method=\"post\" action=\"/auth/verify\">"));
        }
        let signed_in = send(&w.app, button(&w, &token, &[("sec-fetch-site", "same-origin")], None).await).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
        assert_eq!(signed_in.headers["location"], "/");
        let cookie = cookie_of(&signed_in);
        assert!(cookie.starts_with("deskvisa_session="), "plain http: no __Host- prefix, no Secure");

        let me = send(&w.app, me_with_cookie(&cookie)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        assert!(
            me.body.contains("\"status\":\"active\""),
            "an invited member's first sign-in makes them active: {}",
            me.body
        );

        // The link works once.
        let replay = send(&w.app, button(&w, &token, &[], None).await).await;
        assert_eq!(replay.status, StatusCode::BAD_REQUEST);
        assert!(replay.body.contains("expired or was already used"));

        // The database holds no raw token or session id.
        let session = cookie.split_once('=').unwrap().1.to_owned();
        assert_no_secret_stored(&w, &[&token, &session]).await;

        // Logging out ends the session on the server.
        let out = send(
            &w.app,
            Request::post("/api/v1/auth/logout")
                .header("cookie", &cookie)
                .header("origin", "http://127.0.0.1:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
        assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        let me = send(&w.app, me_with_cookie(&cookie)).await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// Every byte of the database (on SQLite, its files; on PostgreSQL, a text
/// dump of every table) is searched for the secrets.
async fn assert_no_secret_stored(w: &World, secrets: &[&str]) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &w.test_db.db;
    let backend = db.get_database_backend();
    let tables: Vec<String> = match w.test_db.backend() {
        Backend::Sqlite => db
            .query_all_raw(Statement::from_string(backend, "SELECT name FROM sqlite_master WHERE type = 'table'"))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect(),
        Backend::Postgres => db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect(),
    };
    assert!(tables.iter().any(|t| t == "sessions") && tables.iter().any(|t| t == "outbox"), "{tables:?}");
    for table in tables {
        let dump = match w.test_db.backend() {
            // Every column of every row as text, joined.
            Backend::Postgres => format!("SELECT COALESCE(string_agg(t::text, ' '), '') FROM \"{table}\" t"),
            Backend::Sqlite => {
                let columns: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let c = r.try_get_by_index::<String>(0).unwrap();
                        format!(
                            "COALESCE(CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END, '')"
                        )
                    })
                    .collect();
                format!("SELECT COALESCE(group_concat({}, ' '), '') FROM \"{table}\"", columns.join(" || ' ' || "))
            }
        };
        let row = db.query_one_raw(Statement::from_string(backend, dump)).await.unwrap().unwrap();
        let text: String = row.try_get_by_index(0).unwrap();
        for secret in secrets {
            assert!(!text.contains(secret), "table {table} holds a raw secret");
        }
    }
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_and_only_members_get_mail() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let revoke = w.service.member_by_email(&Email::parse("revoked@hubclub.example").unwrap()).await.unwrap();
    let boss = boss(&w).await;
    w.service.revoke_member(&boss, w.home, revoke.id).await.unwrap();

    let mut answers = Vec::new();
    for email in ["anna@hubclub.example", "nobody@nowhere.example", "revoked@hubclub.example"] {
        answers.push(send(&w.app, json_post("/api/v1/auth/magic-link", &format!("{{\"email\":\"{email}\"}}"))).await);
    }
    for a in &answers[1..] {
        assert_eq!(a.status, answers[0].status);
        assert_eq!(a.body, answers[0].body);
        let strip = |h: &HeaderMap| {
            let mut h = h.clone();
            h.remove("date");
            // Each request's own id, made afresh: it tells nothing of the address.
            h.remove("x-request-id");
            format!("{h:?}")
        };
        assert_eq!(strip(&a.headers), strip(&answers[0].headers), "headers but Date and the request id are identical");
    }
    assert_eq!(
        w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'sign_in'").await,
        1,
        "only the member is mailed"
    );
    let bad = send(&w.app, json_post("/api/v1/auth/magic-link", "{\"email\":\"not an address\"}")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_link_expires_after_fifteen_minutes_and_api_clients_get_a_token() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let old = link_for(&w, "anna@hubclub.example").await;
    w.clock.advance(TimeDelta::minutes(15) + TimeDelta::seconds(1));
    let late = send(&w.app, json_post("/api/v1/auth/token", &format!("{{\"token\":\"{old}\"}}"))).await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.body);

    let fresh = link_for(&w, "anna@hubclub.example").await;
    let answer = send(&w.app, json_post("/api/v1/auth/token", &format!("{{\"token\":\"{fresh}\"}}"))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let api_token = value["api_token"].as_str().unwrap();
    assert_eq!(value["member"]["email"], "anna@hubclub.example");
    let me = send(&w.app, with_token("GET", "/api/v1/me", api_token)).await;
    assert_eq!(me.status, StatusCode::OK);
    let again = send(&w.app, json_post("/api/v1/auth/token", &format!("{{\"token\":\"{fresh}\"}}"))).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "used once");
    let out = send(&w.app, with_token("POST", "/api/v1/auth/logout", api_token)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let me = send(&w.app, with_token("GET", "/api/v1/me", api_token)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "the token is revoked");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_a_revoked_members_session_stops_at_once() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let token = link_for(&w, "anna@hubclub.example").await;
    // Login CSRF: another site's form cannot sign anyone in, whether the
    // browser says where the form came from or not: without the page's own
    // form token, or with one its cookie does not match, nothing happens.
    let forged = send(&w.app, button(&w, &token, &[("sec-fetch-site", "cross-site")], None).await).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let bare = form_post("/auth/verify").body(Body::from(format!("token={token}"))).unwrap();
    let bare = send(&w.app, bare).await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN, "{}", bare.body);
    assert!(bare.headers["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    let guessed = form_post("/auth/verify")
        .header("cookie", "deskvisa_csrf=attacker-chosen")
        .body(Body::from(format!("token={token}&csrf=something-else")))
        .unwrap();
    assert_eq!(send(&w.app, guessed).await.status, StatusCode::FORBIDDEN);
    let signed_in = send(&w.app, button(&w, &token, &[("origin", "http://127.0.0.1:8080")], None).await).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "the token survived the forged post");
    let cookie = cookie_of(&signed_in);
    for (name, value) in
        [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "https://evil.example")]
    {
        let forged = send(
            &w.app,
            Request::post("/api/v1/auth/logout")
                .header("cookie", &cookie)
                .header(name, value)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(forged.headers["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    }
    // Reads with the cookie are fine from anywhere a browser navigates.
    let me = send(&w.app, me_with_cookie(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);

    let anna = w.service.member_by_email(&Email::parse("anna@hubclub.example").unwrap()).await.unwrap();
    w.service.revoke_member(&boss(&w).await, w.home, anna.id).await.unwrap();
    let me = send(&w.app, me_with_cookie(&cookie)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "revoked: the session stops at once");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_errors_included() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    for request in [
        Request::get("/healthz").body(Body::empty()).unwrap(),
        Request::get("/no/such/page").body(Body::empty()).unwrap(),
        Request::get("/api/v1/me").body(Body::empty()).unwrap(),
        Request::get("/auth/verify?token=x").body(Body::empty()).unwrap(),
        json_post("/api/v1/auth/magic-link", "{"),
    ] {
        let path = request.uri().to_string();
        let a = send(&w.app, request).await;
        let csp = a.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{path}: {csp}");
        assert_eq!(a.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(a.headers["referrer-policy"], "no-referrer", "{path}");
        assert!(a.headers.get("strict-transport-security").is_none(), "{path}: no HSTS over plain http");
    }
    let https = router(w.service.clone().with_public_url("https://desks.example.org"), Limits::default());
    let a = send(&https, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert!(a.headers["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn an_invited_member_gets_a_welcome_with_a_working_sign_in_link() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let boss = boss(&w).await;
    let new = NewMember {
        email: Email::parse("jan@hubclub.example").unwrap(),
        name: "Jan Kowalski".into(),
        company: "Firma".into(),
        locale: Locale::Pl,
    };
    w.service.invite_member(&boss, w.home, new).await.unwrap();
    w.service.deliver_mail(w.mailer()).await.unwrap();
    let messages = w.sink().wait_for(1, Duration::from_secs(10)).await;
    let welcome = &messages[0];
    assert_eq!(welcome.rcpt_tos, ["jan@hubclub.example"]);
    assert_eq!(welcome.subject(), "HubClub zaprasza Cię do deskvisa");
    assert!(welcome.text().contains("http://127.0.0.1:8080/sign-in"), "the sign-in page, for when the link expired");
    let token = sign_in_token(welcome.text());
    let answer = send(&w.app, json_post("/api/v1/auth/token", &format!("{{\"token\":\"{token}\"}}"))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

fn from_client(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let address: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(axum::extract::ConnectInfo(address));
    request
}

#[tokio::test]
async fn one_client_asking_too_often_gets_429_and_one_address_is_mailed_only_so_often() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let limits = RateLimits {
        sign_in_emails_per_address_per_hour: 2,
        sign_in_requests_per_client_per_minute: 4,
        ..RateLimits::default()
    };
    let proxied = Limits { trusted_proxies: vec!["10.0.0.2".parse().unwrap()], ..Limits::default() };
    let app = router(w.service.clone().with_rate_limits(limits), proxied);
    let ask = |peer: &str, forwarded: Option<&str>| {
        let mut request = json_post("/api/v1/auth/magic-link", "{\"email\":\"anna@hubclub.example\"}");
        if let Some(f) = forwarded {
            request.headers_mut().insert("x-forwarded-for", f.parse().unwrap());
        }
        from_client(request, peer)
    };
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(send(&app, ask("192.0.2.10", None)).await);
    }
    assert_eq!(statuses.iter().map(|a| a.status.as_u16()).collect::<Vec<_>>(), [202, 202, 202, 202, 429]);
    let limited = &statuses[4];
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(limited.body.contains("\"code\":\"rate_limited\""));
    // The address itself was mailed twice: the other two answers were 202 all the same.
    assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'sign_in'").await, 2);

    // Behind the trusted proxy, the forwarded client is counted, not the proxy;
    // a forwarded header from an untrusted peer is ignored.
    for _ in 0..4 {
        assert_eq!(send(&app, ask("10.0.0.2", Some("198.51.100.7"))).await.status, StatusCode::ACCEPTED);
    }
    assert_eq!(send(&app, ask("10.0.0.2", Some("198.51.100.7"))).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(send(&app, ask("10.0.0.2", Some("198.51.100.8"))).await.status, StatusCode::ACCEPTED);
    assert_eq!(
        send(&app, ask("192.0.2.10", Some("198.51.100.9"))).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "an untrusted peer cannot choose whom it is counted as"
    );
    // A minute later the client may ask again.
    w.clock.advance(TimeDelta::seconds(61));
    assert_eq!(send(&app, ask("192.0.2.10", None)).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn rate_limits_hold_across_two_instances_on_one_postgres() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let w = world(db).await;
    let limits = RateLimits {
        sign_in_emails_per_address_per_hour: 3,
        sign_in_requests_per_client_per_minute: 10,
        ..RateLimits::default()
    };
    let second = w.another_instance(4).await;
    let apps = [
        router(w.service.clone().with_rate_limits(limits), Limits::default()),
        router(second.with_rate_limits(limits), Limits::default()),
    ];
    let mut tasks = Vec::new();
    for i in 0..16 {
        let app = apps[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let request = json_post("/api/v1/auth/magic-link", "{\"email\":\"anna@hubclub.example\"}");
            send(&app, from_client(request, "192.0.2.44")).await.status
        }));
    }
    let mut accepted = 0;
    let mut limited = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::ACCEPTED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("{other}"),
        }
    }
    assert_eq!((accepted, limited), (10, 6), "the client's limit is one count across both instances");
    assert_eq!(
        w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'sign_in'").await,
        3,
        "and so is the address's"
    );
}

#[tokio::test]
async fn signing_in_again_rotates_the_session() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = world(db).await;
    let first = link_for(&w, "anna@hubclub.example").await;
    let a = send(&w.app, button(&w, &first, &[], None).await).await;
    let old = cookie_of(&a);
    let second = link_for(&w, "anna@hubclub.example").await;
    let b = send(&w.app, button(&w, &second, &[], Some(&old)).await).await;
    let new = cookie_of(&b);
    assert_ne!(old, new, "a new session id");
    let me = |cookie: String| Request::get("/api/v1/me").header("cookie", cookie).body(Body::empty()).unwrap();
    assert_eq!(send(&w.app, me(old)).await.status, StatusCode::UNAUTHORIZED, "the old session ended");
    assert_eq!(send(&w.app, me(new)).await.status, StatusCode::OK);
}
