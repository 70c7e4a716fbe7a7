//! Personal data, on SQLite and PostgreSQL: a member's export holds all
//! their data; erasure removes names, emails and free text, ends every
//! session and token, cancels the stays that have not begun (the host is
//! told), keeps the anonymous visitor-days so the ledger's figures do not
//! change; retention removes old sign-in links, sessions and sent emails'
//! facts.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use deskvisa_rules::{Email, Period};
use deskvisa_service::*;
use deskvisa_testing::world::*;
use support::*;

const ANNA: &str = "anna@hubclub.example";

/// Delivers every pending email (nothing is left pending afterwards).
async fn deliver_all(w: &World, mailer: &Arc<Mailer>) {
    eventually(Duration::from_secs(60), async || {
        if w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await == 0 {
            return Ok(());
        }
        w.service.deliver_mail(mailer).await.unwrap();
        w.clock.advance(TimeDelta::seconds(1));
        Err("the outbox did not drain".to_owned())
    })
    .await;
}

async fn count(w: &World, sql: &str) -> i64 {
    w.test_db.scalar(sql).await
}

#[tokio::test]
async fn export_holds_everything_and_erasure_keeps_only_anonymous_visitor_days() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(DeliveryConfig::default());
        let anna = Email::parse(ANNA).unwrap();
        let policy = deskvisa_rules::PolicyDraft { stays_per_year: 4, ..deskvisa_rules::PolicyDraft::default() };
        w.service.save_policy(&w.host_admin, w.host, policy).await.unwrap();
        // A stay that will be over, one approved for later, one pending.
        let past = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, past.id, StayCommand::Approve).await.unwrap();
        let later = w.service.request_stay(&w.member, &w.input("2026-03-30", "2026-04-03")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, later.id, StayCommand::Approve).await.unwrap();
        let token = w.service.create_token(&anna, "laptop").await.unwrap();
        w.service.request_sign_in(&anna, None).await.unwrap();
        deliver_all(&w, &mailer).await;
        // She follows the link in the email she received: a session.
        let link =
            sink.messages().into_iter().find(|m| m.rcpt_tos == [ANNA] && m.text().contains("/auth/verify?token="));
        let text = link.expect("a sign-in email").text().to_owned();
        let start = text.find("/auth/verify?token=").unwrap() + "/auth/verify?token=".len();
        let raw: String =
            text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
        let (session, _) = w.service.sign_in(&raw).await.unwrap();
        w.service.authenticate_session(&session).await.unwrap();
        w.clock.set(t("2026-03-16T09:00:00Z"));
        w.service.act_on_stay(&w.host_admin, past.id, StayCommand::CheckIn).await.ok();
        let pending = w.service.request_stay(&w.member, &w.input("2026-04-13", "2026-04-17")).await.unwrap();
        assert_eq!(pending.status, deskvisa_rules::StayStatus::Pending);
        // During the approved stay to come, she asks to meet a host's firm.
        let contact = w.add_member(w.host, member("mette@cph.example")).await;
        let profile =
            FirmProfile { open_to_visitors: true, ..FirmProfile::named("Bastion Security", Some(contact.member)) };
        let firm = w.service.create_firm(&w.host_admin, w.host, profile).await.unwrap();
        let note = deskvisa_rules::Note::parse("Meeting Danish partners in security").unwrap();
        w.service.ask_introduction(&w.member, later.id, firm.id, note).await.unwrap();

        // The export: the profile, every stay with its words and history,
        // the token by its label, the sign-in link, the emails.
        let export = w.service.export_member(&anna).await.unwrap();
        let json = serde_json::to_value(&export).unwrap();
        assert_eq!(json["format"], EXPORT_FORMAT);
        assert_eq!(json["profile"]["email"], ANNA);
        assert_eq!(json["profile"]["name"], "A Person");
        assert_eq!(json["profile"]["company"], "Firm");
        assert_eq!(json["profile"]["cluster_name"], "HubClub");
        let stays = json["stays"].as_array().unwrap();
        assert_eq!(stays.len(), 3);
        assert!(stays.iter().all(|s| s["purpose"] == "Meeting Danish partners" && s["site_name"] == "Nyhavn House"));
        assert_eq!(stays[0]["start_date"], "2026-03-09");
        assert!(json["stay_history"].as_array().unwrap().len() >= 5);
        assert_eq!(json["api_tokens"][0]["label"], "laptop");
        assert_eq!(json["sign_in_links"].as_array().unwrap().len(), 1);
        assert_eq!(json["sessions"].as_array().unwrap().len(), 1);
        let kinds: Vec<&str> = json["emails"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"sign_in") && kinds.contains(&"stay_approved"), "{kinds:?}");
        assert!(!json.to_string().contains("token_hash"), "no secret's hash is exported");
        let asked = &json["introductions"][0];
        assert_eq!((asked["role"].as_str(), asked["firm_name"].as_str()), (Some("sent"), Some("Bastion Security")));
        assert_eq!(asked["note"], "Meeting Danish partners in security");
        let contact_export = w.service.export_member(&Email::parse("mette@cph.example").unwrap()).await.unwrap();
        let contact_json = serde_json::to_value(&contact_export).unwrap();
        assert_eq!(contact_json["firms"][0]["contact"], true, "{contact_json}");
        assert_eq!(contact_json["introductions"][0]["role"], "received");

        let march = Period::new(d("2026-03-01"), d("2026-03-31")).unwrap();
        let before = w.service.ledger(march).await.unwrap().ledger;
        let held_before = count(&w, "SELECT COUNT(*) FROM stay_days").await;

        let erasure = w.service.erase_member(&anna).await.unwrap();
        assert_eq!(erasure.stays_cancelled, 2, "the approved stay to come and the pending one");
        assert_eq!(erasure.erased.stays, 3);
        assert!(erasure.erased.credentials >= 2, "{erasure:?}");

        // Nothing finds the member by their address; the token is dead.
        assert!(matches!(w.service.export_member(&anna).await, Err(ServiceError::NotFound)));
        assert!(matches!(w.service.authenticate(&token).await, Err(ServiceError::Unauthenticated)));
        assert!(matches!(w.service.authenticate_session(&session).await, Err(ServiceError::Unauthenticated)));
        // The visitor-days that happened remain, anonymous: March's ledger is unchanged.
        assert_eq!(w.service.ledger(march).await.unwrap().ledger, before);
        let held_after = count(&w, "SELECT COUNT(*) FROM stay_days").await;
        assert_eq!(held_after, 5, "the past stay's five days remain ({held_before} before)");
        assert_counters_sound(&w).await;
        // The host is told of the cancellations; nothing more goes to the member.
        let to_host = count(&w, "SELECT COUNT(*) FROM outbox WHERE kind = 'stay_cancelled_host'").await;
        assert_eq!(to_host, 2);
        let id = w.member.member;
        let mine = format!("recipient = 'member:{id}'");
        assert_eq!(count(&w, &format!("SELECT COUNT(*) FROM outbox WHERE {mine} AND status = 'pending'")).await, 0);
        assert_eq!(count(&w, &format!("SELECT COUNT(*) FROM outbox WHERE {mine} AND payload <> '{{}}'")).await, 0);
        // No trace of who they were, in any table.
        for (table, column) in [
            ("members", "email"),
            ("members", "name"),
            ("stays", "purpose"),
            ("stay_history", "reason"),
            ("introductions", "note"),
            ("outbox", "payload"),
            ("rate_limits", "bucket"),
        ] {
            for needle in ["anna@hubclub", "Meeting Danish"] {
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} LIKE '%{needle}%'");
                assert_eq!(count(&w, &sql).await, 0, "{needle} in {table}.{column}");
            }
        }
        for table in ["sessions", "sign_in_tokens", "api_tokens", "idempotency_keys", "member_roles"] {
            let sql = format!(
                "SELECT COUNT(*) FROM {table} t JOIN members m ON m.id = t.member_id WHERE m.email LIKE 'erased-%'"
            );
            assert_eq!(count(&w, &sql).await, 0, "{table}");
        }
        let erased = w.service.member(id).await.unwrap();
        assert_eq!(erased.email.as_str(), format!("erased-{id}@erased.invalid"));
        assert_eq!((erased.name.as_str(), erased.company.as_str()), ("Erased member", ""));
        assert_eq!(erased.status, deskvisa_rules::MemberStatus::Revoked);
        // Erasing again: the address is not known any more.
        assert!(matches!(w.service.erase_member(&anna).await, Err(ServiceError::NotFound)));
        // The other members' data is untouched.
        assert_eq!(w.service.member(w.host_admin.member).await.unwrap().name, "A Person");
    })
    .await;
}

#[tokio::test]
async fn retention_removes_old_links_sessions_and_sent_emails_facts() {
    World::on_both_backends(3, async |w| {
        let (_sink, mailer) = smtp_sink(DeliveryConfig::default());
        let lars = Email::parse("lars@cph.example").unwrap();
        w.service.request_sign_in(&lars, None).await.unwrap();
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        w.service
            .act_on_stay(
                &w.host_admin,
                stay.id,
                StayCommand::Decline(deskvisa_rules::Reason::parse("Full that week").unwrap()),
            )
            .await
            .unwrap();
        deliver_all(&w, &mailer).await;
        let sent = count(&w, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND payload <> '{}'").await;
        assert!(sent >= 3, "{sent} sent");
        let retention = Retention { credentials: TimeDelta::days(30), mail_bodies: TimeDelta::days(90) };
        // Within the retention, nothing goes.
        w.clock.advance(TimeDelta::days(29));
        let purged = w.service.purge_retained(&retention).await.unwrap();
        assert_eq!((purged.sign_in_links, purged.email_bodies), (0, 0));
        // A month after the link expired, it goes; the emails keep their facts.
        w.clock.advance(TimeDelta::days(2));
        let purged = w.service.purge_retained(&retention).await.unwrap();
        assert_eq!(purged.sign_in_links, 1);
        assert_eq!(count(&w, "SELECT COUNT(*) FROM sign_in_tokens").await, 0);
        assert_eq!(purged.email_bodies, 0);
        // Ninety days after they were queued, the emails' facts go; the rows,
        // their kind and times stay (the ledger and the audit need no more).
        w.clock.advance(TimeDelta::days(60));
        let purged = w.service.purge_retained(&retention).await.unwrap();
        assert_eq!(i64::try_from(purged.email_bodies).unwrap(), sent);
        assert_eq!(count(&w, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Full that week%'").await, 0);
        assert_eq!(count(&w, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'").await, sent);
        // The stay itself and its decline reason stay: retention is for what is kept only for a while.
        assert_eq!(count(&w, "SELECT COUNT(*) FROM stays WHERE decline_reason = 'Full that week'").await, 1);
    })
    .await;
}
