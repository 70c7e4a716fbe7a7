//! One more step before a click that cannot be taken back: cancelling a
//! stay or an event, revoking a member, changing a cluster's status. The
//! first post answers with a page that says what will happen and posts the
//! same fields again with `confirm=yes`; its other button goes back and
//! changes nothing. Works without script, and a keyboard reaches both.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::form::Fields;
use super::view::{Chrome, html};
use super::{PageError, Viewer};

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    c: Chrome,
    consequence: String,
    action: String,
    /// Every field the first post carried but its token and `confirm`.
    fields: Vec<(String, String)>,
    yes: String,
    back: String,
}

/// What the confirmation page asks: its title, what will happen, the
/// button that does it, and where "keep it" goes.
pub(crate) struct Ask {
    pub(crate) title: String,
    pub(crate) consequence: String,
    pub(crate) yes: String,
    pub(crate) back: String,
}

/// Whether the post is the second, confirmed one.
pub(crate) fn confirmed(fields: &Fields) -> bool {
    fields.get("confirm") == "yes"
}

/// The confirmation page for a post to `action` with `fields`.
pub(crate) fn ask(
    viewer: &Viewer,
    nav: &'static str,
    action: String,
    fields: &Fields,
    ask: Ask,
) -> Result<Response, PageError> {
    let carried = fields.0.iter().filter(|(name, _)| name != "csrf" && name != "confirm").cloned().collect::<Vec<_>>();
    let page = ConfirmPage {
        c: Chrome::new(viewer, ask.title, nav),
        consequence: ask.consequence,
        action,
        fields: carried,
        yes: ask.yes,
        back: ask.back,
    };
    html(StatusCode::OK, &page)
}
