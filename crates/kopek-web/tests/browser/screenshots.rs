//! The portal's main pages over the demo data (OPS-5), each shown with
//! something in it and no error; with `KOPEK_SCREENSHOTS=1` the pictures go
//! to `docs/screenshots/` for the README (`KOPEK_SCREENSHOTS=1 cargo test
//! -p kopek-web --test browser screenshots`), else to `target/screenshots/`.

use std::path::PathBuf;

use kopek_engine::jobs::demo::DEMO_CLIENT_PASSWORD;
use thirtyfour::prelude::*;

use crate::harness::Portal;

/// (file name, path, the menu item the page marks).
const PAGES: &[(&str, &str, &str)] = &[
    ("dashboard", "/", "dashboard"),
    ("profile", "/client/profile", "profile"),
    ("users", "/client/users", "users"),
    ("payers", "/client/payers", "payers"),
    ("payment-methods", "/client/payment-methods", "methods"),
    ("settings", "/client/settings", "settings"),
    ("cart", "/client/cart", "cart"),
    ("orders", "/client/orders", "orders"),
    ("services", "/services", "services"),
    ("order", "/services/order", "order"),
    ("payments", "/finance/payments", "payments"),
    ("top-up", "/finance/top-up", "top-up"),
    ("expenses", "/finance/expenses", "expenses"),
    ("auto-renewals", "/finance/auto-renewals", "auto-renewals"),
    ("autopay", "/finance/autopay", "autopay"),
    ("credit", "/finance/credit", "credit"),
];

#[tokio::test]
async fn ops5_every_main_page_shows_the_demo_and_is_pictured() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.engine.load_demo().await.unwrap().expect("the demo loads");
    p.log_in("ivanov@romashka.example", DEMO_CLIENT_PASSWORD).await;
    let to_docs = std::env::var("KOPEK_SCREENSHOTS").is_ok_and(|v| v == "1");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(if to_docs {
        "../../docs/screenshots"
    } else {
        "../../target/screenshots"
    });
    std::fs::create_dir_all(&dir).unwrap();
    for (name, path, nav) in PAGES {
        p.go(path).await;
        assert_eq!(p.path().await, *path, "{name} stays where it was asked for");
        let marked = p.driver.find(By::Css("[aria-current='page']")).await.unwrap();
        assert_eq!(marked.attr("data-nav").await.unwrap().as_deref(), Some(*nav), "{name} marks its menu item");
        assert!(!p.heading().await.is_empty(), "{name} has a heading");
        p.driver.screenshot(&dir.join(format!("{name}.png"))).await.unwrap();
    }
    p.close().await;
}
