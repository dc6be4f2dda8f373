//! The single-page app: files of the trunk build, and `index.html` for every other
//! path that is not under `/api`, so that the SPA's own routes survive a reload.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, Responder, http::header, web};
use oko_domain::error_code::ErrorCode;

use crate::error::ApiError;

/// Where the built SPA lives.
pub struct SpaFiles {
    root: PathBuf,
}

impl SpaFiles {
    /// The SPA built into `root` (trunk's `dist`).
    pub fn new(root: &Path) -> SpaFiles {
        SpaFiles {
            root: root.to_path_buf(),
        }
    }

    /// The file for a request path, if it names one inside the root.
    fn file(&self, request_path: &str) -> Option<PathBuf> {
        let relative = Path::new(request_path.trim_start_matches('/'));
        // Only plain names: no `..`, no absolute parts, so nothing outside the root.
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let candidate = self.root.join(relative);
        candidate.is_file().then_some(candidate)
    }
}

/// The default service: unknown `/api` paths answer a 404 problem; anything else is
/// a file of the SPA or its `index.html`.
pub async fn serve(req: HttpRequest, spa: web::Data<SpaFiles>) -> HttpResponse {
    let path = req.path();
    if path == "/api" || path.starts_with("/api/") {
        let allowed = crate::openapi::methods_of(path);
        if !allowed.is_empty() {
            let mut response = actix_web::ResponseError::error_response(&ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!("{path} принимает только {}", allowed.join(", ")),
            ));
            if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            return response;
        }
        return actix_web::ResponseError::error_response(&ApiError::new(
            ErrorCode::NotFound,
            format!("Нет такого адреса API: {path}"),
        ));
    }
    if let Some(file) = spa.file(path)
        && let Ok(named) = NamedFile::open_async(&file).await
    {
        // trunk puts a content hash into every asset name except index.html.
        let mut response = named.respond_to(&req).map_into_boxed_body();
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        return response;
    }
    match tokio::fs::read_to_string(spa.root.join("index.html")).await {
        Ok(index) => {
            // Read as it is now (a rebuilt SPA has a new bootstrap), hashed for the
            // policy that lets only that bootstrap run.
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .insert_header((
                    header::CONTENT_SECURITY_POLICY,
                    crate::csp::spa_policy(&index),
                ))
                .body(index)
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT_PAGE),
    }
}

const NOT_BUILT_PAGE: &str = "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\">\
<title>ФИС ОКО</title><p>Веб-приложение не собрано. Запустите <code>cargo xtask run</code> \
или укажите каталог сборки в <code>OKO_SPA_DIR</code>. API работает: \
<a href=\"/api/docs\">/api/docs</a>.</p></html>";
