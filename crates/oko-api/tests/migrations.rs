//! Schema changes of a release can be taken back: the newest migration goes down
//! and up again on a database with data, on both databases.

mod support;

use oko_migrations::{Migrator, MigratorTrait, SchemaManager};
use support::{Backend, spawn_app};

on_both_databases!(the_newest_migration_goes_down_and_up_again);

async fn the_newest_migration_goes_down_and_up_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let schema = SchemaManager::new(&app.db);
    let has_sessions_since = || async {
        schema
            .has_column("users", "sessions_since")
            .await
            .expect("look")
    };
    assert!(has_sessions_since().await, "migration 17 added it");

    Migrator::down(&app.db, Some(1))
        .await
        .expect("take migration 17 back");
    assert!(!has_sessions_since().await, "taken back, the column is gone");

    Migrator::up(&app.db, None).await.expect("apply it again");
    assert!(has_sessions_since().await);
    let (status, me) = app.get("/api/me", &app.token("admin").await).await;
    assert!(status.is_success(), "{me}");
}
