//! Schema changes of a release can be taken back: the newest migration goes down
//! and up again on a database with data, on both databases.

mod support;

use oko_migrations::{Migrator, MigratorTrait, SchemaManager};
use support::{Backend, spawn_app};

on_both_databases!(the_newest_migration_goes_down_and_up_again);

async fn the_newest_migration_goes_down_and_up_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let schema = SchemaManager::new(&app.db);
    let has_report_jobs = || async { schema.has_table("report_jobs").await.expect("look") };
    assert!(!has_report_jobs().await, "migration 16 dropped report_jobs");

    Migrator::down(&app.db, Some(1))
        .await
        .expect("take migration 16 back");
    assert!(
        has_report_jobs().await,
        "taken back, the table is there again"
    );

    Migrator::up(&app.db, None).await.expect("apply it again");
    assert!(!has_report_jobs().await);
    let (status, me) = app.get("/api/me", &app.token("admin").await).await;
    assert!(status.is_success(), "{me}");
}
