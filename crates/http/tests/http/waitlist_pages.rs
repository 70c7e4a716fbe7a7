//! The waitlist on the pages (issue 23), as a member uses it: a request
//! refused only for want of desks offers "wait for these dates"; my stays
//! show the place in line; when a desk frees up, the offer's email links to
//! a page that takes it, on to the requested stay; letting an offer go
//! frees it for the next in line.

use crate::support::*;
use axum::http::StatusCode;
use deskvisa_rules::Locale;
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};
use std::time::Duration;

#[tokio::test]
async fn a_member_waits_on_the_site_page_and_takes_the_desk_from_the_offer_email() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(1)
        };
        let w = Web::with_mail(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let ola = w.another_member("ola@hubclub.example").await;
        let taken = service.request_stay(&ola, &w.input("2026-03-09", "2026-03-10")).await.unwrap();

        // Refused for want of desks: the site page offers to wait.
        let anna = session(app, service, "anna@hubclub.example").await;
        let site = format!("/sites/{}", w.site);
        let page = send(app, get(&site, &anna)).await;
        let body =
            form(&[("csrf", &field(&page.body, "csrf")), ("start_date", "2026-03-09"), ("end_date", "2026-03-10")]);
        let refused = send(app, post(&format!("{site}/request"), &anna, &body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Wait for these dates"), "{}", refused.body);
        let body =
            form(&[("csrf", &field(&refused.body, "csrf")), ("start_date", "2026-03-09"), ("end_date", "2026-03-10")]);
        let waiting = send(app, post(&format!("{site}/waitlist"), &anna, &body)).await;
        assert_eq!(waiting.status, StatusCode::SEE_OTHER, "{}", waiting.body);
        assert!(waiting.location().starts_with("/stays?done=waiting#wait-"), "{}", waiting.location());
        let stays = send(app, get(waiting.location(), &anna)).await;
        assert!(stays.body.contains("You are in line") && stays.body.contains("1st in line"), "{}", stays.body);
        assert!(stays.body.contains("9–10 March 2026"), "{}", stays.body);

        // Ola cancels; the worker offers the desks; the email's link opens the offer.
        service.act_on_stay(&ola, taken.id, StayCommand::Cancel(None)).await.unwrap();
        assert_eq!(service.waitlist_pass().await.unwrap(), (1, 0));
        service.deliver_mail(w.mailer()).await.unwrap();
        let messages = w.sink().wait_for(3, Duration::from_secs(20)).await;
        let offer = messages.iter().find(|m| m.subject().starts_with("A desk is free for you")).expect("the offer");
        let link = offer.text().lines().find(|l| l.contains("/waitlist/")).unwrap().trim().to_owned();
        let path = link.strip_prefix(ORIGIN).unwrap().to_owned();
        let page = send(app, get(&path, &anna)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Desks are held for you until") && page.body.contains("Take the desk"),
            "{}",
            page.body
        );
        // Nobody else sees it.
        let lars = session(app, service, "lars@cph.example").await;
        assert_eq!(send(app, get(&path, &lars)).await.status, StatusCode::NOT_FOUND);

        let body = form(&[("csrf", &field(&page.body, "csrf"))]);
        let taken = send(app, post(&format!("{path}/accept"), &anna, &body)).await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
        assert!(taken.location().starts_with("/stays/"), "{}", taken.location());
        let stay = send(app, get(taken.location(), &anna)).await;
        assert!(
            stay.body.contains("9–10 March 2026") && stay.body.contains("data-status=\"pending\""),
            "{}",
            stay.body
        );
        let page = send(app, get(&path, &anna)).await;
        assert!(page.body.contains("Offer taken") && !page.body.contains("Take the desk"), "{}", page.body);
    })
    .await;
}
