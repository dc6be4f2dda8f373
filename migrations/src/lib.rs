//! Schema migrations, applied in order by `oko migrate` and at server start.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_org_tree_and_users;
mod m20261122_000002_publications;
mod m20261122_000003_publications_version;

/// All migrations of Oko, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_org_tree_and_users::Migration),
            Box::new(m20261122_000002_publications::Migration),
            Box::new(m20261122_000003_publications_version::Migration),
        ]
    }
}
