//! The web pages in-process, on both databases, for what a browser test
//! cannot set up cheaply: a full site offering the nearest dates that fit,
//! forms without the page's token or from another site changing nothing,
//! the language a page is in, and where strangers and errors end up. (The
//! journeys themselves run in a real browser: tests/browser.)

use std::time::Duration;

use crate::support::{Answer, Web, field, follow_sign_in, get, person, post, send, sign_in_token};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_rules::{Email, Locale};
use deskvisa_testing::world::{Setup, World, eventually};
use deskvisa_testing::{TestDatabase, on_both_backends};

/// HubClub (Poland) visits Copenhagen, whose site has one desk.
async fn world(db: TestDatabase) -> Web {
    let setup = Setup {
        house_rules: "Quiet after six.".to_owned(),
        member: person("anna@hubclub.example", Locale::Pl),
        host_admin: person("admin@cph.example", Locale::En),
        ..Setup::desks(1)
    };
    let w = World::with(db, setup).await;
    w.add_member(w.home, person("lars@hubclub.example", Locale::En)).await;
    w.add_member(w.home, person("hub-admin@hubclub.example", Locale::En)).await;
    Web::with_mail(w)
}

/// Signs `email` in as a browser does (the emailed link, its page, its
/// button) and returns the session cookie.
async fn sign_in(w: &Web, email: &str) -> String {
    let before = w.sink().messages().len();
    w.service.request_sign_in(&Email::parse(email).unwrap(), None).await.unwrap();
    w.service.deliver_mail(w.mailer()).await.unwrap();
    // Other mail may go out in the same round (a stay's notices): wait for
    // the sign-in email among what arrives.
    let text = eventually(Duration::from_secs(10), async || {
        let arrived = w.sink().messages();
        let mail = arrived[before..].iter().find(|m| m.text().contains("/auth/verify?token="));
        mail.map(|m| m.text().to_owned()).ok_or(format!("no sign-in email for {email}"))
    })
    .await;
    let path = format!("/auth/verify?token={}", sign_in_token(&text));
    let signed_in = follow_sign_in(&w.app, &path, "").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    signed_in.cookie()
}

fn site_path(w: &Web) -> String {
    format!("/sites/{}", w.site.as_uuid())
}

/// The site page's request form, posted with a session and the form's fields.
async fn request_stay(w: &Web, cookie: &str, fields: &str) -> Answer {
    send(&w.app, post(&format!("{}/request", site_path(w)), cookie, fields)).await
}

/// Lars holds the only desk Monday to Wednesday; Anna asks for Tuesday to
/// Thursday: the page says, in Polish, which days are full and offers the
/// nearest three-day ranges that fit as buttons, and the first button
/// requests that range.
#[tokio::test]
async fn a_full_site_offers_the_nearest_dates_that_fit_one_button_away() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let lars = sign_in(&w, "lars@hubclub.example").await;
        let page = send(&w.app, get(&site_path(&w), &lars)).await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = field(&page.body, "csrf");
        let booked =
            request_stay(&w, &lars, &format!("csrf={csrf}&start_date=2026-03-16&end_date=2026-03-18&purpose=")).await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
        assert!(booked.location().starts_with("/stays?done=requested"), "{}", booked.location());

        let anna = sign_in(&w, "anna@hubclub.example").await;
        let csrf = field(&send(&w.app, get(&site_path(&w), &anna)).await.body, "csrf");
        let fields = format!("csrf={csrf}&start_date=2026-03-17&end_date=2026-03-19&purpose=Spotkania");
        let refused = request_stay(&w, &anna, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("<html lang=\"pl\">"));
        assert!(refused.body.contains("Nie można poprosić o ten pobyt"));
        assert!(
            refused.body.contains("Brak wolnych biurek w dni: wtorek, 17 marca 2026; środa, 18 marca 2026."),
            "{}",
            refused.body
        );
        let alternatives = &refused.body[refused.body.find("class=\"alternatives\"").expect("alternatives")..];
        let (start, end) = (field(alternatives, "start_date"), field(alternatives, "end_date"));
        assert!(start.as_str() >= "2026-03-19" || end.as_str() <= "2026-03-13", "{start}–{end} avoids the full days");
        assert_eq!(field(alternatives, "purpose"), "Spotkania", "the purpose travels with the button");
        let body = format!("csrf={csrf}&start_date={start}&end_date={end}&purpose=Spotkania");
        let taken = request_stay(&w, &anna, &body).await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
        let next = taken.location().split('#').next().unwrap();
        assert_eq!(next, "/stays?done=requested");
        let stays = send(&w.app, get(next, &anna)).await.body;
        assert!(stays.contains("data-status=\"pending\""), "{stays}");
        assert!(stays.contains("Prośba została wysłana do gospodarza."));
    })
    .await;
}

/// A form posted without the page's token, with another session's token,
/// or from another site is refused with a page that says so, and nothing
/// is booked.
#[tokio::test]
async fn forms_without_the_pages_token_or_from_another_site_change_nothing() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let lars = sign_in(&w, "lars@hubclub.example").await;
        let anna = sign_in(&w, "anna@hubclub.example").await;
        let annas_token = field(&send(&w.app, get(&site_path(&w), &anna)).await.body, "csrf");
        let action = format!("{}/request", site_path(&w));
        let dates = "start_date=2026-03-16&end_date=2026-03-18";
        for body in [dates.to_owned(), format!("csrf=&{dates}"), format!("csrf={annas_token}&{dates}")] {
            let refused = send(&w.app, post(&action, &lars, &body)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{body}");
            assert!(refused.body.contains("This form has expired or was not served by deskvisa"), "{}", refused.body);
        }
        let lars_token = field(&send(&w.app, get(&site_path(&w), &lars)).await.body, "csrf");
        let cross_site = Request::post(&action)
            .header("cookie", &lars)
            .header("origin", "https://evil.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={lars_token}&{dates}")))
            .unwrap();
        assert_eq!(send(&w.app, cross_site).await.status, StatusCode::FORBIDDEN);
        let stays = send(&w.app, get("/stays", &lars)).await.body;
        assert!(!stays.contains("class=\"stay\""), "nothing was booked: {stays}");
    })
    .await;
}

/// A page is in the language chosen with the switcher, else the member's,
/// else the browser's; the switcher goes back only to this server.
#[tokio::test]
async fn pages_speak_the_viewers_language_and_go_back_only_to_this_server() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let polish_browser = Request::get("/sign-in").header("accept-language", "pl-PL,pl;q=0.9").body(Body::empty());
        let page = send(&w.app, polish_browser.unwrap()).await;
        assert!(page.body.contains("<html lang=\"pl\">") && page.body.contains("Wyślij mi link do logowania"));

        let anna = sign_in(&w, "anna@hubclub.example").await;
        let page = send(&w.app, get("/stays", &anna)).await;
        assert!(page.body.contains("<html lang=\"pl\">") && page.body.contains("<h1>Moje pobyty</h1>"));
        let switched = send(&w.app, get("/lang/en?back=%2Fstays", "")).await;
        assert_eq!((switched.status, switched.location()), (StatusCode::SEE_OTHER, "/stays"));
        let chosen = switched.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let page = send(&w.app, get("/stays", &format!("{anna}; {chosen}"))).await;
        assert!(page.body.contains("<html lang=\"en\">") && page.body.contains("<h1>My stays</h1>"));

        for back in ["https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2F%5Cevil.example"] {
            let switched = send(&w.app, get(&format!("/lang/pl?back={back}"), "")).await;
            assert_eq!(switched.location(), "/", "{back}");
        }
    })
    .await;
}

/// Someone not signed in is sent to sign in and comes back where they were
/// going; a member who is no host admin gets a page saying they may not; a
/// browser gets a page for an unknown address, a program gets JSON.
#[tokio::test]
async fn strangers_are_sent_to_sign_in_and_browsers_get_pages_for_errors() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let stranger = send(&w.app, get("/stays", "")).await;
        assert_eq!((stranger.status, stranger.location()), (StatusCode::SEE_OTHER, "/sign-in?next=%2Fstays"));
        let form = send(&w.app, get("/sign-in?next=%2Fstays", "")).await;
        assert_eq!(field(&form.body, "next"), "/stays");
        // The form sent, the link followed: back where the stranger was going.
        let body = format!("email=lars%40hubclub.example&next=%2Fstays&csrf={}", field(&form.body, "csrf"));
        let sent = send(&w.app, post("/sign-in", &form.cookie(), &body)).await;
        assert_eq!(sent.status, StatusCode::OK);
        assert!(sent.body.contains("<h1>Check your email</h1>"));
        let next_cookie = sent.cookie();
        assert_eq!(next_cookie, "deskvisa_next=%2Fstays");
        w.service.deliver_mail(w.mailer()).await.unwrap();
        let text = w.sink().wait_for(1, Duration::from_secs(10)).await[0].text().to_owned();
        let path = format!("/auth/verify?token={}", sign_in_token(&text));
        let signed_in = follow_sign_in(&w.app, &path, &next_cookie).await;
        assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, "/stays"));

        let lars = sign_in(&w, "lars@hubclub.example").await;
        let host = send(&w.app, get("/host", &lars)).await;
        assert_eq!(host.status, StatusCode::FORBIDDEN);
        assert!(host.body.contains("You may not do this."));
        let admin = sign_in(&w, "admin@cph.example").await;
        let inbox = send(&w.app, get("/host", &admin)).await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(inbox.body.contains("Nothing is waiting for an answer."));

        let missing = send(&w.app, get("/no-such-page", &lars)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("There is no such page") && missing.body.contains("Signed in as"));
        let unknown_site = send(&w.app, get(&format!("/sites/{}", uuid::Uuid::new_v4()), &lars)).await;
        assert_eq!(unknown_site.status, StatusCode::NOT_FOUND);
        assert!(unknown_site.body.contains("There is no such page"));
        let program = send(&w.app, Request::get("/no-such-page").body(Body::empty()).unwrap()).await;
        assert_eq!(program.status, StatusCode::NOT_FOUND);
        assert_eq!(program.headers["content-type"], "application/problem+json");

        let css = send(&w.app, get("/assets/style.css", "")).await;
        assert_eq!(
            (css.status, css.headers["content-type"].to_str().unwrap()),
            (StatusCode::OK, "text/css; charset=utf-8")
        );
    })
    .await;
}
