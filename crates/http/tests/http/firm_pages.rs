//! The firm directory and introductions on the pages, as people use them:
//! a visitor finds the host's firm on the stay page and asks to meet it;
//! the firm's contact answers on the page the email links to; each sees the
//! other's address only after acceptance; the contact keeps the firm's
//! profile with the same checks as the API; a host member sees who visits.

use crate::support::*;
use axum::http::StatusCode;
use deskvisa_rules::{Locale, StayStatus};
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};

#[tokio::test]
async fn a_visitor_asks_on_the_stay_page_and_the_contact_accepts_on_theirs() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(3)
        };
        let w = Web::new(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let mette = w.add_member(w.host, person("mette@cph.example", Locale::Pl)).await;
        let profile = FirmProfile {
            about: deskvisa_rules::About::parse("Security audits for harbours.").unwrap(),
            interests: deskvisa_rules::Interests {
                offers: deskvisa_rules::Tags::parse(["cybersecurity"]).unwrap(),
                seeks: deskvisa_rules::Tags::default(),
            },
            city: "Copenhagen".to_owned(),
            open_to_visitors: true,
            ..FirmProfile::named("Bastion Security", Some(mette.member))
        };
        let firm = service.create_firm(&w.host_admin, w.host, profile).await.unwrap();
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        let stay = service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        assert_eq!(stay.status, StayStatus::Approved);

        // The visitor sees the host's firm on the stay page and asks to meet it.
        let anna = session(app, service, "anna@hubclub.example").await;
        let page = send(app, get(&format!("/stays/{}", stay.id), &anna)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Firms you could meet") && page.body.contains("Bastion Security"), "{}", page.body);
        let body = form(&[
            ("csrf", &field(&page.body, "csrf")),
            ("firm_id", &firm.id.to_string()),
            ("note", "We secure ports too. Coffee?"),
            ("back", &format!("/stays/{}", stay.id)),
        ]);
        let asked = send(app, post(&format!("/stays/{}/introductions", stay.id), &anna, &body)).await;
        assert_eq!(
            (asked.status, asked.location()),
            (StatusCode::SEE_OTHER, format!("/stays/{}?done=asked", stay.id).as_str())
        );
        let page = send(app, get(asked.location(), &anna)).await;
        assert!(
            page.body.contains("Waiting for the firm") && page.body.contains("request for an introduction was sent")
        );
        assert!(!page.body.contains("mette@cph.example"), "nothing of the contact before acceptance");

        // The contact answers on the introductions page, in Polish.
        let mette_session = session(app, service, "mette@cph.example").await;
        let list = send(app, get("/introductions", &mette_session)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("prosi o spotkanie z") && list.body.contains("We secure ports too."),
            "{}",
            list.body
        );
        assert!(!list.body.contains("anna@hubclub.example"), "nor of the visitor before acceptance");
        let intro = service.my_introductions(&mette).await.unwrap()[0].id;
        let body = form(&[("csrf", &field(&list.body, "csrf"))]);
        let answered = send(app, post(&format!("/introductions/{intro}/accept"), &mette_session, &body)).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER);
        let page = send(app, get(answered.location(), &mette_session)).await;
        assert!(page.body.contains("anna@hubclub.example") && page.body.contains("Przyjęto"), "{}", page.body);
        // Answered once only: the page tells a second answer so.
        let again = send(app, post(&format!("/introductions/{intro}/decline"), &mette_session, &body)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("już odpowiedziano"), "{}", again.body);
        let mine = send(app, get("/introductions", &anna)).await;
        assert!(mine.body.contains("mette@cph.example") && mine.body.contains("Accepted"), "{}", mine.body);
        // Nobody else sees it.
        let lars = session(app, service, "lars@cph.example").await;
        assert_eq!(send(app, get(&format!("/introductions/{intro}"), &lars)).await.status, StatusCode::NOT_FOUND);

        // The directory finds it; its contact keeps its profile, refused input kept.
        let found = send(app, get("/firms?q=bast", &anna)).await;
        assert!(found.body.contains("Bastion Security") && found.body.contains("Cybersecurity"), "{}", found.body);
        let firm_page = send(app, get(&format!("/firms/{}", firm.id), &mette_session)).await;
        assert!(firm_page.body.contains("Profil firmy"), "the contact may change it");
        let visitor_view = send(app, get(&format!("/firms/{}", firm.id), &anna)).await;
        assert!(!visitor_view.body.contains("action=\"/firms/"), "a visitor may not");
        let csrf = field(&firm_page.body, "csrf");
        let bad =
            form(&[("csrf", &csrf), ("name", "Bastion Security"), ("website", "ftp://bastion"), ("city", "Kopenhaga")]);
        let refused = send(app, post(&format!("/firms/{}", firm.id), &mette_session, &bad)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused.body.contains("adres strony") && refused.body.contains("value=\"Kopenhaga\""),
            "{}",
            refused.body
        );
        let good = form(&[
            ("csrf", &csrf),
            ("name", "Bastion Security"),
            ("website", "bastion.example"),
            ("offers", "cybersecurity"),
            ("offers_free", "port security"),
            ("languages", "da, en"),
            ("open_to_visitors", "yes"),
        ]);
        let saved = send(app, post(&format!("/firms/{}", firm.id), &mette_session, &good)).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let firm_now = service.firm(&mette, firm.id).await.unwrap();
        assert_eq!(firm_now.profile.interests.offers.texts(), ["cybersecurity", "port security"]);

        // Anna lets the host's firms see her; a host member sees her visit.
        let me = send(app, get("/me", &anna)).await;
        let body =
            form(&[("csrf", &field(&me.body, "csrf")), ("name", "anna"), ("locale", "en"), ("open_to_meet", "true")]);
        assert_eq!(send(app, post("/me", &anna, &body)).await.status, StatusCode::SEE_OTHER);
        let visitors = send(app, get("/visitors", &mette_session)).await;
        assert!(visitors.body.contains("anna") && visitors.body.contains("Nyhavn House"), "{}", visitors.body);
    })
    .await;
}
