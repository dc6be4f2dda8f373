//! Where uploaded files and built reports live: a local directory (`OKO_DATA_DIR/files`).
//! Keys are generated here (`files/ab/<uuid>`), never taken from a client, so no
//! name a user types can reach outside the directory. An upload is written to
//! `tmp/` and moved into place only when it is complete, so a broken or refused
//! upload leaves nothing behind.

use std::{
    io,
    path::{Path, PathBuf},
};

use actix_web::web::{Bytes, Payload};
use futures_util::StreamExt;
use oko_io::sniff::SNIFF_LEN;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// The file store of one `oko` instance.
pub struct FileStore {
    root: PathBuf,
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
    /// Our disk failed.
    Io(io::Error),
}

impl From<io::Error> for ReceiveError {
    fn from(err: io::Error) -> Self {
        ReceiveError::Io(err)
    }
}

/// Writes are buffered this much: fewer, larger writes to disk.
const WRITE_BUFFER: usize = 1024 * 1024;

impl FileStore {
    /// A store under `root` (created when missing).
    pub fn open(root: &Path) -> io::Result<FileStore> {
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("files"))?;
        Ok(FileStore {
            root: root.to_owned(),
        })
    }

    /// Where the bytes of `key` are.
    pub fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Streams a request body into the store, at most `limit` bytes.
    pub async fn receive(&self, mut body: Payload, limit: u64) -> Result<Received, ReceiveError> {
        let temp = self
            .root
            .join("tmp")
            .join(Uuid::new_v4().simple().to_string());
        let result = async {
            let file = tokio::fs::File::create(&temp).await?;
            let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
            let mut crc = crc32fast::Hasher::new();
            let mut head = Vec::with_capacity(SNIFF_LEN);
            let mut size = 0u64;
            while let Some(chunk) = body.next().await {
                let chunk: Bytes = chunk.map_err(|e| ReceiveError::Broken(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(ReceiveError::TooLarge);
                }
                if head.len() < SNIFF_LEN {
                    let take = (SNIFF_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                crc.update(&chunk);
                out.write_all(&chunk).await?;
            }
            out.flush().await?;
            out.into_inner().sync_all().await?;
            Ok((size, crc.finalize(), head))
        }
        .await;
        match result {
            Ok((size, crc32, head)) => {
                let key = self.fresh_key();
                let target = self.path(&key);
                if let Some(dir) = target.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                tokio::fs::rename(&temp, &target).await?;
                Ok(Received {
                    key,
                    size,
                    crc32,
                    head,
                })
            }
            Err(err) => {
                let _ = tokio::fs::remove_file(&temp).await;
                Err(err)
            }
        }
    }

    /// Stores bytes made on the server (a report, demo files) and returns their key.
    pub async fn put(&self, bytes: &[u8]) -> io::Result<String> {
        let key = self.fresh_key();
        let target = self.path(&key);
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let temp = self
            .root
            .join("tmp")
            .join(Uuid::new_v4().simple().to_string());
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &target).await?;
        Ok(key)
    }

    /// Removes the bytes of `key`; already gone is fine.
    pub async fn remove(&self, key: &str) {
        if let Err(err) = tokio::fs::remove_file(self.path(key)).await
            && err.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(key, %err, "could not remove a stored file");
        }
    }

    /// `files/ab/<uuid>`: spread over 256 directories so none grows huge.
    fn fresh_key(&self) -> String {
        let id = Uuid::new_v4().simple().to_string();
        format!("files/{}/{id}", &id[..2])
    }
}
