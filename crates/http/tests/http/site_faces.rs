//! A site's face (issue 22), on both databases: its admins write the
//! arrival pack, every member reads it (and the site and stay pages show
//! it); its admins upload one photo, which deskvisa re-encodes and serves
//! with cache validators, and which the map's list shows as a thumbnail;
//! what is no image is refused with a clear error.

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_testing::on_both_backends;
use http_body_util::BodyExt;
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use serde_json::json;
use tower::ServiceExt;

use crate::api::Api;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn send(api: &Api, request: Request<Body>) -> Answer {
    let response = api.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    Answer { status, headers, body: response.into_body().collect().await.unwrap().to_bytes().to_vec() }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels: ImageBuffer<Rgb<u8>, _> = ImageBuffer::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 120]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(pixels).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
    out
}

fn put_photo(api: &Api, token: &str, kind: &str, body: Vec<u8>) -> Request<Body> {
    Request::put(format!("/api/v1/sites/{}/photo", api.site))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", kind)
        .body(Body::from(body))
        .unwrap()
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn the_host_writes_the_arrival_pack_and_every_member_reads_it() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let path = format!("/api/v1/sites/{}/arrival", api.site);
        let (status, empty) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(empty["access"], "");
        let pack = json!({
            "opening_hours": {"mon": "08:00-18:00", "tue": "8:00–18:00", "wed": "08:00-18:00", "thu": "08:00-18:00", "fri": "08:00-16:00", "sat": null},
            "access": "Side door on Nyhavn; ring Reception.",
            "contact_name": "Mette",
            "contact_phone": "+45 33 12 34 56",
            "wifi": "The password is on the card at your desk.",
            "transport": "Metro M1/M2, Kongens Nytorv (3 min)",
            "accessibility": "Lift to every floor.",
            "amenities": ["kitchen", "phone_booths", "kitchen"]
        });
        let (status, _) = api.call("PUT", &path, Some(&api.member), Some(pack.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a visitor does not write the host's pack");
        let (status, saved) = api.call("PUT", &path, Some(&api.admin), Some(pack)).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["opening_hours"]["tue"], "08:00-18:00");
        assert_eq!(saved["opening_hours"]["sat"], serde_json::Value::Null);
        assert_eq!(saved["amenities"], json!(["phone_booths", "kitchen"]));
        let (_, read) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(read, saved);

        for (bad, says) in [
            (json!({"opening_hours": {"mon": "9-5"}}), "opening_hours"),
            (json!({"opening_hours": {"someday": "08:00-18:00"}}), "someday"),
            (json!({"contact_phone": "call me"}), "contact_phone"),
            (json!({"amenities": ["jacuzzi"]}), "jacuzzi"),
            (json!({"wifi": "x".repeat(201)}), "wifi"),
        ] {
            let (status, problem) = api.call("PUT", &path, Some(&api.admin), Some(bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
            assert!(problem["detail"].as_str().unwrap().contains(says), "{problem}");
        }
        let (_, still) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(still, saved, "a refused pack changes nothing");
    })
    .await;
}

#[tokio::test]
async fn the_host_uploads_one_photo_that_members_see_re_encoded_and_cached() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let photo = format!("/api/v1/sites/{}/photo.jpg", api.site);
        assert_eq!(send(&api, get(&photo, &api.member)).await.status, StatusCode::NOT_FOUND);

        // What is no image, or too large, is refused and nothing is kept.
        let text = send(&api, put_photo(&api, &api.admin, "image/jpeg", b"not an image at all".to_vec())).await;
        assert_eq!(text.status, StatusCode::BAD_REQUEST);
        assert!(String::from_utf8_lossy(&text.body).contains("not a JPEG, PNG or WebP image"));
        let huge = send(&api, put_photo(&api, &api.admin, "image/png", vec![0; 5 * 1024 * 1024 + 10])).await;
        assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
        let visitor = send(&api, put_photo(&api, &api.member, "image/png", png(64, 64))).await;
        assert_eq!(visitor.status, StatusCode::FORBIDDEN);
        assert_eq!(send(&api, get(&photo, &api.member)).await.status, StatusCode::NOT_FOUND);

        let uploaded = send(&api, put_photo(&api, &api.admin, "image/png", png(2400, 1600))).await;
        assert_eq!(uploaded.status, StatusCode::OK);
        let answer: serde_json::Value = serde_json::from_slice(&uploaded.body).unwrap();
        let version = answer["version"].as_str().unwrap().to_owned();
        let served = send(&api, get(answer["photo_url"].as_str().unwrap(), &api.member)).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.headers["content-type"], "image/jpeg");
        assert_eq!(served.headers["cache-control"], "private, max-age=86400");
        assert_eq!(served.headers["etag"], format!("\"{version}\"").as_str());
        let kept = image::load_from_memory(&served.body).unwrap();
        assert_eq!((kept.width(), kept.height()), (1600, 1067));
        let thumb = send(&api, get(answer["thumbnail_url"].as_str().unwrap(), &api.member)).await;
        let thumb = image::load_from_memory(&thumb.body).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (360, 240));

        // The browser's copy is the current one: 304, no body.
        let mut again = get(&photo, &api.member);
        again.headers_mut().insert("if-none-match", format!("\"{version}\"").parse().unwrap());
        let again = send(&api, again).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());

        // The map's list shows the thumbnail; removed, the photo is gone.
        let remove = Request::delete(format!("/api/v1/sites/{}/photo", api.site))
            .header("authorization", format!("Bearer {}", api.admin))
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&api, remove).await.status, StatusCode::NO_CONTENT);
        assert_eq!(send(&api, get(&photo, &api.member)).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}
