//! Where the bytes of uploaded files live: a local folder (the embedded default) or an
//! S3-compatible object store (for municipalities that run several instances). Uploads are
//! first spooled to a local file while their size and type are checked; only a file that
//! passed is handed to the store, so the store never sees a rejected or half-read upload.
//! Bytes are moved in bounded chunks in both directions; no file is held whole in memory.

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// A stream of a stored file's bytes.
pub type BlobStream = Pin<Box<dyn futures_util::Stream<Item = std::io::Result<Bytes>> + Send>>;

/// Size of the parts of a multipart upload to S3 (S3's minimum is 5 MiB).
const PART: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone)]
enum Backend {
    Local(PathBuf),
    S3 {
        store: Arc<AmazonS3>,
        prefix: String,
    },
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    backend: Backend,
    /// Local folder for uploads in progress.
    spool: PathBuf,
}

fn io(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string())
        }
        other => std::io::Error::other(other.to_string()),
    }
}

impl BlobStore {
    /// Files under `root/<tenant>/<id>`, spooled in `root/tmp`.
    pub fn local(root: &Path) -> Self {
        BlobStore {
            backend: Backend::Local(root.to_owned()),
            spool: root.join("tmp"),
        }
    }

    /// Files in the bucket of `url` (`s3://bucket` or `s3://bucket/prefix`), configured
    /// from the standard `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL` for S3-compatible
    /// services, `AWS_ALLOW_HTTP` for a plain-HTTP endpoint), so no secret is in a file.
    pub fn s3(url: &str, spool: &Path) -> Result<Self, String> {
        Self::s3_with(url, spool, &[])
    }

    /// Like [`BlobStore::s3`], with settings (`aws_endpoint`, `aws_access_key_id`, …) that
    /// override the environment.
    pub fn s3_with(url: &str, spool: &Path, settings: &[(&str, &str)]) -> Result<Self, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("file store `{url}`: expected s3://bucket[/prefix]"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("file store `{url}`: the bucket is missing"));
        }
        // A citizen is waiting: give up within seconds (the request time-out is 30 s), the
        // step then says the file could not be stored and keeps the other answers.
        let retry = object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(10),
            ..object_store::RetryConfig::default()
        };
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry);
        for (k, v) in settings {
            let key: object_store::aws::AmazonS3ConfigKey = k
                .parse()
                .map_err(|e| format!("file store setting `{k}`: {e}"))?;
            builder = builder.with_config(key, *v);
        }
        let store = builder
            .build()
            .map_err(|e| format!("file store `{url}`: {e}"))?;
        Ok(BlobStore {
            backend: Backend::S3 {
                store: Arc::new(store),
                prefix: prefix.trim_matches('/').to_owned(),
            },
            spool: spool.to_owned(),
        })
    }

    /// A short description for logs (`local /var/lib/rathaus/files`, `s3 bucket/prefix`).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Local(root) => format!("local {}", root.display()),
            Backend::S3 { store, prefix } => format!("{store} {prefix}"),
        }
    }

    /// Where an upload in progress is written; the folder exists afterwards.
    pub async fn spool_path(&self, id: &str) -> std::io::Result<PathBuf> {
        tokio::fs::create_dir_all(&self.spool).await?;
        Ok(self.spool.join(id))
    }

    /// Removes spool files older than `age` (uploads cut off by a crash; an upload in
    /// progress is younger). Returns how many were removed.
    pub async fn sweep_spool(&self, age: std::time::Duration) -> std::io::Result<usize> {
        let mut dir = match tokio::fs::read_dir(&self.spool).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        while let Some(entry) = dir.next_entry().await? {
            let meta = entry.metadata().await?;
            let old = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|e| e >= age);
            if meta.is_file() && old && tokio::fs::remove_file(entry.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn key(prefix: &str, tenant: &str, id: &str) -> ObjectPath {
        if prefix.is_empty() {
            ObjectPath::from(format!("{tenant}/{id}"))
        } else {
            ObjectPath::from(format!("{prefix}/{tenant}/{id}"))
        }
    }

    /// Moves a checked spool file into the store as file `id` of `tenant`. The spool file
    /// is gone afterwards, whether this succeeded or not.
    pub async fn commit(&self, tenant: &str, id: &str, spooled: &Path) -> std::io::Result<()> {
        let result = match &self.backend {
            Backend::Local(root) => {
                let target = root.join(tenant).join(id);
                async {
                    if let Some(parent) = target.parent() {
                        tokio::fs::create_dir_all(parent).await?;
                    }
                    tokio::fs::rename(spooled, &target).await
                }
                .await
            }
            Backend::S3 { store, prefix } => {
                Self::upload(store, &Self::key(prefix, tenant, id), spooled).await
            }
        };
        // Renamed away on local success; otherwise the spool copy is no longer needed.
        let _ = tokio::fs::remove_file(spooled).await;
        result
    }

    async fn upload(store: &Arc<AmazonS3>, key: &ObjectPath, file: &Path) -> std::io::Result<()> {
        let mut f = tokio::fs::File::open(file).await?;
        let size = f.metadata().await?.len();
        if size <= PART as u64 {
            // Small files (the usual case): one request, at most one part in memory.
            let mut buf = Vec::with_capacity(size as usize);
            f.read_to_end(&mut buf).await?;
            store.put(key, PutPayload::from(buf)).await.map_err(io)?;
            return Ok(());
        }
        let upload = store.put_multipart(key).await.map_err(io)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match f.read(&mut chunk).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(e);
                }
            };
            if n == 0 {
                break;
            }
            // Back-pressure: at most two parts in flight.
            writer.wait_for_capacity(2).await.map_err(io)?;
            writer.write(&chunk[..n]);
        }
        writer.finish().await.map_err(io)?;
        Ok(())
    }

    /// The bytes of file `id` of `tenant`, streamed.
    pub async fn open(&self, tenant: &str, id: &str) -> std::io::Result<BlobStream> {
        match &self.backend {
            Backend::Local(root) => {
                let f = tokio::fs::File::open(root.join(tenant).join(id)).await?;
                Ok(tokio_util::io::ReaderStream::new(f).boxed())
            }
            Backend::S3 { store, prefix } => {
                let got = store
                    .get(&Self::key(prefix, tenant, id))
                    .await
                    .map_err(io)?;
                Ok(got.into_stream().map_err(io).boxed())
            }
        }
    }

    /// Whether file `id` of `tenant` exists in the store.
    pub async fn exists(&self, tenant: &str, id: &str) -> std::io::Result<bool> {
        match &self.backend {
            Backend::Local(root) => tokio::fs::try_exists(root.join(tenant).join(id)).await,
            Backend::S3 { store, prefix } => match store.head(&Self::key(prefix, tenant, id)).await
            {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(io(e)),
            },
        }
    }

    /// Removes a stored file; a file that is not there is no error.
    pub async fn delete(&self, tenant: &str, id: &str) -> std::io::Result<()> {
        match &self.backend {
            Backend::Local(root) => {
                match tokio::fs::remove_file(root.join(tenant).join(id)).await {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                }
            }
            Backend::S3 { store, prefix } => {
                match store.delete(&Self::key(prefix, tenant, id)).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(e) => Err(io(e)),
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_commit_and_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path());
        let spool = store.spool_path("abc").await.unwrap();
        tokio::fs::write(&spool, b"hello").await.unwrap();
        store.commit("t", "abc", &spool).await.unwrap();
        assert!(!spool.exists(), "spool file moved");
        assert!(store.exists("t", "abc").await.unwrap());
        assert!(!store.exists("u", "abc").await.unwrap());
        let mut s = store.open("t", "abc").await.unwrap();
        let mut all = Vec::new();
        while let Some(chunk) = s.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(all, b"hello");
        let missing = store.open("t", "nope").await.err().unwrap();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn old_spool_files_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path());
        assert_eq!(
            store.sweep_spool(std::time::Duration::ZERO).await.unwrap(),
            0
        );
        let spool = store.spool_path("cut-off").await.unwrap();
        tokio::fs::write(&spool, b"half an upload").await.unwrap();
        let young = std::time::Duration::from_secs(3600);
        assert_eq!(store.sweep_spool(young).await.unwrap(), 0, "in progress");
        assert_eq!(
            store.sweep_spool(std::time::Duration::ZERO).await.unwrap(),
            1
        );
        assert!(!spool.exists());
    }

    #[test]
    fn s3_urls_are_checked() {
        let dir = std::path::Path::new("/tmp");
        assert!(BlobStore::s3("https://bucket", dir)
            .unwrap_err()
            .contains("expected s3://"));
        assert!(BlobStore::s3("s3:///x", dir)
            .unwrap_err()
            .contains("bucket is missing"));
    }
}
