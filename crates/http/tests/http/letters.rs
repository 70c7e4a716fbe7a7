//! Invitation letters (issue 22), on both databases: a letter only for an
//! approved stay, made with the visitor's passport name, signed as the
//! host's letterhead says, read back from the PDF by poppler; its code
//! checked by anyone without signing in, showing initials only, and saying
//! so once the letter is replaced or its stay is cancelled; checks are
//! rate-limited per client.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_http::{Limits, router};
use deskvisa_service::RateLimits;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::pdf::Pdf;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::api::Api;

struct Answer {
    status: StatusCode,
    kind: String,
    disposition: String,
    body: Vec<u8>,
}

async fn get(app: &axum::Router, path: &str, token: Option<&str>, peer: Option<&str>) -> Answer {
    let mut request = Request::get(path).header("accept-language", "en");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let mut request = request.body(Body::empty()).unwrap();
    if let Some(peer) = peer {
        let address: std::net::SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(address));
    }
    let response = app.clone().oneshot(request).await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, kind, disposition, body }
}

/// The verification page of `url` as a stranger's browser gets it.
async fn check(api: &Api, url: &str) -> (StatusCode, String) {
    let path = url.strip_prefix("http://127.0.0.1:8080").unwrap_or(url);
    let answer = get(&api.app, path, None, None).await;
    assert!(answer.kind.starts_with("text/html"), "{}", answer.kind);
    (answer.status, String::from_utf8(answer.body).unwrap())
}

#[tokio::test]
async fn a_visitor_gets_a_letter_anyone_can_check_until_the_stay_is_cancelled() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let (_, stay) =
            api.call("POST", "/api/v1/stays", Some(&api.member), Some(api.stay_body("2026-03-04", "2026-03-10"))).await;
        let stay_id = stay["id"].as_str().unwrap().to_owned();
        let letter = format!("/api/v1/stays/{stay_id}/letter");
        let name = json!({"passport_name": "Ærøskøbing  Łęcka-Ðorđević"});

        // Not before the host approves.
        let (status, problem) = api.call("POST", &letter, Some(&api.member), Some(name.clone())).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("stay_not_approved")), "{problem}");
        api.call("POST", &format!("/api/v1/stays/{stay_id}/approve"), Some(&api.admin), None).await;

        // The host names its address and who signs: one of its admins only.
        let letterhead = format!("/api/v1/clusters/{}/letterhead", api.host);
        let lars = api.world.host_admin.member.as_uuid().to_string();
        let anna = api.world.member.member.as_uuid().to_string();
        let (status, problem) = api
            .call(
                "PUT",
                &letterhead,
                Some(&api.admin),
                Some(json!({"address": "Nyhavn 1", "signatory_member_id": anna})),
            )
            .await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("signatory_not_admin")));
        let body = json!({"address": "Nyhavn 17\n1051 København K, Denmark", "signatory_member_id": lars});
        let (status, saved) = api.call("PUT", &letterhead, Some(&api.admin), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (_, read) = api.call("GET", &letterhead, Some(&api.admin), None).await;
        assert_eq!(read["signatory_member_id"], lars);

        // A name that is no name is refused, and no letter is made.
        let (status, _) = api.call("POST", &letter, Some(&api.member), Some(json!({"passport_name": "R2-D2"}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            get(&api.app, &format!("{letter}.pdf"), Some(&api.member), None).await.status,
            StatusCode::NOT_FOUND
        );

        let (status, made) = api.call("POST", &letter, Some(&api.member), Some(name.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let code = made["code"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 32, "128 bits as hex: {code}");
        assert!(code.chars().all(|c| c.is_ascii_hexdigit()));
        let verify_url = made["verify_url"].as_str().unwrap().to_owned();
        assert_eq!(verify_url, format!("http://127.0.0.1:8080/verify/{code}"));
        assert_eq!(made["languages"], json!(["en"]), "a Danish host writes in English");

        // The PDF, as its member downloads it, says what the issue asks.
        let pdf = get(&api.app, made["pdf_url"].as_str().unwrap(), Some(&api.member), None).await;
        assert_eq!((pdf.status, pdf.kind.as_str()), (StatusCode::OK, "application/pdf"));
        assert!(pdf.disposition.starts_with("attachment; filename=\"invitation-letter-"), "{}", pdf.disposition);
        let read = Pdf::new(&pdf.body, &format!("letter-{stay_id}.pdf"));
        assert_eq!(read.info("Pages"), "1");
        let text = read.text();
        let grouped: Vec<String> = code.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        for expected in [
            "Copenhagen Digital",
            "Nyhavn 17 1051 København K, Denmark",
            "Ærøskøbing Łęcka-Ðorđević",
            "HubClub",
            "4–10 March 2026",
            "Business breakfast",
            "free of charge",
            "P on behalf of Copenhagen Digital",
            &format!("Verification code: {}", grouped.join("-")),
        ] {
            assert!(text.contains(expected), "{expected:?} not in the letter:\n{text}");
        }
        read.picture("letter", "api-letter-page-1");

        // Anyone checks it, without signing in, and sees initials only.
        let (status, page) = check(&api, &verify_url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("data-status=\"valid\""), "{page}");
        assert!(page.contains("This letter is valid"));
        assert!(page.contains("Æ. Ł."), "{page}");
        assert!(page.contains("Copenhagen Digital") && page.contains("4–10 March 2026"));
        assert!(!page.contains("Łęcka") && !page.contains("Ærøskøbing"), "the name is not shown");
        // Typed off the paper: upper case, in its groups.
        let (status, _) = check(&api, &format!("/verify/{}", grouped.join("-").to_uppercase())).await;
        assert_eq!(status, StatusCode::OK);

        // A new letter replaces the old; the stay cancelled, the letter says so.
        let (_, second) = api.call("POST", &letter, Some(&api.member), Some(name)).await;
        let (_, page) = check(&api, &verify_url).await;
        assert!(page.contains("data-status=\"replaced\""), "{page}");
        let second_url = second["verify_url"].as_str().unwrap().to_owned();
        assert!(check(&api, &second_url).await.1.contains("data-status=\"valid\""));
        api.call("POST", &format!("/api/v1/stays/{stay_id}/cancel"), Some(&api.member), Some(json!({}))).await;
        let (_, page) = check(&api, &second_url).await;
        assert!(page.contains("data-status=\"cancelled\""), "{page}");
        let pdf = get(&api.app, &format!("{letter}.pdf"), Some(&api.member), None).await;
        assert_eq!(pdf.status, StatusCode::CONFLICT, "no download once the stay is called off");

        // Erasing the member deletes the letters (they hold the passport
        // name): the code then names no letter.
        let email = deskvisa_rules::Email::parse("anna@hubclub.example").unwrap();
        let erased = api.service.erase_member(&email).await.unwrap();
        assert_eq!(erased.erased.letters, 2);
        assert_eq!(check(&api, &second_url).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.world.test_db.scalar("SELECT COUNT(*) FROM letters").await, 0);

        // Codes no letter has: a page saying so.
        for bogus in ["/verify/00000000000000000000000000000000", "/verify/nothing", "/verify/%F0%9F%98%80"] {
            let (status, page) = check(&api, bogus).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{bogus}");
            assert!(page.contains("No letter has this code"), "{page}");
        }
    })
    .await;
}

#[tokio::test]
async fn one_client_checking_codes_too_often_is_told_to_wait() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let limits = RateLimits { letter_checks_per_client_per_minute: 3, ..RateLimits::default() };
        let app = router(api.service.clone().with_rate_limits(limits), Limits::default());
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(get(&app, "/verify/0123456789abcdef0123456789abcdef", None, Some("192.0.2.7:4000")).await);
        }
        let codes: Vec<u16> = statuses.iter().map(|a| a.status.as_u16()).collect();
        assert_eq!(codes, [404, 404, 404, 429]);
        let page = String::from_utf8(statuses[3].body.clone()).unwrap();
        assert!(page.contains("Too many letter checks"), "{page}");
        // Another client is not held back.
        assert_eq!(
            get(&app, "/verify/0123456789abcdef0123456789abcdef", None, Some("192.0.2.8:4000")).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn a_polish_host_writes_its_letter_in_english_and_in_polish() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let cluster = deskvisa_testing::world::cluster("Śląski Klaster ICT", "Ruda Śląska", "PL", "Europe/Warsaw");
        let (silesia, site) = api.world.add_cluster(cluster, 2).await;
        let host_admin = crate::api::person(&api.service, silesia, "admin@klaster.example", true).await;
        let body = json!({"site_id": site.to_string(), "start_date": "2026-03-04", "end_date": "2026-03-06", "purpose": "Zażółć gęślą jaźń"});
        let (_, stay) = api.call("POST", "/api/v1/stays", Some(&api.stranger_admin), Some(body)).await;
        let stay_id = stay["id"].as_str().expect("a stay").to_owned();
        let (status, approved) = api.call("POST", &format!("/api/v1/stays/{stay_id}/approve"), Some(&host_admin), None).await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        let (status, made) = api
            .call("POST", &format!("/api/v1/stays/{stay_id}/letter"), Some(&api.stranger_admin), Some(json!({"passport_name": "Erik Åström"})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["languages"], json!(["en", "pl"]));
        let pdf = get(&api.app, made["pdf_url"].as_str().unwrap(), Some(&api.stranger_admin), None).await;
        let read = Pdf::new(&pdf.body, &format!("letter-{stay_id}.pdf"));
        assert_eq!(read.info("Pages"), "2");
        let text = read.text();
        for expected in ["List zapraszający", "Erik Åström", "4–6 marca 2026 (liczba dni: 3)", "Zażółć gęślą jaźń", "Ruda Śląska"] {
            assert!(text.contains(expected), "{expected:?} not in the letter:\n{text}");
        }
    })
    .await;
}
