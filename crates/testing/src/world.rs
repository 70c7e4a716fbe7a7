//! The one test world the service's and the HTTP layer's tests share, so
//! that each test says only what is special about it.
//!
//! [`World`] is a small network on a test's own database, with a clock fixed
//! at Monday 2 March 2026, 10:00 in Copenhagen ([`TODAY`]): a home cluster
//! (HubClub, Poland) with a member and a site of its own (members of a
//! cluster that offers no desks are refused), and a host cluster
//! (Copenhagen Digital) with a site, Nyhavn House, and an admin. [`Setup`]
//! changes what a test needs changed (the desks, the people, the house
//! rules); the `add_*` methods add more people, sites and clusters.
//!
//! The builders [`cluster`], [`site`], [`member`] and [`member_named`] make
//! the records to add with defaults no test looks at; [`smtp_sink`] is a
//! real SMTP server with a mailer sending to it; [`races!`](crate::races)
//! declares the tests of a race on each backend; and [`eventually`] is how
//! a test waits: it polls for a condition until a deadline, never sleeping a
//! fixed time and hoping.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_mail::{Security, Sender, TransportConfig};
use deskvisa_rules::{
    ClusterId, Country, DeskCount, Email, Latitude, Locale, Longitude, SiteId, TimeZone, WeekdaySet, parse_date,
};
use deskvisa_service::{
    Caller, DeliveryConfig, Mailer, ManualClock, NewCluster, NewMember, NewSite, Role, Service, StayRequestInput,
};

pub use crate::poll::eventually;
use crate::smtp::SmtpSink;
use crate::{Backend, TestDatabase};

/// The instant every world starts at: Monday 2 March 2026, 10:00 in
/// Copenhagen.
pub const TODAY: &str = "2026-03-02T09:00:00Z";

/// The address deskvisa's emails come from in the tests.
pub const FROM: &str = "deskvisa@deskvisa.example";

/// A date written `YYYY-MM-DD`.
pub fn d(text: &str) -> NaiveDate {
    parse_date(text).expect("a date YYYY-MM-DD")
}

/// An instant written in RFC 3339.
pub fn t(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 instant")
}

/// A cluster on the map in central Europe, a member of the network since
/// 15 January 2013.
pub fn cluster(name: &str, city: &str, country: &str, zone: &str) -> NewCluster {
    NewCluster {
        name: name.to_owned(),
        city: city.to_owned(),
        country: Country::parse(country).expect("an ISO country code"),
        timezone: TimeZone::parse(zone).expect("an IANA time zone"),
        latitude: Latitude::new(50.0).expect("a latitude"),
        longitude: Longitude::new(10.0).expect("a longitude"),
        joined_on: d("2013-01-15"),
    }
}

/// A site of `desks` desks at Nyhavn 1, open Monday to Friday, in its
/// cluster's time zone.
pub fn site(name: &str, desks: u32) -> NewSite {
    NewSite {
        name: name.to_owned(),
        address: "Nyhavn 1, 1051 København".to_owned(),
        timezone: None,
        desks: DeskCount::new(desks).expect("a number of desks"),
        open_weekdays: WeekdaySet::MON_TO_FRI,
        contact_email: Email::parse("desks@cph.example").expect("an address"),
        house_rules: "Badge at the door.".to_owned(),
    }
}

/// A member called A Person, of a firm called Firm, who reads English.
pub fn member(email: &str) -> NewMember {
    member_named(email, "A Person", Locale::En)
}

/// A member of a firm called Firm, with a name and a language.
pub fn member_named(email: &str, name: &str, locale: Locale) -> NewMember {
    NewMember {
        email: Email::parse(email).expect("an address"),
        name: name.to_owned(),
        company: "Firm".to_owned(),
        locale,
    }
}

/// What a [`World`] is made of, where a test needs other than the defaults.
pub struct Setup {
    /// Desks at the host's site, Nyhavn House (the home cluster's site has four).
    pub desks: u32,
    /// The house rules of both sites.
    pub house_rules: String,
    /// The member of the home cluster: anna@hubclub.example.
    pub member: NewMember,
    /// The host cluster's admin: lars@cph.example.
    pub host_admin: NewMember,
    /// When the world starts.
    pub now: DateTime<Utc>,
}

impl Setup {
    /// The defaults, with `desks` desks at the host's site.
    pub fn desks(desks: u32) -> Setup {
        Setup {
            desks,
            house_rules: "Badge at the door.".to_owned(),
            member: member("anna@hubclub.example"),
            host_admin: member("lars@cph.example"),
            now: t(TODAY),
        }
    }
}

/// A home cluster (HubClub, Ruda Śląska, Poland) with a member and a site,
/// HubClub Incubator, of four desks; a host cluster (Copenhagen Digital)
/// with a site, Nyhavn House, and an admin; a manual clock.
pub struct World {
    /// The use cases, on the world's database and clock.
    pub service: Service,
    /// The clock the service reads; tests move it.
    pub clock: ManualClock,
    /// HubClub, the member's cluster.
    pub home: ClusterId,
    /// Copenhagen Digital, the host.
    pub host: ClusterId,
    /// The host's site, Nyhavn House.
    pub site: SiteId,
    /// The member of the home cluster.
    pub member: Caller,
    /// The host cluster's admin.
    pub host_admin: Caller,
    /// The world's own database.
    pub test_db: TestDatabase,
}

impl World {
    /// The world with `desks` desks at the host's site and every other default.
    pub async fn new(test_db: TestDatabase, desks: u32) -> World {
        World::with(test_db, Setup::desks(desks)).await
    }

    /// Runs `test` once on each backend, each time in a fresh default world
    /// with `desks` desks at the host's site (a PostgreSQL out of reach is
    /// skipped as [`crate::on_both_backends`] says).
    pub async fn on_both_backends(desks: u32, test: impl AsyncFn(World)) {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            if let Some(world) = World::on(backend, desks).await {
                test(world).await;
            }
        }
    }

    /// The default world with `desks` desks on `backend`, or `None` when
    /// PostgreSQL is out of reach outside CI (the test is skipped).
    pub async fn on(backend: Backend, desks: u32) -> Option<World> {
        Some(World::new(TestDatabase::new(backend).await?, desks).await)
    }

    /// The world as `setup` says.
    pub async fn with(test_db: TestDatabase, setup: Setup) -> World {
        let clock = ManualClock::new(setup.now);
        let service = Service::with_store(test_db.store().await, Arc::new(clock.clone()));
        let add_cluster = async |new| service.add_cluster(new).await.expect("add a cluster").id;
        let home = add_cluster(cluster("HubClub", "Ruda Śląska", "PL", "Europe/Warsaw")).await;
        let host = add_cluster(cluster("Copenhagen Digital", "Copenhagen", "DK", "Europe/Copenhagen")).await;
        let with_rules = |new: NewSite| NewSite { house_rules: setup.house_rules.clone(), ..new };
        service.add_site(home, with_rules(site("HubClub Incubator", 4))).await.expect("add a site");
        let site = service.add_site(host, with_rules(site("Nyhavn House", setup.desks))).await.expect("add a site");
        World {
            member: add_person(&service, home, setup.member, None).await,
            host_admin: add_person(&service, host, setup.host_admin, Some(Role::ClusterAdmin)).await,
            service,
            clock,
            home,
            host,
            site: site.id,
            test_db,
        }
    }

    /// Another member of `cluster`.
    pub async fn add_member(&self, cluster: ClusterId, new: NewMember) -> Caller {
        add_person(&self.service, cluster, new, None).await
    }

    /// Another member of `cluster`, who administers it.
    pub async fn add_admin(&self, cluster: ClusterId, new: NewMember) -> Caller {
        add_person(&self.service, cluster, new, Some(Role::ClusterAdmin)).await
    }

    /// Another member of `cluster`, who administers the network.
    pub async fn add_network_admin(&self, cluster: ClusterId, new: NewMember) -> Caller {
        add_person(&self.service, cluster, new, Some(Role::NetworkAdmin)).await
    }

    /// Another member of the home cluster, called A Person.
    pub async fn another_member(&self, email: &str) -> Caller {
        self.add_member(self.home, member(email)).await
    }

    /// Another site of the host cluster.
    pub async fn another_site(&self, name: &str, desks: u32) -> SiteId {
        self.service.add_site(self.host, site(name, desks)).await.expect("add a site").id
    }

    /// Another cluster, with a site of `desks` desks called after it ("{name} House").
    pub async fn add_cluster(&self, new: NewCluster, desks: u32) -> (ClusterId, SiteId) {
        let name = format!("{} House", new.name);
        let cluster = self.service.add_cluster(new).await.expect("add a cluster").id;
        (cluster, self.service.add_site(cluster, site(&name, desks)).await.expect("add a site").id)
    }

    /// A second application instance on the world's database and clock,
    /// with a pool of its own of `max_connections`.
    pub async fn another_instance(&self, max_connections: u32) -> Service {
        Service::with_store(self.test_db.another_store(max_connections).await, Arc::new(self.clock.clone()))
    }

    /// A stay at the host's site from `start` to `end`, to meet Danish partners.
    pub fn input(&self, start: &str, end: &str) -> StayRequestInput {
        StayRequestInput {
            site: self.site,
            start_date: d(start),
            end_date: d(end),
            purpose: "Meeting Danish partners".to_owned(),
        }
    }
}

/// Adds `new` to `cluster`, with `role` if any, and returns them as a
/// caller (for networks other than a [`World`]).
pub async fn add_person(service: &Service, cluster: ClusterId, new: NewMember, role: Option<Role>) -> Caller {
    let added = service.add_member(cluster, new).await.expect("add a member");
    if let Some(role) = role {
        service.grant_role(added.id, role).await.expect("grant a role");
    }
    service.caller(added.id).await.expect("a caller")
}

/// A mailer that sends to the test's own SMTP server, from [`FROM`].
pub fn mailer_to(sink: &SmtpSink, config: DeliveryConfig) -> Arc<Mailer> {
    let transport = TransportConfig::Smtp {
        host: "127.0.0.1".to_owned(),
        port: sink.port,
        security: Security::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(10),
    };
    Arc::new(Mailer::new(Sender::new(&transport, "deskvisa", FROM).expect("an SMTP sender"), config))
}

/// Tests of races, each on a multi-threaded runtime (a race needs threads):
/// `races! { name_on_sqlite => race(Backend::Sqlite, 50), ... }` makes a
/// test `name_on_sqlite` that awaits `race(Backend::Sqlite, 50)`.
#[macro_export]
macro_rules! races {
    ($($name:ident => $race:expr),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                $race.await;
            }
        )+
    };
}

/// The test's own SMTP server, and a mailer with `config` that sends to it.
pub fn smtp_sink(config: DeliveryConfig) -> (SmtpSink, Arc<Mailer>) {
    let sink = SmtpSink::start();
    let mailer = mailer_to(&sink, config);
    (sink, mailer)
}

/// A cluster in Helsinki (FI) as the store's bulk loader takes it: a new
/// id, `name`, active since 2020.
pub fn helsinki_cluster(name: &str) -> deskvisa_store::ClusterRecord {
    deskvisa_store::ClusterRecord {
        id: ClusterId::from_uuid(uuid::Uuid::now_v7()),
        name: name.to_owned(),
        city: "Helsinki".to_owned(),
        country: Country::parse("FI").expect("FI"),
        timezone: TimeZone::parse("Europe/Helsinki").expect("a zone"),
        latitude: Latitude::new(60.17).expect("a latitude"),
        longitude: Longitude::new(24.94).expect("a longitude"),
        joined_on: d("2020-01-01"),
        status: deskvisa_rules::ClusterStatus::Active,
    }
}
