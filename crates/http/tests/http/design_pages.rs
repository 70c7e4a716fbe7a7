//! The design review's pages (issue 24) in-process, on both databases, as
//! the people who use them would check them: the site page's request card
//! (the policy written for the visitor, days that pick the stay, the
//! summary, the stays left), one more step before cancelling, a decline
//! without a reason back at its field and a preset reason that declines,
//! the host's roster of who is coming, and closing a range of days, all or
//! none.

use crate::support::*;
use axum::http::StatusCode;
use deskvisa_rules::{Locale, StayStatus};
use deskvisa_service::StayCommand;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};

fn setup() -> Setup {
    Setup {
        member: person("anna@hubclub.example", Locale::En),
        host_admin: person("lars@cph.example", Locale::En),
        ..Setup::desks(2)
    }
}

#[tokio::test]
async fn the_request_card_says_the_policy_for_the_visitor_and_sums_up_the_picked_days() {
    on_both_backends(|db| async move {
        let w = Web::new(World::with(db, setup()).await);
        let (app, service) = (&w.app, &w.service);
        let anna = session(app, service, "anna@hubclub.example").await;
        let site = format!("/sites/{}", w.site);

        // Monday 2 March 2026: the policy as the visitor reads it.
        let page = send(app, get(&site, &anna)).await;
        assert_eq!(page.status, StatusCode::OK);
        for promise in ["Request 1–120 days ahead", "Up to 5 days a stay", "2 stays a year (2 left)"] {
            assert!(page.body.contains(promise), "{promise}: {}", page.body);
        }
        assert!(page.body.contains("The host answers within 3 days, or the stay is approved"), "{}", page.body);
        // Today is marked; tomorrow picks the first day (a link, no script).
        assert!(page.body.contains("aria-current=\"date\""), "{}", page.body);
        let first = format!("href=\"{site}?start=2026-03-03&#38;month=2026-03#calendar\"");
        assert!(page.body.contains(&first), "{}", page.body);

        // With a first day, a later day picks the last; then the summary.
        let picking = send(app, get(&format!("{site}?start=2026-03-04"), &anna)).await;
        let last = format!("href=\"{site}?start=2026-03-04&#38;end=2026-03-06#request-card\"");
        assert!(picking.body.contains(&last), "{}", picking.body);
        let picked = send(app, get(&format!("{site}?start=2026-03-04&end=2026-03-09"), &anna)).await;
        assert!(picked.body.contains("id=\"summary\""), "{}", picked.body);
        // Wednesday to Monday over a closed weekend: four desk days.
        assert!(picked.body.contains("4 desk days"), "{}", picked.body);
        assert!(picked.body.contains("value=\"2026-03-04\"") && picked.body.contains("value=\"2026-03-09\""));

        // One stay requested: one left this year.
        service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-05")).await.unwrap();
        let page = send(app, get(&site, &anna)).await;
        assert!(page.body.contains("2 stays a year (1 left)"), "{}", page.body);
    })
    .await;
}

#[tokio::test]
async fn cancelling_asks_first_and_a_decline_needs_a_reason_at_its_field() {
    on_both_backends(|db| async move {
        let w = Web::new(World::with(db, setup()).await);
        let (app, service) = (&w.app, &w.service);
        let anna = session(app, service, "anna@hubclub.example").await;
        let lars = session(app, service, "lars@cph.example").await;

        // Cancelling: the first post asks, and nothing happens yet.
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-05")).await.unwrap();
        let page = send(app, get(&format!("/stays/{}", stay.id), &anna)).await;
        let csrf = field(&page.body, "csrf");
        let cancel = format!("/stays/{}/cancel", stay.id);
        let asked = send(app, post(&cancel, &anna, &form(&[("csrf", &csrf)]))).await;
        assert_eq!(asked.status, StatusCode::OK);
        assert!(asked.body.contains("Cancel this stay?") && asked.body.contains("This cannot be undone."));
        assert!(asked.body.contains("name=\"confirm\" value=\"yes\""), "{}", asked.body);
        assert_eq!(service.stay(&w.member, stay.id).await.unwrap().status, StayStatus::Pending);
        let done = send(app, post(&cancel, &anna, &form(&[("csrf", &csrf), ("confirm", "yes")]))).await;
        assert_eq!((done.status, done.location()), (StatusCode::SEE_OTHER, "/stays?done=cancelled"));
        assert_eq!(service.stay(&w.member, stay.id).await.unwrap().status, StayStatus::Cancelled);

        // Declining without a reason: back at the inbox, the fold-out open, the error at its field.
        let stay = service.request_stay(&w.member, &w.input("2026-03-10", "2026-03-11")).await.unwrap();
        let inbox = send(app, get("/host", &lars)).await;
        assert!(inbox.body.contains("first visit to this host"), "what the host weighs: {}", inbox.body);
        assert!(inbox.body.contains("left"), "the time left to answer: {}", inbox.body);
        let csrf = field(&inbox.body, "csrf");
        let decline = format!("/host/stays/{}/decline", stay.id);
        let bare = send(app, post(&decline, &lars, &form(&[("csrf", &csrf), ("back", "/host")]))).await;
        assert_eq!(bare.location(), format!("/host?decline_error={0}#decline-{0}", stay.id));
        let back = send(app, get(bare.location(), &lars)).await;
        assert!(back.body.contains(&format!("id=\"decline-{}\" open", stay.id)), "{}", back.body);
        assert!(back.body.contains("Pick a reason or write one: the visitor reads it."), "{}", back.body);
        assert_eq!(service.stay(&w.member, stay.id).await.unwrap().status, StayStatus::Pending);
        // A preset reason declines, and says what happened.
        let body = form(&[("csrf", &csrf), ("back", "/host"), ("preset", "full"), ("reason", "Next month?")]);
        let declined = send(app, post(&decline, &lars, &body)).await;
        assert_eq!(declined.location(), "/host?done=stay-declined");
        let after = send(app, get(declined.location(), &lars)).await;
        assert!(after.body.contains("Declined. The visitor has been emailed your reason."), "{}", after.body);
        let record = service.stay(&w.member, stay.id).await.unwrap();
        assert_eq!(record.status, StayStatus::Declined);
        let reason = record.decline_reason.map(|r| r.to_string());
        assert_eq!(reason.as_deref(), Some("We have no desk free for you on these days. Next month?"));
    })
    .await;
}

#[tokio::test]
async fn the_roster_names_who_is_coming_and_a_range_of_days_closes_all_or_none() {
    on_both_backends(|db| async move {
        let w = Web::new(World::with(db, setup()).await);
        let (app, service) = (&w.app, &w.service);
        let lars = session(app, service, "lars@cph.example").await;
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-05")).await.unwrap();
        service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let page_path = format!("/host/sites/{}", w.site);

        // The week: Anna on Wednesday and Thursday, linked to her stay.
        let page = send(app, get(&page_path, &lars)).await;
        assert_eq!(page.status, StatusCode::OK);
        let link = format!("<a href=\"/stays/{}\">anna</a> · Approved", stay.id);
        assert_eq!(page.body.matches(&link).count(), 2, "{}", page.body);
        assert!(page.body.contains("Monday, 2 March 2026 (today)"), "{}", page.body);
        let month = send(app, get(&format!("{page_path}?roster=month"), &lars)).await;
        assert!(month.body.contains("Tuesday, 31 March 2026"), "30 days ahead: {}", month.body);

        // A range over her stay is refused whole and names her; one beside it closes.
        let csrf = field(&page.body, "csrf");
        let closures = format!("{page_path}/closures");
        let over = form(&[("csrf", &csrf), ("date", "2026-03-03"), ("until", "2026-03-06"), ("reason", "Fair")]);
        let refused = send(app, post(&closures, &lars, &over)).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains(">anna<"), "whose stay is in the way: {}", refused.body);
        assert!(service.closures(w.site).await.unwrap().is_empty(), "nothing closed");
        let beside = form(&[("csrf", &csrf), ("date", "2026-03-09"), ("until", "2026-03-15"), ("reason", "Fair")]);
        let closed = send(app, post(&closures, &lars, &beside)).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
        assert_eq!(service.closures(w.site).await.unwrap().len(), 5, "Monday to Friday");
        let backwards = form(&[("csrf", &csrf), ("date", "2026-03-20"), ("until", "2026-03-16")]);
        let refused = send(app, post(&closures, &lars, &backwards)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Enter a first day, and a last day on or after it"), "{}", refused.body);
    })
    .await;
}

/// The inbox weighs every waiting request, however far apart: one next
/// fortnight and one 400 days ahead each show the fullest of their days and
/// the visitor's earlier approved visit, read together for the whole inbox.
#[tokio::test]
async fn the_inbox_weighs_requests_far_apart_each_with_its_fullest_day() {
    on_both_backends(|db| async move {
        let w = Web::new(World::with(db, setup()).await);
        let (app, service) = (&w.app, &w.service);
        let draft = deskvisa_rules::PolicyDraft {
            stays_per_year: 52,
            horizon_days: 730,
            ..deskvisa_rules::PolicyDraft::default()
        };
        service.save_policy(&w.host_admin, w.host, draft).await.unwrap();
        let lars = session(app, service, "lars@cph.example").await;
        let first = service.request_stay(&w.member, &w.input("2026-03-10", "2026-03-11")).await.unwrap();
        service.act_on_stay(&w.host_admin, first.id, StayCommand::Approve).await.unwrap();
        service.request_stay(&w.member, &w.input("2026-03-17", "2026-03-18")).await.unwrap();
        service.request_stay(&w.member, &w.input("2027-04-12", "2027-04-13")).await.unwrap();

        let inbox = send(app, get("/host", &lars)).await;
        assert_eq!(inbox.status, StatusCode::OK);
        let body = unescape(&inbox.body);
        let fullest: Vec<&str> =
            body.split(" desks free (").skip(1).map(|rest| rest.split(')').next().unwrap()).collect();
        assert_eq!(fullest.len(), 2, "each waiting request's fullest day: {body}");
        assert!(fullest.iter().any(|day| day.contains("2026")), "next fortnight's: {fullest:?}");
        assert!(fullest.iter().any(|day| day.contains("2027")), "the far one's, read on its own: {fullest:?}");
        assert_eq!(body.matches("1 earlier visit").count(), 2, "both count the approved visit: {body}");
    })
    .await;
}
