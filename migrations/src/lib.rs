//! Schema migrations, applied in order by `oko migrate` and at server start.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_000001_org_tree_and_users;
mod m20261122_000002_publications;
mod m20261122_000003_publications_version;
mod m20261123_000004_file_storages;
mod m20261123_000005_data_collection;
mod m20261124_000006_user_changes;
mod m20261124_000007_returns;
mod m20261124_000008_jobs;
mod m20261124_000009_api_tokens;
mod m20261124_000010_notifications;
mod m20261124_000011_analytics;
mod m20261124_000012_audit_log;
mod m20261124_000013_passports;
mod m20261124_000014_forum;
mod m20261124_000015_organisation_closing;
mod m20261125_000016_drop_report_jobs;
mod m20261204_000017_sessions_since;
mod m20261204_000018_login_failures;
mod m20261206_000019_idempotency_keys;
mod m20261206_000020_announcements;
mod m20261206_000021_reminders;
mod m20261206_000022_reminder_hours;
mod m20261206_000023_acceptance;
mod m20261206_000024_cell_comments;
mod m20261206_000025_explanations;
mod m20261206_000026_shared_lists;
mod m20261207_000027_form_attachments;

/// All migrations of Oko, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_org_tree_and_users::Migration),
            Box::new(m20261122_000002_publications::Migration),
            Box::new(m20261122_000003_publications_version::Migration),
            Box::new(m20261123_000004_file_storages::Migration),
            Box::new(m20261123_000005_data_collection::Migration),
            Box::new(m20261124_000006_user_changes::Migration),
            Box::new(m20261124_000007_returns::Migration),
            Box::new(m20261124_000008_jobs::Migration),
            Box::new(m20261124_000009_api_tokens::Migration),
            Box::new(m20261124_000010_notifications::Migration),
            Box::new(m20261124_000011_analytics::Migration),
            Box::new(m20261124_000012_audit_log::Migration),
            Box::new(m20261124_000013_passports::Migration),
            Box::new(m20261124_000014_forum::Migration),
            Box::new(m20261124_000015_organisation_closing::Migration),
            Box::new(m20261125_000016_drop_report_jobs::Migration),
            Box::new(m20261204_000017_sessions_since::Migration),
            Box::new(m20261204_000018_login_failures::Migration),
            Box::new(m20261206_000019_idempotency_keys::Migration),
            Box::new(m20261206_000020_announcements::Migration),
            Box::new(m20261206_000021_reminders::Migration),
            Box::new(m20261206_000022_reminder_hours::Migration),
            Box::new(m20261206_000023_acceptance::Migration),
            Box::new(m20261206_000024_cell_comments::Migration),
            Box::new(m20261206_000025_explanations::Migration),
            Box::new(m20261206_000026_shared_lists::Migration),
            Box::new(m20261207_000027_form_attachments::Migration),
        ]
    }
}
