//! OPS-2: both migrations produce the same tables and columns.

use std::collections::BTreeSet;

use kopek_store::testing::TestDb;
use kopek_store::{Store, on_db};

async fn columns(store: &Store) -> BTreeSet<(String, String)> {
    let mut conn = store.conn().await.unwrap();
    let rows: Vec<(String, String)> = match store {
        Store::Postgres(_) => on_db!(conn, db => sqlx::query_as(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'")
            .fetch_all(db).await),
        Store::Sqlite(_) => on_db!(conn, db => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT IN ('_sqlx_migrations', 'sqlite_sequence')")
            .fetch_all(db).await),
    }
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn ops2_both_migrations_make_the_same_tables_and_columns() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else { return };
    let (s, p) = (columns(&sqlite.store).await, columns(&pg.store).await);
    assert!(s.len() > 50, "the schema has its tables: {s:?}");
    let only_sqlite: Vec<_> = s.difference(&p).collect();
    let only_pg: Vec<_> = p.difference(&s).collect();
    assert!(only_sqlite.is_empty() && only_pg.is_empty(), "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}");
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let db = TestDb::sqlite().await;
    db.store.migrate().await.unwrap();
    if let Some(pg) = TestDb::postgres().await {
        pg.store.migrate().await.unwrap();
    }
}

#[tokio::test]
async fn unknown_database_urls_are_refused() {
    let err = Store::connect("mysql://x").await.unwrap_err();
    assert!(err.to_string().contains("sqlite://PATH or postgres://"), "{err}");
}
