//! A zip answered as it is read: stored files streamed from the file store and
//! small parts made on the server, laid out up front ([`ZipPlan`]) so the
//! answer has an exact `Content-Length` and memory stays at a chunk or two per
//! download. Serves «Скачать всё.zip» of a storage and an organisation's data
//! with its attached files.

use actix_web::{
    HttpResponse,
    http::header::{self, ContentEncoding},
    web::{self, Bytes},
};
use chrono::{DateTime, Datelike, Timelike, Utc};
use futures_util::{
    StreamExt, TryStreamExt,
    stream::{self, BoxStream},
};
use oko_domain::moscow_time::to_moscow;
use oko_io::zip::{ZipEntry, ZipPlan, dos_date_time};

use crate::{error::ApiError, routes::storages::attachment, state::AppState};

/// Where an entry's bytes come from.
pub enum ZipPart {
    /// A file in the store, of the size its record says.
    Stored { key: String, size: u64 },
    /// Bytes made for this download (an organisation's workbook).
    Made(Bytes),
}

/// An entry of the archive and its bytes.
pub struct ZipItem {
    pub entry: ZipEntry,
    pub part: ZipPart,
}

impl ZipItem {
    /// A stored file named `name`, dated `at` (Moscow time in the archive).
    pub fn stored(name: String, key: String, size: u64, crc32: u32, at: DateTime<Utc>) -> ZipItem {
        ZipItem {
            entry: entry(name, size, crc32, at),
            part: ZipPart::Stored { key, size },
        }
    }

    /// Bytes made now, named `name`.
    pub fn made(name: String, bytes: Bytes, at: DateTime<Utc>) -> ZipItem {
        let crc32 = crc32fast::hash(&bytes);
        ZipItem {
            entry: entry(name, bytes.len() as u64, crc32, at),
            part: ZipPart::Made(bytes),
        }
    }
}

fn entry(name: String, size: u64, crc32: u32, at: DateTime<Utc>) -> ZipEntry {
    let at = to_moscow(at);
    let (dos_date, dos_time) = dos_date_time(
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
    );
    ZipEntry {
        name,
        size,
        crc32,
        dos_date,
        dos_time,
    }
}

/// How many files the zip asks the store about at once before it starts.
const CHECKS_AT_ONCE: usize = 16;

/// The archive of `items` as a download named `name`. Every stored file is
/// asked for before the first header goes out: once the 200 and its
/// `Content-Length` are sent, a missing file could only cut the zip short.
pub async fn zip_answer(
    state: web::Data<AppState>,
    items: Vec<ZipItem>,
    name: &str,
) -> Result<HttpResponse, ApiError> {
    let stored = items.iter().filter_map(|item| match &item.part {
        ZipPart::Stored { key, size } => Some((key, *size)),
        ZipPart::Made(_) => None,
    });
    stream::iter(stored)
        .map(|(key, expected)| {
            let state = &state;
            async move {
                let size = state.files.size(key).await?;
                if size != expected {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("stored file {key} holds {size} bytes, its record says {expected}"),
                    ));
                }
                Ok(())
            }
        })
        .buffer_unordered(CHECKS_AT_ONCE)
        .try_collect::<()>()
        .await
        .map_err(ApiError::file_store)?;
    let (entries, parts): (Vec<ZipEntry>, Vec<ZipPart>) =
        items.into_iter().map(|i| (i.entry, i.part)).unzip();
    let plan = ZipPlan::new(entries);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::CONTENT_LENGTH, plan.total_len()))
        .insert_header((header::CONTENT_DISPOSITION, attachment(name)))
        .insert_header(ContentEncoding::Identity)
        .streaming(zip_stream(state, plan, parts)))
}

/// Where the stream is: before entry `next`'s header, or inside an entry's bytes.
struct Cursor {
    state: web::Data<AppState>,
    plan: ZipPlan,
    parts: Vec<ZipPart>,
    next: usize,
    open: Option<BoxStream<'static, std::io::Result<Bytes>>>,
    finished: bool,
}

/// Headers, file bytes and the trailer, one chunk at a time.
fn zip_stream(
    state: web::Data<AppState>,
    plan: ZipPlan,
    parts: Vec<ZipPart>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let cursor = Cursor {
        state,
        plan,
        parts,
        next: 0,
        open: None,
        finished: false,
    };
    stream::try_unfold(cursor, |mut c| async move {
        if let Some(bytes) = c.open.as_mut() {
            if let Some(chunk) = bytes.try_next().await? {
                return Ok(Some((chunk, c)));
            }
            c.open = None;
        }
        if c.next < c.parts.len() {
            let header = c.plan.local_header(c.next);
            c.open = Some(match &c.parts[c.next] {
                ZipPart::Stored { key, .. } => c.state.files.read(key).await?,
                ZipPart::Made(bytes) => stream::once(std::future::ready(Ok(bytes.clone()))).boxed(),
            });
            c.next += 1;
            return Ok(Some((Bytes::from(header), c)));
        }
        if c.finished {
            return Ok(None);
        }
        c.finished = true;
        let trailer = c.plan.trailer();
        Ok(Some((Bytes::from(trailer), c)))
    })
}
