//! `GET /api/openapi.json` and `GET /api/docs`: the API describing itself.

use actix_web::{HttpResponse, get, http::header};

use crate::openapi::document_json;

/// This document.
#[utoipa::path(
    tag = "meta",
    operation_id = "get_openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json",
        body = Object, example = json!({"openapi": "3.1.0", "info": {"title": "Oko API"}})))
)]
#[get("/openapi.json")]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(document_json())
}

/// An interactive viewer of this document (self-contained: works without internet).
#[utoipa::path(
    tag = "meta",
    operation_id = "get_api_docs",
    responses((status = 200, description = "HTML page", content_type = "text/html", body = String,
        example = json!("<!doctype html>…")))
)]
#[get("/docs")]
pub async fn get_api_docs() -> HttpResponse {
    const PAGE: &str = include_str!("../assets/api-docs.html");
    static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            POLICY
                .get_or_init(|| crate::csp::docs_policy(PAGE))
                .as_str(),
        ))
        .body(PAGE)
}
