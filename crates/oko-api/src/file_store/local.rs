//! The file store in a local directory; downloads go through `actix-files`, which
//! answers ranges and `ETag` itself.

use std::{
    io,
    path::{Path, PathBuf},
};

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, http::header::ContentEncoding, web::Bytes};
use futures_util::{StreamExt, stream::BoxStream};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use uuid::Uuid;

use super::{Download, Sink};

/// Writes are buffered this much: fewer, larger writes to disk.
const WRITE_BUFFER: usize = 1024 * 1024;
/// Bytes read per chunk when streaming a file out.
const READ_CHUNK: usize = 1024 * 1024;

pub struct LocalStore {
    root: PathBuf,
}

/// An upload being written to `tmp/`, renamed to its key when complete.
pub struct LocalSink {
    out: BufWriter<tokio::fs::File>,
    temp: PathBuf,
    target: PathBuf,
}

impl LocalStore {
    pub fn open(root: &Path) -> io::Result<LocalStore> {
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("files"))?;
        Ok(LocalStore {
            root: root.to_owned(),
        })
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn temp_path(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(Uuid::new_v4().simple().to_string())
    }

    pub async fn sink(&self, key: &str) -> io::Result<LocalSink> {
        let temp = self.temp_path();
        let file = tokio::fs::File::create(&temp).await?;
        Ok(LocalSink {
            out: BufWriter::with_capacity(WRITE_BUFFER, file),
            temp,
            target: self.path(key),
        })
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let temp = self.temp_path();
        tokio::fs::write(&temp, bytes).await?;
        move_into_place(&temp, &self.path(key)).await
    }

    pub async fn remove(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    pub async fn serve(
        &self,
        req: &HttpRequest,
        download: Download<'_>,
    ) -> io::Result<HttpResponse> {
        let named = NamedFile::open_async(self.path(download.key))
            .await?
            .set_content_type(download.content_type)
            .set_content_disposition(download.disposition)
            .set_content_encoding(ContentEncoding::Identity);
        Ok(named.into_response(req))
    }

    pub async fn size(&self, key: &str) -> io::Result<u64> {
        Ok(tokio::fs::metadata(self.path(key)).await?.len())
    }

    pub async fn read(&self, key: &str) -> io::Result<BoxStream<'static, io::Result<Bytes>>> {
        let file = tokio::fs::File::open(self.path(key)).await?;
        Ok(
            futures_util::stream::try_unfold(file, |mut file| async move {
                let mut buffer = vec![0u8; READ_CHUNK];
                let n = file.read(&mut buffer).await?;
                if n == 0 {
                    return Ok(None);
                }
                buffer.truncate(n);
                Ok(Some((Bytes::from(buffer), file)))
            })
            .boxed(),
        )
    }
}

impl Sink for LocalSink {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.out.write_all(&chunk).await
    }

    async fn finish(mut self) -> io::Result<()> {
        self.out.flush().await?;
        self.out.into_inner().sync_all().await?;
        move_into_place(&self.temp, &self.target).await
    }

    async fn abort(self) {
        drop(self.out);
        let _ = tokio::fs::remove_file(&self.temp).await;
    }
}

async fn move_into_place(temp: &Path, target: &Path) -> io::Result<()> {
    if let Some(dir) = target.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    tokio::fs::rename(temp, target).await
}
