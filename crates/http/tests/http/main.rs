//! deskvisa's HTTP layer end to end, in one test binary: the JSON API, the
//! authorization matrix, the OpenAPI document, sign-in, the pages, the
//! cluster pages and every link of every email, each through the real
//! router over real databases (SQLite and PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

mod api;
mod authorization;
mod cluster_pages;
mod delegation_pages;
mod delegations;
mod design_pages;
mod email_links;
mod event_series;
mod feeds;
mod firm_pages;
mod firms;
mod introductions;
mod large_network;
mod letter_pages;
mod letters;
mod openapi;
mod pages;
mod programme;
mod sign_in;
mod site_face_pages;
mod site_faces;
mod stay_move_pages;
mod stay_moves;
mod support;
mod waitlist;
mod waitlist_pages;
