//! Where uploaded files and built reports live: a local directory
//! (`OKO_DATA_DIR/files`, the default) or an S3-compatible bucket (`OKO_S3_BUCKET`).
//! Keys are generated here (`files/ab/<uuid>`), never taken from a client, so no
//! name a user types can reach outside the store. An upload becomes visible only
//! when it is complete: locally it is written to `tmp/` and renamed, in a bucket it
//! is a multipart upload that is aborted on failure. A refused or broken upload
//! leaves nothing behind.

mod local;
pub mod range;
mod s3;

use std::{io, path::Path, sync::Arc};

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::ContentDisposition,
    mime::Mime,
    web::{Bytes, Payload},
};
use futures_util::{StreamExt, stream::BoxStream};
use oko_io::sniff::SNIFF_LEN;
use uuid::Uuid;

pub use crate::config::S3Settings;

/// The file store of one `oko` instance.
pub struct FileStore {
    backend: Backend,
}

enum Backend {
    Local(local::LocalStore),
    S3(Arc<s3::S3Store>),
}

/// A stored upload.
#[derive(Debug)]
pub struct Received {
    pub key: String,
    pub size: u64,
    pub crc32: u32,
    /// The first bytes, for content sniffing.
    pub head: Vec<u8>,
}

/// Why an upload was not stored.
#[derive(Debug)]
pub enum ReceiveError {
    /// More bytes than allowed arrived.
    TooLarge,
    /// The client stopped sending midway.
    Broken(String),
    /// Our disk or bucket failed.
    Io(io::Error),
    /// The room check refused to take more bytes.
    NoRoom(crate::error::ApiError),
}

impl From<io::Error> for ReceiveError {
    fn from(err: io::Error) -> Self {
        ReceiveError::Io(err)
    }
}

/// How a download is sent.
pub struct Download<'a> {
    pub key: &'a str,
    pub content_type: Mime,
    pub disposition: ContentDisposition,
}

/// Where bytes of an upload go while it arrives.
trait Sink {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()>;
    async fn finish(self) -> io::Result<()>;
    async fn abort(self);
}

impl FileStore {
    /// A store in the directory `root` (created when missing).
    pub fn local(root: &Path) -> io::Result<FileStore> {
        Ok(FileStore {
            backend: Backend::Local(local::LocalStore::open(root)?),
        })
    }

    /// The store `config` asks for.
    pub fn configured(config: &crate::config::Config) -> io::Result<FileStore> {
        match &config.s3 {
            Some(settings) => FileStore::s3(settings),
            None => FileStore::local(&config.data_dir.join("files")),
        }
    }

    /// A store in an S3-compatible bucket.
    pub fn s3(settings: &S3Settings) -> io::Result<FileStore> {
        Ok(FileStore {
            backend: Backend::S3(Arc::new(s3::S3Store::open(settings)?)),
        })
    }

    /// Streams a request body into the store, at most `limit` bytes, asking `room`
    /// again every [`ROOM_CHECK_BYTES`]: a body without `Content-Length` was only
    /// checked against the room it would need before its first byte.
    pub async fn receive(
        &self,
        body: Payload,
        limit: u64,
        room: impl Fn() -> Result<(), crate::error::ApiError>,
    ) -> Result<Received, ReceiveError> {
        let key = fresh_key();
        let intake = Intake { body, limit, room };
        match &self.backend {
            Backend::Local(store) => intake.fill(store.sink(&key).await?, key).await,
            Backend::S3(store) => intake.fill(store.sink(&key).await?, key).await,
        }
    }

    /// Stores and removes a few bytes: the store takes files now.
    pub async fn probe(&self) -> io::Result<()> {
        let key = self.put(b"oko: the store takes files").await?;
        self.remove(&key).await;
        Ok(())
    }

    /// Stores bytes made on the server (a report, demo files) and returns their key.
    pub async fn put(&self, bytes: &[u8]) -> io::Result<String> {
        let key = fresh_key();
        match &self.backend {
            Backend::Local(store) => store.put(&key, bytes).await?,
            Backend::S3(store) => store.put(&key, bytes).await?,
        }
        Ok(key)
    }

    /// Stores a file made on the server (an export), streamed from `path`.
    pub async fn put_file(&self, path: &Path) -> io::Result<String> {
        let key = fresh_key();
        match &self.backend {
            Backend::Local(store) => copy_file(store.sink(&key).await?, path).await?,
            Backend::S3(store) => copy_file(store.sink(&key).await?, path).await?,
        }
        Ok(key)
    }

    /// Removes the bytes of `key`; already gone is fine.
    pub async fn remove(&self, key: &str) {
        let result = match &self.backend {
            Backend::Local(store) => store.remove(key).await,
            Backend::S3(store) => store.remove(key).await,
        };
        if let Err(err) = result {
            tracing::warn!(key, %err, "could not remove a stored file");
        }
    }

    /// Answers a download request: `Range` / `If-Range` and `ETag` honoured, so a
    /// broken download resumes; never compressed on the way (the bytes are mostly
    /// compressed already, and gzip would break byte ranges).
    pub async fn serve(
        &self,
        req: &HttpRequest,
        download: Download<'_>,
    ) -> io::Result<HttpResponse> {
        match &self.backend {
            Backend::Local(store) => store.serve(req, download).await,
            Backend::S3(store) => store.serve(req, download).await,
        }
    }

    /// How many bytes `key` holds; `NotFound` when this store does not have it.
    pub async fn size(&self, key: &str) -> io::Result<u64> {
        match &self.backend {
            Backend::Local(store) => store.size(key).await,
            Backend::S3(store) => store.size(key).await,
        }
    }

    /// The bytes of `key`, chunk by chunk (for «Скачать всё.zip»).
    pub async fn read(&self, key: &str) -> io::Result<BoxStream<'static, io::Result<Bytes>>> {
        match &self.backend {
            Backend::Local(store) => store.read(key).await,
            Backend::S3(store) => store.read(key).await,
        }
    }
}

/// How often a body being received asks for room again.
pub const ROOM_CHECK_BYTES: u64 = 16 * 1024 * 1024;

/// A request body on its way into the store, with its limits.
struct Intake<R> {
    body: Payload,
    limit: u64,
    room: R,
}

impl<R: Fn() -> Result<(), crate::error::ApiError>> Intake<R> {
    /// Copies the body into `sink`, counting, hashing and keeping the head; aborts
    /// the sink on any failure.
    async fn fill(mut self, mut sink: impl Sink, key: String) -> Result<Received, ReceiveError> {
        let mut crc = crc32fast::Hasher::new();
        let mut head = Vec::with_capacity(SNIFF_LEN);
        let mut size = 0u64;
        let failure = loop {
            let Some(chunk) = self.body.next().await else {
                break None;
            };
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => break Some(ReceiveError::Broken(err.to_string())),
            };
            let before = size;
            size += chunk.len() as u64;
            if size > self.limit {
                break Some(ReceiveError::TooLarge);
            }
            if before / ROOM_CHECK_BYTES != size / ROOM_CHECK_BYTES
                && let Err(refused) = (self.room)()
            {
                break Some(ReceiveError::NoRoom(refused));
            }
            if head.len() < SNIFF_LEN {
                let take = (SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            crc.update(&chunk);
            if let Err(err) = sink.write(chunk).await {
                break Some(ReceiveError::Io(err));
            }
        };
        if let Some(failure) = failure {
            sink.abort().await;
            return Err(failure);
        }
        sink.finish().await?;
        Ok(Received {
            key,
            size,
            crc32: crc.finalize(),
            head,
        })
    }
}

/// Copies the file at `path` into `sink` chunk by chunk; aborts the sink on failure.
async fn copy_file(mut sink: impl Sink, path: &Path) -> io::Result<()> {
    use tokio::io::AsyncReadExt;
    let copied = async {
        let mut file = tokio::fs::File::open(path).await?;
        loop {
            let mut chunk = vec![0u8; 1 << 20];
            let read = file.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            chunk.truncate(read);
            sink.write(Bytes::from(chunk)).await?;
        }
    }
    .await;
    match copied {
        Ok(()) => sink.finish().await,
        Err(error) => {
            sink.abort().await;
            Err(error)
        }
    }
}

/// `files/ab/<uuid>`: spread over 256 prefixes so no directory grows huge.
fn fresh_key() -> String {
    let id = Uuid::new_v4().simple().to_string();
    format!("files/{}/{id}", &id[..2])
}
