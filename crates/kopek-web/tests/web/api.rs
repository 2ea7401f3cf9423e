//! HTTP integration tests against the spawned server, on both backends
//! (OPS-3, OPS-4, LED-1 … LED-3, SEC-1, SEC-4).

use crate::common::{App, error_of, json_of};
use kopek_store::backend_test;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

backend_test!(async fn led2_http_client_payment_expenses_balance_and_allocations(db) {
    let app = App::spawn(db).await;
    let id = app.owned_client("HTTP", None).await;
    let c = app.get(&format!("/clients/{id}")).await;
    assert_eq!((c["currency"].as_str(), c["balance"].as_str(), c["state"].as_str()), (Some("RUB"), Some("0.00"), Some("active")));

    let (status, p) = app.post(&format!("/clients/{id}/payments"), json!({ "amount": "1000.00", "currency": "RUB" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(p["number"], format!("manual/{}", p["id"]));
    for (name, amount) in [("VDS-2", "650.5"), ("Traffic", "22.4137"), ("Domain", "799")] {
        let (status, _) = app.post(&format!("/clients/{id}/expenses"), json!({ "name": name, "amount": amount, "currency": "RUB", "vat_percent": 20 })).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let b = app.get(&format!("/clients/{id}/balance")).await;
    assert_eq!(b, json!({
        "client_id": id, "currency": "RUB", "balance": "-471.9137", "credit_limit": "0.00",
        "available": "-471.9137", "credit_blocked": false, "debt": "471.9137", "unallocated": "0.00",
    }));
    let x = app.get(&format!("/clients/{id}/expenses")).await;
    let rows: Vec<(String, String, String, usize)> = x.as_array().unwrap().iter().map(|e| (
        e["amount"].as_str().unwrap().into(), e["tax"].as_str().unwrap().into(),
        e["unpaid"].as_str().unwrap().into(), e["paid_by"].as_array().unwrap().len(),
    )).collect();
    assert_eq!(rows, vec![
        ("650.50".into(), "108.42".into(), "0.00".into(), 1),
        ("22.4137".into(), "3.74".into(), "0.00".into(), 1),
        ("799.00".into(), "133.17".into(), "471.9137".into(), 1),
    ]);
    assert_eq!(x[2]["paid_by"][0], json!({ "payment_id": p["id"], "expense_id": x[2]["id"], "amount": "327.0863" }));

    let (_, more) = app.post(&format!("/clients/{id}/payments"), json!({ "amount": 500, "currency": "RUB" })).await;
    assert_eq!((more["unallocated"].as_str(), more["allocations"][0]["amount"].as_str()), (Some("28.0863"), Some("471.9137")));
    let (status, r) = app.post(&format!("/payments/{}/reversal", p["id"]), json!({ "reason": "chargeback" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(r["status"], "refunded");
    let b = app.get(&format!("/clients/{id}/balance")).await;
    assert_eq!((b["balance"].as_str(), b["debt"].as_str()), (Some("-971.9137"), Some("971.9137")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn sec4_http_a_clients_user_cannot_cross_to_another_client(db) {
    let app = App::spawn(db).await;
    let own = app.owned_client("MINE", None).await;
    let other = app.owned_client("THEIRS", None).await;
    let (_, p) = app.post(&format!("/clients/{other}/payments"), json!({ "amount": "5.00", "currency": "RUB" })).await;
    let (_, x) = app.post(&format!("/clients/{other}/expenses"), json!({ "name": "x", "amount": "1", "currency": "RUB" })).await;

    // The portal way: log in, then the session cookie carries the user.
    let portal = Client::builder().cookie_store(true).build().unwrap();
    let login = portal.post(app.url("/auth/login")).json(&json!({ "email": "mine@client.test", "password": "client-password" })).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login.headers()["set-cookie"].to_str().unwrap().contains("HttpOnly"));
    let (_, me) = json_of(portal.get(app.url("/me"))).await;
    assert_eq!((me["kind"].as_str(), me["client_id"].as_i64()), (Some("client_user"), Some(own)));

    for path in [
        format!("/clients/{other}"), format!("/clients/{other}/balance"),
        format!("/clients/{other}/payments"), format!("/clients/{other}/expenses"),
        format!("/clients/{other}/users"), format!("/payments/{}", p["id"]),
        format!("/expenses/{}", x["id"]),
    ] {
        assert_eq!(error_of(portal.get(app.url(&path))).await, (StatusCode::NOT_FOUND, "not_found".into()), "{path}");
    }
    let r = portal.post(app.url(&format!("/clients/{other}/users"))).json(&json!({ "email": "spy@x.ru", "full_name": "Spy", "password": "12345678" }));
    assert_eq!(error_of(r).await, (StatusCode::NOT_FOUND, "not_found".into()));
    let (_, list) = json_of(portal.get(app.url("/clients"))).await;
    assert_eq!(list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![own]);
    let r = portal.post(app.url(&format!("/clients/{own}/payments"))).json(&json!({ "amount": "5.00", "currency": "RUB" }));
    assert_eq!(error_of(r).await, (StatusCode::FORBIDDEN, "forbidden".into()));

    let out = portal.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(error_of(portal.get(app.url("/me"))).await, (StatusCode::UNAUTHORIZED, "unauthenticated".into()));
});

backend_test!(async fn bad_input_gets_a_clear_4xx_and_changes_nothing(db) {
    let app = App::spawn(db).await;
    let id = app.owned_client("BAD", None).await;
    app.post(&format!("/clients/{id}/payments"), json!({ "amount": "10.00", "currency": "RUB" })).await;
    let pay = format!("/clients/{id}/payments");
    let post = |path: &str| app.staff(Method::POST, path);
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (post(&pay).header("content-type", "application/json").body("{\"amount\": "), StatusCode::BAD_REQUEST, "malformed_json"),
        (post(&pay).body("amount=5"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (post(&pay).json(&json!({ "amount": "-5.00", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "amount_not_positive"),
        (post(&pay).json(&json!({ "amount": "5.001", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "amount_too_precise"),
        (post(&pay).json(&json!({ "amount": "5.00", "currency": "EUR" })), StatusCode::UNPROCESSABLE_ENTITY, "currency_mismatch"),
        (post(&pay).json(&json!({ "amount": "five", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (post(&pay).json(&json!({ "amount": "5", "currency": "RUB", "extra": 1 })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (app.http.post(app.url(&pay)).json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::UNAUTHORIZED, "unauthenticated"),
        (app.http.post(app.url(&pay)).bearer_auth("kpk_forged").json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::UNAUTHORIZED, "unauthenticated"),
        (post("/clients/999999/payments").json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::NOT_FOUND, "not_found"),
        (post("/clients/abc/payments").json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::BAD_REQUEST, "bad_path"),
        (app.staff(Method::GET, "/payments/424242"), StatusCode::NOT_FOUND, "not_found"),
        (post("/clients").json(&json!({ "name": "Dup", "owner": { "email": "BAD@client.test", "full_name": "X", "password": "password-1" } })), StatusCode::CONFLICT, "email_taken"),
        (post("/clients").json(&json!({ "name": "Y", "currency": "XYZ" })), StatusCode::UNPROCESSABLE_ENTITY, "unknown_currency"),
        (post("/clients").json(&json!({ "name": "Z", "owner": { "email": "not-an-email", "full_name": "X", "password": "password-1" } })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        (app.staff(Method::GET, "/nothing-here"), StatusCode::NOT_FOUND, "no_route"),
    ];
    for (i, (req, status, code)) in cases.into_iter().enumerate() {
        assert_eq!(error_of(req).await, (status, code.to_string()), "case {i}");
    }
    assert_eq!(app.balance(id).await, "10.00");
    assert_eq!(app.get(&pay).await.as_array().unwrap().len(), 1);
    assert_eq!(app.get("/clients").await.as_array().unwrap().len(), 1);
});

backend_test!(async fn idempotency_key_over_http_replays_and_refuses_another_body(db) {
    let app = App::spawn(db).await;
    let id = app.owned_client("KEY", None).await;
    let send = |amount: &str| {
        app.staff(Method::POST, &format!("/clients/{id}/payments"))
            .header("Idempotency-Key", "order-77")
            .json(&json!({ "amount": amount, "currency": "RUB" }))
    };
    let (status, first) = json_of(send("100.00")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again) = json_of(send("100.00")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, first);
    assert_eq!(error_of(send("999.00")).await, (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused".into()));
    assert_eq!(app.balance(id).await, "100.00");
});

backend_test!(async fn ops_health_metrics_openapi_and_swagger(db) {
    let app = App::spawn(db).await;
    let (_, h) = json_of(app.http.get(app.site("/healthz"))).await;
    assert_eq!(h["status"], "ok");
    let (_, spec) = json_of(app.http.get(app.url("/openapi.json"))).await;
    for path in ["/api/v1/clients", "/api/v1/clients/{id}/payments", "/api/v1/payments/{id}/reversal", "/api/v1/auth/login"] {
        assert!(spec["paths"][path].is_object(), "{path} in the OpenAPI");
    }
    assert!(spec["components"]["schemas"]["Payment"].is_object());
    // OPS-3: OpenAPI 3.1 requires a description on every response.
    let mut undescribed = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                if response["description"].as_str().is_none_or(|d| d.trim().is_empty()) {
                    undescribed.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(undescribed.is_empty(), "responses without a description: {undescribed:?}");
    assert_eq!(spec["paths"]["/api/v1/clients/{id}/payments"]["post"]["responses"]["422"]["description"].as_str().map(|d| d.starts_with("A value is refused")), Some(true));
    let docs = app.http.get(app.site("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let metrics = app.http.get(app.site("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("kopek_http_requests_total"), "{metrics}");
    // The front page is the portal: it asks for a login, whose page links
    // the API's documentation.
    let home = app.http.get(app.site("/")).send().await.unwrap();
    assert_eq!((home.status(), home.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/login?next=/"));
    let login = app.http.get(app.site("/login")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("/api/docs"));
});

/// POSTs `body` over a bare connection, its length declared or chunked,
/// and reads the answer while the body may still be going out: a server
/// may answer before it has read it all. The status, content type and body.
async fn send_raw(app: &App, path: &str, content_type: &str, body: Vec<u8>, chunked: bool) -> (StatusCode, String, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://").to_string();
    let (mut rd, mut wr) = tokio::net::TcpStream::connect(&host).await.unwrap().into_split();
    let framing = if chunked { "Transfer-Encoding: chunked".to_string() } else { format!("Content-Length: {}", body.len()) };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: {content_type}\r\n{framing}\r\nConnection: close\r\n\r\n",
        app.token
    );
    // The writer keeps its half open: a server may drop a half-closed
    // connection before it answers.
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await?;
        if chunked {
            for chunk in body.chunks(64 * 1024) {
                wr.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                wr.write_all(chunk).await?;
                wr.write_all(b"\r\n").await?;
            }
            wr.write_all(b"0\r\n\r\n").await?;
        } else {
            wr.write_all(&body).await?;
        }
        Ok::<_, std::io::Error>(wr)
    });
    let mut got = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    let (head_len, body_len) = loop {
        let n = rd.read(&mut buf).await.unwrap();
        assert!(n > 0, "{path}, chunked: {chunked}: the connection closed before an answer: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&got[..end]).to_lowercase();
        let length = head.lines().find_map(|l| l.strip_prefix("content-length:")).expect("an answer with its length");
        let length: usize = length.trim().parse().unwrap();
        if got.len() >= end + 4 + length {
            break (end + 4, length);
        }
    };
    writer.abort();
    let head = String::from_utf8_lossy(&got[..head_len]).to_string();
    let status = StatusCode::from_u16(head[9..12].parse().unwrap()).unwrap();
    let content_type = head.lines().find_map(|l| l.to_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()));
    let text = String::from_utf8_lossy(&got[head_len..head_len + body_len]).to_string();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, content_type.unwrap_or_default(), body)
}

backend_test!(async fn ops3_a_body_over_1_mib_is_a_json_413_on_every_route_whether_its_length_is_declared_or_chunked(db) {
    let app = App::spawn(db).await;
    let id = app.owned_client("BIG", None).await;
    let pay = format!("/api/v1/clients/{id}/payments");
    let routes = [
        (pay.as_str(), "application/json"),
        ("/api/v1/webhooks/sandbox", "application/json"),
        ("/api/v1/bank-statements", "text/plain"),
        ("/sandbox/pay/any", "application/x-www-form-urlencoded"),
        ("/api/v1/nothing-here", "application/json"),
    ];
    let ten_mb = vec![b' '; 10 * 1024 * 1024];
    for (path, content_type) in routes {
        for chunked in [false, true] {
            let (status, ct, e) = send_raw(&app, path, content_type, ten_mb.clone(), chunked).await;
            let case = format!("{path}, chunked: {chunked}");
            assert_eq!((status, ct.as_str(), e["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "application/json", Some("body_too_large")), "{case}: {e}");
            assert!(e["message"].as_str().is_some_and(|m| m.contains("1 MiB")), "{case}: {e}");
        }
    }
    assert!(app.get(&format!("/clients/{id}/payments")).await.as_array().unwrap().is_empty());
    // A body of exactly 1 MiB is read, declared or chunked.
    for (amount, chunked) in [("4.00", false), ("6.00", true)] {
        let mut body = json!({ "amount": amount, "currency": "RUB" }).to_string().into_bytes();
        body.resize(1024 * 1024, b' ');
        let (status, _, p) = send_raw(&app, &pay, "application/json", body, chunked).await;
        assert_eq!((status, p["amount"].as_str()), (StatusCode::CREATED, Some(amount)), "chunked: {chunked}: {p}");
    }
    assert_eq!(app.balance(id).await, "10.00");
});
