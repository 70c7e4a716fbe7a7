//! **F1**, the firm directory's search (issue 21): the demo network with
//! 10,000 firms (`--firms`) spread over its clusters, searched through the
//! application's router in-process as P1, R1 and R2 are (routing, the
//! bearer token, the handler, the full-text query, the JSON; no TCP) by the
//! demo member, in a mix of the searches people make: a word being typed
//! (`q=clou`), two words, a tag, a continent, a word no firm has, the first
//! page of the whole directory, and the pages after a cursor. Each kind's
//! p50 and p99, and the mix's, against `GET /api/v1/firms/tags` (signed in,
//! a static answer) measured in the same loop: the baseline's calls are
//! interleaved with the searches, so a machine busy with something else
//! weighs on both alike. Target: the mix's p99 ≤ 20 ms.
//!
//! The firms are written through the store in transactions of a few
//! hundred (`Tx::insert_firm`, the statements `Service::create_firm` runs):
//! one commit a firm, each synced to disk, would make the set-up of 10,000
//! take longer than the measurement. The first firm of each cluster goes
//! through `Service::create_firm` as the network admin, so the use case is
//! the one that opens each cluster's directory. On PostgreSQL the tables
//! are analyzed after the load, as autovacuum would soon after (see `run`).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use deskvisa_rules::{About, ClusterStatus, FieldTag, FirmId, Languages, Locale, Tags, Website};
use deskvisa_service::{ClusterRecord, FirmProfile, Service, SystemClock};
use deskvisa_store::{DatabaseConfig, connect_store};
use sea_orm::ConnectionTrait;
use tower::ServiceExt;

use crate::percentile;

/// Which database F1 runs on.
pub enum Database {
    /// A fresh SQLite file, as the server's default.
    Sqlite,
    /// A fresh database on this PostgreSQL server (`postgres://user@host:port`).
    Postgres(String),
}

/// One kind of request's figures.
pub struct KindFigures {
    /// What was asked.
    pub name: &'static str,
    /// Calls made.
    pub calls: usize,
    /// Their median.
    pub p50: Duration,
    /// Their 99th percentile.
    pub p99: Duration,
    /// Calls that did not answer 200.
    pub failed: usize,
}

/// F1's figures.
pub struct Figures {
    /// `SQLite` or `PostgreSQL`.
    pub database: &'static str,
    /// Firms in the directory.
    pub firms: usize,
    /// Clusters they are spread over.
    pub clusters: usize,
    /// How long the first firm of each cluster took to write through
    /// `Service::create_firm`, one at a time, and how many those were.
    pub created: (Duration, usize),
    /// How long the rest took to write through the store, in batches.
    pub batched: Duration,
    /// Each kind of search.
    pub kinds: Vec<KindFigures>,
    /// Every search together.
    pub mix: KindFigures,
    /// `GET /api/v1/firms/tags`, measured in the same loop.
    pub baseline: KindFigures,
}

impl Figures {
    /// Calls of the run that did not answer 200.
    pub fn failed(&self) -> usize {
        self.mix.failed + self.baseline.failed
    }

    /// Prints the figures as the other workloads print theirs.
    pub fn print(&self) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let (created, one_by_one) = self.created;
        println!(
            "F1 on {}: {} firms over {} clusters; {one_by_one} written by Service::create_firm in {:.2} s, \
             the rest in transactions of {BATCH} in {:.2} s",
            self.database,
            self.firms,
            self.clusters,
            created.as_secs_f64(),
            self.batched.as_secs_f64()
        );
        for k in self.kinds.iter().chain([&self.mix, &self.baseline]) {
            println!(
                "| F1 {} firm search: {} ({} calls, p50 {:.2} ms) | | {:.2} ms | {} |",
                self.database,
                k.name,
                k.calls,
                ms(k.p50),
                ms(k.p99),
                k.failed
            );
        }
        println!(
            "F1 {} p99 of the mix: {:.1} ms (target <= 20 ms); ratio search / baseline: p99 {:.2}, p50 {:.2}",
            self.database,
            ms(self.mix.p99),
            ms(self.mix.p99) / ms(self.baseline.p99).max(1e-6),
            ms(self.mix.p50) / ms(self.baseline.p50).max(1e-6),
        );
    }
}

/// The baseline: a signed-in route whose answer is always the same.
const BASELINE: &str = "/api/v1/firms/tags";
/// Each kind is called at least this often, whatever the seconds.
const LEAST_CALLS: usize = 50;
/// And at most this often, whatever the seconds.
const MOST_CALLS: usize = 2_000;
/// Firms written in one transaction.
const BATCH: usize = 250;

/// F1 on `database` with `firms` firms, `seconds` of measurement.
/// DESKVISA_BENCH_KEEP=1 keeps the database for a look at its queries.
pub async fn f1(database: Database, firms: usize, seconds: u64) -> Result<Figures> {
    let keep = std::env::var_os("DESKVISA_BENCH_KEEP").is_some();
    match database {
        Database::Sqlite => {
            let (service, report, dir) = crate::reports::demo("f1").await?;
            let figures = run(&service, &report, None, firms, seconds).await;
            if keep {
                eprintln!("F1 database kept in {}", dir.display());
            } else {
                let _ = std::fs::remove_dir_all(&dir);
            }
            figures
        }
        Database::Postgres(server) => {
            let db = crate::postgres::PgDatabase::create(&server, "f1").await?;
            let figures = async {
                let store = connect_store(&DatabaseConfig::new(db.url())).await?;
                store.migrate().await?;
                let service = Service::with_store(store, Arc::new(SystemClock));
                let report = service.seed_demo().await?;
                run(&service, &report, Some(&db.url()), firms, seconds).await
            }
            .await;
            if keep {
                eprintln!("F1 database kept: {}", db.url());
            } else {
                db.drop_now().await?;
            }
            figures
        }
    }
}

/// Seeds the firms and measures; `postgres` is the database's URL when it
/// is one.
async fn run(
    service: &Service,
    report: &deskvisa_service::seed::SeedReport,
    postgres: Option<&str>,
    firms: usize,
    seconds: u64,
) -> Result<Figures> {
    let (clusters, created, batched) = seed_firms(service, &report.network_admin_token, firms).await?;
    let database = if postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    if let Some(url) = postgres {
        // What autovacuum does within a minute of the writes, and what a
        // directory that grows by a firm at a time has long had: the
        // planner's statistics of the new rows. Without them, right after
        // the bulk load, the planner takes the tables for empty and walks
        // every firm of every cluster instead of the search's GIN index.
        // SQLite is measured as it runs: deskvisa never runs ANALYZE there.
        let db = sea_orm::Database::connect(url).await?;
        db.execute_unprepared("ANALYZE").await?;
        db.close().await?;
    }
    let app = deskvisa_http::router(service.clone(), deskvisa_http::Limits::default());
    let token = &report.member_token;
    let mut kinds = kinds();
    kinds.push(("the next page, after a cursor", next_pages(&app, token).await?));
    check(&app, token, &kinds).await?;
    let mut times = measure(&app, token, &kinds, seconds).await?;
    let figures = |name: &'static str, (times, failed): &Times| KindFigures {
        name,
        calls: times.len(),
        p50: percentile(times, 0.5),
        p99: percentile(times, 0.99),
        failed: *failed,
    };
    let baseline = figures("baseline, GET /api/v1/firms/tags", &times.pop().unwrap_or_default());
    let mut all: Vec<Duration> = times.iter().flat_map(|(t, _)| t.iter().copied()).collect();
    all.sort();
    let mix = figures("the mix, every kind alike", &(all, times.iter().map(|(_, f)| f).sum()));
    Ok(Figures {
        database,
        firms,
        clusters: clusters.len(),
        created,
        batched,
        kinds: kinds.iter().zip(&times).map(|((name, _), t)| figures(name, t)).collect(),
        mix,
        baseline,
    })
}

/// The searches, by kind, each over a few queries. The words are the ones
/// the seeded names, tags and abouts are made of (see [`profile`]); every
/// query but those for a word no firm has finds firms.
fn kinds() -> Vec<(&'static str, Vec<String>)> {
    let paths = |queries: &[&str]| queries.iter().map(|q| format!("/api/v1/firms?{q}")).collect();
    // The first two words of the first firms' names (`Nordic Cloud`), so
    // that each finds firms however few are seeded, and two words of
    // different fields.
    let mut two_words: Vec<String> = (0..4)
        .map(|i| name(i).0.split(' ').take(2).collect::<Vec<_>>().join("%20").to_lowercase())
        .map(|q| format!("/api/v1/firms?q={q}"))
        .collect();
    two_words.push("/api/v1/firms?q=cloud%20labs".to_owned());
    vec![
        ("one word being typed (q=clou)", paths(&["q=clou", "q=sec", "q=nord", "q=dat", "q=lab", "q=fin"])),
        ("two words (q=nordic cloud)", two_words),
        (
            "a tag (tag=cybersecurity)",
            paths(&["tag=cybersecurity", "tag=cloud", "tag=fintech", "tag=rust", "q=soft&tag=devops"]),
        ),
        (
            "a continent (continent=europe)",
            paths(&["continent=europe", "continent=asia", "continent=south_america", "continent=europe&q=soft"]),
        ),
        ("no firm matches (q=zyzzyva)", paths(&["q=zyzzyva", "q=cloud%20zyzzyva", "q=qwertyuiop"])),
        ("the whole directory, first page", paths(&[""])),
    ]
}

/// Pages two to six of a few searches, each after the `next_cursor` of the
/// page before.
async fn next_pages(app: &axum::Router, token: &str) -> Result<Vec<String>> {
    let mut pages = Vec::new();
    for query in ["", "q=dat", "tag=cloud", "continent=europe"] {
        let first = format!("/api/v1/firms?{query}");
        let mut cursor = next_cursor(&get(app, &first, token).await?.1)?;
        for _ in 0..5 {
            let Some(after) = cursor else { break };
            let path =
                if query.is_empty() { format!("{first}cursor={after}") } else { format!("{first}&cursor={after}") };
            cursor = next_cursor(&get(app, &path, token).await?.1)?;
            pages.push(path);
        }
    }
    if pages.is_empty() {
        bail!("F1: no search has a second page; more firms (--firms)");
    }
    Ok(pages)
}

fn next_cursor(body: &[u8]) -> Result<Option<String>> {
    let page: serde_json::Value = serde_json::from_slice(body).context("a page of firms")?;
    Ok(page.get("next_cursor").and_then(|c| c.as_str()).map(str::to_owned))
}

/// Every path once before the clock runs: each answers 200, the searches
/// for a word no firm has find nothing, and every other search finds firms
/// (else the seed and the queries no longer agree and the figures would
/// measure empty answers).
async fn check(app: &axum::Router, token: &str, kinds: &[(&'static str, Vec<String>)]) -> Result<()> {
    for (name, paths) in kinds {
        for path in paths {
            let (status, body) = get(app, path, token).await?;
            if status != StatusCode::OK {
                bail!("F1 {path}: {status} {}", String::from_utf8_lossy(&body));
            }
            let page: serde_json::Value = serde_json::from_slice(&body).context("a page of firms")?;
            let found = page.get("items").and_then(|i| i.as_array()).map_or(0, Vec::len);
            let none_wanted = name.starts_with("no firm");
            if none_wanted != (found == 0) {
                bail!("F1 {path}: {found} firms found");
            }
        }
    }
    let (status, _) = get(app, BASELINE, token).await?;
    if status != StatusCode::OK {
        bail!("F1 {BASELINE}: {status}");
    }
    Ok(())
}

/// One kind's call times, sorted, and how many of its calls failed.
type Times = (Vec<Duration>, usize);

/// Round robin over the kinds and then the baseline, one call at a time,
/// for `seconds` (each at least [`LEAST_CALLS`], at most [`MOST_CALLS`]
/// times): the kinds' times in their order, the baseline's last.
async fn measure(app: &axum::Router, token: &str, kinds: &[(&str, Vec<String>)], seconds: u64) -> Result<Vec<Times>> {
    let slots = kinds.len() + 1;
    let mut times: Vec<Times> = vec![(Vec::new(), 0); slots];
    let deadline = Instant::now() + Duration::from_secs(seconds);
    for n in 0..slots * MOST_CALLS {
        if n % slots == 0 && n >= slots * LEAST_CALLS && Instant::now() >= deadline {
            break;
        }
        let (slot, round) = (n % slots, n / slots);
        let path = match kinds.get(slot) {
            Some((_, paths)) => paths[round % paths.len()].as_str(),
            None => BASELINE,
        };
        let request = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty())?;
        let started = Instant::now();
        let response = app.clone().oneshot(request).await?;
        let ok = response.status() == StatusCode::OK;
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        times[slot].0.push(started.elapsed());
        times[slot].1 += usize::from(!ok);
    }
    for (t, _) in &mut times {
        t.sort();
    }
    Ok(times)
}

async fn get(app: &axum::Router, path: &str, token: &str) -> Result<(StatusCode, Vec<u8>)> {
    let request = Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty())?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    Ok((status, axum::body::to_bytes(response.into_body(), usize::MAX).await?.to_vec()))
}

/// Writes `count` firms spread over the demo's active clusters: the first
/// of each through `Service::create_firm`, the rest through the store in
/// transactions of [`BATCH`]. Gives the clusters, and how long each way
/// took.
async fn seed_firms(
    service: &Service,
    admin_token: &str,
    count: usize,
) -> Result<(Vec<ClusterRecord>, (Duration, usize), Duration)> {
    let admin = service.authenticate(admin_token).await?;
    let clusters: Vec<ClusterRecord> = service
        .map()
        .await?
        .clusters
        .iter()
        .map(|(c, _)| c.clone())
        .filter(|c| c.status == ClusterStatus::Active)
        .collect();
    if clusters.is_empty() {
        bail!("F1: the demo network has no active cluster");
    }
    let mut rng = Rng(0x005e_edf1);
    let mut profiles = Vec::with_capacity(count);
    for i in 0..count {
        // Not evenly: some clusters are far bigger than others.
        let cluster = if i < clusters.len() { i } else { rng.below(clusters.len()).min(rng.below(clusters.len())) };
        let cluster = &clusters[cluster];
        profiles.push((cluster.id, profile(i, &mut rng, &cluster.city)?));
    }
    let (first, rest) = profiles.split_at(clusters.len().min(profiles.len()));
    let started = Instant::now();
    for (cluster, profile) in first {
        service.create_firm(&admin, *cluster, profile.clone()).await?;
    }
    let created = (started.elapsed(), first.len());
    let started = Instant::now();
    let now = chrono::Utc::now();
    for batch in rest.chunks(BATCH) {
        let tx = service.store().begin_write().await?;
        for (cluster, profile) in batch {
            tx.insert_firm(FirmId::from_uuid(uuid::Uuid::new_v4()), *cluster, profile, now).await?;
        }
        tx.commit().await?;
    }
    Ok((clusters, created, started.elapsed()))
}

/// A small deterministic generator (splitmix64): every run seeds the same
/// directory.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

const PLACES: [&str; 40] = [
    "Nordic",
    "Baltic",
    "Silesian",
    "Alpine",
    "Atlantic",
    "Pacific",
    "Danube",
    "Carpathian",
    "Pomeranian",
    "Iberian",
    "Celtic",
    "Andean",
    "Pampas",
    "Sahel",
    "Kalahari",
    "Fjord",
    "Tatra",
    "Vistula",
    "Rhine",
    "Adriatic",
    "Aegean",
    "Boreal",
    "Coastal",
    "Harbour",
    "Highland",
    "Lakeside",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Meridian",
    "Polar",
    "Savanna",
    "Sakura",
    "Kiwi",
    "Maple",
    "Cascade",
    "Sierra",
    "Delta",
    "Orion",
];

/// The middle word of a name, with the field a firm so named surely offers.
const CORES: [(&str, FieldTag); 25] = [
    ("Cloud", FieldTag::Cloud),
    ("Data", FieldTag::DataAnalytics),
    ("Soft", FieldTag::SoftwareDevelopment),
    ("Byte", FieldTag::SoftwareDevelopment),
    ("Code", FieldTag::SoftwareDevelopment),
    ("Net", FieldTag::Telecom),
    ("Pixel", FieldTag::UxDesign),
    ("Logic", FieldTag::BusinessSystems),
    ("Quantum", FieldTag::ArtificialIntelligence),
    ("Cyber", FieldTag::Cybersecurity),
    ("Stack", FieldTag::WebDevelopment),
    ("Signal", FieldTag::Telecom),
    ("Vector", FieldTag::ArtificialIntelligence),
    ("Sensor", FieldTag::Iot),
    ("Grid", FieldTag::EmbeddedSystems),
    ("Edge", FieldTag::Devops),
    ("Stream", FieldTag::DataAnalytics),
    ("Robo", FieldTag::Automation),
    ("Geo", FieldTag::Geospatial),
    ("Fin", FieldTag::Fintech),
    ("Health", FieldTag::Healthtech),
    ("Learn", FieldTag::Edtech),
    ("Play", FieldTag::Games),
    ("Secure", FieldTag::Cybersecurity),
    ("Shop", FieldTag::Ecommerce),
];

const ENDINGS: [&str; 16] = [
    "Labs",
    "Systems",
    "Works",
    "Solutions",
    "Studio",
    "Partners",
    "Group",
    "Technologies",
    "Consulting",
    "Digital",
    "Dynamics",
    "Analytics",
    "Forge",
    "Hub",
    "Foundry",
    "Collective",
];

const FREE_TAGS: [&str; 12] = [
    "rust",
    "kubernetes",
    "sap",
    "gdpr",
    "unity",
    "salesforce",
    "react",
    "python",
    "5g",
    "lidar",
    "open source",
    "blockchain",
];

const VERBS: [&str; 5] = ["builds", "designs", "runs", "delivers", "helps with"];

const CUSTOMERS: [&str; 10] = [
    "banks and insurers",
    "hospitals and clinics",
    "logistics firms",
    "public bodies",
    "retailers",
    "start-ups",
    "manufacturers",
    "universities",
    "game studios",
    "farmers' cooperatives",
];

const LANGUAGES: [&str; 10] = ["pl", "da", "de", "sv", "es", "fr", "ja", "pt", "it", "nl"];

/// A field's English name as it reads inside a sentence: `Cloud` becomes
/// `cloud`, `DevOps` and `IT consulting` stay.
fn inside(tag: FieldTag) -> String {
    let name = deskvisa_words::field_name(Locale::En, tag);
    let first_word = name.split([' ', '-']).next().unwrap_or(name);
    if first_word.chars().skip(1).all(|c| !c.is_uppercase()) { name.to_lowercase() } else { name.to_owned() }
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Up to `most` distinct fields, `first` among them if given.
fn fields(rng: &mut Rng, first: Option<FieldTag>, most: usize) -> Vec<FieldTag> {
    let mut chosen: BTreeSet<FieldTag> = first.into_iter().collect();
    let wanted = 1 + rng.below(most);
    while chosen.len() < wanted {
        chosen.insert(*rng.pick(FieldTag::ALL));
    }
    chosen.into_iter().collect()
}

/// Firm `i`'s name, made of a place, a core and an ending (distinct for
/// every `i`: the combinations are walked by a stride prime to their
/// count), and the field its core names.
fn name(i: usize) -> (String, FieldTag) {
    let combinations = PLACES.len() * CORES.len() * ENDINGS.len();
    let j = (i * 7919) % combinations;
    let (place, (core, field), ending) =
        (PLACES[j % PLACES.len()], CORES[(j / PLACES.len()) % CORES.len()], ENDINGS[j / (PLACES.len() * CORES.len())]);
    let name = match i / combinations {
        0 => format!("{place} {core} {ending}"),
        round => format!("{place} {core} {ending} {}", round + 1),
    };
    (name, field)
}

/// Firm `i`: its [`name`], 1-4 fields offered (the name's among them) and
/// 1-4 sought, sometimes a free tag, an about of one to three sentences.
fn profile(i: usize, rng: &mut Rng, city: &str) -> Result<FirmProfile> {
    let (name, field) = name(i);
    let offers = fields(rng, Some(field), 4);
    let seeks = fields(rng, None, 4);
    let tags = |list: &[FieldTag], free: Option<&str>| {
        Tags::parse(list.iter().map(|t| t.as_str()).chain(free)).context("the bench's tags")
    };
    let free_offer = rng.chance(20).then(|| *rng.pick(&FREE_TAGS));
    let free_seek = rng.chance(10).then(|| *rng.pick(&FREE_TAGS));
    let offer_names: Vec<String> = offers.iter().map(|t| inside(*t)).collect();
    let mut about = format!("{name} {} {} for {}.", rng.pick(&VERBS), listed(&offer_names), rng.pick(&CUSTOMERS));
    if rng.chance(50) {
        about.push_str(&format!(
            " Founded in {}, we are {} people in {city}.",
            1995 + rng.below(30),
            3 + rng.below(200)
        ));
    }
    if rng.chance(50) {
        let sought: Vec<String> = seeks.iter().map(|t| inside(*t)).collect();
        about.push_str(&format!(" We look for partners in {}.", listed(&sought)));
    }
    let slug = name.to_lowercase().replace(' ', "-");
    let website = rng.chance(30).then(|| Website::parse(&format!("https://{slug}.example"))).transpose()?;
    let mut languages = vec!["en"];
    if rng.chance(60) {
        languages.push(*rng.pick(&LANGUAGES));
    }
    Ok(FirmProfile {
        name,
        website,
        about: About::parse(&about)?,
        interests: deskvisa_rules::Interests { offers: tags(&offers, free_offer)?, seeks: tags(&seeks, free_seek)? },
        languages: Languages::parse(languages)?,
        city: city.to_owned(),
        open_to_visitors: rng.chance(60),
        contact: None,
    })
}
