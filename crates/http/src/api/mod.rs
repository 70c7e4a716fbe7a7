//! The JSON face of API.md: every `/api/v1` route but sign-in (which the
//! pages share, in [`crate::auth`]) and its bodies (`dto`). Handlers parse input through
//! [`crate::input`], call the service and answer JSON or problem+json.

pub(crate) mod admin;
pub(crate) mod delegations;
pub(crate) mod dto;
pub(crate) mod event_series;
pub(crate) mod events;
pub(crate) mod feeds;
pub(crate) mod firms;
pub(crate) mod introductions;
pub(crate) mod letters;
pub(crate) mod map;
pub(crate) mod member_file;
pub(crate) mod paging;
pub(crate) mod reports;
pub(crate) mod responses;
pub(crate) mod site_faces;
pub(crate) mod stays;
pub(crate) mod waitlist;

use deskvisa_service::Service;
use utoipa_axum::router::OpenApiRouter;

/// Every API route with its documentation.
pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .merge(stays::routes())
        .merge(map::routes())
        .merge(admin::routes())
        .merge(reports::routes())
        .merge(events::routes())
        .merge(event_series::routes())
        .merge(firms::routes())
        .merge(introductions::routes())
        .merge(feeds::routes())
        .merge(letters::routes())
        .merge(waitlist::routes())
        .merge(delegations::routes())
        .merge(site_faces::routes())
}
