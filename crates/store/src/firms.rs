//! Firms (issue 21): their profiles, their tags (one row a tag and side, so
//! that `tag=` is an index look-up) and the directory's search.
//!
//! The search runs in each database's own full-text engine over words the
//! rules cut (`deskvisa_rules::search_words`): an FTS5 table kept by
//! triggers on SQLite, a generated `tsvector` with a GIN index on
//! PostgreSQL. Both are asked for the same prefixes of the same words, and
//! both rank alike: firms whose name holds every term first, then those
//! whose tags do, then the rest, each by lower-cased name (byte order on
//! both) and id. Engine scores (bm25, `ts_rank`) are left out on purpose:
//! they differ between the engines, and the directory must not.

use chrono::{DateTime, Utc};
use deskvisa_rules::{
    About, ClusterId, FirmId, Interests, Languages, MemberId, SearchTerms, Tags, Website, search_words,
};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::error::StoreError;
use crate::tx::{Store, Tx, raw_statement};

/// A firm as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct FirmRecord {
    pub id: FirmId,
    /// Its cluster.
    pub cluster: ClusterId,
    /// What it writes of itself, and whom to ask.
    pub profile: FirmProfile,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a firm's profile says: all of it, as written (a change is merged
/// into the whole by the service first).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct FirmProfile {
    pub name: String,
    pub website: Option<Website>,
    pub about: About,
    /// What it offers and seeks.
    pub interests: Interests,
    /// The languages it works in.
    pub languages: Languages,
    /// Where it is.
    pub city: String,
    /// It agrees to be asked for introductions by visitors.
    pub open_to_visitors: bool,
    /// The member who answers introductions.
    pub contact: Option<MemberId>,
}

impl FirmProfile {
    /// A profile with a name and a contact and nothing else said yet: no
    /// website, about, tags or languages, not open to visitors.
    pub fn named(name: &str, contact: Option<MemberId>) -> FirmProfile {
        FirmProfile {
            name: name.to_owned(),
            website: None,
            about: About::default(),
            interests: Interests::default(),
            languages: Languages::default(),
            city: String::new(),
            open_to_visitors: false,
            contact,
        }
    }
}

/// Which firms a directory search looks at.
#[derive(Debug, Clone, Default)]
pub struct FirmFilter {
    /// Words every firm shown holds (as prefixes); none: every firm.
    pub terms: Option<SearchTerms>,
    /// A tag the firm offers or seeks, as spelled.
    pub tag: Option<String>,
    /// Only firms of these clusters; none: of every active cluster.
    pub clusters: Option<Vec<ClusterId>>,
    /// Only firms open to visitors' introductions.
    pub open_to_visitors: bool,
}

#[derive(FromQueryResult)]
struct FirmRow {
    id: uuid::Uuid,
    cluster_id: uuid::Uuid,
    name: String,
    website: Option<String>,
    about: String,
    languages: String,
    city: String,
    open_to_visitors: bool,
    contact_member_id: Option<uuid::Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct TagRow {
    firm_id: uuid::Uuid,
    side: String,
    tag: String,
}

const FIRM_COLUMNS: &str = "f.id, f.cluster_id, f.name, f.website, f.about, f.languages, f.city, \
    f.open_to_visitors, f.contact_member_id, f.created_at, f.updated_at";

fn corrupt(what: &str, id: uuid::Uuid) -> StoreError {
    StoreError::Corrupt(format!("{what} of firm {id}"))
}

/// The firms of `rows`, each with its tags from `tags`.
fn records(rows: Vec<FirmRow>, tags: &[TagRow]) -> Result<Vec<FirmRecord>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let side = |name: &str| {
                let texts = tags.iter().filter(|t| t.firm_id == r.id && t.side == name).map(|t| t.tag.as_str());
                Tags::parse(texts).map_err(|_| corrupt("tags", r.id))
            };
            let interests = Interests { offers: side("offers")?, seeks: side("seeks")? };
            let website = r.website.as_deref().map(Website::parse).transpose().map_err(|_| corrupt("website", r.id))?;
            let about = About::parse(&r.about).map_err(|_| corrupt("about", r.id))?;
            let languages = Languages::parse(r.languages.split(',').filter(|c| !c.is_empty()))
                .map_err(|_| corrupt("languages", r.id))?;
            Ok(FirmRecord {
                id: FirmId::from_uuid(r.id),
                cluster: ClusterId::from_uuid(r.cluster_id),
                profile: FirmProfile {
                    name: r.name,
                    website,
                    about,
                    interests,
                    languages,
                    city: r.city,
                    open_to_visitors: r.open_to_visitors,
                    contact: r.contact_member_id.map(MemberId::from_uuid),
                },
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// `$first, $first+1, ...` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Reads firms with their tags, in the order `sql` gives them.
async fn read_firms<C: ConnectionTrait>(
    db: &C,
    backend: DbBackend,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<FirmRecord>, StoreError> {
    let rows: Vec<FirmRow> = db
        .query_all_raw(raw_statement(backend, sql, values))
        .await?
        .iter()
        .map(|row| FirmRow::from_query_result(row, ""))
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Value> = rows.iter().map(|r| r.id.into()).collect();
    let tag_sql = format!(
        "SELECT firm_id, side, tag FROM firm_tags WHERE firm_id IN ({}) ORDER BY firm_id, side, tag",
        placeholders(1, ids.len())
    );
    let tags: Vec<TagRow> = db
        .query_all_raw(raw_statement(backend, &tag_sql, ids))
        .await?
        .iter()
        .map(|row| TagRow::from_query_result(row, ""))
        .collect::<Result<_, _>>()?;
    records(rows, &tags)
}

/// The search columns of a profile: its name's words, its tags' and its
/// about's, each joined by spaces.
fn words(profile: &FirmProfile) -> [String; 3] {
    let tags: Vec<String> =
        profile.interests.offers.texts().into_iter().chain(profile.interests.seeks.texts()).collect();
    [
        search_words(&profile.name).join(" "),
        search_words(&tags.join(" ")).join(" "),
        search_words(profile.about.as_str()).join(" "),
    ]
}

/// The name as the directory sorts it and as a cluster's names are told apart.
pub fn sort_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The values of a profile's columns: `name, sort_name, website, about,
/// languages, city, open_to_visitors, contact_member_id, name_words,
/// tag_words, about_words`, in that order.
fn written(p: &FirmProfile) -> Vec<Value> {
    let [name_words, tag_words, about_words] = words(p);
    vec![
        p.name.clone().into(),
        sort_name(&p.name).into(),
        p.website.as_ref().map(|w| w.as_str().to_owned()).into(),
        p.about.as_str().into(),
        p.languages.joined().into(),
        p.city.clone().into(),
        p.open_to_visitors.into(),
        p.contact.map(|m| m.as_uuid()).into(),
        name_words.into(),
        tag_words.into(),
        about_words.into(),
    ]
}

impl Tx {
    /// Adds a firm (`Unique` when its cluster has a firm of that name).
    pub async fn insert_firm(
        &self,
        id: FirmId,
        cluster: ClusterId,
        profile: &FirmProfile,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut values: Vec<Value> = vec![id.as_uuid().into(), cluster.as_uuid().into()];
        values.extend(written(profile));
        values.push(now.into());
        self.run(
            "INSERT INTO firms (id, cluster_id, name, sort_name, website, about, languages, city, open_to_visitors, \
             contact_member_id, name_words, tag_words, about_words, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            values,
        )
        .await?;
        self.write_tags(id, &profile.interests).await
    }

    /// Changes a firm's whole profile (`Unique` when the new name is taken
    /// in its cluster).
    pub async fn update_firm(&self, id: FirmId, profile: &FirmProfile, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut values: Vec<Value> = vec![id.as_uuid().into()];
        values.extend(written(profile));
        values.push(now.into());
        self.run(
            "UPDATE firms SET name = $2, sort_name = $3, website = $4, about = $5, languages = $6, city = $7, \
             open_to_visitors = $8, contact_member_id = $9, name_words = $10, tag_words = $11, about_words = $12, \
             updated_at = $13 WHERE id = $1",
            values,
        )
        .await?;
        self.run("DELETE FROM firm_tags WHERE firm_id = $1", vec![id.as_uuid().into()]).await?;
        self.write_tags(id, &profile.interests).await
    }

    async fn write_tags(&self, id: FirmId, interests: &Interests) -> Result<(), StoreError> {
        let sides = [("offers", &interests.offers), ("seeks", &interests.seeks)];
        for (side, tags) in sides {
            for tag in tags.texts() {
                self.run(
                    "INSERT INTO firm_tags (firm_id, side, tag) VALUES ($1, $2, $3)",
                    vec![id.as_uuid().into(), side.into(), tag.into()],
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A firm, if it exists. With `for_update`, PostgreSQL locks its row
    /// until the transaction ends.
    pub async fn firm(&self, id: FirmId, for_update: bool) -> Result<Option<FirmRecord>, StoreError> {
        let lock = if for_update && self.is_postgres() { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT {FIRM_COLUMNS} FROM firms f WHERE f.id = $1{lock}");
        Ok(read_firms(&self.tx, self.backend, &sql, vec![id.as_uuid().into()]).await?.into_iter().next())
    }

    /// Sets the firm a member belongs to (or none), and the company text
    /// emails and exports show to the firm's name.
    pub async fn set_member_firm(
        &self,
        member: MemberId,
        firm: Option<(FirmId, &str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (firm, company) = match firm {
            Some((id, name)) => (Some(id.as_uuid()), name.to_owned()),
            None => (None, String::new()),
        };
        self.run(
            "UPDATE members SET firm_id = $2, company = $3, updated_at = $4 WHERE id = $1",
            vec![member.as_uuid().into(), firm.into(), company.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// The firm of `cluster` called `name` (ignoring case and runs of spaces), if any.
    pub async fn firm_named(&self, cluster: ClusterId, name: &str) -> Result<Option<FirmRecord>, StoreError> {
        let sql = format!("SELECT {FIRM_COLUMNS} FROM firms f WHERE f.cluster_id = $1 AND f.sort_name = $2");
        let values = vec![cluster.as_uuid().into(), sort_name(name).into()];
        Ok(read_firms(&self.tx, self.backend, &sql, values).await?.into_iter().next())
    }

    /// Gives the members of a renamed firm its new name as their company.
    pub async fn rename_firm_members(&self, id: FirmId, name: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(
            "UPDATE members SET company = $2, updated_at = $3 WHERE firm_id = $1",
            vec![id.as_uuid().into(), name.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Leaves a firm without a contact if `member` was it.
    pub async fn drop_firm_contact(&self, id: FirmId, member: MemberId, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(
            "UPDATE firms SET contact_member_id = NULL, updated_at = $3 WHERE id = $1 AND contact_member_id = $2",
            vec![id.as_uuid().into(), member.as_uuid().into(), now.into()],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// A firm, if it exists.
    pub async fn read_firm(&self, id: FirmId) -> Result<Option<FirmRecord>, StoreError> {
        let sql = format!("SELECT {FIRM_COLUMNS} FROM firms f WHERE f.id = $1");
        Ok(read_firms(self.reads(), self.db_backend(), &sql, vec![id.as_uuid().into()]).await?.into_iter().next())
    }

    /// The firms of these ids that exist, by name.
    pub async fn firms_by_ids(&self, ids: &[FirmId]) -> Result<Vec<FirmRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {FIRM_COLUMNS} FROM firms f WHERE f.id IN ({}) ORDER BY f.sort_name, f.id",
            placeholders(1, ids.len())
        );
        let values = ids.iter().map(|id| id.as_uuid().into()).collect();
        read_firms(self.reads(), self.db_backend(), &sql, values).await
    }

    /// Firms of a cluster, by name (at most `limit`).
    pub async fn cluster_firms(&self, cluster: ClusterId, limit: u64) -> Result<Vec<FirmRecord>, StoreError> {
        let sql =
            format!("SELECT {FIRM_COLUMNS} FROM firms f WHERE f.cluster_id = $1 ORDER BY f.sort_name, f.id LIMIT $2");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read_firms(self.reads(), self.db_backend(), &sql, vec![cluster.as_uuid().into(), limit.into()]).await
    }

    /// A page of the directory: the firms `filter` lets through, ranked (see
    /// the module's note), from after the firm `after` on, at most `limit`.
    /// A firm `after` that the filter does not let through gives no rows.
    pub async fn search_firms(
        &self,
        filter: &FirmFilter,
        after: Option<FirmId>,
        limit: u64,
    ) -> Result<Vec<FirmRecord>, StoreError> {
        let backend = self.db_backend();
        let mut values: Vec<Value> = Vec::new();
        let mut bind = |v: Value| {
            values.push(v);
            format!("${}", values.len())
        };
        let mut conditions = Vec::new();
        // The rank of the firm aliased `{t}`: 0 when its name holds every
        // word, 1 when its tags do, 2 otherwise (0 for all without words).
        let tier: Option<String> = match &filter.terms {
            None => None,
            Some(terms) if backend == DbBackend::Postgres => {
                let q = bind(terms.tsquery().into());
                // The stored vector weighs the name A and the tags B.
                let name = bind(terms.tsquery_weighted('A').into());
                let tags = bind(terms.tsquery_weighted('B').into());
                conditions.push(format!("f.search @@ to_tsquery('simple', {q})"));
                Some(format!(
                    "CASE WHEN {{t}}.search @@ to_tsquery('simple', {name}) THEN 0 \
                     WHEN {{t}}.search @@ to_tsquery('simple', {tags}) THEN 1 ELSE 2 END"
                ))
            }
            Some(terms) => {
                let q = terms.fts5();
                let all = bind(q.clone().into());
                let name = bind(format!("name_words : ({q})").into());
                let tags = bind(format!("tag_words : ({q})").into());
                conditions.push(format!("f.id IN (SELECT firm_id FROM firms_fts WHERE firms_fts MATCH {all})"));
                Some(format!(
                    "CASE WHEN {{t}}.id IN (SELECT firm_id FROM firms_fts WHERE firms_fts MATCH {name}) THEN 0 \
                     WHEN {{t}}.id IN (SELECT firm_id FROM firms_fts WHERE firms_fts MATCH {tags}) THEN 1 ELSE 2 END"
                ))
            }
        };
        if let Some(tag) = &filter.tag {
            let tag = bind(tag.clone().into());
            conditions.push(format!("EXISTS (SELECT 1 FROM firm_tags t WHERE t.firm_id = f.id AND t.tag = {tag})"));
        }
        match &filter.clusters {
            Some(clusters) if clusters.is_empty() => return Ok(Vec::new()),
            Some(clusters) => {
                let list: Vec<String> = clusters.iter().map(|c| bind(c.as_uuid().into())).collect();
                conditions.push(format!("f.cluster_id IN ({})", list.join(", ")));
            }
            None => {
                conditions.push("f.cluster_id IN (SELECT c.id FROM clusters c WHERE c.status = 'active')".to_owned())
            }
        }
        if filter.open_to_visitors {
            conditions.push("f.open_to_visitors".to_owned());
        }
        // The cursor's place is read from its own row (one index look-up),
        // never from the ranked list, which would then be ranked whole.
        let key = |t: &str| match &tier {
            Some(tier) => format!("{}, {t}.sort_name, {t}.id", tier.replace("{t}", t)),
            None => format!("{t}.sort_name, {t}.id"),
        };
        if let Some(after) = after {
            let after = bind(after.as_uuid().into());
            conditions.push(format!("({}) > (SELECT {} FROM firms a WHERE a.id = {after})", key("f"), key("a")));
        }
        let order = match &tier {
            Some(tier) => format!("{}, f.sort_name, f.id", tier.replace("{t}", "f")),
            // Without words every firm ranks alike: the name index gives the order.
            None => "f.sort_name, f.id".to_owned(),
        };
        let limit = bind(i64::try_from(limit).unwrap_or(i64::MAX).into());
        let sql = format!(
            "SELECT {FIRM_COLUMNS} FROM firms f WHERE {} ORDER BY {order} LIMIT {limit}",
            conditions.join(" AND ")
        );
        read_firms(self.reads(), backend, &sql, values).await
    }
}
