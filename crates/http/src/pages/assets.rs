//! The pages' static files, compiled into the binary: the stylesheet, the
//! world map (Natural Earth land, see `scripts/world-map`) and the icon.
//! Nothing is fetched from anywhere else.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A file: its name, type and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/style.css"),
    },
    Asset { name: "world.svg", content_type: "image/svg+xml", bytes: include_bytes!("../../assets/world.svg") },
    Asset { name: "icon.svg", content_type: "image/svg+xml", bytes: include_bytes!("../../assets/icon.svg") },
];

/// The bytes of every asset together (what a page can weigh beyond its HTML).
#[cfg(test)]
fn total_bytes() -> usize {
    ASSETS.iter().map(|a| a.bytes.len()).sum()
}

/// `GET /assets/{name}`: cached for a day (they change only with a release).
pub(crate) async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
            ],
            asset.bytes,
        )
            .into_response(),
        None => crate::problem::Problem::not_found().into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_with_every_asset_stays_small() {
        // The budget is 200 KB a page, HTML included.
        assert!(super::total_bytes() < 60 * 1024, "{}", super::total_bytes());
    }
}
