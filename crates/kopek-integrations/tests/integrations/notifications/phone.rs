//! ACC-2 with NTF-2, on both backends, through a local stub of SMS.ru: a
//! number that is not confirmed gets no SMS notifications; the code that
//! confirms it goes by SMS (and to no inbox); once confirmed, the user's
//! SMS choice is served.

use kopek_domain::account::{NotificationCategory, NotificationChannel};
use kopek_engine::accounts::phone::PhoneCodeRequest;
use kopek_engine::accounts::settings::SettingsChanges;
use kopek_engine::accounts::users::ProfileChanges;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{choice, drain, emit, notifier};
use kopek_integrations::notifications::smtp_sink::SmtpServer;

/// The text of each SMS the stub was asked to send to `to`.
async fn texts_to(gateway: &MockServer, to: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in gateway.received_requests().await.unwrap() {
        let body = String::from_utf8(r.body.clone()).unwrap();
        let url = reqwest::Url::parse(&format!("http://stub/?{body}")).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        if get("to") == to {
            out.push(get("msg"));
        }
    }
    out
}

backend_test!(
    /// ACC-2, NTF-2: SMS notifications wait for a confirmed number; the
    /// code comes by SMS in the user's language and confirms it.
    async fn acc2_ntf2_sms_goes_only_to_a_confirmed_number_and_the_code_by_sms(db) {
        let t = TestEngine::over(db);
        let mailbox = SmtpServer::start().await;
        let gateway = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/sms/send"))
            .and(body_string_contains("to=79165550001"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "OK", "status_code": 100,
                "sms": { "79165550001": { "status": "OK", "status_code": 100, "sms_id": "000000-7" } }
            })))
            .mount(&gateway)
            .await;
        let n = notifier(&mailbox, Some(&gateway));
        let (client, owner) = t.client("SMSOK", 0).await;
        let e = &t.engine;
        e.update_my_profile(&owner, ProfileChanges { full_name: None, phone: Some("+7 916 555-00-01".into()) }).await.unwrap();
        let sms_on = vec![choice(NotificationCategory::Finance, NotificationChannel::Sms, true)];
        e.save_my_settings(&owner, SettingsChanges { notifications: sms_on, ..SettingsChanges::default() }).await.unwrap();
        let unblocked = json!({ "renewed_subscriptions": [] });
        emit(&t, client.id, &["smsok@client.test"], "credit.unblocked", unblocked.clone()).await;
        drain(&t, &n).await;
        assert_eq!(mailbox.letters().len(), 1, "e-mail goes as before");
        assert!(texts_to(&gateway, "79165550001").await.is_empty(), "no SMS to a number not confirmed");

        e.send_phone_code(&owner, PhoneCodeRequest::default()).await.unwrap();
        drain(&t, &n).await;
        let texts = texts_to(&gateway, "79165550001").await;
        assert_eq!(texts.len(), 1);
        let code: String = texts[0].chars().filter(char::is_ascii_digit).collect();
        assert_eq!(texts[0], format!("Код подтверждения: {code}. Никому его не сообщайте."));
        drain(&t, &n).await;
        assert_eq!(texts_to(&gateway, "79165550001").await.len(), 1, "a code is sent once");
        assert!(e.confirm_phone(&owner, &code).await.unwrap().phone_verified);

        emit(&t, client.id, &["smsok@client.test"], "credit.unblocked", unblocked).await;
        drain(&t, &n).await;
        let texts = texts_to(&gateway, "79165550001").await;
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(!texts[1].contains(&code));
        let inbox = e.my_notifications(&owner, 1).await.unwrap();
        assert_eq!(inbox.total, 2, "the code is in no inbox");
        assert!(inbox.items.iter().all(|i| !i.body.contains(&code)));
    }
);
