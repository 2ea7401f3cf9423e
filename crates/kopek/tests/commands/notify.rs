//! `kopek notify test` (NTF): a channel that is not configured is refused
//! with what to set; a configured one sends the test letter to a real SMTP
//! server listening on a local port; the Telegram one (NTF-5) to a local
//! stub of the Bot API.

use std::process::Stdio;

// The same local SMTP server the integrations' tests send to.
use kopek_integrations::notifications::smtp_sink as smtp;

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");

async fn notify_test(dir: &std::path::Path, env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(KOPEK);
    cmd.args(["notify", "test", "--channel", "email", "--to", "ops@provider.test", "--locale", "en"])
        .current_dir(dir)
        .env_remove("KOPEK_DATABASE_URL")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().await.unwrap()
}

#[tokio::test]
async fn ntf4_kopek_notify_test_refuses_an_unconfigured_channel_and_sends_through_a_configured_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = notify_test(dir.path(), &[]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the email channel is off: configure it first"), "{err}");
    assert!(!dir.path().join("data").exists(), "no database is opened for it");

    let mailbox = smtp::SmtpServer::start().await;
    let env = [
        ("KOPEK_SMTP_HOST", "127.0.0.1".to_string()),
        ("KOPEK_SMTP_PORT", mailbox.addr.port().to_string()),
        ("KOPEK_SMTP_SECURITY", "plain".to_string()),
        ("KOPEK_SMTP_FROM", "Kopek <billing@provider.test>".to_string()),
    ];
    let out = notify_test(dir.path(), &env).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said} {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        said.starts_with("sent a test email to ops@provider.test: <kopek-test@provider.test> 2.0.0 Ok: queued as Q1"),
        "{said}"
    );
    let letters = mailbox.letters();
    assert_eq!(letters.len(), 1);
    assert_eq!(
        (letters[0].from.as_str(), letters[0].to.clone()),
        ("billing@provider.test", vec!["ops@provider.test".to_string()])
    );
    assert!(letters[0].data.contains("Subject: Kopek notification test\r\n"), "{}", letters[0].data);

    let bad = [("KOPEK_SMTP_HOST", "127.0.0.1".to_string())];
    let out = notify_test(dir.path(), &bad).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("smtp_host is set: set smtp_from too"));
}

/// NTF-5: `kopek notify test --channel telegram --to <chat id>` sends the
/// test message through the configured bot to a local stub of the Bot API;
/// an unconfigured bot and a chat id that is no chat id are refused.
#[tokio::test]
async fn ntf5_kopek_notify_test_sends_through_the_telegram_bot() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let dir = tempfile::tempdir().unwrap();
    let run = |to: &'static str, env: Vec<(&'static str, String)>| {
        let mut cmd = tokio::process::Command::new(KOPEK);
        cmd.args(["notify", "test", "--channel", "telegram", "--to", to, "--locale", "ru"])
            .current_dir(dir.path())
            .env_remove("KOPEK_DATABASE_URL")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        async move { cmd.output().await.unwrap() }
    };
    let out = run("123456789", vec![]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the messenger channel is off: configure it first (telegram_* keys"), "{err}");

    let bot_api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/bot123:secret/sendMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "ok": true, "result": { "message_id": 77 } })))
        .mount(&bot_api)
        .await;
    let env = || {
        vec![
            ("KOPEK_TELEGRAM_BOT_TOKEN", "123:secret".to_string()),
            ("KOPEK_TELEGRAM_API_URL", bot_api.uri()),
            ("KOPEK_TELEGRAM_BOT_NAME", "kopek_bot".to_string()),
        ]
    };
    let out = run("ops@provider.test", env()).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--to \"ops@provider.test\": a Telegram chat id is a number"), "{err}");
    assert!(bot_api.received_requests().await.unwrap().is_empty(), "nothing sent for a wrong chat");

    let out = run("123456789", env()).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(said, "sent a test messenger to 123456789: 77\n");
    let requests = bot_api.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["chat_id"], "123456789");
    assert_eq!(body["text"], "Проверка уведомлений Kopek\n\nЭто проверочное сообщение: уведомления на 123456789 доходят.");
}
