//! The firm directory's routes (issue 21, growing): so far the vocabulary
//! of fields of ICT work that firms offer and seek, with each field's name
//! in every language deskvisa speaks, for clients that build tag pickers.

use axum::Json;
use deskvisa_rules::{FieldTag, Locale};
use deskvisa_service::Service;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::responses::Unauthenticated;
use crate::extract::Authenticated;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new().routes(routes!(field_tags))
}

/// A field's name in each language.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldNames {
    /// English.
    en: &'static str,
    /// Polish.
    pl: &'static str,
}

/// One field of the vocabulary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldTagBody {
    /// The tag as firms' `offers` and `seeks` spell it, e.g. `cybersecurity`.
    tag: &'static str,
    /// What it is called.
    names: FieldNames,
}

/// The whole vocabulary, in the order it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldTagList {
    /// Every field.
    items: Vec<FieldTagBody>,
    /// Free tags (outside the vocabulary) a firm may add to each list.
    max_free_tags: usize,
}

/// The fields of ICT work firms offer and seek: a firm's `offers` and
/// `seeks` hold these tags and at most `max_free_tags` of its own.
#[utoipa::path(
    get, path = "/api/v1/firms/tags", tag = "firms", security(("bearer" = [])),
    responses(
        (status = 200, description = "The vocabulary", body = FieldTagList),
        Unauthenticated,
    )
)]
async fn field_tags(Authenticated(_): Authenticated) -> Json<FieldTagList> {
    let items = FieldTag::ALL
        .iter()
        .map(|tag| FieldTagBody {
            tag: tag.as_str(),
            names: FieldNames {
                en: deskvisa_words::field_name(Locale::En, *tag),
                pl: deskvisa_words::field_name(Locale::Pl, *tag),
            },
        })
        .collect();
    Json(FieldTagList { items, max_free_tags: deskvisa_rules::Tags::MAX_FREE })
}
