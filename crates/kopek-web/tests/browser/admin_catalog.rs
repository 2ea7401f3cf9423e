//! The staff panel's catalog in Chromium (OPS-5, CAT-2, CAT-4, CAT-12), in
//! Russian: a product manager (an admin) adds a periodic service with its
//! own disconnection threshold, then gives it a new price from the 1st of
//! next month, and reads the two versions and the change with its own
//! e-mail in the service's history.

use chrono::{Datelike, Months, NaiveDate};
use kopek_engine::accounts::clients::NewStaff;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::harness::Portal;

/// Sets a date input the way a date picker does (typed dates depend on the
/// browser's locale).
async fn set_date(p: &Portal, name: &str, day: NaiveDate) {
    let input = p.driver.find(By::Name(name)).await.unwrap();
    let script = "arguments[0].value = arguments[1];";
    p.driver.execute(script, vec![input.to_json().unwrap(), serde_json::json!(day.to_string())]).await.unwrap();
}

#[tokio::test]
async fn ops5_cat12_a_product_manager_adds_a_service_with_a_threshold_override_and_next_month_s_price() {
    let Some(p) = Portal::start(true).await else { return };
    let email = "manager@staff.test";
    let staff = NewStaff {
        email: email.into(),
        full_name: "Product Manager".into(),
        password: "staff-password".into(),
        role: "admin".into(),
    };
    p.t.engine.create_staff_user(&p.admin, staff).await.unwrap();
    let today = p.t.engine.local_today();
    let next_first = today.with_day(1).unwrap().checked_add_months(Months::new(1)).unwrap();
    let ru = |d: NaiveDate| d.format("%d.%m.%Y").to_string();

    p.go("/admin/login").await;
    p.fill("email", email).await;
    p.fill("password", "staff-password").await;
    p.click("login").await;
    p.go("/admin/services").await;
    assert_eq!(p.text("no-services").await, "Услуг пока нет.");
    p.click("new-service").await;
    assert_eq!(p.heading().await, "Новая услуга");
    p.fill("main.name", "Интернет 100").await;
    let kind = SelectElement::new(&p.driver.find(By::Name("main.kind")).await.unwrap()).await.unwrap();
    kind.select_by_value("periodic").await.unwrap();
    p.fill("fee.price", "500,00").await;
    let write_off = SelectElement::new(&p.driver.find(By::Name("fee.write_off")).await.unwrap()).await.unwrap();
    write_off.select_by_value("daily").await.unwrap();
    p.fill("fee.vat_percent", "20").await;
    p.driver.find(By::Name("additional.no_charge_if_insufficient_and_deactivate")).await.unwrap().click().await.unwrap();
    p.fill("additional.threshold_override", "-200").await;
    p.click("save-service").await;

    let id = p.t.engine.services(&p.admin).await.unwrap()[0].id;
    assert_eq!(p.path().await, format!("/admin/services/{id}"));
    assert_eq!(p.text("notice").await, "Сохранено");
    assert_eq!(p.heading().await, "Интернет 100");
    let spec = &p.t.engine.service(&p.admin, id).await.unwrap().versions[0].spec;
    assert_eq!(spec.additional.threshold_override, Some("-200".parse().unwrap()));
    assert!(spec.additional.no_charge_if_insufficient_and_deactivate);

    // Next month's price, from the 1st.
    p.fill("fee.price", "650").await;
    set_date(&p, "valid_from", next_first).await;
    p.click("save-service").await;
    assert_eq!(p.text("notice").await, "Сохранено");

    let v1 = p.driver.find(By::Css("[data-test='version-1']")).await.unwrap();
    let cell = |row: &WebElement, test: &'static str| {
        let row = row.clone();
        async move { row.find(By::Css(format!("[data-test='{test}']"))).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(cell(&v1, "valid-from").await, ru(today));
    assert_eq!(cell(&v1, "valid-to").await, ru(next_first));
    assert_eq!(cell(&v1, "price").await, "500,00 ₽");
    assert_eq!(cell(&v1, "period").await, "Месяц");
    let v2 = p.driver.find(By::Css("[data-test='version-2']")).await.unwrap();
    assert_eq!(cell(&v2, "valid-from").await, ru(next_first));
    assert_eq!(cell(&v2, "valid-to").await, "—");
    assert_eq!(cell(&v2, "price").await, "650,00 ₽");
    assert!(p.driver.find_all(By::Css("[data-test='version-3']")).await.unwrap().is_empty(), "two versions");

    let change = p.driver.find(By::Css("[data-test='change-1']")).await.unwrap();
    assert_eq!(cell(&change, "actor").await, email);
    assert_eq!(cell(&change, "action").await, "Изменение");
    assert_eq!(cell(&change, "what").await, format!("Новая версия с {}\nЦена: 500.00 → 650", ru(next_first)));
    let created = p.driver.find(By::Css("[data-test='change-2']")).await.unwrap();
    assert_eq!(cell(&created, "actor").await, email);
    assert_eq!(cell(&created, "what").await, format!("Услуга создана, действует с {}", ru(today)));

    p.go("/admin/services").await;
    let row = p.driver.find(By::Css(format!("[data-test='service-{id}']"))).await.unwrap();
    assert_eq!(cell(&row, "kind").await, "Периодическая (абонентская плата)");
    assert_eq!(cell(&row, "price").await, "500,00 ₽", "today's price until the 1st");
    assert_eq!(cell(&row, "versions-count").await, "2");
    p.close().await;
}
