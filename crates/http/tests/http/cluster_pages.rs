//! The pages for running a network and a cluster, in-process on both
//! databases: who may open each new page (the pages' authorization
//! matrix), a cluster added with its first admin, a status change asked
//! for twice, a site added and changed through the API's own parser (the
//! same limits, the message in the viewer's language, the input kept), a
//! change refused naming the stays in its way, the last admin kept, and
//! members imported from a CSV file: a preview row by row, one transaction,
//! nothing twice, and files that cannot be trusted writing nothing.

use crate::support::{ORIGIN, Web, field, form, get, post, send, unescape};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use deskvisa_rules::{ClusterId, Email, Locale};
use deskvisa_service::*;
use deskvisa_testing::world::{Setup, World, member_named};
use deskvisa_testing::{TestDatabase, on_both_backends};

/// A file posted as a browser posts `<input type=file>`.
fn upload(path: &str, cookie: &str, csrf: &str, file: &[u8]) -> Request<Body> {
    let boundary = "deskvisa-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header("cookie", cookie)
        .header("origin", ORIGIN)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

/// The text of the `<textarea name="{name}">` of a page, as a browser sends it back.
fn textarea(page: &str, name: &str) -> String {
    let open = format!("name=\"{name}\"");
    let start = page.find(&open).unwrap();
    let start = start + page[start..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</textarea>").unwrap();
    unescape(&page[start..end])
}

/// HubClub (Poland, with Anna and its admin Ewa) and Copenhagen (its admin
/// Lars, a site of one desk); a network admin; a network staff account.
async fn world(db: TestDatabase) -> Web {
    let setup = Setup {
        house_rules: String::new(),
        member: member_named("anna@hubclub.example", "Anna Nowak", Locale::En),
        host_admin: member_named("lars@cph.example", "Lars Admin", Locale::En),
        ..Setup::desks(1)
    };
    let w = World::with(db, setup).await;
    w.add_admin(w.home, member_named("ewa@hubclub.example", "Ewa Admin", Locale::Pl)).await;
    let ops = Email::parse("ops@network.example").unwrap();
    w.service.appoint_network_admin(&ops, Some("Olga Ops"), Locale::En).await.unwrap();
    Web::new(w)
}

/// A browser session of `email`, signed in through a sign-in link.
async fn session(w: &Web, email: &str) -> String {
    crate::support::session(&w.app, &w.service, email).await
}

/// A page's form token, for a session.
async fn csrf(w: &Web, cookie: &str) -> String {
    field(&send(&w.app, get("/me", cookie)).await.body, "csrf")
}

/// Who may open each new page: a cell is the status a person gets; a
/// stranger is sent to sign in (303). Cluster A is the host (Copenhagen),
/// B the home cluster (HubClub); the stay is Anna's (B) at A's site.
#[tokio::test]
async fn every_new_page_answers_each_person_as_the_table_says() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let stay = w
            .service
            .request_stay(
                &w.member,
                &StayRequestInput {
                    site: w.site,
                    start_date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
                    end_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
                    purpose: "Meet firms".into(),
                },
            )
            .await
            .unwrap();
        let people = ["anna@hubclub.example", "ewa@hubclub.example", "lars@cph.example", "ops@network.example"];
        let mut cookies = vec![String::new()];
        for email in people {
            cookies.push(session(&w, email).await);
        }
        let (host, home, site) = (w.host.as_uuid(), w.home.as_uuid(), w.site.as_uuid());
        // Ewa waits for Anna's full Monday; she sends herself and Anna to a
        // second site of the host's as a delegation (issue 23).
        let ewa = w.service.member_by_email(&Email::parse("ewa@hubclub.example").unwrap()).await.unwrap();
        let ewa = w.service.caller(ewa.id).await.unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let wait = w.service.join_waitlist(&ewa, w.site, monday, monday).await.unwrap().entry.id;
        let annex = w.another_site("Harbour Annex", 3).await;
        let group = DelegationInput {
            site: annex,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2026, 3, 17).unwrap(),
            purpose: String::new(),
            members: vec![w.member.member, ewa.member],
        };
        let group = w.service.request_delegation(&ewa, &group).await.unwrap().row.id;
        //                       stranger anna  ewa(B admin) lars(A admin) network
        let table: Vec<(String, [u16; 5])> = vec![
            (format!("/stays/{}", stay.id), [303, 200, 200, 200, 200]),
            (format!("/clusters/{host}"), [303, 403, 403, 200, 200]),
            (format!("/clusters/{home}"), [303, 403, 200, 403, 200]),
            (format!("/clusters/{host}/members"), [303, 403, 403, 200, 200]),
            (format!("/clusters/{home}/members"), [303, 403, 200, 403, 200]),
            (format!("/host/sites/{site}"), [303, 403, 403, 200, 200]),
            ("/me".to_owned(), [303, 200, 200, 200, 200]),
            ("/host/members".to_owned(), [303, 403, 303, 303, 403]),
            (format!("/clusters/{}", uuid::Uuid::new_v4()), [303, 404, 404, 404, 404]),
            (format!("/waitlist/{wait}"), [303, 404, 200, 404, 404]),
            (format!("/delegations/{group}"), [303, 200, 200, 200, 200]),
            ("/host/delegations".to_owned(), [303, 403, 200, 200, 403]),
        ];
        for (path, expected) in &table {
            for (who, cookie) in cookies.iter().enumerate() {
                let answer = send(&w.app, get(path, cookie)).await;
                assert_eq!(answer.status.as_u16(), expected[who], "GET {path} as person {who}");
            }
        }
        // A stay is not everyone's: a member of neither cluster gets the not-found page.
        let other = w
            .service
            .add_member(
                w.host,
                NewMember {
                    email: Email::parse("nils@cph.example").unwrap(),
                    name: "Nils".into(),
                    company: String::new(),
                    locale: Locale::En,
                },
            )
            .await
            .unwrap();
        let nils = session(&w, other.email.as_str()).await;
        assert_eq!(send(&w.app, get(&format!("/stays/{}", stay.id), &nils)).await.status, StatusCode::NOT_FOUND);
        // Forms of a cluster's pages refuse everyone but its admins and network admins, changing nothing.
        let anna = &cookies[1];
        let token = csrf(&w, anna).await;
        let tries = [
            (
                format!("/clusters/{host}/sites"),
                form(&[
                    ("csrf", &token),
                    ("name", "Mine"),
                    ("address", "x"),
                    ("desks", "2"),
                    ("contact_email", "a@b.example"),
                ]),
            ),
            (
                format!("/clusters/{host}/admins"),
                form(&[("csrf", &token), ("email", "anna@hubclub.example"), ("name", "Anna")]),
            ),
            (format!("/clusters/{host}/members"), form(&[("csrf", &token), ("email", "x@cph.example"), ("name", "X")])),
        ];
        for (path, body) in &tries {
            assert_eq!(send(&w.app, post(path, anna, body)).await.status, StatusCode::FORBIDDEN, "POST {path}");
        }
        assert_eq!(w.service.cluster_with_sites(w.host).await.unwrap().1.len(), 2, "its site and the annex, no more");
        assert_eq!(w.service.members_of(&w.host_admin, w.host).await.unwrap().len(), 2, "Lars and Nils");
        // The stay's page: the host decides, the home admin reads, the visitor has the trip card.
        let as_lars = send(&w.app, get(&format!("/stays/{}", stay.id), &cookies[3])).await.body;
        assert!(as_lars.contains("id=\"visitor\">Anna Nowak") && as_lars.contains("/approve"), "the decision card");
        let as_ewa = send(&w.app, get(&format!("/stays/{}", stay.id), &cookies[2])).await.body;
        assert!(!as_ewa.contains("/approve") && !as_ewa.contains("/cancel"), "the home admin only reads");
        let as_anna = send(&w.app, get(&format!("/stays/{}", stay.id), anna)).await.body;
        assert!(as_anna.contains("Your trip") && as_anna.contains("/cancel") && !as_anna.contains("/approve"));
        assert!(as_anna.contains("approved automatically"), "what happens if the host does not answer");
        // Network staff see a site without a request form, and why.
        let site_page = send(&w.app, get(&format!("/sites/{site}"), &cookies[4])).await.body;
        assert!(site_page.contains("id=\"staff-note\"") && !site_page.contains("id=\"request\""));
    })
    .await;
}

/// The network admin adds a cluster with its first admin (one welcome
/// email); an address already taken adds nothing; a status change is asked
/// for once more before it happens.
#[tokio::test]
async fn a_cluster_comes_with_its_first_admin_and_a_status_change_is_confirmed() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let ops = session(&w, "ops@network.example").await;
        let token = csrf(&w, &ops).await;
        let cluster = |admin: &str| {
            form(&[
                ("csrf", &token),
                ("name", "Tokyo Creative Tech"),
                ("city", "Tokyo"),
                ("country", "JP"),
                ("timezone", "Asia/Tokyo"),
                ("latitude", "35,68"),
                ("longitude", "139.69"),
                ("joined_on", "2026-03-01"),
                ("admin_email", admin),
                ("admin_name", "Yuki Admin"),
                ("admin_locale", "en"),
            ])
        };
        let before = w.service.map().await.unwrap().clusters.len();
        let taken = send(&w.app, post("/network/clusters", &ops, &cluster("anna@hubclub.example"))).await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert!(
            taken.body.contains("already belongs to someone") && taken.body.contains("value=\"Tokyo Creative Tech\"")
        );
        assert_eq!(w.service.map().await.unwrap().clusters.len(), before, "nothing added");
        let bad = send(&w.app, post("/network/clusters", &ops, &cluster("not an address"))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Admin&#39;s email: not an email address"), "{}", bad.body);
        // Every refused field is told at once, what was typed kept.
        let north = cluster("not an address").replace("latitude=35%2C68", "latitude=north");
        let both = send(&w.app, post("/network/clusters", &ops, &north)).await;
        assert_eq!(both.status, StatusCode::BAD_REQUEST);
        assert!(both.body.contains("Latitude: a number of degrees from −90 to 90"), "{}", both.body);
        assert!(both.body.contains("Admin&#39;s email: not an email address") && both.body.contains("value=\"north\""));
        // Each is told again beside its field, which is marked invalid.
        assert!(both.body.contains("aria-invalid=\"true\" aria-describedby=\"latitude-error\""), "{}", both.body);
        assert!(
            both.body.contains("<p class=\"field-error\" id=\"latitude-error\">a number of degrees from −90 to 90</p>")
        );
        assert!(both.body.contains("<p class=\"field-error\" id=\"admin_email-error\">not an email address</p>"));
        assert!(!both.body.contains("id=\"city-error\""), "a field that was right is not marked");

        let added = send(&w.app, post("/network/clusters", &ops, &cluster("yuki@tokyo.example"))).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert!(added.location().starts_with("/clusters/"));
        let page = send(&w.app, get(added.location().split('?').next().unwrap(), &ops)).await;
        assert!(page.body.contains("Tokyo Creative Tech") && page.body.contains("yuki@tokyo.example"));
        let yuki = w.service.member_by_email(&Email::parse("yuki@tokyo.example").unwrap()).await.unwrap();
        let id = ClusterId::from_uuid(uuid::Uuid::parse_str(&added.location()[10..46]).unwrap());
        assert_eq!(yuki.cluster_id, Some(id));
        assert_eq!(
            w.test_db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM outbox WHERE kind = 'member_invited' AND recipient = 'member:{}'",
                    yuki.id
                ))
                .await,
            1,
            "a welcome email with a sign-in link"
        );

        // Suspend: the first post only asks.
        let path = format!("/network/clusters/{}/status", id.as_uuid());
        let asked = send(&w.app, post(&path, &ops, &form(&[("csrf", &token), ("status", "suspended")]))).await;
        assert_eq!(asked.status, StatusCode::OK);
        assert!(asked.body.contains("is suspended: its members cannot request new stays"));
        assert_eq!(w.service.cluster_with_sites(id).await.unwrap().0.status, deskvisa_rules::ClusterStatus::Active);
        let done =
            send(&w.app, post(&path, &ops, &form(&[("csrf", &token), ("status", "suspended"), ("confirm", "yes")])))
                .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(w.service.cluster_with_sites(id).await.unwrap().0.status, deskvisa_rules::ClusterStatus::Suspended);
    })
    .await;
}

/// A site's forms read their fields with the API's own parser: the same
/// limits, the message in the viewer's language, what was typed kept; a
/// change that would take held days names the stays in its way.
#[tokio::test]
async fn site_forms_hold_the_api_s_limits_and_name_the_stays_in_the_way() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let ewa = session(&w, "ewa@hubclub.example").await; // reads Polish
        let token = csrf(&w, &ewa).await;
        let home = w.home.as_uuid();
        let site = |desks: &str, rules: &str| {
            form(&[
                ("csrf", &token),
                ("name", "Druga siedziba"),
                ("address", "ul. Główna 1"),
                ("timezone", "Europe/Warsaw"),
                ("desks", desks),
                ("open", "mon"),
                ("open", "wed"),
                ("contact_email", "biuro@hubclub.example"),
                ("house_rules", rules),
            ])
        };
        let path = format!("/clusters/{home}/sites");
        let refused = send(&w.app, post(&path, &ewa, &site("dużo", ""))).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Biurka dla gości: liczba całkowita od 0 do 10000"), "{}", refused.body);
        assert!(
            refused.body.contains("value=\"Druga siedziba\"") && refused.body.contains("value=\"dużo\""),
            "input kept"
        );
        let long = "ż".repeat(5001);
        let refused = send(&w.app, post(&path, &ewa, &site("3", &long))).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Zasady: od 1 do 5000 znaków"));
        let added = send(&w.app, post(&path, &ewa, &site("3", &"ż".repeat(5000)))).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let sites = w.service.cluster_with_sites(w.home).await.unwrap().1;
        let made = sites.iter().find(|s| s.name == "Druga siedziba").unwrap();
        assert_eq!((made.desks.get(), made.open_weekdays.names().collect::<Vec<_>>()), (3, vec!["mon", "wed"]));

        // Lars's one desk is held by Anna; taking it away is refused, naming her stay.
        let stay = w
            .service
            .request_stay(
                &w.member,
                &StayRequestInput {
                    site: w.site,
                    start_date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
                    end_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
                    purpose: String::new(),
                },
            )
            .await
            .unwrap();
        let lars = session(&w, "lars@cph.example").await;
        let token = csrf(&w, &lars).await;
        let change = form(&[
            ("csrf", &token),
            ("name", "Nyhavn House"),
            ("address", "Nyhavn 1"),
            ("timezone", "Europe/Copenhagen"),
            ("desks", "0"),
            ("open", "mon"),
            ("open", "tue"),
            ("contact_email", "desks@cph.example"),
            ("house_rules", ""),
        ]);
        let refused = send(&w.app, post(&format!("/host/sites/{}", w.site.as_uuid()), &lars, &change)).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("Stays hold desks on days this change would take"), "{}", refused.body);
        assert!(refused.body.contains(&format!("href=\"/stays/{}\"", stay.id)) && refused.body.contains("Anna Nowak"));
        assert_eq!(w.service.site(w.site).await.unwrap().desks.get(), 1, "nothing changed");
    })
    .await;
}

/// An event refused for its fields is told field by field, read as the
/// API reads one (a time as `YYYY-MM-DDTHH:MM`, 1 to 10000 seats), with
/// what was typed kept and nothing published.
#[tokio::test]
async fn an_event_form_tells_each_refused_field_beside_it() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let lars = session(&w, "lars@cph.example").await;
        let token = csrf(&w, &lars).await;
        let site = w.site.as_uuid().to_string();
        let event = form(&[
            ("csrf", &token),
            ("site", &site),
            ("title", "Harbour breakfast"),
            ("description", ""),
            ("starts_at", "2026-03-10 09:00"),
            ("ends_at", "2026-03-10T10:30"),
            ("capacity", "0"),
        ]);
        let refused = send(&w.app, post("/host/events", &lars, &event)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("id=\"starts_at-error\"") && refused.body.contains("id=\"capacity-error\""));
        assert!(refused.body.contains("a whole number of seats from 1 to 10000"), "{}", refused.body);
        assert!(!refused.body.contains("id=\"ends_at-error\""), "the end was right");
        assert!(refused.body.contains("value=\"Harbour breakfast\""), "what was typed is kept");
        let from = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert!(w.service.site_events(w.site, Some(from), None).await.unwrap().is_empty(), "nothing published");
    })
    .await;
}

/// A cluster keeps its last admin, and says why.
#[tokio::test]
async fn the_last_admin_stays_and_the_page_says_why() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let lars = session(&w, "lars@cph.example").await;
        let token = csrf(&w, &lars).await;
        let path = format!("/clusters/{}/admins/{}/remove", w.host.as_uuid(), w.host_admin.member.as_uuid());
        let refused = send(&w.app, post(&path, &lars, &form(&[("csrf", &token)]))).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("A cluster keeps at least one admin"));
        // A second admin appointed, the first may go.
        let appoint = form(&[("csrf", &token), ("email", "mette@cph.example"), ("name", "Mette")]);
        let done = send(&w.app, post(&format!("/clusters/{}/admins", w.host.as_uuid()), &lars, &appoint)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let removed = send(&w.app, post(&path, &lars, &form(&[("csrf", &token)]))).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
    })
    .await;
}

/// Members from a file: a preview row by row, then one transaction; the
/// same file again adds nobody; a file that cannot be trusted writes
/// nothing and says why, in the viewer's language.
#[tokio::test]
async fn members_come_from_a_csv_file_once_and_only_when_it_can_be_trusted() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let lars = session(&w, "lars@cph.example").await;
        let token = csrf(&w, &lars).await;
        let base = format!("/clusters/{}/members", w.host.as_uuid());
        let members = || async { w.service.members_of(&w.host_admin, w.host).await.unwrap().len() };
        let before = members().await;
        let file = "email;name;company;locale;vouched_until\n\
                    mette@cph.example;Mette Hansen;Hansen ApS;en;2027-12-31\n\
                    soren@cph.example;Søren Kierkegaard;;;\n\
                    not-an-address;Nobody;;;\n\
                    anna@hubclub.example;Anna;;;\n\
                    lars@cph.example;Lars;;;\n\
                    mette@cph.example;Mette again;;;\n\
                    jens@cph.example;Jens Jensen;Jensen & Co;pl;\n";
        let preview = send(&w.app, upload(&format!("{base}/import"), &lars, &token, file.as_bytes())).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("3 to be added, 1 already members, 3 refused."), "{}", preview.body);
        for expected in [
            "Email: not an email address",
            "already a member",
            "belongs to someone in deskvisa",
            "refused: the address is already on line 2",
        ] {
            assert!(preview.body.contains(expected), "{expected}");
        }
        assert_eq!(members().await, before, "a preview writes nothing");
        let csv = textarea(&preview.body, "csv");
        let confirm = form(&[("csrf", &token), ("csv", &csv)]);
        let done = send(&w.app, post(&format!("{base}/import/confirm"), &lars, &confirm)).await;
        assert_eq!(
            (done.status, done.location()),
            (StatusCode::SEE_OTHER, format!("{base}?done=imported").as_str()),
            "{}",
            done.body
        );
        assert_eq!(members().await, before + 3);
        let mette = w.service.member_by_email(&Email::parse("mette@cph.example").unwrap()).await.unwrap();
        assert_eq!(
            (mette.company.as_str(), mette.vouched_until),
            ("Hansen ApS", NaiveDate::from_ymd_opt(2027, 12, 31))
        );
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'member_invited'").await, 3);
        // The same file again: nobody twice.
        let again = send(&w.app, post(&format!("{base}/import/confirm"), &lars, &confirm)).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert_eq!(members().await, before + 3);
        let preview = send(&w.app, upload(&format!("{base}/import"), &lars, &token, file.as_bytes())).await;
        assert!(
            preview.body.contains("0 to be added, 4 already members, 3 refused.")
                && !preview.body.contains("import-confirm")
        );

        // Files that cannot be trusted: a page that says why, nothing written.
        let ewa = session(&w, "ewa@hubclub.example").await; // reads Polish
        let ewa_token = csrf(&w, &ewa).await;
        let home = format!("/clusters/{}/members/import", w.home.as_uuid());
        let cases: [(&[u8], &str); 4] = [
            (b"email,name\nola@hubclub.example,Ol\xe9\n", "Plik nie jest w UTF-8 (wiersz 2)"),
            (b"mail,name,phone\nola@hubclub.example,Ola,1\n", "Brakuje: email. Nieznane lub powtórzone: mail, phone."),
            (
                b"email,name,company\nola@hubclub.example,Ola,=HYPERLINK(\"x\")\n",
                "Wiersz 2, kolumna company, zaczyna się jak formuła",
            ),
            (b"email,name\n", "Plik nie zawiera członków"),
        ];
        let home_before = w.service.members_of(&w.host_admin, w.home).await.err().map_or(0, |_| 0);
        let _ = home_before;
        let count = || async { w.test_db.scalar("SELECT COUNT(*) FROM members").await };
        let all_before = count().await;
        for (bytes, says) in cases {
            let page = send(&w.app, upload(&home, &ewa, &ewa_token, bytes)).await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST);
            assert!(page.body.contains(says), "{says}: {}", page.body);
            assert!(page.body.contains("Nic nie zostało zapisane."));
        }
        let big = vec![b'a'; 1024 * 1024 + 1];
        let page = send(&w.app, upload(&home, &ewa, &ewa_token, &big)).await;
        assert!(page.body.contains("Plik jest większy niż 1 MiB"), "{}", page.status);
        assert_eq!(count().await, all_before);
        // Without the page's token, nothing at all.
        let forged = send(&w.app, upload(&home, &ewa, "forged", file.as_bytes())).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// My account: name and language, read through the API's parser.
#[tokio::test]
async fn a_person_changes_their_name_and_language() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let anna = session(&w, "anna@hubclub.example").await;
        let token = csrf(&w, &anna).await;
        let bad = send(&w.app, post("/me", &anna, &form(&[("csrf", &token), ("name", " "), ("locale", "pl")]))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.body.contains("Your name: 1 to 200 characters") || bad.body.contains("Name: 1 to 200"),
            "{}",
            bad.body
        );
        let done = send(
            &w.app,
            post("/me", &anna, &form(&[("csrf", &token), ("name", "Anna Nowak-Kowalska"), ("locale", "pl")])),
        )
        .await;
        assert_eq!((done.status, done.location()), (StatusCode::SEE_OTHER, "/me?done=saved"));
        let page = send(&w.app, get("/me?done=saved", &anna)).await;
        assert!(page.body.contains("lang=\"pl\"") && page.body.contains("Anna Nowak-Kowalska"));
        let me = w.service.member(w.member.member).await.unwrap();
        assert_eq!((me.name.as_str(), me.locale), ("Anna Nowak-Kowalska", Locale::Pl));
    })
    .await;
}

/// A refusal of the service reaches a Polish admin in Polish, from what it
/// is, not from the API's English sentence: a closure years ahead.
#[tokio::test]
async fn a_refusal_is_told_in_the_viewers_language() {
    on_both_backends(|db| async move {
        let w = world(db).await;
        let ewa = session(&w, "ewa@hubclub.example").await;
        let token = csrf(&w, &ewa).await;
        let (_, sites) = w.service.cluster_with_sites(w.home).await.unwrap();
        let path = format!("/host/sites/{}/closures", sites[0].id.as_uuid());
        let far = form(&[("csrf", &token), ("date", "2040-01-02"), ("reason", "Remont")]);
        let refused = send(&w.app, post(&path, &ewa, &far)).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("Data: data od"), "{}", refused.body);
        assert!(!refused.body.contains("a date from"), "no English for a Polish admin");
        let near = form(&[("csrf", &token), ("date", "2026-03-10"), ("reason", "Remont")]);
        assert_eq!(send(&w.app, post(&path, &ewa, &near)).await.status, StatusCode::SEE_OTHER);
    })
    .await;
}
