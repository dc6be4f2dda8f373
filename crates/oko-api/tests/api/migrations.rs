//! Schema changes of a release can be taken back: the newest migrations go down
//! and up again on a database with data, on both databases.

use crate::support::{Backend, spawn_app};
use oko_migrations::{Migrator, MigratorTrait, SchemaManager};

on_both_databases!(the_newest_migrations_go_down_and_up_again);

async fn the_newest_migrations_go_down_and_up_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let schema = SchemaManager::new(&app.db);
    let has = |table: &'static str, column: &'static str| {
        let schema = &schema;
        async move { schema.has_column(table, column).await.expect("look") }
    };
    let applied = || async {
        (
            has("shared_lists", "list_values").await,
            has("form_attachments", "store_key").await,
        )
    };
    assert_eq!(applied().await, (true, true), "migrations 26 and 27");

    Migrator::down(&app.db, Some(1))
        .await
        .expect("take migration 27 back");
    assert_eq!(
        applied().await,
        (true, false),
        "attached files' records are gone"
    );
    Migrator::down(&app.db, Some(1))
        .await
        .expect("take migration 26 back");
    assert_eq!(applied().await, (false, false), "and the shared lists");

    Migrator::up(&app.db, None).await.expect("apply them again");
    assert_eq!(applied().await, (true, true));
    let (status, me) = app.get("/api/me", &app.token("admin").await).await;
    assert!(status.is_success(), "{me}");
}
