//! Files the server answers only with the Authorization header (Excel templates,
//! form descriptions): fetched, then handed to the browser as a download.

use gloo_net::http::Response;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::{
    api::{ApiFailure, Body, Method},
    session::Session,
};

/// Fetches `path` as the user and saves the answer as `name`.
pub async fn download(session: Session, path: &str, name: &str) -> Result<(), ApiFailure> {
    save_answer(session.send(Method::Get, path, None).await?, name).await
}

/// Posts `file` to `path` as the user and saves the answer as `name` (a file
/// made from the user's own, such as the upload with its errors marked).
pub async fn download_made_from(
    session: Session,
    path: &str,
    file: web_sys::Blob,
    name: &str,
) -> Result<(), ApiFailure> {
    let answer = session
        .send_body(Method::Post, path, Body::File(file))
        .await?;
    save_answer(answer, name).await
}

/// Saves a successful answer's body as `name`.
async fn save_answer(response: Response, name: &str) -> Result<(), ApiFailure> {
    let bytes = response.binary().await.map_err(|e| ApiFailure {
        status: 0,
        code: None,
        message: format!("Файл не получен ({e})"),
        errors: Vec::new(),
        body: None,
    })?;
    save_bytes(&bytes, name);
    Ok(())
}

/// Offers `bytes` as a download named `name` (an object URL clicked through a
/// hidden link, released a minute later).
fn save_bytes(bytes: &[u8], name: &str) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(60_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}
