//! Invitation letters on the pages, as people use them: the host's admin
//! writes the letterhead on the policy page; the visitor makes the letter
//! on the stay page, follows its download link to the PDF (read back by
//! poppler), and the QR code's URL opens the check in a browser that never
//! signed in, in its own language.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_rules::Locale;
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::pdf::Pdf;
use deskvisa_testing::world::{Setup, World};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn the_host_writes_its_letterhead_and_the_visitor_downloads_a_letter_a_stranger_checks() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(3)
        };
        let w = Web::new(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();

        // The host's admin names the address and signs the letters themself.
        let lars = session(app, service, "lars@cph.example").await;
        let policy = send(app, get("/host/policy", &lars)).await;
        assert!(policy.body.contains("id=\"letterhead\""), "{}", policy.body);
        let body = form(&[
            ("csrf", &field(&policy.body, "csrf")),
            ("address", "Nyhavn 17\r\n1051 København K"),
            ("signatory", &w.host_admin.member.to_string()),
        ]);
        let saved = send(app, post("/host/letterhead", &lars, &body)).await;
        assert_eq!((saved.status, saved.location()), (StatusCode::SEE_OTHER, "/host/policy?done=saved#letterhead"));
        let policy = send(app, get("/host/policy", &lars)).await;
        assert!(policy.body.contains("Nyhavn 17\n1051 København K</textarea>"), "{}", policy.body);

        // The visitor makes the letter on the stay page and follows its link.
        let anna = session(app, service, "anna@hubclub.example").await;
        let page = send(app, get(&format!("/stays/{}", stay.id), &anna)).await;
        assert!(page.body.contains("Invitation letter") && !page.body.contains("letter.pdf"), "{}", page.body);
        let body = form(&[("csrf", &field(&page.body, "csrf")), ("passport_name", "Anna Żaneta Kowalska-Øster")]);
        let made = send(app, post(&format!("/stays/{}/letter", stay.id), &anna, &body)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let page = send(app, get(made.location(), &anna)).await;
        assert!(page.body.contains("Your invitation letter is ready"), "{}", page.body);
        let href = format!("/api/v1/stays/{}/letter.pdf", stay.id);
        assert!(page.body.contains(&format!("href=\"{href}\"")), "{}", page.body);
        let response = app.clone().oneshot(get(&href, &anna)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = Pdf::new(&bytes, "page-letter.pdf").text();
        for expected in
            ["Anna Żaneta Kowalska-Øster", "Nyhavn 17 1051 København K", "lars on behalf of Copenhagen Digital"]
        {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
        // The URL its QR code holds, opened by a phone that never signed in, in Polish.
        let url = text
            .split(' ')
            .find(|w| w.starts_with("http://127.0.0.1:8080/verify/"))
            .unwrap_or_else(|| panic!("no verification URL in:\n{text}"));
        let request = Request::get(url.strip_prefix(ORIGIN).unwrap())
            .header("accept-language", "pl-PL,pl;q=0.9")
            .body(Body::empty())
            .unwrap();
        let check = send(app, request).await;
        assert_eq!(check.status, StatusCode::OK);
        assert!(check.body.contains("Ten list jest ważny") && check.body.contains("A. Ż. K."), "{}", check.body);

        // A name that is no name: a page in the viewer's language, nothing made over it.
        let body = form(&[("csrf", &field(&page.body, "csrf")), ("passport_name", "1234")]);
        let refused = send(app, post(&format!("/stays/{}/letter", stay.id), &anna, &body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(unescape(&refused.body).contains("Enter your full name as in your passport"), "{}", refused.body);
        assert_eq!(send(app, check_request(url)).await.status, StatusCode::OK);
    })
    .await;
}

fn check_request(url: &str) -> Request<Body> {
    Request::get(url.strip_prefix(ORIGIN).unwrap()).body(Body::empty()).unwrap()
}
