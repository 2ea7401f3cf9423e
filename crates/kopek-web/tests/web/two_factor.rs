//! Two-step authentication (SEC-2) over HTTP on both backends: the API's
//! enrolment, second step, sensitive actions and staff reset, and the
//! portal's security page, login code step and code fields.

use chrono::Duration;
use kopek_domain::totp;
use kopek_store::{audit, backend_test};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::pages::{field_error, text_at};
use crate::common::{App, error_of, json_of};

fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The current code of `secret` on the server's clock, after moving it to
/// the next time step so the code is a fresh one.
fn fresh(app: &App, secret: &[u8]) -> String {
    app.t.clock.advance(Duration::seconds(totp::STEP_SECONDS));
    totp::code_at(secret, app.t.engine.now())
}

async fn login(app: &App, email: &str) -> (StatusCode, Value) {
    json_of(browser().post(app.url("/auth/login")).json(&json!({ "email": email, "password": "client-password" }))).await
}

backend_test!(
    /// SEC-2: enrolment and confirmation through the API; then the password
    /// answers 401 `second_step_required` with a ticket, a used code is 422
    /// `code_reused`, a fresh one opens the session, a recovery code works
    /// once; the password change and a user with full access want the code
    /// in `X-Second-Factor`; turning it off wants a fresh one.
    async fn sec2_http_enrolment_second_step_and_sensitive_actions(db) {
        let app = App::spawn(db).await;
        let client = app.owned_client("APITWO", None).await;
        let me = app.portal("APITWO").await;
        let (status, enrolment) = json_of(me.post(app.url("/me/two-factor"))).await;
        assert_eq!(status, StatusCode::CREATED, "{enrolment}");
        assert!(enrolment["qr_svg"].as_str().unwrap().starts_with("<svg"));
        assert!(enrolment["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/Kopek:apitwo%40client.test?secret="));
        let secret = totp::base32_decode(enrolment["secret"].as_str().unwrap()).unwrap();
        let first = totp::code_at(&secret, app.t.engine.now());
        let (status, codes) = json_of(me.post(app.url("/me/two-factor/confirm")).json(&json!({ "code": first }))).await;
        assert_eq!((status, codes["codes"].as_array().unwrap().len()), (StatusCode::OK, 10), "{codes}");
        let (_, state) = json_of(me.get(app.url("/me/two-factor"))).await;
        assert_eq!(state, json!({ "enabled": true, "pending": false, "recovery_codes_left": 10 }));

        let (status, due) = login(&app, "apitwo@client.test").await;
        assert_eq!((status, due["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("second_step_required")), "{due}");
        let ticket = due["ticket"].as_str().unwrap().to_string();
        let step = |code: &str| browser().post(app.url("/auth/second-step")).json(&json!({ "ticket": ticket, "code": code }));
        assert_eq!(error_of(step(&first)).await, (StatusCode::UNPROCESSABLE_ENTITY, "code_reused".into()));
        assert_eq!(error_of(step("12345x")).await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_code".into()));
        let next = fresh(&app, &secret);
        let logged = browser();
        let (status, who) = json_of(logged.post(app.url("/auth/second-step")).json(&json!({ "ticket": ticket, "code": next }))).await;
        assert_eq!((status, who["email"].as_str()), (StatusCode::OK, Some("apitwo@client.test")), "{who}");
        assert_eq!(json_of(logged.get(app.url("/me"))).await.0, StatusCode::OK);

        let recovery = codes["codes"][0].as_str().unwrap();
        for expected in [(StatusCode::OK, "ok"), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_code")] {
            let (_, due) = login(&app, "apitwo@client.test").await;
            let (status, body) =
                json_of(browser().post(app.url("/auth/second-step")).json(&json!({ "ticket": due["ticket"], "code": recovery }))).await;
            assert_eq!((status, body["code"].as_str().unwrap_or("ok")), expected, "{body}");
        }

        let password = json!({ "current_password": "client-password", "new_password": "client-password-2" });
        let change = || me.post(app.url("/me/password")).json(&password);
        assert_eq!(error_of(change()).await, (StatusCode::UNPROCESSABLE_ENTITY, "second_step_required".into()));
        let r = change().header("x-second-factor", fresh(&app, &secret)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);

        let user = json!({ "email": "full@apitwo.test", "full_name": "Полный", "password": "user-password" });
        let add = || me.post(app.url(&format!("/clients/{client}/users"))).json(&user);
        assert_eq!(error_of(add()).await, (StatusCode::UNPROCESSABLE_ENTITY, "second_step_required".into()));
        let (status, added) = json_of(add().header("x-second-factor", fresh(&app, &secret))).await;
        assert_eq!((status, added["email"].as_str()), (StatusCode::CREATED, Some("full@apitwo.test")), "{added}");

        let off = |code: String| me.post(app.url("/me/two-factor/disable")).json(&json!({ "code": code }));
        let now = totp::code_at(&secret, app.t.engine.now());
        assert_eq!(error_of(off(now)).await, (StatusCode::UNPROCESSABLE_ENTITY, "code_reused".into()));
        assert_eq!(off(fresh(&app, &secret)).send().await.unwrap().status(), StatusCode::NO_CONTENT);
        let r = browser()
            .post(app.url("/auth/login"))
            .json(&json!({ "email": "apitwo@client.test", "password": "client-password-2" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
);

backend_test!(
    /// SEC-2: deleting a saved payment method through the API wants a
    /// fresh code; staff reset a client user's two-step authentication,
    /// audited, and a client's user can't.
    async fn sec2_http_saved_method_delete_and_staff_reset(db) {
        let app = App::spawn(db).await;
        let (client, payer) = app.client("RESET", None).await;
        let method = app.method(json!({ "prefix": "card", "name": "Карта", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] })).await;
        let me = app.portal("RESET").await;
        let (_, enrolment) = json_of(me.post(app.url("/me/two-factor"))).await;
        let secret = totp::base32_decode(enrolment["secret"].as_str().unwrap()).unwrap();
        let code = totp::code_at(&secret, app.t.engine.now());
        assert_eq!(json_of(me.post(app.url("/me/two-factor/confirm")).json(&json!({ "code": code }))).await.0, StatusCode::OK);

        let (status, setup) = json_of(
            me.post(app.url(&format!("/clients/{client}/saved-methods")))
                .json(&json!({ "payer_id": payer, "method_id": method, "amount": "10.00" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{setup}");
        let saved = format!("/saved-methods/{}", setup["saved_method"]["id"]);
        assert_eq!(error_of(me.delete(app.url(&saved))).await, (StatusCode::UNPROCESSABLE_ENTITY, "second_step_required".into()));
        let r = me.delete(app.url(&saved)).header("x-second-factor", fresh(&app, &secret)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

        let (_, users) = json_of(me.get(app.url(&format!("/clients/{client}/users")))).await;
        let owner = users[0]["id"].as_i64().unwrap();
        let reset = format!("/clients/{client}/users/{owner}/two-factor/reset");
        assert_eq!(error_of(me.post(app.url(&reset))).await, (StatusCode::FORBIDDEN, "forbidden".into()));
        let r = app.staff(reqwest::Method::POST, &reset).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(login(&app, "reset@client.test").await.0, StatusCode::OK, "the password alone logs in again");
        let mut conn = app.t.db.store.conn().await.unwrap();
        let rows = audit::recent(&mut conn, Some(client), 30).await.unwrap();
        let row = rows.iter().find(|r| r.action == "two_factor.reset").expect("audited");
        assert_eq!((row.actor_kind.as_str(), row.entity_id.clone()), ("staff", owner.to_string()));
    }
);

/// The form token of a page.
fn token(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form") + "name=\"_csrf\" value=\"".len();
    html[at..at + 64].to_string()
}

backend_test!(
    /// SEC-2 in the portal: the profile links to "Безопасность"; enrolment
    /// shows the QR code inline and the secret as text; a wrong code is
    /// refused next to its field; the right one shows the ten recovery
    /// codes; the login then asks for a code on a second page; the
    /// password change wants the code next to its fields.
    async fn sec2_portal_security_page_login_code_and_password_change(db) {
        let app = App::spawn(db).await;
        app.owned_client("PAGES", None).await;
        let pages = app.pages("PAGES").await;
        let profile = pages.page("/client/profile").await;
        assert_eq!(text_at(&profile, "data-test=\"security-link\"").as_deref(), Some("Безопасность: двухэтапная аутентификация"));
        assert!(!profile.contains("name=\"code\""), "no code asked while it is off");
        let off = pages.page("/client/security").await;
        assert_eq!(text_at(&off, "data-test=\"two-factor-state\"").as_deref(), Some("Выключена"));
        pages.form("/client/security/enrol", &[]).await.assert_redirect("/client/security");
        let pending = pages.page("/client/security").await;
        assert!(text_at(&pending, "data-test=\"qr\"").is_some() && pending.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        let secret_text = text_at(&pending, "data-test=\"secret\"").unwrap();
        let secret = totp::base32_decode(&secret_text).unwrap();
        let right = totp::code_at(&secret, app.t.engine.now());
        let wrong = if right == "000000" { "111111" } else { "000000" };
        let refused = pages.form("/client/security/confirm", &[("code", wrong)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&refused.html, "code").as_deref(), Some("Неверный или просроченный код"));
        assert_eq!(text_at(&refused.html, "data-test=\"secret\"").as_deref(), Some(secret_text.as_str()), "the same secret again");
        let on = pages.form("/client/security/confirm", &[("code", &right)]).await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.html);
        assert_eq!(on.html.matches("<li><code>").count(), 10);
        let on_page = pages.page("/client/security").await;
        assert_eq!(text_at(&on_page, "data-test=\"recovery-left\"").as_deref(), Some("Осталось кодов восстановления: 10"));

        // The login's second page.
        let http = browser();
        let login_page = http.get(app.site("/login")).send().await.unwrap().text().await.unwrap();
        let csrf = token(&login_page);
        let sent = |path: &str, fields: Vec<(&str, String)>| {
            let mut body = vec![("_csrf", csrf.clone())];
            body.extend(fields);
            http.post(app.site(path)).form(&body).send()
        };
        let r = sent("/login", vec![("email", "pages@client.test".into()), ("password", "client-password".into()), ("next", "/".into())])
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let code_page = r.text().await.unwrap();
        assert!(code_page.contains("data-test=\"second-step-form\""), "{code_page}");
        let at = code_page.find("name=\"ticket\" value=\"").unwrap() + "name=\"ticket\" value=\"".len();
        let ticket = code_page[at..].split('"').next().unwrap().to_string();
        let r = sent("/login/second-step", vec![("ticket", ticket.clone()), ("code", right.clone()), ("next", "/".into())]).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert_eq!(field_error(&html, "code").as_deref(), Some("Этот код уже использован, дождитесь следующего"));
        let next = fresh(&app, &secret);
        let r = sent("/login/second-step", vec![("ticket", ticket), ("code", next.clone()), ("next", "/".into())]).await.unwrap();
        assert_eq!((r.status(), r.headers().get("location").unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/"));

        // The password change asks for the code next to its fields.
        let profile = pages.page("/client/profile").await;
        assert!(profile.contains("name=\"code\""));
        let change = [("current_password", "client-password"), ("new_password", "client-password-2"), ("repeat_password", "client-password-2")];
        let refused = pages.form("/client/profile/password", &change).await;
        assert_eq!(field_error(&refused.html, "code").as_deref(), Some("Введите код из приложения-аутентификатора"));
        let mut with_code = change.to_vec();
        let code = fresh(&app, &secret);
        with_code.push(("code", &code));
        pages.form("/client/profile/password", &with_code).await.assert_redirect("/client/profile");
    }
);
