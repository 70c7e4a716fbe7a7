//! Delegations on the pages (issue 23), as admins use them: the home admin
//! picks a site, the dates and members on `/host/delegations`; a group the
//! rules refuse comes back with each refused member named and the choices
//! kept; the host's admin finds the group waiting, opens it and approves it
//! once; each member's own stay is approved.

use crate::support::*;
use axum::http::StatusCode;
use deskvisa_rules::{Locale, StayStatus};
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};

#[tokio::test]
async fn a_home_admin_sends_a_group_on_the_page_and_the_host_approves_it_once() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(2)
        };
        let w = Web::new(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        w.add_admin(w.home, person("boss@hubclub.example", Locale::En)).await;
        let ola = w.add_member(w.home, person("ola@hubclub.example", Locale::En)).await;
        let piotr = w.add_member(w.home, person("piotr@hubclub.example", Locale::En)).await;
        let boss = session(app, service, "boss@hubclub.example").await;

        let page = send(app, get("/host/delegations", &boss)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Send a delegation") && page.body.contains("Nyhavn House"), "{}", page.body);
        let csrf = field(&page.body, "csrf");
        let site = w.site.to_string();
        let (anna_id, ola_id, piotr_id) =
            (w.member.member.to_string(), ola.member.to_string(), piotr.member.to_string());

        // Three where two desks are: refused whole, the third named, the choices kept.
        let body = form(&[
            ("csrf", &csrf),
            ("site_id", &site),
            ("start_date", "2026-03-09"),
            ("end_date", "2026-03-10"),
            ("member_id", &anna_id),
            ("member_id", &ola_id),
            ("member_id", &piotr_id),
            ("purpose", "Study visit"),
        ]);
        let refused = send(app, post("/host/delegations", &boss, &body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("The delegation cannot go"), "{}", refused.body);
        assert!(refused.body.contains("<strong>piotr</strong>"), "the third is named: {}", refused.body);
        assert!(refused.body.contains(&format!("value=\"{ola_id}\" checked")), "{}", refused.body);

        // Two fit.
        let body = form(&[
            ("csrf", &csrf),
            ("site_id", &site),
            ("start_date", "2026-03-09"),
            ("end_date", "2026-03-10"),
            ("member_id", &ola_id),
            ("member_id", &piotr_id),
        ]);
        let sent = send(app, post("/host/delegations", &boss, &body)).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let group = sent.location().split('?').next().unwrap().to_owned();
        assert!(group.starts_with("/delegations/"), "{group}");
        let page = send(app, get(sent.location(), &boss)).await;
        assert!(
            page.body.contains("ola") && page.body.contains("piotr") && page.body.contains("Pending"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Approve the delegation"), "the home admin does not answer it");

        // The host's admin finds it waiting and approves it once.
        let lars = session(app, service, "lars@cph.example").await;
        let list = send(app, get("/host/delegations", &lars)).await;
        assert!(list.body.contains(&format!("href=\"{group}\"")), "{}", list.body);
        // In the inbox: one decision for the group, not two stays.
        let inbox = send(app, get("/host", &lars)).await;
        assert!(inbox.body.contains(&format!("action=\"{group}/approve\"")), "{}", inbox.body);
        assert!(inbox.body.contains("Waiting for your answer (0)"), "{}", inbox.body);
        let page = send(app, get(&group, &lars)).await;
        let body = form(&[("csrf", &field(&page.body, "csrf"))]);
        let approved = send(app, post(&format!("{group}/approve"), &lars, &body)).await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
        let page = send(app, get(approved.location(), &lars)).await;
        // Each member's status, and the message that says what happened.
        assert_eq!(page.body.matches("· Approved").count(), 2, "{}", page.body);
        assert!(page.body.contains("Each member of the delegation has been emailed"), "{}", page.body);
        for member in [&ola, &piotr] {
            let stays = service.my_stays(member, 10, None).await.unwrap();
            assert_eq!(stays[0].status, StayStatus::Approved);
        }
    })
    .await;
}
