//! The portal's main pages over the demo data (OPS-5), each shown with
//! something in it and no error; with `KOPEK_SCREENSHOTS=1` the pictures go
//! to `docs/screenshots/` for the README (`KOPEK_SCREENSHOTS=1 cargo test
//! -p kopek-web --test browser screenshots`), else to `target/screenshots/`.

use std::path::PathBuf;

use kopek_engine::jobs::demo::{DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_CLIENT_PASSWORD};
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
    for (name, path, nav) in PAGES {
        picture(&p, name, path, nav).await;
    }
    p.close().await;
}

/// The staff panel's screens over the demo, as its admin sees them.
#[tokio::test]
async fn ops5_the_staff_panel_s_main_pages_show_the_demo_and_are_pictured() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.engine.load_demo().await.unwrap().expect("the demo loads");
    p.go("/admin/login").await;
    p.fill("email", DEMO_ADMIN_EMAIL).await;
    p.fill("password", DEMO_ADMIN_PASSWORD).await;
    p.click("login").await;
    let first = p.t.engine.clients(&kopek_engine::Ctx::system("test"), 0, 1).await.unwrap()[0].id;
    let card = format!("/admin/clients/{first}");
    for (name, path, nav) in [
        ("admin-dashboard", "/admin", "dashboard"),
        ("admin-clients", "/admin/clients", "clients"),
        ("admin-client", card.as_str(), "clients"),
        ("admin-payments", "/admin/payments", "payments"),
        ("admin-statement", "/admin/payments/statement", "payments"),
        ("admin-methods", "/admin/methods", "methods"),
        ("admin-night", "/admin/night", "night"),
        ("admin-services", "/admin/services", "catalog"),
        ("admin-products", "/admin/products", "products"),
        ("admin-documents", "/admin/documents", "documents"),
        ("admin-notifications", "/admin/notifications", "notifications"),
        ("admin-tickets", "/admin/tickets", "tickets"),
        ("admin-audit", "/admin/audit", "audit"),
        ("admin-staff", "/admin/staff", "staff"),
    ] {
        picture(&p, name, path, nav).await;
    }
    p.close().await;
}

/// Opens `path`, checks it stays there, marks `nav` in the menu and has a
/// heading, and saves its picture as `name`.png.
async fn picture(p: &Portal, name: &str, path: &str, nav: &str) {
    let to_docs = std::env::var("KOPEK_SCREENSHOTS").is_ok_and(|v| v == "1");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(if to_docs {
        "../../docs/screenshots"
    } else {
        "../../target/screenshots"
    });
    std::fs::create_dir_all(&dir).unwrap();
    p.go(path).await;
    assert_eq!(p.path().await, path, "{name} stays where it was asked for");
    let marked = p.driver.find(By::Css("[aria-current='page']")).await.unwrap();
    assert_eq!(marked.attr("data-nav").await.unwrap().as_deref(), Some(nav), "{name} marks its menu item");
    assert!(!p.heading().await.is_empty(), "{name} has a heading");
    p.driver.screenshot(&dir.join(format!("{name}.png"))).await.unwrap();
}
