//! The payers and saved payment methods screens over plain HTTP, on both
//! backends (PAY-2, PAY-3, PAY-4, PMT-6): the create wizard step by step,
//! check-digit refusals next to their fields, edit, another client's payer,
//! the merge preview, and renaming and deleting a saved method.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::pages::{Pages, field_error, text_at};
use crate::common::{App, json_of};

/// A Russian company as the guide's form has it, with Sberbank's real
/// identifiers (their check digits hold).
const COMPANY: &[(&str, &str)] = &[
    ("country", "RU"),
    ("kind", "legal_entity"),
    ("name", "ООО \"Компания №1\""),
    ("contact_person", "Иван"),
    ("phone", "+7 (999) 111-22-33"),
    ("email", "client@example.com"),
    ("document_delivery", "portal"),
    ("document_delivery", "email"),
    ("legal_address.postcode", "140140"),
    ("legal_address.city", "Москва"),
    ("legal_address.address", "г. Москва, ул. Ленина, д. 1"),
    ("actual_same", "on"),
    ("inn", "7707083893"),
    ("kpp", "773601001"),
    ("ogrn", "1027700132195"),
    ("bank_name", "ПАО Сбербанк"),
    ("bik", "044525225"),
    ("settlement_account", "40702810938000000001"),
    ("correspondent_account", "30101810400000000225"),
    ("director_name", "Иванов Иван Иванович"),
    ("director_position", "Генеральный директор"),
    ("acting_on_basis", "Устава"),
];

/// The company's fields with `field` set to `value`.
fn company_with<'a>(field: &str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    COMPANY.iter().map(|&(k, v)| if k == field { (k, value) } else { (k, v) }).collect()
}

/// The value an input shows.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + "value=\"".len();
    let end = v + rest[v..].find('"')?;
    Some(rest[v..end].replace("&quot;", "\"").replace("&#x27;", "'").replace("&amp;", "&"))
}

async fn payers_of(app: &App, client: i64) -> Vec<Value> {
    app.get(&format!("/clients/{client}/payers")).await.as_array().unwrap().clone()
}

backend_test!(async fn pay2_the_wizard_creates_a_company_payer_shown_in_the_list(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("WIZ", None).await;
    let pages = app.pages("WIZ").await;

    // Step 1 the country, step 2 the kind, step 3 the kind's fields: each a
    // plain GET form.
    let step1 = pages.page("/client/payers/new").await;
    assert!(step1.contains("<option value=\"RU\" selected>Российская Федерация</option>"), "{step1}");
    let step2 = pages.page("/client/payers/new?country=RU").await;
    assert_eq!(text_at(&step2, "data-test=\"payer-country\"").as_deref(), Some("Российская Федерация"));
    for kind in ["individual", "legal_entity", "sole_proprietor"] {
        assert!(step2.contains(&format!("value=\"{kind}\" data-test=\"kind-{kind}\"")), "{step2}");
    }
    let step3 = pages.page("/client/payers/new?country=RU&kind=legal_entity").await;
    assert_eq!(text_at(&step3, "data-test=\"payer-kind\"").as_deref(), Some("Юридическое лицо"));
    for field in ["inn", "kpp", "ogrn", "bik", "settlement_account", "legal_address.city", "director_name_genitive"] {
        assert!(step3.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(!step3.contains("name=\"passport_series_number\"") && !step3.contains("name=\"iban\""), "not a company's");
    // A sole proprietor's form has no KPP but the passport.
    let sole = pages.page("/client/payers/new?country=RU&kind=sole_proprietor").await;
    assert!(!sole.contains("name=\"kpp\"") && sole.contains("name=\"passport_series_number\""));
    // Back keeps the answer.
    let back = pages.page("/client/payers/new?country=KZ&back=country").await;
    assert!(back.contains("<option value=\"KZ\" selected>Казахстан</option>"), "{back}");

    pages.form("/client/payers/new", COMPANY).await.assert_redirect("/client/payers");
    let list = payers_of(&app, client).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["id"].as_i64().unwrap();
    let stored = app.get(&format!("/payers/{id}")).await;
    assert_eq!(stored["kind"], "legal_entity");
    assert_eq!(
        stored["details"],
        json!({
            "country": "RU", "name": "ООО \"Компания №1\"", "contact_person": "Иван", "phone": "+7 (999) 111-22-33",
            "fax": null, "email": "client@example.com", "document_delivery": ["portal", "email"],
            "legal_address": { "country": null, "postcode": "140140", "city": "Москва", "address": "г. Москва, ул. Ленина, д. 1" },
            "actual_address": null,
            "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195", "bank_name": "ПАО Сбербанк",
            "bik": "044525225", "settlement_account": "40702810938000000001", "correspondent_account": "30101810400000000225",
            "iban": null, "swift": null, "accounting_settings": null,
            "director_name": "Иванов Иван Иванович", "director_position": "Генеральный директор",
            "director_name_genitive": null, "director_position_genitive": null, "director_name_dative": null,
            "director_position_dative": null, "acting_on_basis": "Устава",
            "passport_series_number": null, "passport_issue_date": null, "passport_issued_by": null, "birth_date": null,
            "registration_city": null, "registration_address": null,
        })
    );

    let html = pages.page("/client/payers").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Плательщик создан"));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{id}-name\"")).as_deref(), Some("ООО \"Компания №1\""));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{id}-kind\"")).as_deref(), Some("Юридическое лицо"));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{id}-country\"")).as_deref(), Some("Российская Федерация"));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{id}-inn\"")).as_deref(), Some("7707083893"));
    assert_eq!(text_at(&html, "data-test=\"total\"").as_deref(), Some("Показано: 1 из 1"));
    // The notice is shown once.
    assert_eq!(text_at(&pages.page("/client/payers").await, "data-test=\"notice\""), None);
    // The search finds by INN and not by what is not there.
    let found = pages.page("/client/payers?q=770708").await;
    assert_eq!(text_at(&found, "data-test=\"total\"").as_deref(), Some("Показано: 1 из 1"));
    let none = pages.page("/client/payers?q=nothing").await;
    assert_eq!(text_at(&none, "data-test=\"total\"").as_deref(), Some("Показано: 0 из 1"));

    // An individual: the passport dates as the guide writes them.
    let person = [
        ("country", "RU"), ("kind", "individual"), ("name", "Аня Банана"), ("passport_series_number", "1111 111111"),
        ("passport_issue_date", "01.12.2000"), ("passport_issued_by", "УФМС г. Москва"), ("birth_date", "1999-03-03"),
    ];
    pages.form("/client/payers/new", &person).await.assert_redirect("/client/payers");
    let list = payers_of(&app, client).await;
    let anna = app.get(&format!("/payers/{}", list[1]["id"])).await;
    assert_eq!((anna["details"]["passport_issue_date"].as_str(), anna["details"]["birth_date"].as_str()), (Some("2000-12-01"), Some("1999-03-03")));
});

backend_test!(async fn pay2_a_wrong_identifier_is_refused_next_to_its_field_and_nothing_is_created(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("BADINN", None).await;
    let pages = app.pages("BADINN").await;
    let cases = [
        ("inn", "7707083894", "Неверный ИНН: у юридического лица 10 цифр, последняя — контрольная; проверьте, нет ли опечатки"),
        ("inn", "770708389", "Неверный ИНН: у юридического лица 10 цифр, последняя — контрольная; проверьте, нет ли опечатки"),
        ("ogrn", "1027700132196", "Неверный ОГРН: 13 цифр, последняя — контрольная; проверьте, нет ли опечатки"),
        ("bik", "144525225", "Неверный БИК: 9 цифр, начинается с 04; без него счета не проверить"),
        ("settlement_account", "40702810938000000002", "Неверный расчетный счет: 20 цифр, контрольная цифра должна сходиться с БИК"),
    ];
    for (field, value, message) in cases {
        let sent = pages.form("/client/payers/new", &company_with(field, value)).await;
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", sent.html);
        assert_eq!(field_error(&sent.html, field).as_deref(), Some(message), "{field}");
        // What was typed is kept, the wrong value too.
        assert_eq!(input_value(&sent.html, field).as_deref(), Some(value));
        assert_eq!(input_value(&sent.html, "name").as_deref(), Some("ООО \"Компания №1\""));
        assert_eq!(input_value(&sent.html, "legal_address.city").as_deref(), Some("Москва"));
        assert!(sent.html.contains("value=\"email\" checked"), "the ticked boxes stay ticked");
    }
    assert!(payers_of(&app, client).await.is_empty());

    // A sole proprietor's INN has 12 digits, in English too.
    let sole = [("country", "RU"), ("kind", "sole_proprietor"), ("name", "ИП Петров"), ("contact_person", "Петр"), ("inn", "7707083893")];
    let sent = pages.form("/client/payers/new", &sole).await;
    assert_eq!(
        field_error(&sent.html, "inn").as_deref(),
        Some("Неверный ИНН: у физического лица и ИП 12 цифр, две последние — контрольные; проверьте, нет ли опечатки")
    );
    pages.form("/lang", &[("lang", "en"), ("next", "/")]).await.assert_redirect("/");
    let sent = pages.form("/client/payers/new", &company_with("inn", "7707083894")).await;
    assert_eq!(field_error(&sent.html, "inn").as_deref(), Some("Wrong INN: a legal entity's has 10 digits, the last a check digit; look for a typo"));
    let person = [("country", "RU"), ("kind", "individual"), ("name", "Аня Банана"), ("birth_date", "31.02.1999")];
    let sent = pages.form("/client/payers/new", &person).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "birth_date").as_deref(), Some("Enter a date, e.g. 01.12.2000"));
    assert_eq!(input_value(&sent.html, "birth_date").as_deref(), Some("31.02.1999"));
    assert!(payers_of(&app, client).await.is_empty());
});

backend_test!(async fn pay3_a_payer_is_edited_and_another_clients_payer_is_not_found(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("EDIT", None).await;
    let pages = app.pages("EDIT").await;
    let edit = format!("/client/payers/{payer}/edit");
    let html = pages.page(&edit).await;
    assert_eq!(input_value(&html, "name").as_deref(), Some("Анна Сергеевна Котова"));
    assert_eq!(text_at(&html, "data-test=\"payer-kind\"").as_deref(), Some("Физическое лицо"));

    // A wrong 12-digit INN is refused and nothing changes.
    let sent = pages.form(&edit, &[("name", "Анна Котова"), ("inn", "500100732258")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "inn").as_deref(),
        Some("Неверный ИНН: у физического лица и ИП 12 цифр, две последние — контрольные; проверьте, нет ли опечатки")
    );
    assert_eq!(input_value(&sent.html, "name").as_deref(), Some("Анна Котова"));
    assert_eq!(app.get(&format!("/payers/{payer}")).await["details"]["name"], "Анна Сергеевна Котова");

    let fields = [("name", "Анна Котова"), ("inn", "500100732259"), ("registration_city", "Москва")];
    pages.form(&edit, &fields).await.assert_redirect("/client/payers");
    let stored = app.get(&format!("/payers/{payer}")).await;
    let d = &stored["details"];
    assert_eq!((d["name"].as_str(), d["inn"].as_str(), d["registration_city"].as_str()), (Some("Анна Котова"), Some("500100732259"), Some("Москва")));
    assert_eq!((stored["kind"].as_str(), d["country"].as_str()), (Some("individual"), Some("RU")));
    let html = pages.page("/client/payers").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Сохранено"));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{payer}-name\"")).as_deref(), Some("Анна Котова"));

    // Another client's payer: the 404 page, for every page and form of it.
    let (_, theirs) = app.client("EDIT2", None).await;
    for path in [format!("/client/payers/{theirs}/edit"), format!("/client/payers/{theirs}/delete")] {
        let (status, html) = pages.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(text_at(&html, "data-test=\"problem\"").as_deref(), Some("Страница не найдена"), "{html}");
        let sent = pages.form(&path, &[("name", "Чужой")]).await;
        assert_eq!(sent.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.get(&format!("/payers/{theirs}")).await["details"]["name"], "Анна Сергеевна Котова");
    assert_eq!(payers_of(&app, client).await.len(), 1);
});

backend_test!(async fn pay3_a_payer_is_deleted_after_confirmation(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("DEL", None).await;
    let pages = app.pages("DEL").await;
    let html = pages.page(&format!("/client/payers/{payer}/delete")).await;
    assert_eq!(text_at(&html, "data-test=\"question\"").as_deref(), Some("Удалить плательщика «Анна Сергеевна Котова»?"));
    pages.form(&format!("/client/payers/{payer}/delete"), &[]).await.assert_redirect("/client/payers");
    assert!(payers_of(&app, client).await.is_empty());
    let html = pages.page("/client/payers").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Плательщик удален"));
    assert_eq!(text_at(&html, "data-test=\"total\"").as_deref(), Some("Показано: 0 из 0"));
});

/// A card method at the test gateway for individuals.
async fn card_method(app: &App) -> i64 {
    app.method(
        json!({ "prefix": "card", "name": "Card", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] }),
    )
    .await
}

backend_test!(async fn pay4_the_merge_preview_lists_the_actions_then_the_merge_does_them(db) {
    let app = App::spawn(db).await;
    let (client, main) = app.client("MERGE", None).await;
    let second = json!({ "kind": "individual", "details": { "country": "RU", "name": "Котова А. С." } });
    let (status, p) = app.post(&format!("/clients/{client}/payers"), second).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let merged = p["id"].as_i64().unwrap();
    let method = card_method(&app).await;
    let portal = app.portal("MERGE").await;
    let start = app.url(&format!("/clients/{client}/payments/start"));
    let (status, pay) = json_of(portal.post(&start).json(&json!({ "payer_id": merged, "method_id": method, "amount": "100.00" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{pay}");
    let number = pay["number"].as_str().unwrap().to_string();
    let (status, c) = app.post(&format!("/payers/{merged}/contracts"), json!({ "number": "Д-7", "signed_on": "2026-01-10" })).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let pages = app.pages("MERGE").await;

    let choose = pages.page("/client/payers/merge").await;
    assert!(choose.contains(&format!("{merged} · Котова А. С.</option>")), "{choose}");
    let preview = |move_contracts: &str| {
        format!("/client/payers/merge/preview?main_payer_id={main}&merged_payer_id={merged}&move_contracts={move_contracts}")
    };
    // The page escapes the slash of a payment number; a browser shows it.
    let actions = |html: &str| {
        (1..=3).filter_map(|i| text_at(html, &format!("data-test=\"action-{i}\""))).map(|a| a.replace("&#x2f;", "/")).collect::<Vec<_>>()
    };
    let html = pages.page(&preview("on")).await;
    assert_eq!(
        actions(&html),
        vec![
            format!("Перенести платежи {number} от «Котова А. С.» к «Анна Сергеевна Котова»"),
            "Перенести договоры Д-7 к «Анна Сергеевна Котова»".to_string(),
            "Удалить плательщика «Котова А. С.»".to_string(),
        ]
    );
    let html = pages.page(&preview("off")).await;
    assert_eq!(actions(&html)[1], "Удалить договоры Д-7");
    // A preview changes nothing.
    assert_eq!(payers_of(&app, client).await.len(), 2);
    // A payer can't be merged into itself: said next to the merged payer.
    let (status, html) = pages.get(&format!("/client/payers/merge/preview?main_payer_id={main}&merged_payer_id={main}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&html, "merged_payer_id").as_deref(),
        Some("Выберите другого плательщика: объединять можно двух разных плательщиков одного клиента")
    );
    let (status, html) = pages.get("/client/payers/merge/preview?main_payer_id=&merged_payer_id=").await;
    assert_eq!((status, field_error(&html, "main_payer_id").as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Выберите значение")));

    let fields = [("main_payer_id", main.to_string()), ("merged_payer_id", merged.to_string()), ("move_contracts", "on".to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pages.form("/client/payers/merge", &fields).await.assert_redirect("/client/payers");
    let list = payers_of(&app, client).await;
    assert_eq!(list.iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![main]);
    let contracts = app.get(&format!("/payers/{main}/contracts")).await;
    assert_eq!(contracts[0]["number"], "Д-7");
    let html = pages.page("/client/payers").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Плательщики объединены"));
    assert_eq!(text_at(&html, &format!("data-test=\"payer-{main}-contracts\"")).as_deref(), Some("Д-7"));
});

/// A saved method set up through the JSON portal API and paid: its id.
async fn saved_method(app: &App, code: &str, client: i64, payer: i64, method: i64, name: &str) -> i64 {
    let portal = app.portal(code).await;
    let body = json!({ "payer_id": payer, "method_id": method, "name": name, "amount": "700.00" });
    let (status, setup) = json_of(portal.post(app.url(&format!("/clients/{client}/saved-methods"))).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{setup}");
    assert_eq!(app.pay_on_page(&setup["payment"], true).await["outcome"], "credited");
    setup["saved_method"]["id"].as_i64().unwrap()
}

async fn method_row(pages: &Pages, id: i64) -> (Option<String>, Option<String>, Option<String>) {
    let html = pages.page("/client/payment-methods").await;
    let at = |what: &str| text_at(&html, &format!("data-test=\"method-{id}-{what}\""));
    (at("name"), at("status"), at("linked"))
}

backend_test!(async fn pmt6_a_saved_method_is_renamed_and_deleted_switching_its_renewals_off(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("METH", None).await;
    let method = card_method(&app).await;
    let saved = saved_method(&app, "METH", client, payer, method, "Visa *4242").await;
    // A service renewing by the method.
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } });
    let (status, s) = app.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let portal = app.portal("METH").await;
    let order = json!({ "service_id": s["id"], "months": 1, "saved_method_id": saved });
    let (status, sub) = json_of(portal.post(app.url(&format!("/clients/{client}/paid-subscriptions"))).json(&order)).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let pages = app.pages("METH").await;

    assert_eq!(method_row(&pages, saved).await, (Some("Visa *4242".into()), Some("Включено".into()), Some("1".into())));
    let html = pages.page("/client/payment-methods").await;
    assert_eq!(text_at(&html, "data-test=\"method-balance-linked\"").as_deref(), Some("0"));

    // Renamed; an empty name is refused next to it and changes nothing.
    let rename = format!("/client/payment-methods/{saved}/rename");
    assert_eq!(input_value(&pages.page(&rename).await, "name").as_deref(), Some("Visa *4242"));
    let sent = pages.form(&rename, &[("name", "   ")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "name").as_deref(), Some("Укажите название: от 1 до 100 знаков"));
    assert_eq!(method_row(&pages, saved).await.0.as_deref(), Some("Visa *4242"));
    pages.form(&rename, &[("name", " Моя карта ")]).await.assert_redirect("/client/payment-methods");
    assert_eq!(method_row(&pages, saved).await.0.as_deref(), Some("Моя карта"));

    // Delete says first whose auto-renewal goes, then does it.
    let delete = format!("/client/payment-methods/{saved}/delete");
    let html = pages.page(&delete).await;
    assert_eq!(text_at(&html, "data-test=\"question\"").as_deref(), Some("Удалить способ оплаты «Моя карта»?"));
    assert_eq!(text_at(&html, "data-test=\"renewals-off\"").as_deref(), Some("После удаления автопродление будет отключено для услуг (1):"));
    assert_eq!(text_at(&html, "data-test=\"services\"").as_deref(), Some("VDS-2"));

    // Another client's user gets the 404 page and changes nothing.
    app.client("METH2", None).await;
    let other = app.pages("METH2").await;
    for path in [&rename, &delete] {
        assert_eq!(other.get(path).await.0, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(other.form(path, &[("name", "Чужая")]).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(method_row(&pages, saved).await.0.as_deref(), Some("Моя карта"));

    pages.form(&delete, &[]).await.assert_redirect("/client/payment-methods");
    let html = pages.page("/client/payment-methods").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Способ оплаты удален; автопродление привязанных услуг отключено"));
    assert_eq!(text_at(&html, &format!("data-test=\"method-{saved}-name\"")), None);
    assert!(text_at(&html, "data-test=\"empty\"").is_some());
    let sub = app.get(&format!("/subscriptions/{}", sub["id"])).await;
    assert_eq!(sub["auto_renew"].as_bool(), Some(false), "{sub}");
});
