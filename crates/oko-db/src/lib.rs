//! Oko's data layer: sea-orm entities and the queries the API needs. The one place
//! that knows SQL; every query works on SQLite and PostgreSQL.

pub mod acceptance;
pub mod admin;
pub mod analytics;
pub mod announcements;
pub mod api_tokens;
pub mod audit;
pub mod board;
pub mod collections;
pub mod comments;
pub mod connection;
pub mod demo;
pub mod demo_forum;
mod demo_names;
mod demo_publications;
pub mod demo_results;
pub mod demo_storages;
pub mod demo_surge;
pub mod download_report;
pub mod drafts;
pub mod entities;
pub mod faults;
pub mod form_attachments;
pub mod forms;
pub mod forum;
pub mod held;
pub mod idempotency;
pub mod jobs;
pub mod known_users;
pub mod login_failures;
pub mod monitoring;
pub mod notifications;
pub mod orgs;
pub mod passports;
pub mod principal;
pub mod publications;
pub mod reach;
pub mod refresh_tokens;
pub mod roster;
pub mod sections;
pub mod shared_lists;
pub mod storages;
pub mod sync;
pub mod users;

pub use sea_orm::{DatabaseConnection, DbErr};
