//! Accounting documents over HTTP on both backends (DOC-1 … DOC-5, PAY-3):
//! the provider's details with their refusals, the invoice of a bank
//! transfer as JSON, HTML and PDF, unchanged by a later edit of the payer,
//! the month's act issued by staff, the reconciliation act, another
//! client's documents "not found", and the portal's pages that print them.

use chrono::TimeZone;
use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::pages::{field_error, text_at};
use crate::common::{App, json_of};

fn provider() -> Value {
    json!({
        "company": {
            "country": "RU", "name": "ООО «Копейка Хостинг»", "contact_person": "Петров Пётр",
            "inn": "7736207543", "kpp": "773601001", "ogrn": "1027700132195",
            "legal_address": { "country": "RU", "postcode": "117312", "city": "Москва", "address": "ул. Вавилова, д. 19" },
            "bank_name": "ПАО Сбербанк", "bik": "044525225",
            "settlement_account": "40702810938000000001", "correspondent_account": "30101810400000000225",
            "director_name": "Петров П. П.", "director_position": "Генеральный директор"
        },
        "vat_payer": true
    })
}

fn company(name: &str) -> Value {
    json!({ "kind": "legal_entity", "details": {
        "country": "RU", "name": name, "contact_person": "Иванов Иван",
        "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195",
        "director_name": "Иванов И. И.", "director_position": "Директор"
    } })
}

/// A client with a company payer, the provider's details set and a bank
/// transfer started by the client: (client, payer, payment).
async fn invoiced(app: &App, code: &str) -> (i64, i64, Value) {
    let (status, body) = json_of(app.staff(Method::PUT, "/provider/details").json(&provider())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let client = app.owned_client(code, Some("5000.00")).await;
    let (status, payer) = app.post(&format!("/clients/{client}/payers"), company("ООО «Ромашка»")).await;
    assert_eq!(status, StatusCode::CREATED, "{payer}");
    let (_, methods) = json_of(app.staff(Method::GET, "/payment-methods")).await;
    let method = match methods.as_array().unwrap().iter().find(|m| m["prefix"] == "bank") {
        Some(m) => m["id"].as_i64().unwrap(),
        None => {
            app.method(json!({
                "prefix": "bank", "name": "Банковский перевод", "gateway": "bank_transfer", "currency": "RUB",
                "payer_kinds": ["legal_entity"], "enabled": true, "instructions": ""
            }))
            .await
        }
    };
    let portal = app.portal(code).await;
    let (status, pay) = json_of(portal.post(app.url(&format!("/clients/{client}/payments/start"))).json(&json!({
        "payer_id": payer["id"], "method_id": method, "amount": "1250.00"
    })))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{pay}");
    (client, payer["id"].as_i64().unwrap(), pay)
}

async fn bytes_of(r: reqwest::RequestBuilder) -> (StatusCode, String, Vec<u8>) {
    let res = r.send().await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, res.bytes().await.unwrap().to_vec())
}

backend_test!(async fn doc1_doc5_the_provider_s_details_are_checked_and_admins_only(db) {
    let app = App::spawn(db).await;
    let mut bad = provider();
    bad["company"]["inn"] = json!("7736207544");
    let (status, body) = json_of(app.staff(Method::PUT, "/provider/details").json(&bad)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("inn"), "{body}");
    let (status, body) = json_of(app.staff(Method::GET, "/provider/details")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was saved: {body}");
    app.owned_client("NOSY", None).await;
    let client = app.portal("NOSY").await;
    let (status, body) = json_of(client.put(app.url("/provider/details")).json(&provider())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = json_of(app.staff(Method::PUT, "/provider/details").json(&provider())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.get("/provider/details").await["company"]["name"], "ООО «Копейка Хостинг»");
});

backend_test!(async fn doc1_doc2_doc3_documents_as_json_html_and_pdf_and_unchanged_by_a_later_edit(db) {
    let app = App::spawn(db).await;
    let (client, payer, pay) = invoiced(&app, "DOCS").await;
    let invoices = app.get(&format!("/clients/{client}/documents?kind=invoice")).await;
    let invoice = &invoices.as_array().unwrap()[0];
    assert_eq!((invoice["number"].as_str(), invoice["amount"].as_str()), (Some("2026-000001"), Some("1250.00")));
    assert_eq!(invoice["payment_id"], pay["id"]);
    let id = invoice["id"].as_i64().unwrap();
    let (status, ct, pdf) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=pdf"))).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    let (_, ct, html) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html"))).await;
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("ООО «Ромашка», ИНН 7707083893"), "{html}");
    assert!(html.contains("Одна тысяча двести пятьдесят рублей 00 копеек"), "{html}");
    let (status, body) = json_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=docx"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));
    let (status, body) = json_of(app.staff(Method::GET, &format!("/clients/{client}/documents?kind=letter"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));

    // DOC-5: the payer renamed afterwards; the issued papers stay as issued.
    let (status, body) = json_of(app.staff(Method::PUT, &format!("/payers/{payer}")).json(&company("ООО «Лютик»"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, html_after) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html"))).await;
    assert_eq!(String::from_utf8(html_after).unwrap(), html);
    let (_, _, pdf_after) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=pdf"))).await;
    assert_eq!(pdf_after, pdf, "the same PDF, byte for byte");

    // DOC-2: February's expense in February's act, issued by staff.
    let charged = chrono::Utc.with_ymd_and_hms(2026, 2, 10, 9, 0, 0).unwrap();
    let (status, e) = app
        .post(&format!("/clients/{client}/expenses"), json!({
            "name": "VDS Fast", "amount": "250.00", "currency": "RUB", "vat_percent": "20", "charged_at": charged
        }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let (status, report) = app.post("/documents/acts", json!({ "from": "2026-02-01", "to": "2026-02-28" })).await;
    assert_eq!((status, report["issued"].as_u64()), (StatusCode::OK, Some(1)), "{report}");
    let acts = app.get(&format!("/clients/{client}/documents?kind=act")).await;
    let act = &acts.as_array().unwrap()[0];
    assert_eq!((act["number"].as_str(), act["amount"].as_str(), act["issued_on"].as_str()), (Some("2026-000001"), Some("250.00"), Some("2026-02-28")));
    assert_eq!(act["payer_id"].as_i64(), Some(payer));

    // Staff see every client's acts; a client's user may not list them.
    let all = app.get("/documents?kind=act").await;
    assert_eq!(all.as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap()).collect::<Vec<_>>(), ["2026-000001"]);
    let (status, body) = json_of(app.staff(Method::GET, "/documents?kind=act&limit=0")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{body}");
    let owner = app.portal("DOCS").await;
    let (status, _) = json_of(owner.get(app.url("/documents?kind=act"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // PAY-3: the act holds an unpaid expense of the payer.
    let (status, body) = json_of(app.staff(Method::DELETE, &format!("/payers/{payer}"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("payer_in_use")), "{body}");

    // DOC-3 as JSON, and as a PDF.
    let r = app.get(&format!("/payers/{payer}/reconciliation?from=2026-02-01&to=2026-02-28")).await;
    assert_eq!((r["opening"].as_str(), r["entries"].as_array().unwrap().len()), (Some("0"), 1), "{r}");
    let (status, ct, rec) = bytes_of(app.staff(Method::GET, &format!("/payers/{payer}/reconciliation?from=2026-02-01&to=2026-02-28&format=pdf"))).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(rec.starts_with(b"%PDF-"));
    let (status, body) = json_of(app.staff(Method::GET, &format!("/payers/{payer}/reconciliation?from=2026-03-01&to=2026-02-01"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{body}");

    // Another client's user finds none of it.
    app.owned_client("STRANGER", None).await;
    let stranger = app.portal("STRANGER").await;
    for path in [format!("/documents/{id}"), format!("/documents/{id}/file?format=pdf"), format!("/payers/{payer}/reconciliation?from=2026-02-01&to=2026-02-28")] {
        let (status, body) = json_of(stranger.get(app.url(&path))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}: {body}");
    }
    let (status, _) = json_of(stranger.post(app.url("/documents/acts")).json(&json!({ "from": "2026-02-01", "to": "2026-02-28" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

backend_test!(async fn doc1_doc2_doc3_the_portal_prints_invoices_acts_and_reconciliation_acts(db) {
    let app = App::spawn(db).await;
    let (client, payer, pay) = invoiced(&app, "PRINT").await;
    let pages = app.pages("PRINT").await;
    let list = pages.page("/finance/payments").await;
    let pay_id = pay["id"].as_i64().unwrap();
    assert!(list.contains(&format!("href=\"/finance/payments/{pay_id}/invoice\"")), "{list}");
    let invoice = pages.page(&format!("/finance/payments/{pay_id}/invoice")).await;
    assert_eq!(text_at(&invoice, "data-test=\"title\"").as_deref(), Some("Счёт на оплату № 2026-000001 от 1 марта 2026 г."));

    let charged = chrono::Utc.with_ymd_and_hms(2026, 2, 10, 9, 0, 0).unwrap();
    app.post(&format!("/clients/{client}/expenses"), json!({
        "name": "VDS Fast", "amount": "250.00", "currency": "RUB", "vat_percent": "20", "charged_at": charged
    }))
    .await;
    app.post("/documents/acts", json!({ "from": "2026-02-01", "to": "2026-02-28" })).await;
    let acts = pages.page("/finance/acts").await;
    assert_eq!(text_at(&acts, "data-test=\"number\"").as_deref(), Some("2026-000001"), "{acts}");
    assert_eq!(text_at(&acts, "data-test=\"payer\"").as_deref(), Some("ООО «Ромашка»"));
    let act_id = app.get(&format!("/clients/{client}/documents?kind=act")).await[0]["id"].as_i64().unwrap();
    let act = pages.page(&format!("/documents/{act_id}")).await;
    assert_eq!(text_at(&act, "data-test=\"in-words\"").as_deref(), Some("Двести пятьдесят рублей 00 копеек"));
    let r = pages.http.get(app.site(&format!("/documents/{act_id}?format=pdf"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");

    let form = pages.page(&format!("/client/payers/{payer}/reconciliation")).await;
    assert!(form.contains("name=\"from\""), "{form}");
    let wrong = pages.page(&format!("/client/payers/{payer}/reconciliation?from=2026-03-01&to=2026-02-01&format=html")).await;
    assert_eq!(field_error(&wrong, "to").as_deref(), Some("Конец периода не может быть раньше его начала"));
    let garbled = pages.page(&format!("/client/payers/{payer}/reconciliation?from=someday&to=2026-02-01&format=html")).await;
    assert_eq!(field_error(&garbled, "from").as_deref(), Some("Введите дату, например 2026-01-31"));
    let printed = pages.page(&format!("/client/payers/{payer}/reconciliation?from=2026-02-01&to=2026-02-28&format=html")).await;
    assert!(text_at(&printed, "data-test=\"title\"").unwrap().starts_with("Акт сверки взаимных расчётов за период с 01.02.2026 по 28.02.2026"));
    assert!(text_at(&printed, "data-test=\"conclusion\"").unwrap().contains("задолженность в пользу ООО «Копейка Хостинг» составляет 250,00 руб."), "{printed}");

    // The contract comes with the first money.
    let contracts = pages.page("/client/contracts").await;
    assert!(contracts.contains("data-test=\"no-contracts\""), "{contracts}");
    let (status, body) = app.post(&format!("/payments/{pay_id}/credit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let contracts = pages.page("/client/contracts").await;
    assert_eq!(text_at(&contracts, "data-test=\"number\"").as_deref(), Some("2026-000001"), "{contracts}");
});
