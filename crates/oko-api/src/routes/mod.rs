//! Handlers, one file per resource action; each carries its `#[utoipa::path]`, its
//! auth check and its call into `oko-db`.

use utoipa_actix_web::service_config::ServiceConfig;

mod auth;
mod common_responses;
mod me;
mod meta;
mod orgs;

/// Registers every `/api` handler. Handlers are added with `.service(handler)` only:
/// that is what puts them into the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(me::get_me)
        .service(orgs::list_orgs)
        .service(meta::get_openapi)
        .service(meta::get_api_docs);
}
