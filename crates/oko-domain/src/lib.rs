//! Oko's domain: the rules every part of the system shares.
//!
//! Nothing here does I/O, so the server and the WASM SPA run the very same code
//! (one login parser, one set of error texts, one Moscow clock format).

pub mod acceptance;
pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod api;
pub mod api_tokens;
pub mod audit;
pub mod collections;
pub mod comments;
pub mod error_code;
pub mod forecast;
pub mod forms;
pub mod forum;
pub mod jobs;
pub mod login;
pub mod login_throttle;
pub mod markdown;
pub mod monitoring;
pub mod moscow_time;
pub mod notifications;
pub mod org;
pub mod paging;
pub mod passport;
pub mod password_policy;
pub mod publications;
pub mod reminders;
pub mod role;
pub mod scope;
pub mod storages;
pub mod text;
