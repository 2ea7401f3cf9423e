//! The portal's "Автопродление услуг" and "Автоплатеж" changed by clicking,
//! on both backends (PMT-5, PMT-7): a service's renewal method switched to
//! the balance and back, a bad choice refused next to its row, another
//! client's method not found, auto-renewal switched off; the autopayment
//! saved with the recommended maximum, "∞" with a limited method refused
//! next to the method, and switched off.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::App;
use crate::common::pages::{field_error, text_at};

backend_test!(async fn pmt7_the_renewal_method_is_changed_and_auto_renewal_switched_off_in_the_portal(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("RENEWP", None).await;
    let method = app.card_method("card", "Card", None).await;
    let service = app.vds("VDS-P", "300.00").await;
    let portal = app.portal("RENEWP").await;
    let saved = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": method, "name": "Visa *1111", "amount": "700.00" })).await;
    let order = json!({ "service_id": service, "months": 1, "saved_method_id": saved });
    let r = portal.post(app.url(&format!("/clients/{client}/paid-subscriptions"))).json(&order).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let sub = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let pages = app.pages("RENEWP").await;
    let row = format!("data-test=\"renewal-{sub}\"");
    let method_of = |html: &str| {
        let at = html.find(&row).expect("the service's row");
        text_at(&html[at..], "data-test=\"method\"")
    };
    let list = pages.page("/finance/auto-renewals").await;
    assert_eq!(method_of(&list).as_deref(), Some("Visa *1111"));
    assert!(list.contains(&format!("<option value=\"{saved}\" selected>Visa *1111 (Включено)</option>")), "{list}");

    // "Лицевой счёт", then back to the card.
    let choose = format!("/finance/auto-renewals/{sub}/method");
    pages.form(&choose, &[("saved_method_id", ""), ("action", "method")]).await.assert_redirect("/finance/auto-renewals");
    let list = pages.page("/finance/auto-renewals").await;
    assert_eq!(text_at(&list, "data-test=\"notice\"").as_deref(), Some("Сохранено"));
    assert_eq!(method_of(&list).as_deref(), Some("Лицевой счёт"));
    assert!(app.get(&format!("/clients/{client}/auto-renewals")).await[0]["saved_method_id"].is_null());
    let id = saved.to_string();
    pages.form(&choose, &[("saved_method_id", &id), ("action", "method")]).await.assert_redirect("/finance/auto-renewals");
    assert_eq!(app.get(&format!("/clients/{client}/auto-renewals")).await[0]["saved_method_id"], json!(saved));

    // A choice that is no method: refused on its row, nothing changed.
    let sent = pages.form(&choose, &[("saved_method_id", "card"), ("action", "method")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "saved_method_id").as_deref(), Some("Выберите значение"));
    // Another client's saved method is not found.
    let (other, other_payer) = app.client("RENEWQ", None).await;
    let other_portal = app.portal("RENEWQ").await;
    let theirs = app.saved_method(&other_portal, other, json!({ "payer_id": other_payer, "method_id": method })).await.to_string();
    let sent = pages.form(&choose, &[("saved_method_id", &theirs), ("action", "method")]).await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/clients/{client}/auto-renewals")).await[0]["saved_method_id"], json!(saved));
    // And another client's service.
    let nosy = app.pages("RENEWQ").await;
    assert_eq!(nosy.form(&choose, &[("action", "off")]).await.status, StatusCode::NOT_FOUND);

    // "Отключить": the service no longer renews.
    pages.form(&choose, &[("saved_method_id", &id), ("action", "off")]).await.assert_redirect("/finance/auto-renewals");
    let list = pages.page("/finance/auto-renewals").await;
    assert_eq!(text_at(&list, "data-test=\"notice\"").as_deref(), Some("Автопродление отключено"));
    assert!(list.contains("data-test=\"no-renewals\""), "{list}");
    assert_eq!(app.get(&format!("/subscriptions/{sub}")).await["auto_renew"], false);
});

backend_test!(async fn pmt5_the_autopayment_is_saved_refused_with_a_limited_method_and_switched_off_in_the_portal(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("AUTOP", None).await;
    let free = app.card_method("card", "Card", None).await;
    let limited = app.card_method("lim", "Limited card", Some(("10.00", "15000.00"))).await;
    let service = app.vds("VDS-A", "620.00").await;
    app.credit(client, "1000.00").await;
    let portal = app.portal("AUTOP").await;
    let (status, sub) = app.post(&format!("/clients/{client}/paid-subscriptions"), json!({ "service_id": service, "months": 1 })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let visa = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": free, "name": "Visa", "amount": "100.00" })).await;
    let mir = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": limited, "name": "Mir" })).await;
    let (visa, mir) = (visa.to_string(), mir.to_string());
    let pages = app.pages("AUTOP").await;

    let form = pages.page("/finance/autopay").await;
    assert!(form.contains("value=\"682,00\"") || form.contains("value=\"682.00\""), "the recommended maximum is offered: {form}");
    assert!(form.contains("Mir — 10.00 … 15000.00"), "{form}");

    pages.form("/finance/autopay", &[("saved_method_id", &mir), ("monthly_max", "682,00"), ("action", "on")]).await.assert_redirect("/finance/autopay");
    let current = &app.get(&format!("/clients/{client}/autopay")).await["current"];
    assert_eq!((current["saved_method_id"].to_string(), current["monthly_max"].as_str(), current["enabled"].as_bool()), (mir.clone(), Some("682.00"), Some(true)));
    let page = pages.page("/finance/autopay").await;
    assert_eq!(text_at(&page, "data-test=\"autopay-state\"").as_deref().map(|s| s.starts_with("Автоплатёж включён")), Some(true), "{page}");

    // "∞" (no maximum) with a limited method: refused next to the method.
    let sent = pages.form("/finance/autopay", &[("saved_method_id", &mir), ("monthly_max", ""), ("action", "on")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "saved_method_id").as_deref(),
        Some("Без ограничения суммы можно выбрать только метод без ограничений суммы платежа")
    );
    assert_eq!(app.get(&format!("/clients/{client}/autopay")).await["current"]["monthly_max"], "682.00");
    // A bad maximum: refused next to it.
    let sent = pages.form("/finance/autopay", &[("saved_method_id", &visa), ("monthly_max", "много"), ("action", "on")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&sent.html, "monthly_max").is_some(), "{}", sent.html);
    // "∞" with the method without limits is taken.
    pages.form("/finance/autopay", &[("saved_method_id", &visa), ("monthly_max", ""), ("action", "on")]).await.assert_redirect("/finance/autopay");
    let current = &app.get(&format!("/clients/{client}/autopay")).await["current"];
    assert_eq!((current["saved_method_id"].to_string(), current["monthly_max"].is_null()), (visa.clone(), true));

    // "Отключить": kept with its method, off.
    pages.form("/finance/autopay", &[("saved_method_id", &visa), ("monthly_max", ""), ("action", "off")]).await.assert_redirect("/finance/autopay");
    let page = pages.page("/finance/autopay").await;
    assert_eq!(text_at(&page, "data-test=\"notice\"").as_deref(), Some("Автоплатёж отключён"));
    assert_eq!(app.get(&format!("/clients/{client}/autopay")).await["current"]["enabled"], false);
});
