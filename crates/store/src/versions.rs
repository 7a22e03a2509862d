//! Published versions of service definitions. A (tenant, service, version) is written once;
//! serving different content under a version that was already published is refused, so a
//! submission can always be read against exactly the definition it was made with.

use crate::{with_pool, Db, StoreError};
use sqlx::Row;

/// One service definition version as the loader produced it.
#[derive(Debug, Clone)]
pub struct ServiceVersion {
    pub tenant_id: String,
    pub service_id: String,
    pub version: i64,
    /// SHA-256 of `definition`.
    pub content_hash: String,
    /// Canonical JSON of the definition.
    pub definition: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublishOutcome {
    /// Versions stored for the first time.
    pub published: usize,
    /// Versions already stored with the same content.
    pub unchanged: usize,
}

impl Db {
    /// Records every version; fails without writing anything if any version was already
    /// published with different content.
    pub async fn publish_versions(
        &self,
        versions: &[ServiceVersion],
    ) -> Result<PublishOutcome, StoreError> {
        let mut reused = Vec::new();
        let mut fresh = Vec::new();
        let mut outcome = PublishOutcome::default();
        for v in versions {
            let stored: Option<String> = with_pool!(self, |p| {
                sqlx::query(
                "SELECT content_hash FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND version = $3"
            )
            .bind(&v.tenant_id)
            .bind(&v.service_id)
            .bind(v.version)
            .fetch_optional(p)
            .await?
            .map(|r| r.get::<String, _>(0))
            });
            match stored {
                Some(h) if h == v.content_hash => outcome.unchanged += 1,
                Some(_) => reused.push(format!(
                    "{}/{} version {} (raise `version` in the definition)",
                    v.tenant_id, v.service_id, v.version
                )),
                None => fresh.push(v),
            }
        }
        if !reused.is_empty() {
            return Err(StoreError::VersionReused(reused.join("; ")));
        }
        let now = crate::now_millis();
        for v in fresh {
            with_pool!(self, |p| sqlx::query(
                "INSERT INTO service_versions (tenant_id, service_id, version, content_hash, definition, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)"
            )
            .bind(&v.tenant_id)
            .bind(&v.service_id)
            .bind(v.version)
            .bind(&v.content_hash)
            .bind(&v.definition)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()))
            .map_err(StoreError::from_sqlx)?;
            outcome.published += 1;
        }
        Ok(outcome)
    }

    /// The stored definition JSON of one version, if published.
    pub async fn service_version(
        &self,
        tenant_id: &str,
        service_id: &str,
        version: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT definition FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND version = $3"
        )
        .bind(tenant_id)
        .bind(service_id)
        .bind(version)
        .fetch_optional(p)
        .await?
        .map(|r| r.get::<String, _>(0))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: i64, def: &str) -> ServiceVersion {
        ServiceVersion {
            tenant_id: "t".into(),
            service_id: "s".into(),
            version,
            content_hash: format!("h-{def}"),
            definition: def.into(),
        }
    }

    #[tokio::test]
    async fn versions_are_immutable_on_sqlite() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::UnsupportedUrl(e.to_string()))?;
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("x.db").display())).await?;
        db.migrate().await?;
        db.sync_tenants(&[("t".into(), "T".into())]).await?;
        let out = db.publish_versions(&[v(1, "a")]).await?;
        assert_eq!(
            out,
            PublishOutcome {
                published: 1,
                unchanged: 0
            }
        );
        let out = db.publish_versions(&[v(1, "a"), v(2, "b")]).await?;
        assert_eq!(
            out,
            PublishOutcome {
                published: 1,
                unchanged: 1
            }
        );
        let err = db.publish_versions(&[v(2, "changed"), v(3, "c")]).await;
        assert!(matches!(err, Err(StoreError::VersionReused(_))), "{err:?}");
        // Nothing of a refused batch is written.
        assert_eq!(db.service_version("t", "s", 3).await?, None);
        assert_eq!(db.service_version("t", "s", 2).await?.as_deref(), Some("b"));
        Ok(())
    }
}
