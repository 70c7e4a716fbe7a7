//! A site's face on the pages: the host's admin fills the arrival form and
//! uploads a photo on the site's settings page; the visitor sees both on
//! the site page, the thumbnail on the map's list, and the arrival pack on
//! the stay page; a file that is no image gets a page saying so.

use std::io::Cursor;

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_rules::Locale;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{Setup, World};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};

/// An image posted as a browser posts `<input type=file name=photo>`.
fn upload(path: &str, cookie: &str, csrf: &str, file: &[u8]) -> Request<Body> {
    let boundary = "deskvisa-photo-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"site.png\"\r\nContent-Type: image/png\r\n\r\n"
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

#[tokio::test]
async fn the_host_fills_the_arrival_pack_and_photo_and_the_visitor_sees_them() {
    on_both_backends(|db| async move {
        let setup = Setup {
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::Pl),
            ..Setup::desks(3)
        };
        let w = Web::new(World::with(db, setup).await);
        let (app, service) = (&w.app, &w.service);
        let lars = session(app, service, "lars@cph.example").await;
        let settings = format!("/host/sites/{}", w.site);
        let page = send(app, get(&settings, &lars)).await;
        assert!(page.body.contains("id=\"arrival\"") && page.body.contains("name=\"hours_mon\""), "{}", page.body);
        let csrf = field(&page.body, "csrf");
        let body = form(&[
            ("csrf", &csrf),
            ("hours_mon", "08:00-18:00"),
            ("hours_tue", "08:00-18:00"),
            ("hours_fri", "08:00-15:00"),
            ("access", "Boczne wejście od Nyhavn"),
            ("contact_name", "Mette"),
            ("contact_phone", "+45 33 12 34 56"),
            ("amenity", "kitchen"),
            ("amenity", "showers"),
        ]);
        let saved = send(app, post(&format!("{settings}/arrival"), &lars, &body)).await;
        assert_eq!(
            (saved.status, saved.location()),
            (StatusCode::SEE_OTHER, format!("{settings}?done=saved#arrival").as_str())
        );
        let page = send(app, get(&settings, &lars)).await;
        assert!(
            page.body.contains("value=\"08:00-15:00\"") && page.body.contains("value=\"showers\" checked"),
            "{}",
            page.body
        );

        // A photo, then a file that is no image.
        let pixels: ImageBuffer<Rgb<u8>, _> = ImageBuffer::from_fn(900, 600, |x, y| Rgb([x as u8, y as u8, 40]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(pixels).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let uploaded = send(app, upload(&format!("{settings}/photo"), &lars, &csrf, &png)).await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
        let refused = send(app, upload(&format!("{settings}/photo"), &lars, &csrf, b"%PDF-1.7 not a photo")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(unescape(&refused.body).contains("Ten plik nie jest czytelnym obrazem"), "{}", refused.body);

        // The visitor sees them on the site page, the thumbnail on the map.
        let anna = session(app, service, "anna@hubclub.example").await;
        let site = send(app, get(&format!("/sites/{}", w.site), &anna)).await;
        for expected in [
            "Arriving",
            "Mon–Tue 08:00–18:00 · Fri 08:00–15:00",
            "Mette, +45 33 12 34 56",
            "kitchen, showers",
            "class=\"site-photo\"",
        ] {
            assert!(site.body.contains(expected), "{expected:?} not on the site page");
        }
        let src_at = site.body.find("/photo.jpg?v=").unwrap();
        let start = site.body[..src_at].rfind('"').unwrap() + 1;
        let src = &site.body[start..src_at + site.body[src_at..].find('"').unwrap()];
        let photo = app_get_bytes(app, src, &anna).await;
        assert_eq!(image::load_from_memory(&photo).unwrap().width(), 900);
        let map = send(app, get("/", &anna)).await;
        assert!(
            map.body.contains(&format!("/api/v1/sites/{}/thumbnail.jpg?v=", w.site)),
            "the thumbnail on the map's list"
        );

        // And the stay page, once a stay is asked for.
        let stay = service.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        let page = send(app, get(&format!("/stays/{}", stay.id), &anna)).await;
        assert!(page.body.contains("Boczne wejście od Nyhavn") && page.body.contains("Opening hours"), "{}", page.body);
    })
    .await;
}

async fn app_get_bytes(app: &axum::Router, path: &str, cookie: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = app.clone().oneshot(get(&unescape(path), cookie)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}
