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

pub(crate) fn provider() -> Value {
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

pub(crate) fn company(name: &str) -> Value {
    json!({ "kind": "legal_entity", "details": {
        "country": "RU", "name": name, "contact_person": "Иванов Иван",
        "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195",
        "director_name": "Иванов И. И.", "director_position": "Директор"
    } })
}

/// A client with a company payer, the provider's details set and a bank
/// transfer started by the client: (client, payer, payment).
pub(crate) async fn invoiced(app: &App, code: &str) -> (i64, i64, Value) {
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

backend_test!(async fn doc1_doc3_documents_in_english_by_lang_and_by_the_portal_user_s_locale(db) {
    let app = App::spawn(db).await;
    let (client, payer, pay) = invoiced(&app, "ENGLISH").await;
    let id = app.get(&format!("/clients/{client}/documents?kind=invoice")).await[0]["id"].as_i64().unwrap();

    // The same issued invoice, its words in English.
    let (status, ct, html) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html&lang=en"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert_eq!(text_at(&html, "data-test=\"title\"").as_deref(), Some("Invoice No. 2026-000001 of 1 March 2026"));
    assert_eq!(text_at(&html, "data-test=\"to-pay\"").as_deref(), Some("1,250.00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"in-words\"").as_deref(), Some("One thousand two hundred fifty roubles 00 kopecks"));
    assert!(html.contains("Advance payment for services, account No. ENGLISH"), "{html}");
    assert!(html.contains("incl. VAT (22%)"), "{html}");
    // Russian by default, and as asked.
    let (_, _, ru) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html"))).await;
    let (_, _, ru_asked) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html&lang=ru"))).await;
    assert_eq!(ru, ru_asked);
    let ru = String::from_utf8(ru).unwrap();
    assert_eq!(text_at(&ru, "data-test=\"title\"").as_deref(), Some("Счёт на оплату № 2026-000001 от 1 марта 2026 г."));
    assert!(ru.contains("Авансовый платёж за услуги по лицевому счёту № ENGLISH"), "{ru}");
    let (status, ct, pdf_en) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=pdf&lang=en"))).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    let (_, _, pdf_ru) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=pdf"))).await;
    assert!(pdf_en.starts_with(b"%PDF-") && pdf_en != pdf_ru);

    // A language Kopek does not write is refused with its code, for the
    // file and for the reconciliation act alike.
    for path in [
        format!("/documents/{id}/file?format=pdf&lang=de"),
        format!("/documents/{id}/file?format=html&lang=EN"),
        format!("/payers/{payer}/reconciliation?from=2026-02-01&to=2026-03-31&format=pdf&lang=fr"),
    ] {
        let (status, body) = json_of(app.staff(Method::GET, &path)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{path}: {body}");
        assert!(body["message"].as_str().unwrap().starts_with("lang: ru or en"), "{body}");
    }

    // DOC-3 in English.
    let (status, body) = app.post(&format!("/payments/{}/credit", pay["id"]), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, rec) =
        bytes_of(app.staff(Method::GET, &format!("/payers/{payer}/reconciliation?from=2026-03-01&to=2026-03-31&format=html&lang=en"))).await;
    assert_eq!(status, StatusCode::OK);
    let rec = String::from_utf8(rec).unwrap();
    assert!(text_at(&rec, "data-test=\"title\"").unwrap().starts_with("Reconciliation statement for the period from 01.03.2026 to 31.03.2026"), "{rec}");
    assert!(text_at(&rec, "data-test=\"conclusion\"").unwrap().contains("the debt in favour of ООО «Ромашка» is 1,250.00 ₽ (One thousand two hundred fifty roubles 00 kopecks)"), "{rec}");

    // The portal prints in its user's language: Russian, then English once
    // the user chose it.
    let pages = app.pages("ENGLISH").await;
    let pay_id = pay["id"].as_i64().unwrap();
    let invoice = pages.page(&format!("/finance/payments/{pay_id}/invoice")).await;
    assert_eq!(text_at(&invoice, "data-test=\"title\"").as_deref(), Some("Счёт на оплату № 2026-000001 от 1 марта 2026 г."));
    pages.form("/client/settings", &[("locale", "en"), ("timezone", ""), ("telegram", "")]).await.assert_redirect("/client/settings");
    let invoice = pages.page(&format!("/finance/payments/{pay_id}/invoice")).await;
    assert_eq!(text_at(&invoice, "data-test=\"title\"").as_deref(), Some("Invoice No. 2026-000001 of 1 March 2026"));
    assert_eq!(text_at(&invoice, "data-test=\"in-words\"").as_deref(), Some("One thousand two hundred fifty roubles 00 kopecks"));
    let contract = app.get(&format!("/clients/{client}/documents?kind=contract")).await[0]["id"].as_i64().unwrap();
    let paper = pages.page(&format!("/documents/{contract}")).await;
    assert!(text_at(&paper, "data-test=\"title\"").unwrap().starts_with("Services Agreement No. 2026-000001"), "{paper}");
    let printed = pages.page(&format!("/client/payers/{payer}/reconciliation?from=2026-03-01&to=2026-03-31&format=html")).await;
    assert!(text_at(&printed, "data-test=\"title\"").unwrap().starts_with("Reconciliation statement"), "{printed}");
});

/// DOC-5: the logo's pictures, 2×1 red and 1×2 blue.
const RED_PNG: &[u8] = b"\x89PNG\x0d\x0a\x1a\x0a\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x02\x00\x00\x00{@\xe8\xdd\x00\x00\x00\x0dIDATx\x9cc8\xc1\xc0\x00D\x00\x07\x0f\x01\x910\x8c\xe9*\x00\x00\x00\x00IEND\xaeB`\x82";
const BLUE_PNG: &[u8] = b"\x89PNG\x0d\x0a\x1a\x0a\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x02\x08\x02\x00\x00\x00\x16\xe3!p\x00\x00\x00\x0eIDATx\x9cc``8\xc1\x00\xc4\x00\x04\xb8\x01\x91u\x96k\x99\x00\x00\x00\x00IEND\xaeB`\x82";

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The `data:` URL of a picture as the page carries it (escaped).
fn inline(bytes: &[u8]) -> String {
    format!("data:image/png;base64,{}", kopek_documents::html::base64(bytes)).replace('/', "&#x2f;")
}

async fn html_of(app: &App, id: i64) -> String {
    let (_, _, html) = bytes_of(app.staff(Method::GET, &format!("/documents/{id}/file?format=html"))).await;
    String::from_utf8(html).unwrap()
}

fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

backend_test!(async fn doc5_the_provider_s_logo_is_snapshotted_by_each_document_and_bad_uploads_change_nothing(db) {
    let app = App::spawn(db).await;
    let logo = |ct: &str, bytes: &[u8]| app.staff(Method::PUT, "/provider/logo").header("content-type", ct).body(bytes.to_vec());
    // Before the details there is nothing to put the logo in.
    let (status, body) = json_of(logo("image/png", RED_PNG)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("provider_details_missing")), "{body}");
    let (status, body) = json_of(app.staff(Method::PUT, "/provider/details").json(&provider())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = json_of(logo("image/png", RED_PNG)).await;
    assert_eq!((status, body["logo"].as_str()), (StatusCode::OK, Some(sha256(RED_PNG).as_str())), "{body}");

    // The details put again keep the logo; the first invoice carries it.
    let (client, _, _) = invoiced(&app, "LOGO").await;
    assert_eq!(app.get("/provider/details").await["logo"].as_str(), Some(sha256(RED_PNG).as_str()));
    let first = app.get(&format!("/clients/{client}/documents?kind=invoice")).await[0]["id"].as_i64().unwrap();
    let page = html_of(&app, first).await;
    assert!(page.contains(&format!("src=\"{}\"", inline(RED_PNG))), "{page}");
    let (status, _, pdf) = bytes_of(app.staff(Method::GET, &format!("/documents/{first}/file?format=pdf&lang=en"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(has(&pdf, b"/Subtype/Image"), "the PDF holds the logo as an image");

    // A new logo: the issued invoice keeps the old one, the next takes it.
    let (status, body) = json_of(logo("image/png; charset=binary", BLUE_PNG)).await;
    assert_eq!((status, body["logo"].as_str()), (StatusCode::OK, Some(sha256(BLUE_PNG).as_str())), "{body}");
    let page = html_of(&app, first).await;
    assert!(page.contains(&inline(RED_PNG)) && !page.contains(&inline(BLUE_PNG)), "{page}");
    let (other, _, _) = invoiced(&app, "LOGO2").await;
    let second = app.get(&format!("/clients/{other}/documents?kind=invoice")).await[0]["id"].as_i64().unwrap();
    assert!(html_of(&app, second).await.contains(&inline(BLUE_PNG)));

    // Refusals, each with its code, and the logo in use stays.
    let mut big = BLUE_PNG.to_vec();
    big.resize(512 * 1024 + 1, 0);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    for (ct, bytes, status, code) in [
        ("image/gif", &gif[..], StatusCode::UNPROCESSABLE_ENTITY, "file_kind_refused"),
        ("image/png", &gif[..], StatusCode::UNPROCESSABLE_ENTITY, "file_kind_refused"),
        ("image/jpeg", RED_PNG, StatusCode::UNPROCESSABLE_ENTITY, "file_kind_refused"),
        ("text/html", &b"<html></html>"[..], StatusCode::UNPROCESSABLE_ENTITY, "file_kind_refused"),
        ("image/png", &big[..], StatusCode::UNPROCESSABLE_ENTITY, "file_too_large"),
        ("image/png", &b"\x89PNG\r\n\x1a\nnot really a picture"[..], StatusCode::UNPROCESSABLE_ENTITY, "logo_unreadable"),
    ] {
        let (got, body) = json_of(logo(ct, bytes)).await;
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{ct}: {body}");
        assert!(body["message"].as_str().unwrap().starts_with("logo"), "{body}");
    }
    app.owned_client("NOSYLOGO", None).await;
    let nosy = app.portal("NOSYLOGO").await;
    let (status, _) = json_of(nosy.put(app.url("/provider/logo")).header("content-type", "image/png").body(RED_PNG.to_vec())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = json_of(nosy.delete(app.url("/provider/logo"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/provider/details").await["logo"].as_str(), Some(sha256(BLUE_PNG).as_str()));

    // Removed: papers from now on have none; those issued keep theirs.
    let (status, body) = json_of(app.staff(Method::DELETE, "/provider/logo")).await;
    assert_eq!((status, body.get("logo")), (StatusCode::OK, None), "{body}");
    let (third, _, _) = invoiced(&app, "LOGO3").await;
    let third = app.get(&format!("/clients/{third}/documents?kind=invoice")).await[0]["id"].as_i64().unwrap();
    assert!(!html_of(&app, third).await.contains("data-test=\"logo\""));
    assert!(html_of(&app, first).await.contains(&inline(RED_PNG)));
    assert!(html_of(&app, second).await.contains(&inline(BLUE_PNG)));
});
