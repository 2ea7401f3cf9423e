//! The staff panel's catalog over plain HTTP, on both backends (OPS-5,
//! CAT-1 … CAT-12): an admin creates a service through the one form with
//! every option, bad input stays next to its field and stores nothing, and
//! a staff member who is not an admin reads the form but can't change it.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::App;
use crate::common::pages::{field_error, text_at};

/// The form as an admin fills it for "Интернет 100": 600.00 a month,
/// daily write-off, a threshold override and a shaper.
fn internet<'a>(price: &'a str, valid_from: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("main.name", "Интернет 100"),
        ("main.kind", "periodic"),
        ("fee.price", price),
        ("fee.write_off", "daily"),
        ("fee.period", "month"),
        ("fee.currency", "RUB"),
        ("fee.vat_percent", "20"),
        ("fee.vat_rate", "fixed"),
        ("fee.shift_charge_date", "on"),
        ("conditions.speed.in_kbps", "102400"),
        ("conditions.speed.out_kbps", "51200"),
        ("additional.threshold_override", "-300"),
        ("additional.charge_shift_minutes", "0"),
        ("portal.orderable", "on"),
        ("calendar", "standard"),
        ("valid_from", valid_from),
    ]
}

backend_test!(async fn ops5_cat12_an_admin_creates_a_service_through_the_form_and_bad_input_stays_next_to_its_field(db) {
    let app = App::spawn(db).await;
    let admin = app.admin_pages(&app.staff_user("admin").await, "staff-password").await;
    let list = admin.page("/admin/services").await;
    assert_eq!(text_at(&list, "data-test=\"no-services\"").as_deref(), Some("Услуг пока нет."));
    assert!(list.contains("aria-current=\"page\" data-nav=\"catalog\""), "the menu marks «Услуги»");
    let blank = admin.page("/admin/services/new").await;
    for tab in ["main", "fee", "integration", "conditions", "additional", "lifetime", "accounts", "portal", "calendar"] {
        assert!(blank.contains(&format!("data-test=\"tab-{tab}\"")), "the tab {tab}");
    }
    assert_eq!(text_at(&blank, "data-test=\"tab-fee\"").map(|t| t.starts_with("Абонентская плата")), Some(true));
    let today = app.t.engine.local_today().to_string();

    // A price that is not a number: next to the price, the rest kept, nothing stored.
    let sent = admin.form("/admin/services", &internet("шестьсот", &today)).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, "fee.price").as_deref(), Some("Введите число, например 600,00"));
    assert!(sent.html.contains("value=\"Интернет 100\"") && sent.html.contains("value=\"шестьсот\""));
    assert!(sent.html.contains("name=\"fee.shift_charge_date\" value=\"on\" checked"), "the box stays ticked");
    // A negative price the domain refuses, in the staff member's words, next to the price.
    let sent = admin.form("/admin/services", &internet("-600", &today)).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "fee.price").as_deref(),
        Some("Цена — не больше четырёх знаков после запятой; отрицательная только у скидки/наценки")
    );
    let mut only_in = internet("600", &today);
    only_in.push(("accounts.count", "много"));
    let sent = admin.form("/admin/services", &only_in).await;
    assert_eq!(field_error(&sent.html, "accounts.count").as_deref(), Some("Введите целое число"));
    assert_eq!(app.get("/services").await, json!([]), "nothing stored");

    // The good form: stored with every option as typed.
    let sent = admin.form("/admin/services", &internet("600,00", &today)).await;
    let services = app.get("/services").await;
    let id = services[0]["id"].as_i64().expect("one service");
    sent.assert_redirect(&format!("/admin/services/{id}"));
    let spec = &services[0]["versions"][0]["spec"];
    assert_eq!(services[0]["versions"][0]["valid_from"], today.as_str());
    assert_eq!((spec["main"]["name"].as_str(), spec["fee"]["price"].as_str()), (Some("Интернет 100"), Some("600.00")));
    assert_eq!(spec["additional"]["threshold_override"], "-300");
    assert_eq!(spec["conditions"]["speed"], json!({ "in_kbps": 102400, "out_kbps": 51200 }));
    assert_eq!((spec["fee"]["shift_charge_date"].as_bool(), spec["integration"]["silent"].as_bool()), (Some(true), Some(false)));
    assert_eq!(spec["integration"]["nas"], json!(null), "an empty text is none");

    let page = admin.page(&format!("/admin/services/{id}")).await;
    assert_eq!(text_at(&page, "data-test=\"notice\"").as_deref(), Some("Сохранено"));
    assert!(page.contains("name=\"fee.price\" type=\"text\" value=\"600.00\""), "the form is filled from the spec");
    let row = &page[page.find("data-test=\"version-1\"").unwrap()..];
    assert_eq!(text_at(row, "data-test=\"price\"").as_deref(), Some("600,00 ₽"));
    assert_eq!(text_at(row, "data-test=\"speed\"").as_deref(), Some("102400 / 51200"));
    let change = &page[page.find("data-test=\"change-1\"").unwrap()..];
    assert_eq!(text_at(change, "data-test=\"actor\"").as_deref(), Some("admin@staff.test"));
    let list = admin.page("/admin/services").await;
    let row = &list[list.find(&format!("data-test=\"service-{id}\"")).unwrap()..];
    assert_eq!(text_at(row, "data-test=\"kind\"").as_deref(), Some("Периодическая (абонентская плата)"));
    assert_eq!(text_at(row, "data-test=\"price\"").as_deref(), Some("600,00 ₽"));
    assert_eq!(text_at(row, "data-test=\"period\"").as_deref(), Some("Месяц"));
    assert_eq!(text_at(row, "data-test=\"versions-count\"").as_deref(), Some("1"));

    // A new price before the newest version: next to «Действует с», nothing changed.
    let mut earlier = internet("700", "2020-01-01");
    earlier[0] = ("main.name", "Интернет 200");
    let sent = admin.form(&format!("/admin/services/{id}"), &earlier).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "valid_from").as_deref(),
        Some("Новая цена или скорость не может действовать раньше последней версии")
    );
    assert_eq!(app.get(&format!("/services/{id}")).await["name"], "Интернет 100");

    // The same refusals in English for a staff member who reads English.
    admin.form("/lang", &[("lang", "en"), ("next", "/admin/services")]).await.assert_redirect("/admin/services");
    let sent = admin.form(&format!("/admin/services/{id}"), &earlier).await;
    assert_eq!(field_error(&sent.html, "valid_from").as_deref(), Some("A new price or speed can't start before the newest version"));
    let sent = admin.form(&format!("/admin/services/{id}"), &internet("six hundred", &today)).await;
    assert_eq!(field_error(&sent.html, "fee.price").as_deref(), Some("Enter a number, e.g. 600.00"));
    let sent = admin.form(&format!("/admin/services/{id}"), &internet("-1", &today)).await;
    assert_eq!(
        field_error(&sent.html, "fee.price").as_deref(),
        Some("At most four decimal places; only a discount/markup may have a negative price")
    );
    assert_eq!(app.get(&format!("/services/{id}")).await["versions"].as_array().map(Vec::len), Some(1), "nothing changed");
});

backend_test!(async fn ops5_cat12_acc4_staff_who_are_not_admins_read_the_form_and_a_posted_change_is_refused(db) {
    let app = App::spawn(db).await;
    let (status, created) = app
        .post("/services", json!({ "spec": {
            "main": { "name": "Интернет 100", "kind": "periodic" },
            "fee": { "price": "600.00", "write_off": "daily", "currency": "RUB" } } }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let before = app.get("/services").await;

    for role in ["accountant", "read_only"] {
        let pages = app.admin_pages(&app.staff_user(role).await, "staff-password").await;
        let list = pages.page("/admin/services").await;
        assert!(list.contains(&format!("data-test=\"service-{id}\"")) && !list.contains("data-test=\"new-service\""));
        let page = pages.page(&format!("/admin/services/{id}")).await;
        assert!(page.contains("<fieldset class=\"service-form\" disabled>"), "read-only for {role}");
        assert!(!page.contains("data-test=\"save-service\""), "no save button for {role}");
        assert!(page.contains("value=\"Интернет 100\""));

        let sent = pages.form(&format!("/admin/services/{id}"), &internet("1", "2030-01-01")).await;
        assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
        assert_eq!(text_at(&sent.html, "data-test=\"refused\"").as_deref(), Some("Недостаточно прав для этого действия"));
        let sent = pages.form("/admin/services", &internet("1", "2030-01-01")).await;
        assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
    }
    assert_eq!(app.get("/services").await, before, "nothing changed");
    assert_eq!(app.get(&format!("/services/{id}/history")).await.as_array().map(Vec::len), Some(1));
});

backend_test!(async fn ops5_cat5_cat11_an_admin_groups_services_into_a_tariff_and_marks_holidays_through_the_forms(db) {
    let app = App::spawn(db).await;
    let mut ids = Vec::new();
    for (name, lifetime) in [("Интернет 100", json!({})), ("Пробный", json!({ "days": 7 }))] {
        let (status, s) = app
            .post("/services", json!({ "spec": {
                "main": { "name": name, "kind": "periodic" },
                "fee": { "price": "600.00", "write_off": "daily", "currency": "RUB" }, "lifetime": lifetime } }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        ids.push(s["id"].as_i64().unwrap().to_string());
    }
    let admin = app.admin_pages(&app.staff_user("admin").await, "staff-password").await;
    let page = admin.page("/admin/tariffs").await;
    assert_eq!(text_at(&page, "data-test=\"no-tariffs\"").as_deref(), Some("Тарифов пока нет."));

    let sent = admin.form("/admin/tariffs", &[("name", "Домашний"), ("description", "")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "services").as_deref(),
        Some("Выберите хотя бы одну услугу; услуги со временем жизни и системные в тариф не входят")
    );
    assert!(sent.html.contains("value=\"Домашний\""));
    let sent = admin.form("/admin/tariffs", &[("name", "Домашний"), ("services", &ids[0]), ("services", &ids[1])]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "a service with a lifetime can't be in a tariff");
    assert!(sent.html.contains(&format!("value=\"{}\" checked", ids[1])), "the choice is kept");
    assert_eq!(app.get("/tariffs").await, json!([]));
    admin.form("/admin/tariffs", &[("name", "Домашний"), ("description", "Для дома"), ("services", &ids[0])]).await.assert_redirect("/admin/tariffs");
    let page = admin.page("/admin/tariffs").await;
    assert_eq!(text_at(&page, "data-test=\"tariff-services\"").as_deref(), Some("Интернет 100"));

    let sent = admin.form("/admin/holidays", &[("calendar", "РФ"), ("days", "2027-01-01, 01.01.2027")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "days").as_deref(), Some("Введите даты через запятую, например 2027-01-01, 2027-01-02"));
    let sent = admin.form("/admin/holidays", &[("calendar", ""), ("days", "2027-01-01")]).await;
    assert_eq!(field_error(&sent.html, "calendar").as_deref(), Some("Укажите название календаря"));
    admin.form("/admin/holidays", &[("calendar", "РФ"), ("days", "2027-01-01\n2027-01-02")]).await.assert_redirect("/admin/tariffs");

    let support = app.admin_pages(&app.staff_user("support").await, "staff-password").await;
    let page = support.page("/admin/tariffs").await;
    assert!(page.contains("Домашний") && !page.contains("data-test=\"tariff-form\""), "support reads, can't create");
    let sent = support.form("/admin/tariffs", &[("name", "Чужой"), ("services", &ids[0])]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    assert_eq!(text_at(&sent.html, "data-test=\"refused\"").as_deref(), Some("Недостаточно прав для этого действия"));
    assert_eq!(app.get("/tariffs").await.as_array().map(Vec::len), Some(1));
});
