//! The firm directory through the JSON API on both databases: a cluster's
//! admin adds firms, their contacts keep them, members say which firm they
//! work for, and the directory's full-text search finds the same firms in
//! the same order on SQLite (FTS5) and PostgreSQL (`tsvector`).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::{Api, person};
use deskvisa_testing::on_both_backends;

/// Adds a firm of `cluster` as `token`; its id.
async fn add_firm(api: &Api, token: &str, cluster: &str, body: Value) -> String {
    let (status, firm) = api.call("POST", &format!("/api/v1/clusters/{cluster}/firms"), Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{firm}");
    firm["id"].as_str().unwrap().to_owned()
}

/// The names of the firms a search gives, in order, every page followed.
async fn names(api: &Api, query: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/firms?limit=2&{query}{cursor}");
        let (status, page) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        found.extend(page["items"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return found,
        }
    }
}

#[tokio::test]
async fn a_firm_is_added_kept_by_its_contact_and_joined_by_its_members() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let contact = person(&api.service, api.world_host(), "mette@bastion.example", false).await;
        let (_, me) = api.call("GET", "/api/v1/me", Some(&contact), None).await;
        let contact_id = me["id"].as_str().unwrap().to_owned();
        let firm = add_firm(&api, &api.admin, &api.host, json!({
            "name": "  Bastion   Security ", "website": "bastion.example", "about": "Penetration tests.\nIn Danish and English.",
            "offers": ["cybersecurity", "Rust"], "seeks": ["cloud"], "languages": ["da", "en"], "city": "Copenhagen",
            "open_to_visitors": true, "contact_member_id": contact_id
        }))
        .await;

        // A visitor from another cluster sees the profile, not who answers.
        let (status, seen) = api.call("GET", &format!("/api/v1/firms/{firm}"), Some(&api.member), None).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["name"], "Bastion Security");
        assert_eq!(seen["website"], "https://bastion.example/");
        assert_eq!(seen["offers"], json!(["cybersecurity", "rust"]));
        assert_eq!(seen["languages"], json!(["da", "en"]));
        assert_eq!((seen["has_contact"].as_bool(), seen["contact_member_id"].is_null()), (Some(true), true));
        assert!(!seen.to_string().contains("mette"), "{seen}");
        // The contact belongs to the firm, and the firm's cluster sees who it is.
        let (_, me) = api.call("GET", "/api/v1/me", Some(&contact), None).await;
        assert_eq!((me["firm_id"].as_str(), me["company"].as_str()), (Some(firm.as_str()), Some("Bastion Security")));
        let (_, inside) = api.call("GET", &format!("/api/v1/firms/{firm}"), Some(&api.admin), None).await;
        assert_eq!(inside["contact_member_id"], contact_id.as_str());

        // The contact changes the profile; a renamed firm renames its members' company.
        let path = format!("/api/v1/firms/{firm}");
        let (status, changed) =
            api.call("PATCH", &path, Some(&contact), Some(json!({"name": "Bastion Sec", "website": null}))).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!((changed["name"].as_str(), changed["website"].is_null()), (Some("Bastion Sec"), true));
        let (_, me) = api.call("GET", "/api/v1/me", Some(&contact), None).await;
        assert_eq!(me["company"], "Bastion Sec");
        // Not the visitor's, nor another cluster's admin's, to change.
        for who in [&api.member, &api.stranger_admin] {
            let (status, problem) = api.call("PATCH", &path, Some(who), Some(json!({"city": "Malmö"}))).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
        }
        // Another cluster's admin adds no firm to this cluster.
        let (status, _) = api
            .call("POST", &format!("/api/v1/clusters/{}/firms", api.host), Some(&api.stranger_admin), Some(json!({"name": "X"})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // One name per cluster, ignoring case and spaces.
        let (status, problem) = api
            .call("POST", &format!("/api/v1/clusters/{}/firms", api.host), Some(&api.admin), Some(json!({"name": "bastion  SEC"})))
            .await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("firm_name_taken")), "{problem}");
        // Every refused field is told at once.
        let (status, problem) = api
            .call("POST", &format!("/api/v1/clusters/{}/firms", api.host), Some(&api.admin), Some(json!({
                "name": "Y", "website": "ftp://y.example", "offers": ["a", "b", "c", "d", "e", "f"], "languages": ["xx"]
            })))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["website", "offers", "languages"]);

        // A member of the visitor's cluster says which of its firms they work for.
        let home_firm = add_firm(&api, &api.home_admin().await, &api.home, json!({"name": "Hub Club Software"})).await;
        let (_, me) = api.call("GET", "/api/v1/me", Some(&api.member), None).await;
        let member_id = me["id"].as_str().unwrap().to_owned();
        let member_path = format!("/api/v1/clusters/{}/members/{member_id}", api.home);
        let (status, member) =
            api.call("PATCH", &member_path, Some(&api.member), Some(json!({"firm_id": home_firm}))).await;
        assert_eq!(status, StatusCode::OK, "{member}");
        assert_eq!((member["firm_id"].as_str(), member["company"].as_str()), (Some(home_firm.as_str()), Some("Hub Club Software")));
        // Only a firm of their own cluster.
        let (status, _) = api.call("PATCH", &member_path, Some(&api.member), Some(json!({"firm_id": firm}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // Nobody else of the cluster sets it for them; and open_to_meet is one's own.
        let other = api.home_member("ola@hubclub.example", false).await;
        let (status, _) = api.call("PATCH", &member_path, Some(&other), Some(json!({"firm_id": null}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, me) = api.call("PATCH", "/api/v1/me", Some(&api.member), Some(json!({"open_to_meet": true}))).await;
        assert_eq!((status, me["open_to_meet"].as_bool()), (StatusCode::OK, Some(true)));

        // Members invited with a company text work for the cluster's firm of
        // that name, made for the first of them.
        let invite = |email: &str, company: &str| json!({"email": email, "name": "X", "company": company});
        let members = format!("/api/v1/clusters/{}/members", api.host);
        let (status, first) =
            api.call("POST", &members, Some(&api.admin), Some(invite("a@nordlys.example", "Nordlys  Data"))).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (_, second) =
            api.call("POST", &members, Some(&api.admin), Some(invite("b@nordlys.example", "NORDLYS DATA"))).await;
        assert!(first["firm_id"].is_string(), "{first}");
        assert_eq!(first["firm_id"], second["firm_id"]);
        assert_eq!((first["company"].as_str(), second["company"].as_str()), (Some("Nordlys Data"), Some("Nordlys Data")));
    })
    .await;
}

#[tokio::test]
async fn the_directory_search_finds_the_same_firms_in_the_same_order_on_both_databases() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let firms = [
            json!({"name": "Cloudberry Systems", "offers": ["cloud", "devops"], "about": "Kubernetes for factories."}),
            json!({"name": "Nordic Cloud", "offers": ["data-analytics"], "about": "Cloud-native analytics; we seek partners."}),
            json!({"name": "Bastion", "offers": ["cybersecurity"], "seeks": ["cloud"], "about": "Audits, e-commerce security."}),
            json!({"name": "Żółw Software", "offers": ["e-commerce", "rust"], "about": "Sklepy internetowe z Łodzi."}),
            json!({"name": "Atlas Games", "offers": ["games"], "about": "Mobile games, C++ and Rust."}),
        ];
        for f in firms {
            add_firm(&api, &api.admin, &api.host, f).await;
        }
        // A prefix of the name first, then of a tag, then of the about; each by name.
        assert_eq!(names(&api, "q=clou").await, ["Cloudberry Systems", "Nordic Cloud", "Bastion"]);
        // Every word must be found, in any field, in any case.
        assert_eq!(names(&api, "q=RUST+games").await, ["Atlas Games"]);
        assert_eq!(names(&api, "q=commerce").await, ["Żółw Software", "Bastion"]);
        // Letters beyond ASCII, as written and in their case.
        assert_eq!(names(&api, "q=%C5%BC%C3%B3%C5%82w").await, ["Żółw Software"]);
        assert_eq!(names(&api, "q=%C5%82odzi").await, ["Żółw Software"]);
        // The engines' syntax is only words here.
        assert_eq!(names(&api, "q=cloud%20OR%20games").await, Vec::<String>::new());
        // (`c` begins `commerce` in Żółw's tags, which outrank Atlas's about.)
        assert_eq!(names(&api, "q=c%2B%2B%20%22rust").await, ["Żółw Software", "Atlas Games"]);
        // A tag, exactly; a filter by cluster and by country.
        assert_eq!(names(&api, "tag=cloud").await, ["Bastion", "Cloudberry Systems"]);
        assert_eq!(names(&api, "q=cloud&country=PL").await, Vec::<String>::new());
        // (The world's people came with company texts: their firms are in the directory too.)
        let ours = ["Atlas Games", "Bastion", "Cloudberry Systems", "Nordic Cloud", "Żółw Software"];
        let of_ours = |found: Vec<String>| found.into_iter().filter(|n| ours.contains(&n.as_str())).collect::<Vec<_>>();
        assert_eq!(of_ours(names(&api, &format!("cluster_id={}&continent=europe", api.host)).await).len(), 5);
        // The whole directory by name, in byte order on both databases.
        assert_eq!(of_ours(names(&api, "").await), [
            "Atlas Games",
            "Bastion",
            "Cloudberry Systems",
            "Nordic Cloud",
            "Żółw Software"
        ]);
        for bad in ["q=a+b+c+d+e+f+g+h+i", "continent=atlantis", "country=XX", "tag=%21", "cursor=nonsense", "cluster_id=42"] {
            let (status, problem) = api.call("GET", &format!("/api/v1/firms?{bad}"), Some(&api.member), None).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")), "{bad}");
        }
    })
    .await;
}

#[tokio::test]
async fn only_members_of_active_clusters_and_network_staff_see_the_directory() {
    on_both_backends(|db| async move {
        let api = Api::new(db, 2).await;
        let firm = add_firm(&api, &api.admin, &api.host, json!({"name": "Harbour Labs"})).await;
        let path = format!("/api/v1/firms/{firm}");
        let (status, _) = api.call("GET", &path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = api.call("GET", &path, Some(&api.network), None).await;
        assert_eq!(status, StatusCode::OK);
        // The host suspended: its firms leave the directory, but for its own people.
        let (status, _) = api
            .call(
                "PATCH",
                &format!("/api/v1/clusters/{}", api.host),
                Some(&api.network),
                Some(json!({"status": "suspended"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api.call("GET", &path, Some(&api.member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(names(&api, "q=harbour").await, Vec::<String>::new());
        // Members of the suspended cluster do not see the directory at all.
        let (status, problem) = api.call("GET", "/api/v1/firms", Some(&api.admin), None).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    })
    .await;
}
