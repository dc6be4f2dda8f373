//! The file store in an S3-compatible bucket (`OKO_S3_BUCKET`), through
//! `object_store`. Uploads stream as multipart uploads; downloads answer one byte
//! range themselves and pass the bucket's `ETag` on.

use std::{io, sync::Arc};

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        StatusCode,
        header::{self, ContentEncoding},
    },
    web::Bytes,
};
use futures_util::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart, aws::AmazonS3Builder,
    path::Path as ObjectPath,
};

use super::{Download, Sink, range};
use crate::config::S3Settings;

/// Parts in flight per upload: bounds an upload's memory to a few parts (5 MiB each).
const PARTS_IN_FLIGHT: usize = 2;

pub struct S3Store {
    store: Arc<dyn ObjectStore>,
}

/// An upload in progress.
pub struct S3Sink {
    upload: WriteMultipart,
}

fn to_io(err: object_store::Error) -> io::Error {
    match err {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, err),
        other => io::Error::other(other),
    }
}

impl S3Store {
    pub fn open(settings: &S3Settings) -> io::Result<S3Store> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(S3Store {
            store: Arc::new(builder.build().map_err(to_io)?),
        })
    }

    pub async fn sink(&self, key: &str) -> io::Result<S3Sink> {
        let upload = self
            .store
            .put_multipart(&ObjectPath::from(key))
            .await
            .map_err(to_io)?;
        Ok(S3Sink {
            upload: WriteMultipart::new(upload),
        })
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        self.store
            .put(&ObjectPath::from(key), PutPayload::from(bytes.to_vec()))
            .await
            .map(|_| ())
            .map_err(to_io)
    }

    pub async fn remove(&self, key: &str) -> io::Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(err) => Err(to_io(err)),
        }
    }

    pub async fn size(&self, key: &str) -> io::Result<u64> {
        let meta = self
            .store
            .head(&ObjectPath::from(key))
            .await
            .map_err(to_io)?;
        Ok(meta.size)
    }

    pub async fn read(&self, key: &str) -> io::Result<BoxStream<'static, io::Result<Bytes>>> {
        let result = self
            .store
            .get(&ObjectPath::from(key))
            .await
            .map_err(to_io)?;
        Ok(result.into_stream().map_err(to_io).boxed())
    }

    pub async fn serve(
        &self,
        req: &HttpRequest,
        download: Download<'_>,
    ) -> io::Result<HttpResponse> {
        let path = ObjectPath::from(download.key);
        let wanted = req
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(range::parse);
        let mut span = None;
        if let Some(wanted) = wanted {
            let meta = self.store.head(&path).await.map_err(to_io)?;
            // A resumed download continues only if the object is the one it started with.
            let same = req
                .headers()
                .get(header::IF_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|tag| meta.e_tag.as_deref() == Some(tag));
            if same {
                match range::resolve(wanted, meta.size) {
                    Some(found) => span = Some(found),
                    None => {
                        return Ok(HttpResponse::build(StatusCode::RANGE_NOT_SATISFIABLE)
                            .insert_header((
                                header::CONTENT_RANGE,
                                format!("bytes */{}", meta.size),
                            ))
                            .finish());
                    }
                }
            }
        }
        let options = GetOptions {
            range: span.clone().map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let ranged = span.is_some();
        let result = self.store.get_opts(&path, options).await.map_err(to_io)?;
        let size = result.meta.size;
        let span = result.range.clone();
        let partial = ranged && !(span.start == 0 && span.end == size);
        let mut response = HttpResponse::build(if partial {
            StatusCode::PARTIAL_CONTENT
        } else {
            StatusCode::OK
        });
        response
            .content_type(download.content_type.to_string())
            .insert_header((header::CONTENT_DISPOSITION, download.disposition))
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .insert_header((header::CONTENT_LENGTH, span.end - span.start))
            .insert_header(ContentEncoding::Identity);
        if let Some(etag) = &result.meta.e_tag {
            response.insert_header((header::ETAG, etag.as_str()));
        }
        if partial {
            response.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", span.start, span.end - 1),
            ));
        }
        Ok(response.streaming(result.into_stream().map_err(to_io)))
    }
}

impl Sink for S3Sink {
    async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        self.upload
            .wait_for_capacity(PARTS_IN_FLIGHT)
            .await
            .map_err(to_io)?;
        self.upload.put(chunk);
        Ok(())
    }

    async fn finish(self) -> io::Result<()> {
        self.upload.finish().await.map(|_| ()).map_err(to_io)
    }

    async fn abort(self) {
        let _ = self.upload.abort().await;
    }
}
