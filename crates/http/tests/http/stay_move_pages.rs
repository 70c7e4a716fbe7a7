//! New dates on the stay page (issue 23), as a member uses them: the form
//! shows the stay's dates; a move the rules refuse comes back at the form
//! in the viewer's language with the dates kept, every reason and the
//! nearest dates that fit, one click each; a move that fits lands on the
//! stay with its new days and says who was told; the email's link opens
//! that page; only the member sees the form.

use crate::support::*;
use axum::http::StatusCode;
use deskvisa_rules::Locale;
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};
use std::time::Duration;

#[tokio::test]
async fn a_member_moves_a_stay_on_its_page_and_a_refusal_comes_back_at_the_form() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::Pl),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(1)
        };
        let w = Web::with_mail(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let other = w.another_member("ola@hubclub.example").await;
        service.request_stay(&other, &w.input("2026-03-09", "2026-03-10")).await.unwrap();

        let anna = session(app, service, "anna@hubclub.example").await;
        let path = format!("/stays/{}", stay.id);
        let page = send(app, get(&path, &anna)).await;
        assert!(page.body.contains("Zmień terminy"), "{}", page.body);
        assert!(page.body.contains("name=\"start_date\" type=\"date\" value=\"2026-03-04\""), "{}", page.body);

        // Monday is full: back at the form, in Polish, the dates kept, and
        // the nearest dates that fit offered as buttons.
        let csrf = field(&page.body, "csrf");
        let body = form(&[("csrf", &csrf), ("start_date", "2026-03-05"), ("end_date", "2026-03-09")]);
        let refused = send(app, post(&format!("{path}/dates"), &anna, &body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("Nie można przenieść pobytu na te terminy"), "{}", refused.body);
        assert!(refused.body.contains("value=\"2026-03-09\""), "the dates are kept: {}", refused.body);
        assert!(refused.body.contains("Przenieś na"), "{}", refused.body);
        let stay_now = service.stay(&w.member, stay.id).await.unwrap();
        assert_eq!((stay_now.start_date, stay_now.end_date), (stay.start_date, stay.end_date), "nothing moved");

        // Not a date at all: the same form, saying so.
        let body = form(&[("csrf", &csrf), ("start_date", "jutro"), ("end_date", "2026-03-09")]);
        let bad = send(app, post(&format!("{path}/dates"), &anna, &body)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("id=\"move-error\""), "{}", bad.body);

        // One day shorter: it fits, stays approved, and the page says who was told.
        let body = form(&[("csrf", &csrf), ("start_date", "2026-03-04"), ("end_date", "2026-03-05")]);
        let moved = send(app, post(&format!("{path}/dates"), &anna, &body)).await;
        assert_eq!((moved.status, moved.location()), (StatusCode::SEE_OTHER, format!("{path}?done=moved").as_str()));
        let page = send(app, get(moved.location(), &anna)).await;
        assert!(page.body.contains("Pobyt ma nowe terminy"), "{}", page.body);
        assert!(page.body.contains("4–5 marca 2026"), "{}", page.body);
        assert!(
            page.body.contains("nowe terminy: 4–6 marca 2026 → 4–5 marca 2026"),
            "the history says so: {}",
            page.body
        );

        // The host's email links to the stay, where the host reads the new dates; no form for them.
        service.deliver_mail(w.mailer()).await.unwrap();
        let messages = w.sink().wait_for(7, Duration::from_secs(20)).await;
        let told = messages
            .iter()
            .find(|m| m.rcpt_tos[0] == "lars@cph.example" && m.subject().starts_with("New dates:"))
            .expect("the host is told");
        assert!(told.text().contains("It stays approved"), "{}", told.text());
        let link = told.text().lines().find(|l| l.contains("/stays/")).unwrap().trim().to_owned();
        let lars = session(app, service, "lars@cph.example").await;
        let host_page = send(app, get(link.strip_prefix(ORIGIN).unwrap(), &lars)).await;
        assert_eq!(host_page.status, StatusCode::OK);
        assert!(
            host_page.body.contains("4–5 March 2026") && !host_page.body.contains("id=\"move\""),
            "{}",
            host_page.body
        );
        // Nor may the host post it.
        let body = form(&[
            ("csrf", &field(&host_page.body, "csrf")),
            ("start_date", "2026-03-04"),
            ("end_date", "2026-03-04"),
        ]);
        let forbidden = send(app, post(&format!("{path}/dates"), &lars, &body)).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{}", forbidden.body);
    })
    .await;
}
