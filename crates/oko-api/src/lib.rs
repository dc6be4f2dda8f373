//! Oko's HTTP API: actix-web handlers by resource, the auth extractor, problem+json
//! errors, the OpenAPI document and the SPA's static files.

mod analytics;
mod audit;
pub mod auth;
mod backup;
mod bell;
pub mod cli;
pub mod config;
mod csp;
pub mod disk;
pub mod error;
pub mod file_store;
mod idempotency;
mod input_guard;
mod jobs;
pub mod metrics;
mod now_and_then;
pub mod openapi;
mod openapi_errors;
mod references;
pub mod request_log;
mod routes;
mod spa;
pub mod startup;
pub mod state;
