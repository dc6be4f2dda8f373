//! Every API integration test in one binary (one link instead of one per
//! file): a module per resource, each test run on SQLite and on PostgreSQL
//! (`on_both_databases!`) against a real `oko` server of its own.

#[macro_use]
mod support;
mod programs;

mod accounts;
mod admin;
mod analytics;
mod api_tokens;
mod auth;
mod backup;
mod bad_input;
mod cli;
mod collections;
mod faults;
mod forum;
mod hostile_input;
mod idempotency;
mod jobs;
mod metrics;
mod migrations;
mod openapi;
mod orgs;
mod passport;
mod publications;
mod request_log;
mod sessions;
mod spa_and_docs;
mod storages;
mod storages_s3;
