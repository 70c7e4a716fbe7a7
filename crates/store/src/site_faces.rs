//! A site's face (issue 22): its arrival pack, stored as the rules crate's
//! own JSON and read back through it, and its one photo (full size and a
//! thumbnail) with the version that names each upload.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use deskvisa_rules::{ArrivalPack, SiteId};
use sea_orm::FromQueryResult;

use crate::error::StoreError;
use crate::tx::{Store, Tx};

/// A photo as deskvisa re-encoded it.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct SitePhoto {
    /// Changes with every upload (a hash of the photo): its URLs carry it.
    pub version: String,
    /// JPEG, at most 1600 pixels a side.
    pub photo: Vec<u8>,
    /// JPEG, the thumbnail.
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn pack_of(text: &str) -> Result<ArrivalPack, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("arrival pack: {e}")))
}

impl Tx {
    /// Writes the site's arrival pack.
    pub async fn save_arrival_pack(
        &self,
        site: SiteId,
        pack: &ArrivalPack,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(pack).map_err(|e| StoreError::Corrupt(format!("arrival pack: {e}")))?;
        self.run(
            "INSERT INTO site_arrivals (site_id, pack, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (site_id) DO UPDATE SET pack = excluded.pack, updated_at = excluded.updated_at",
            vec![site.as_uuid().into(), text.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Stores the site's photo in place of any earlier one.
    pub async fn save_site_photo(&self, site: SiteId, photo: &SitePhoto, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO site_photos (site_id, version, photo, thumbnail, width, height, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, \
             photo = excluded.photo, thumbnail = excluded.thumbnail, width = excluded.width, \
             height = excluded.height, updated_at = excluded.updated_at",
            vec![
                site.as_uuid().into(),
                photo.version.clone().into(),
                photo.photo.clone().into(),
                photo.thumbnail.clone().into(),
                i64::from(photo.width).into(),
                i64::from(photo.height).into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Removes the site's photo; whether it had one.
    pub async fn delete_site_photo(&self, site: SiteId) -> Result<bool, StoreError> {
        Ok(self.run("DELETE FROM site_photos WHERE site_id = $1", vec![site.as_uuid().into()]).await? > 0)
    }
}

impl Store {
    /// The site's arrival pack (empty when its host wrote none).
    pub async fn arrival_pack(&self, site: SiteId) -> Result<ArrivalPack, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            pack: String,
        }
        let statement =
            self.statement("SELECT pack FROM site_arrivals WHERE site_id = $1", vec![site.as_uuid().into()]);
        match Row::find_by_statement(statement).one(self.reads()).await? {
            Some(row) => pack_of(&row.pack),
            None => Ok(ArrivalPack::default()),
        }
    }

    /// The site's photo (`thumbnail` or full size) and its version.
    pub async fn site_photo(&self, site: SiteId, thumbnail: bool) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            version: String,
            image: Vec<u8>,
        }
        let column = if thumbnail { "thumbnail" } else { "photo" };
        let statement = self.statement(
            &format!("SELECT version, {column} AS image FROM site_photos WHERE site_id = $1"),
            vec![site.as_uuid().into()],
        );
        Ok(Row::find_by_statement(statement).one(self.reads()).await?.map(|r| (r.version, r.image)))
    }

    /// The photo versions of every site that has a photo (the map and the
    /// search link their thumbnails by it). One row a site, so as many as
    /// there are sites.
    pub async fn site_photo_versions(&self) -> Result<HashMap<SiteId, String>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            site_id: uuid::Uuid,
            version: String,
        }
        let statement = self.statement("SELECT site_id, version FROM site_photos", vec![]);
        Ok(Row::find_by_statement(statement)
            .all(self.reads())
            .await?
            .into_iter()
            .map(|r| (SiteId::from_uuid(r.site_id), r.version))
            .collect())
    }
}
