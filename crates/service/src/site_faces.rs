//! A site's face (issue 22): its arrival pack, read by every member and
//! written by those who run its cluster, and its one photo, uploaded by
//! them and re-encoded off the async threads (see [`crate::photos`]).

use deskvisa_rules::{ArrivalPack, SiteId};
use deskvisa_store::SitePhoto;

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::photos::{PhotoError, reencode};

impl Service {
    /// The site's arrival pack (empty when its host wrote none).
    pub async fn arrival_pack(&self, site: SiteId) -> Result<ArrivalPack, ServiceError> {
        self.site(site).await?;
        Ok(self.store.arrival_pack(site).await?)
    }

    /// Writes the site's arrival pack, for those who run its cluster.
    pub async fn save_arrival_pack(
        &self,
        caller: &Caller,
        site: SiteId,
        pack: &ArrivalPack,
    ) -> Result<ArrivalPack, ServiceError> {
        let tx = self.store.begin_write().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.runs(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        tx.save_arrival_pack(site, pack, self.now()).await?;
        tx.commit().await?;
        Ok(pack.clone())
    }

    /// Makes `upload` the site's photo (its version returned); `Invalid`
    /// when it is not a JPEG, PNG or WebP image of at most 5 MB.
    pub async fn set_site_photo(&self, caller: &Caller, site: SiteId, upload: Vec<u8>) -> Result<String, ServiceError> {
        let record = self.site(site).await?;
        if !caller.runs(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let kept = tokio::task::spawn_blocking(move || reencode(&upload))
            .await
            .map_err(|e| ServiceError::Internal(format!("the photo's encoder stopped: {e}")))?
            .map_err(|e: PhotoError| ServiceError::Invalid(format!("photo: {e}")))?;
        let photo = SitePhoto {
            version: kept.version,
            photo: kept.photo,
            thumbnail: kept.thumbnail,
            width: kept.width,
            height: kept.height,
        };
        let tx = self.store.begin_write().await?;
        tx.save_site_photo(site, &photo, self.now()).await?;
        tx.commit().await?;
        tracing::info!(%site, version = %photo.version, width = photo.width, height = photo.height, "site photo replaced");
        Ok(photo.version)
    }

    /// Removes the site's photo, for those who run its cluster; whether it had one.
    pub async fn remove_site_photo(&self, caller: &Caller, site: SiteId) -> Result<bool, ServiceError> {
        let record = self.site(site).await?;
        if !caller.runs(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.store.begin_write().await?;
        let removed = tx.delete_site_photo(site).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// The site's photo or thumbnail, with its version.
    pub async fn site_photo(&self, site: SiteId, thumbnail: bool) -> Result<(String, Vec<u8>), ServiceError> {
        self.store.site_photo(site, thumbnail).await?.ok_or(ServiceError::NotFound)
    }

    /// Every site's photo version, for the thumbnails of lists.
    pub async fn site_photo_versions(&self) -> Result<std::collections::HashMap<SiteId, String>, ServiceError> {
        Ok(self.store.site_photo_versions().await?)
    }
}
