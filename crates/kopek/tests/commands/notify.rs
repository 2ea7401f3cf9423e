//! `kopek notify test` (NTF): a channel that is not configured is refused
//! with what to set; a configured one sends the test letter to a real SMTP
//! server listening on a local port.

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
