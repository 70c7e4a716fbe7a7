//! The authorization matrix: every route the router serves, called by six
//! callers (anonymous, a member of cluster A, a member of B, an admin of A, an
//! admin of B, a network admin) on an object of cluster A and one of cluster
//! B, against the table below.
//!
//! The table is written from the "who" columns of API.md and "Who sees a
//! stay" in DOMAIN.md, not from the handlers: a cell is the exact status the
//! caller must get. Objects the caller may not read answer 404, objects it may
//! read but not change 403. The routes come from the router's own OpenAPI
//! document, so a new route without a row fails the test, and so does a row
//! for a route that is gone.
//!
//! Every cell that succeeds runs on its own copy of the world (a `VACUUM
//! INTO` of the SQLite file), so each one starts from the same state; the
//! refused cells run on one shared world, which must come out of them
//! unchanged. On PostgreSQL the refused cells run again, on a world of their
//! own.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use deskvisa_http::{Limits, router};
use deskvisa_rules::{Email, MemberId, PolicyDraft, SiteId};
use deskvisa_service::*;
use deskvisa_store::{DatabaseConfig, connect_store};
use deskvisa_testing::world::{self, TODAY, add_person, member, t};
use deskvisa_testing::{Backend, TestDatabase};
use sea_orm::{ConnectionTrait, Statement};
use tower::ServiceExt;

/// The callers, in the order of every row's cells.
const CALLERS: [&str; 6] = ["anonymous", "member of A", "member of B", "admin of A", "admin of B", "network admin"];

/// What a route's path (or body) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum On {
    /// Nothing of a cluster's: one column of cells.
    Nothing,
    /// `{id}` is the cluster.
    Cluster,
    /// `{id}` the cluster, `{member_id}` a plain member of it.
    ClusterMember,
    /// `{id}` the cluster, `{member_id}` its second admin.
    ClusterAdmin,
    /// `{id}` is a site of the cluster.
    Site,
    /// `{id}` a site of the cluster, `{date}` a day it is closed.
    Closure,
    /// `{id}` is a pending stay of the cluster's member (hosted by the other).
    PendingStay,
    /// `{id}` is an approved stay of the cluster's member, under way since
    /// its first day (last Friday), not checked in.
    CurrentStay,
    /// The body's `{site}` is a site of the cluster.
    SiteInBody,
    /// `{id}` is an event at the cluster's site, open to visitors, on a day
    /// the other cluster's member's current stay there holds; that member is
    /// registered for it.
    Event,
    /// `{id}` is a firm of the cluster, its admin its contact.
    Firm,
    /// `{id}` is a pending introduction of the other cluster's member, on
    /// their current stay here, to the cluster's firm (its admin the contact).
    Introduction,
    /// `{id}` is the cluster's member's place in line for a full day at the
    /// other cluster's site.
    Wait,
    /// `{id}` is a pending delegation of the cluster's plain member and
    /// second admin at the other cluster's site.
    Delegation,
}

/// One route's expected answers.
struct Row {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    on: On,
    body: Option<&'static str>,
    /// On cluster A's object, per caller.
    a: [u16; 6],
    /// On cluster B's object, per caller.
    b: [u16; 6],
}

const fn row(
    method: &'static str,
    path: &'static str,
    on: On,
    body: Option<&'static str>,
    a: [u16; 6],
    b: [u16; 6],
) -> Row {
    Row { method, path, query: "", on, body, a, b }
}

/// A route whose answers do not depend on whose object it is.
const fn flat(method: &'static str, path: &'static str, on: On, body: Option<&'static str>, all: [u16; 6]) -> Row {
    row(method, path, on, body, all, all)
}

const fn with_query(mut r: Row, query: &'static str) -> Row {
    r.query = query;
    r
}

/// Answering an introduction: its contact (the admin of the firm's cluster
/// here) may; its visitor (the other cluster's member) sees it, nobody else.
const fn answer_row(path: &'static str) -> Row {
    row("post", path, On::Introduction, None, [401, 404, 403, 200, 404, 404], [401, 403, 404, 404, 200, 404])
}

const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
const NETWORK_ONLY: [u16; 6] = [401, 403, 403, 403, 403, 200];
const CLUSTER: &str = r#"{"name": "Tokyo Creative Tech", "city": "Tokyo", "country": "JP", "timezone": "Asia/Tokyo", "latitude": 35.68, "longitude": 139.69}"#;
const POLICY: &str = r#"{"max_days_per_stay": 5, "stays_per_year": 10, "min_notice_days": 1, "horizon_days": 120, "approval_mode": "manual", "answer_window_days": 3, "on_no_answer": "approve"}"#;
const SITE: &str = r#"{"name": "Harbour Annex", "address": "Quay 2", "desks": 4, "open_weekdays": ["mon", "tue", "wed", "thu", "fri"], "contact_email": "annex@example.org", "house_rules": ""}"#;
const EVENT: &str =
    r#"{"title": "Meetup", "starts_at": "2026-03-25T17:00", "ends_at": "2026-03-25T19:00", "capacity": 20}"#;
const SERIES: &str = r#"{"title": "Breakfast", "starts_at": "2026-03-24T08:00", "ends_at": "2026-03-24T09:30", "capacity": 20, "repeat": "weekly", "until": "2026-04-14"}"#;
const STAY: &str =
    r#"{"site_id": "{site}", "start_date": "2026-03-23", "end_date": "2026-03-27", "purpose": "Meet the cluster"}"#;

/// Who may do what, from API.md's "who" columns; `On` says what A's and B's
/// object is. Stays: A's is a stay of A's member hosted by B, so B's admins
/// are its host and A's admins its home.
fn table() -> Vec<Row> {
    use On::*;
    vec![
        //                                                                  anon  mA   mB   aA   aB   net
        flat("get", "/api/v1/me", Nothing, None, SIGNED_IN),
        flat("patch", "/api/v1/me", Nothing, Some(r#"{"name": "Renamed"}"#), SIGNED_IN),
        flat("get", "/api/v1/clusters", Nothing, None, SIGNED_IN),
        flat("post", "/api/v1/clusters", Nothing, Some(CLUSTER), [401, 403, 403, 403, 403, 201]),
        flat("get", "/api/v1/clusters/{id}", Cluster, None, SIGNED_IN),
        flat("patch", "/api/v1/clusters/{id}", Cluster, Some(r#"{"name": "Renamed"}"#), NETWORK_ONLY),
        flat("get", "/api/v1/network/policy", Nothing, None, SIGNED_IN),
        flat("get", "/api/v1/firms/tags", Nothing, None, SIGNED_IN),
        flat("get", "/api/v1/firms", Nothing, None, SIGNED_IN),
        flat("get", "/api/v1/firms/{id}", Firm, None, SIGNED_IN),
        // Its contact (the cluster's admin) and its cluster's admins.
        row(
            "patch",
            "/api/v1/firms/{id}",
            Firm,
            Some(r#"{"city": "Malmö"}"#),
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        // The stay's member asks; a firm of the stay's host, open, another's contact.
        row(
            "post",
            "/api/v1/stays/{id}/introductions",
            CurrentStay,
            Some(r#"{"firm_id": "{host_firm}", "note": "Coffee?"}"#),
            [401, 201, 404, 403, 403, 403],
            [401, 404, 201, 403, 403, 403],
        ),
        // Only the contact answers; the visitor sees it, nobody else does.
        answer_row("/api/v1/introductions/{id}/accept"),
        answer_row("/api/v1/introductions/{id}/decline"),
        flat("get", "/api/v1/me/introductions", Nothing, None, SIGNED_IN),
        flat("get", "/api/v1/events", Nothing, None, SIGNED_IN),
        flat("post", "/api/v1/me/calendar-feed", Nothing, None, [401, 201, 201, 201, 201, 201]),
        // Nobody has a feed here to revoke.
        flat("delete", "/api/v1/me/calendar-feed", Nothing, None, [401, 404, 404, 404, 404, 404]),
        // A secret nobody was given is nobody's feed, signed in or not.
        flat("get", "/feeds/{file}", Nothing, None, [404; 6]),
        // A code no letter has is nobody's letter, signed in or not.
        flat("get", "/verify/{code}", Nothing, None, [404; 6]),
        // The stay's member makes its letter; those who see the stay may not.
        row(
            "post",
            "/api/v1/stays/{id}/letter",
            CurrentStay,
            Some(r#"{"passport_name": "Anna Maria Nowak"}"#),
            [401, 201, 404, 403, 403, 403],
            [401, 404, 201, 403, 403, 403],
        ),
        // No letter is made yet: its member finds none.
        row(
            "get",
            "/api/v1/stays/{id}/letter.pdf",
            CurrentStay,
            None,
            [401, 404, 404, 403, 403, 403],
            [401, 404, 404, 403, 403, 403],
        ),
        // Every signed-in member reads a site's pack; its cluster's admins and network admins write it.
        flat("get", "/api/v1/sites/{id}/arrival", Site, None, SIGNED_IN),
        row(
            "put",
            "/api/v1/sites/{id}/arrival",
            Site,
            Some(r#"{"access": "Ring twice", "amenities": ["kitchen"]}"#),
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        // No photo yet: nothing to read or remove; an empty body is no image.
        flat("get", "/api/v1/sites/{id}/photo.jpg", Site, None, [401, 404, 404, 404, 404, 404]),
        flat("get", "/api/v1/sites/{id}/thumbnail.jpg", Site, None, [401, 404, 404, 404, 404, 404]),
        row(
            "put",
            "/api/v1/sites/{id}/photo",
            Site,
            None,
            [401, 403, 403, 400, 403, 400],
            [401, 403, 403, 403, 400, 400],
        ),
        row(
            "delete",
            "/api/v1/sites/{id}/photo",
            Site,
            None,
            [401, 403, 403, 404, 403, 404],
            [401, 403, 403, 403, 404, 404],
        ),
        // The cluster's admins and network admins.
        row(
            "get",
            "/api/v1/clusters/{id}/letterhead",
            Cluster,
            None,
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "put",
            "/api/v1/clusters/{id}/letterhead",
            Cluster,
            Some(r#"{"address": "Quay 1\nCopenhagen"}"#),
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "get",
            "/api/v1/stays/{id}/suggested-firms",
            CurrentStay,
            None,
            [401, 200, 404, 200, 200, 200],
            [401, 404, 200, 200, 200, 200],
        ),
        // The cluster's own members and network admins.
        row(
            "get",
            "/api/v1/clusters/{id}/visitors",
            Cluster,
            None,
            [401, 200, 403, 200, 403, 200],
            [401, 403, 200, 403, 200, 200],
        ),
        row(
            "post",
            "/api/v1/clusters/{id}/firms",
            Cluster,
            Some(r#"{"name": "New Firm", "offers": ["cloud"]}"#),
            [401, 403, 403, 201, 403, 201],
            [401, 403, 403, 403, 201, 201],
        ),
        flat(
            "put",
            "/api/v1/network/policy",
            Nothing,
            Some(r#"{"guaranteed_days": 5, "reciprocity_grace_days": 30}"#),
            NETWORK_ONLY,
        ),
        row(
            "post",
            "/api/v1/clusters/{id}/admins",
            Cluster,
            Some(r#"{"email": "new.admin@example.org", "name": "New Admin"}"#),
            [401, 403, 403, 201, 403, 201],
            [401, 403, 403, 403, 201, 201],
        ),
        row(
            "delete",
            "/api/v1/clusters/{id}/admins/{member_id}",
            ClusterAdmin,
            None,
            [401, 403, 403, 204, 403, 204],
            [401, 403, 403, 403, 204, 204],
        ),
        flat("get", "/api/v1/clusters/{id}/policy", Cluster, None, SIGNED_IN),
        row(
            "put",
            "/api/v1/clusters/{id}/policy",
            Cluster,
            Some(POLICY),
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        row(
            "post",
            "/api/v1/clusters/{id}/members",
            Cluster,
            Some(r#"{"email": "new.member@example.org", "name": "New", "company": "Firm", "locale": "en"}"#),
            [401, 403, 403, 201, 403, 201],
            [401, 403, 403, 403, 201, 201],
        ),
        row(
            "get",
            "/api/v1/clusters/{id}/members",
            Cluster,
            None,
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "patch",
            "/api/v1/clusters/{id}/members/{member_id}",
            ClusterMember,
            Some(r#"{"vouched_until": "2027-01-01"}"#),
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "delete",
            "/api/v1/clusters/{id}/members/{member_id}",
            ClusterMember,
            None,
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "post",
            "/api/v1/clusters/{id}/members/{member_id}/restore",
            ClusterMember,
            None,
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "post",
            "/api/v1/clusters/{id}/sites",
            Cluster,
            Some(SITE),
            // Network admins add any cluster's sites (starting a network).
            [401, 403, 403, 201, 403, 201],
            [401, 403, 403, 403, 201, 201],
        ),
        flat("get", "/api/v1/sites/{id}", Site, None, SIGNED_IN),
        row(
            "patch",
            "/api/v1/sites/{id}",
            Site,
            Some(r#"{"house_rules": "Quiet, please"}"#),
            [401, 403, 403, 200, 403, 200],
            [401, 403, 403, 403, 200, 200],
        ),
        flat("get", "/api/v1/sites/{id}/closures", Site, None, SIGNED_IN),
        row(
            "post",
            "/api/v1/sites/{id}/closures",
            Site,
            Some(r#"{"date": "2026-04-02", "reason": "Holiday"}"#),
            [401, 403, 403, 201, 403, 403],
            [401, 403, 403, 403, 201, 403],
        ),
        row(
            "delete",
            "/api/v1/sites/{id}/closures/{date}",
            Closure,
            None,
            [401, 403, 403, 204, 403, 403],
            [401, 403, 403, 403, 204, 403],
        ),
        with_query(
            flat("get", "/api/v1/sites/{id}/availability", Site, None, SIGNED_IN),
            "?from=2026-03-02&to=2026-03-31",
        ),
        with_query(
            flat("get", "/api/v1/availability/search", Nothing, None, SIGNED_IN),
            "?from=2026-03-09&to=2026-03-31&days=3&continent=europe",
        ),
        // Stays at one's own cluster are the rules' to refuse (`own_cluster`).
        row(
            "post",
            "/api/v1/stays",
            SiteInBody,
            Some(STAY),
            [401, 422, 201, 422, 201, 201],
            [401, 201, 422, 201, 422, 201],
        ),
        flat("get", "/api/v1/stays", Nothing, None, SIGNED_IN),
        row(
            "get",
            "/api/v1/sites/{id}/stays",
            Site,
            None,
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        row(
            "get",
            "/api/v1/stays/{id}",
            CurrentStay,
            None,
            [401, 200, 404, 200, 200, 200],
            [401, 404, 200, 200, 200, 200],
        ),
        // Any member of another cluster waits for a full day; not twice.
        row(
            "post",
            "/api/v1/sites/{id}/waitlist",
            Site,
            Some(r#"{"start_date": "2026-03-31", "end_date": "2026-03-31"}"#),
            [401, 422, 409, 422, 201, 201],
            [401, 409, 422, 201, 422, 201],
        ),
        flat("get", "/api/v1/me/waitlist", Nothing, None, SIGNED_IN),
        // A place in line is its member's alone.
        row("get", "/api/v1/waitlist/{id}", Wait, None, [401, 200, 404, 404, 404, 404], [401, 404, 200, 404, 404, 404]),
        row(
            "delete",
            "/api/v1/waitlist/{id}",
            Wait,
            None,
            [401, 200, 404, 404, 404, 404],
            [401, 404, 200, 404, 404, 404],
        ),
        // No offer is open yet.
        row(
            "post",
            "/api/v1/waitlist/{id}/accept",
            Wait,
            None,
            [401, 409, 404, 404, 404, 404],
            [401, 404, 409, 404, 404, 404],
        ),
        // Only an admin sends a group, of its own cluster's members, elsewhere.
        row(
            "post",
            "/api/v1/delegations",
            SiteInBody,
            Some(
                r#"{"site_id": "{site}", "start_date": "2026-04-14", "end_date": "2026-04-15", "member_ids": ["{plain}", "{second}"]}"#,
            ),
            [401, 403, 403, 422, 400, 403],
            [401, 403, 403, 400, 422, 403],
        ),
        // A group is read by its home's and host's admins and network admins.
        flat("get", "/api/v1/delegations/{id}", Delegation, None, [401, 404, 404, 200, 200, 200]),
        // The host answers it.
        row(
            "post",
            "/api/v1/delegations/{id}/approve",
            Delegation,
            None,
            [401, 404, 404, 403, 200, 403],
            [401, 404, 404, 200, 403, 403],
        ),
        row(
            "post",
            "/api/v1/delegations/{id}/decline",
            Delegation,
            Some(r#"{"reason": "A conference has every desk"}"#),
            [401, 404, 404, 403, 200, 403],
            [401, 404, 404, 200, 403, 403],
        ),
        // Only the stay's member gives it new dates (shortened by a day here).
        row(
            "patch",
            "/api/v1/stays/{id}",
            PendingStay,
            Some(r#"{"start_date": "2026-03-17", "end_date": "2026-03-20"}"#),
            [401, 200, 404, 403, 403, 403],
            [401, 404, 200, 403, 403, 403],
        ),
        row(
            "post",
            "/api/v1/stays/{id}/approve",
            PendingStay,
            None,
            [401, 403, 404, 403, 200, 403],
            [401, 404, 403, 200, 403, 403],
        ),
        row(
            "post",
            "/api/v1/stays/{id}/decline",
            PendingStay,
            Some(r#"{"reason": "A delegation has every desk"}"#),
            [401, 403, 404, 403, 200, 403],
            [401, 404, 403, 200, 403, 403],
        ),
        row(
            "post",
            "/api/v1/stays/{id}/cancel",
            CurrentStay,
            Some(r#"{"reason": "The building closes for works"}"#),
            [401, 200, 404, 403, 200, 403],
            [401, 404, 200, 200, 403, 403],
        ),
        row(
            "post",
            "/api/v1/stays/{id}/check-in",
            CurrentStay,
            None,
            [401, 403, 404, 403, 200, 403],
            [401, 404, 403, 200, 403, 403],
        ),
        row(
            "post",
            "/api/v1/stays/{id}/no-show",
            CurrentStay,
            None,
            [401, 403, 404, 403, 200, 403],
            [401, 404, 403, 200, 403, 403],
        ),
        row(
            "get",
            "/api/v1/stays/{id}/calendar.ics",
            CurrentStay,
            None,
            [401, 200, 404, 403, 200, 403],
            [401, 404, 200, 200, 403, 403],
        ),
        // Network admins see the whole ledger, cluster admins their own rows.
        with_query(
            flat("get", "/api/v1/reports/reciprocity", Nothing, None, [401, 403, 403, 200, 200, 200]),
            "?from=2026-03-01&to=2026-03-31",
        ),
        flat("get", "/api/v1/me/registrations", Nothing, None, SIGNED_IN),
        flat("get", "/api/v1/sites/{id}/events", Site, None, SIGNED_IN),
        row(
            "post",
            "/api/v1/sites/{id}/events",
            Site,
            Some(EVENT),
            [401, 403, 403, 201, 403, 403],
            [401, 403, 403, 403, 201, 403],
        ),
        row(
            "post",
            "/api/v1/sites/{id}/event-series",
            Site,
            Some(SERIES),
            [401, 403, 403, 201, 403, 403],
            [401, 403, 403, 403, 201, 403],
        ),
        // An event's id names no series: nobody's to read.
        flat("get", "/api/v1/event-series/{id}", Event, None, [401, 404, 404, 404, 404, 404]),
        flat("get", "/api/v1/event-series/{id}/calendar.ics", Event, None, [401, 404, 404, 404, 404, 404]),
        // An event of no series is cancelled alone, by its cluster's admins.
        row(
            "post",
            "/api/v1/events/{id}/cancel-rest",
            Event,
            None,
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        row(
            "patch",
            "/api/v1/events/{id}",
            Event,
            Some(r#"{"title": "Renamed"}"#),
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        row(
            "delete",
            "/api/v1/events/{id}",
            Event,
            None,
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        row(
            "get",
            "/api/v1/events/{id}/registrations",
            Event,
            None,
            [401, 403, 403, 200, 403, 403],
            [401, 403, 403, 403, 200, 403],
        ),
        // The host's own members register (admins are members); the other
        // cluster's member holds a stay covering it and is registered already;
        // the rest hold no stay there.
        row(
            "post",
            "/api/v1/events/{id}/registrations",
            Event,
            None,
            [401, 201, 200, 201, 422, 422],
            [401, 200, 201, 422, 201, 422],
        ),
        row(
            "delete",
            "/api/v1/events/{id}/registrations/me",
            Event,
            None,
            [401, 404, 204, 404, 404, 404],
            [401, 204, 404, 404, 404, 404],
        ),
        flat("get", "/api/v1/events/{id}/calendar.ics", Event, None, SIGNED_IN),
        flat("post", "/api/v1/auth/magic-link", Nothing, Some(r#"{"email": "someone@example.org"}"#), [202; 6]),
        with_query(flat("get", "/auth/verify", Nothing, None, [200; 6]), "?token=not-a-token"),
        // A form post without the form token its page sets is refused
        // before its sign-in token is looked at (sign_in.rs posts real ones).
        flat("post", "/auth/verify", Nothing, Some("token=not-a-token"), [403; 6]),
        flat("post", "/api/v1/auth/token", Nothing, Some(r#"{"token": "not-a-token"}"#), [401; 6]),
        flat("post", "/api/v1/auth/logout", Nothing, None, [401, 204, 204, 204, 204, 204]),
        flat("get", "/healthz", Nothing, None, [200; 6]),
        flat("get", "/readyz", Nothing, None, [200; 6]),
        flat("get", "/metrics", Nothing, None, [200; 6]),
    ]
}

/// The objects of one cluster that the paths name.
#[derive(Debug, Clone)]
struct Objects {
    cluster: String,
    site: String,
    plain_member: String,
    second_admin: String,
    closed_day: &'static str,
    pending_stay: String,
    current_stay: String,
    event: String,
    firm: String,
    /// A firm of the cluster hosting this cluster's member's current stay,
    /// open to visitors, that the stay has not asked.
    host_firm: String,
    introduction: String,
    /// The cluster's member's place in line at the other cluster's site.
    wait: String,
    /// The cluster's delegation at the other cluster's site.
    delegation: String,
}

/// The world every cell starts from.
struct World {
    /// Bearer tokens, in `CALLERS` order (none for the anonymous caller).
    tokens: [Option<String>; 6],
    a: Objects,
    b: Objects,
}

async fn cluster(service: &Service, name: &str, zone: &str) -> ClusterRecord {
    service.add_cluster(world::cluster(name, name, "DK", zone)).await.unwrap()
}

async fn person(service: &Service, cluster: &ClusterRecord, email: &str, role: Option<Role>) -> (MemberId, String) {
    let caller = add_person(service, cluster.id, member(email), role).await;
    (caller.member, service.create_token(&Email::parse(email).unwrap(), "matrix").await.unwrap())
}

async fn site(service: &Service, cluster: &ClusterRecord) -> SiteRecord {
    service.add_site(cluster.id, world::site(&format!("{} House", cluster.name), 5)).await.unwrap()
}

async fn stay(service: &Service, token: &str, site: SiteId, start: &str, end: &str) -> StayRecord {
    let caller = service.authenticate(token).await.unwrap();
    service
        .request_stay(
            &caller,
            &StayRequestInput {
                site,
                start_date: start.parse().unwrap(),
                end_date: end.parse().unwrap(),
                purpose: "Work".into(),
            },
        )
        .await
        .unwrap()
}

async fn build_world(service: &Service, clock: &ManualClock) -> World {
    clock.set(t("2026-02-02T09:00:00Z"));
    let alpha = cluster(service, "Alpha", "Europe/Warsaw").await;
    let beta = cluster(service, "Beta", "Europe/Copenhagen").await;
    let central = cluster(service, "Central", "Europe/Berlin").await;
    let (site_a, site_b) = (site(service, &alpha).await, site(service, &beta).await);
    // The network admin's home offers desks too, so its members may travel.
    site(service, &central).await;
    let (_, member_a) = person(service, &alpha, "member@alpha.example", None).await;
    let (_, member_b) = person(service, &beta, "member@beta.example", None).await;
    let (_, admin_a) = person(service, &alpha, "admin@alpha.example", Some(Role::ClusterAdmin)).await;
    let (_, admin_b) = person(service, &beta, "admin@beta.example", Some(Role::ClusterAdmin)).await;
    let (_, network) = person(service, &central, "network@central.example", Some(Role::NetworkAdmin)).await;
    let (plain_a, _) = person(service, &alpha, "plain@alpha.example", None).await;
    let (plain_b, _) = person(service, &beta, "plain@beta.example", None).await;
    let (second_a, _) = person(service, &alpha, "second@alpha.example", Some(Role::ClusterAdmin)).await;
    let (second_b, _) = person(service, &beta, "second@beta.example", Some(Role::ClusterAdmin)).await;
    // Room in the quota for the stays the cells request.
    let draft = PolicyDraft { stays_per_year: 10, ..PolicyDraft::default() };
    for (admin, cluster) in [(&admin_a, &alpha), (&admin_b, &beta)] {
        let caller = service.authenticate(admin).await.unwrap();
        service.save_policy(&caller, cluster.id, draft).await.unwrap();
    }
    let closed_day = "2026-04-01";
    for (admin, site) in [(&admin_a, &site_a), (&admin_b, &site_b)] {
        let caller = service.authenticate(admin).await.unwrap();
        service.close_day(&caller, site.id, closed_day.parse().unwrap(), "Holiday").await.unwrap();
    }
    // Stays under way since Friday, asked for and approved a month ago.
    let current_a = stay(service, &member_a, site_b.id, "2026-02-27", "2026-03-05").await;
    let current_b = stay(service, &member_b, site_a.id, "2026-02-27", "2026-03-05").await;
    for (admin, stay) in [(&admin_b, &current_a), (&admin_a, &current_b)] {
        let caller = service.authenticate(admin).await.unwrap();
        service.act_on_stay(&caller, stay.id, StayCommand::Approve).await.unwrap();
    }
    clock.set(t(TODAY));
    let pending_a = stay(service, &member_a, site_b.id, "2026-03-16", "2026-03-20").await;
    let pending_b = stay(service, &member_b, site_a.id, "2026-03-16", "2026-03-20").await;
    // Wednesday's meetup at each site, during the other cluster's member's
    // current stay there; that member has registered.
    let mut events = Vec::new();
    for (admin, visitor, site) in [(&admin_a, &member_b, &site_a), (&admin_b, &member_a, &site_b)] {
        let admin = service.authenticate(admin).await.unwrap();
        let draft = EventDraft {
            title: "Meetup".into(),
            description: String::new(),
            starts_at: deskvisa_rules::parse_local_time("2026-03-04T17:00").unwrap(),
            ends_at: deskvisa_rules::parse_local_time("2026-03-04T19:00").unwrap(),
            capacity: 10,
            open_to_visitors: true,
        };
        let event = service.publish_event(&admin, site.id, draft).await.unwrap();
        let visitor = service.authenticate(visitor).await.unwrap();
        service.register_for_event(&visitor, event.id).await.unwrap();
        events.push(event.id.to_string());
    }
    // Each cluster's firm, its admin the contact; a second one, its plain
    // member the contact; each asked by the other cluster's visitor.
    let mut firms = Vec::new();
    let mut second_firms = Vec::new();
    let firm_of =
        |name: String, contact| FirmProfile { open_to_visitors: true, ..FirmProfile::named(&name, Some(contact)) };
    for (admin, cluster, plain) in [(&admin_a, &alpha, plain_a), (&admin_b, &beta, plain_b)] {
        let admin = service.authenticate(admin).await.unwrap();
        let first = firm_of(format!("{} Software", cluster.name), admin.member);
        firms.push(service.create_firm(&admin, cluster.id, first).await.unwrap().id);
        let second = firm_of(format!("{} Labs", cluster.name), plain);
        second_firms.push(service.create_firm(&admin, cluster.id, second).await.unwrap().id.to_string());
    }
    let mut introductions = Vec::new();
    for (visitor, stay, firm) in [(&member_b, &current_b, firms[0]), (&member_a, &current_a, firms[1])] {
        let visitor = service.authenticate(visitor).await.unwrap();
        let note = deskvisa_rules::Note::default();
        introductions.push(service.ask_introduction(&visitor, stay.id, firm, note).await.unwrap().id.to_string());
    }
    let firms: Vec<String> = firms.iter().map(ToString::to_string).collect();
    // Tuesday 31 March full at both sites (five travellers from Central
    // each); each cluster's member waits at the other's.
    for (n, site) in [&site_a, &site_b].into_iter().enumerate() {
        for i in 0..5 {
            let (_, token) = person(service, &central, &format!("traveller{n}{i}@central.example"), None).await;
            stay(service, &token, site.id, "2026-03-31", "2026-03-31").await;
        }
    }
    let mut waits = Vec::new();
    for (member, site) in [(&member_a, &site_b), (&member_b, &site_a)] {
        let caller = service.authenticate(member).await.unwrap();
        let day = "2026-03-31".parse().unwrap();
        waits.push(service.join_waitlist(&caller, site.id, day, day).await.unwrap().entry.id.to_string());
    }
    // Each cluster sends its plain member and second admin to the other's site.
    let mut delegations = Vec::new();
    for (admin, site, group) in [(&admin_a, &site_b, [plain_a, second_a]), (&admin_b, &site_a, [plain_b, second_b])] {
        let caller = service.authenticate(admin).await.unwrap();
        let input = DelegationInput {
            site: site.id,
            start_date: "2026-04-07".parse().unwrap(),
            end_date: "2026-04-08".parse().unwrap(),
            purpose: String::new(),
            members: group.to_vec(),
        };
        delegations.push(service.request_delegation(&caller, &input).await.unwrap().row.id.to_string());
    }
    let objects = |cluster: &ClusterRecord,
                   site: &SiteRecord,
                   plain: MemberId,
                   second: MemberId,
                   pending: &StayRecord,
                   current: &StayRecord,
                   event: &String,
                   firm: &String,
                   host_firm: &String,
                   introduction: &String,
                   wait: &String,
                   delegation: &String| Objects {
        cluster: cluster.id.to_string(),
        site: site.id.to_string(),
        plain_member: plain.to_string(),
        second_admin: second.to_string(),
        closed_day,
        pending_stay: pending.id.to_string(),
        current_stay: current.id.to_string(),
        event: event.clone(),
        firm: firm.clone(),
        host_firm: host_firm.clone(),
        introduction: introduction.clone(),
        wait: wait.clone(),
        delegation: delegation.clone(),
    };
    World {
        a: objects(
            &alpha,
            &site_a,
            plain_a,
            second_a,
            &pending_a,
            &current_a,
            &events[0],
            &firms[0],
            &second_firms[1],
            &introductions[0],
            &waits[0],
            &delegations[0],
        ),
        b: objects(
            &beta,
            &site_b,
            plain_b,
            second_b,
            &pending_b,
            &current_b,
            &events[1],
            &firms[1],
            &second_firms[0],
            &introductions[1],
            &waits[1],
            &delegations[1],
        ),
        tokens: [None, Some(member_a), Some(member_b), Some(admin_a), Some(admin_b), Some(network)],
    }
}

/// The request a cell sends.
fn request(r: &Row, objects: &Objects, token: Option<&str>) -> Request<Body> {
    let id: &str = match r.on {
        On::Nothing | On::SiteInBody => "",
        On::Cluster | On::ClusterMember | On::ClusterAdmin => &objects.cluster,
        On::Site | On::Closure => &objects.site,
        On::PendingStay => &objects.pending_stay,
        On::CurrentStay => &objects.current_stay,
        On::Event => &objects.event,
        On::Firm => &objects.firm,
        On::Introduction => &objects.introduction,
        On::Wait => &objects.wait,
        On::Delegation => &objects.delegation,
    };
    let member = if r.on == On::ClusterAdmin { &objects.second_admin } else { &objects.plain_member };
    let path = r.path.replace("{id}", id).replace("{member_id}", member).replace("{date}", objects.closed_day);
    let mut builder = Request::builder().method(r.method.to_uppercase().as_str()).uri(format!("{path}{}", r.query));
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    match r.body {
        Some(body) if body.starts_with('{') => {
            let body = body
                .replace("{site}", &objects.site)
                .replace("{host_firm}", &objects.host_firm)
                .replace("{plain}", &objects.plain_member)
                .replace("{second}", &objects.second_admin);
            builder.header("content-type", "application/json").body(Body::from(body))
        }
        Some(form) => builder.header("content-type", "application/x-www-form-urlencoded").body(Body::from(form)),
        None => builder.body(Body::empty()),
    }
    .unwrap()
}

/// One cell to check.
struct Cell<'t> {
    row: &'t Row,
    target: char,
    caller: usize,
    expected: u16,
}

fn cells(table: &[Row]) -> Vec<Cell<'_>> {
    let mut cells = Vec::new();
    for row in table {
        let targets: &[char] = if row.on == On::Nothing { &['A'] } else { &['A', 'B'] };
        for &target in targets {
            let expected = if target == 'A' { row.a } else { row.b };
            for (caller, &expected) in expected.iter().enumerate() {
                cells.push(Cell { row, target, caller, expected });
            }
        }
    }
    cells
}

impl Cell<'_> {
    fn name(&self) -> String {
        format!("{} {} on {}'s object, as {}", self.row.method, self.row.path, self.target, CALLERS[self.caller])
    }

    fn succeeds(&self) -> bool {
        (200..400).contains(&self.expected)
    }

    async fn check(&self, app: &Router, world: &World) -> Option<String> {
        let objects = if self.target == 'A' { &world.a } else { &world.b };
        let response =
            app.clone().oneshot(request(self.row, objects, world.tokens[self.caller].as_deref())).await.unwrap();
        let status = response.status().as_u16();
        (status != self.expected).then(|| format!("{}: {status}, the table says {}", self.name(), self.expected))
    }
}

/// Rows per table, to show that refused cells wrote nothing (but for
/// `rate_limits`: a stay request the rules refuse still counts against the
/// member's hourly limit).
async fn counts(db: &sea_orm::DatabaseConnection) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in [
        "clusters",
        "sites",
        "members",
        "member_roles",
        "policies",
        "closures",
        "stays",
        "stay_history",
        "site_days",
        "site_desk_counts",
        "stay_days",
        "idempotency_keys",
        "network_policy",
        "outbox",
        "sessions",
        "sign_in_tokens",
        "api_tokens",
        "events",
        "event_registrations",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) FROM {table}")))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"))
            .unwrap();
        counts.push((table.to_owned(), row.try_get_by_index::<i64>(0).unwrap()));
    }
    counts
}

fn documented_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(deskvisa_http::openapi()).unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect()
}

#[test]
fn every_route_the_router_serves_has_a_row_and_every_row_a_route() {
    let routes = documented_routes();
    let table = table();
    let rows: BTreeSet<(String, String)> = table.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(rows.len(), table.len(), "one row per route");
    let missing: Vec<_> = routes.difference(&rows).collect();
    assert!(missing.is_empty(), "routes with no row in the authorization table: {missing:?}");
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(stale.is_empty(), "rows for routes the router does not serve: {stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_the_table_says_on_sqlite() {
    let base = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let clock = ManualClock::new(t(TODAY));
    let service = Service::with_store(base.store().await, Arc::new(clock.clone()));
    let world = build_world(&service, &clock).await;
    let before = counts(&base.db).await;
    let table = table();
    let cells = cells(&table);
    let dir = std::env::temp_dir().join(format!("deskvisa-matrix-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut wrong = Vec::new();
    let shared = router(service.clone(), Limits::default());
    for cell in cells.iter().filter(|c| !c.succeeds()) {
        wrong.extend(cell.check(&shared, &world).await);
    }
    assert_eq!(counts(&base.db).await, before, "refused requests wrote nothing");

    let mut forks = 0;
    for (i, cell) in cells.iter().filter(|c| c.succeeds()).enumerate() {
        let file = dir.join(format!("cell-{i}.sqlite"));
        base.db.execute_unprepared(&format!("VACUUM INTO '{}'", file.display())).await.unwrap();
        let config = DatabaseConfig { readers: 1, ..DatabaseConfig::new(format!("sqlite://{}", file.display())) };
        let store = connect_store(&config).await.unwrap();
        let fork = Service::with_store(store, Arc::new(ManualClock::new(t(TODAY))));
        wrong.extend(cell.check(&router(fork, Limits::default()), &world).await);
        let _ = std::fs::remove_file(&file);
        forks += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(forks > 100, "{forks} cells succeed");
    assert!(
        wrong.is_empty(),
        "{} of {} cells answer otherwise than the table:\n{}",
        wrong.len(),
        cells.len(),
        wrong.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_in_the_table_holds_on_postgres() {
    let Some(base) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let clock = ManualClock::new(t(TODAY));
    let service = Service::with_store(base.store().await, Arc::new(clock.clone()));
    let world = build_world(&service, &clock).await;
    let before = counts(&base.db).await;
    let table = table();
    let app = router(service, Limits::default());
    let mut wrong = Vec::new();
    let refusals: Vec<_> = cells(&table).into_iter().filter(|c| !c.succeeds()).collect();
    for cell in &refusals {
        wrong.extend(cell.check(&app, &world).await);
    }
    assert!(wrong.is_empty(), "{} of {} refusals differ:\n{}", wrong.len(), refusals.len(), wrong.join("\n"));
    assert_eq!(counts(&base.db).await, before, "refused requests wrote nothing");
}
