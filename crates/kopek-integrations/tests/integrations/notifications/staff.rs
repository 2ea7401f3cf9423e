//! ACC-4, SUP-1: a new ticket reaches its department's staff at a real SMTP
//! server, in the shipped Russian letter, once each — also when the server
//! refuses a letter first.

use super::*;
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::OpenTicket;

backend_test!(
    /// ACC-4, SUP-1: the two agents of the technical department each get
    /// the letter "Новый запрос" once (the second after a refusal and its
    /// backoff); the sales agent gets nothing.
    async fn acc4_a_new_ticket_s_letter_reaches_the_department_s_staff_once(db) {
    let t = TestEngine::over(db);
    let mailbox = SmtpServer::start().await;
    let n = notifier(&mailbox, None);
    let admin = t.admin().await;
    let dep = |name: &str| DepartmentInput { name: name.into(), enabled: true };
    let tech = t.engine.create_department(&admin, dep("Технический")).await.unwrap().id;
    let sales = t.engine.create_department(&admin, dep("Продажи")).await.unwrap().id;
    for (d, email) in [(tech, "first@kopek.test"), (tech, "second@kopek.test"), (sales, "seller@kopek.test")] {
        let new = NewStaff { email: email.into(), full_name: "Агент".into(), password: "agent-password".into(), role: "support".into() };
        let id = t.engine.create_staff_user(&admin, new).await.unwrap().id;
        t.engine.set_department_staff(&admin, d, id, true).await.unwrap();
    }
    let (client, owner) = t.client("STAFF3", 0).await;
    mailbox.refuse_next(1);
    let open = OpenTicket {
        department_id: Some(tech), subscription_id: None, subject: "Сервер не отвечает".into(), text: "С утра 502".into(),
    };
    let ticket = t.engine.open_ticket(&owner, open, vec![]).await.unwrap().ticket.id;
    drain(&t, &n).await;
    assert_eq!((mailbox.refused(), mailbox.letters().len()), (1, 1));
    t.clock.set(t.engine.now() + Duration::seconds(5));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 1);
    t.clock.set(t.engine.now() + Duration::hours(2));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 0);

    let letters = mailbox.letters();
    let mut to: Vec<String> = letters.iter().flat_map(|l| l.to.clone()).collect();
    to.sort_unstable();
    assert_eq!(to, vec!["first@kopek.test".to_string(), "second@kopek.test".to_string()]);
    for letter in &letters {
        let (subject, text, html, _) = read(letter);
        assert_eq!(letter.from, "billing@provider.test");
        assert_eq!(subject, format!("Новый запрос № {ticket}: Сервер не отвечает"));
        assert_eq!(
            text,
            format!(
                "Клиент «{}» открыл запрос № {ticket} «Сервер не отвечает» в отделе «Технический».\n\
                 Ответить можно в разделе «Поддержка — Запросы».",
                client.name
            )
        );
        assert!(html.contains("<p>Ответить можно в разделе «Поддержка — Запросы»."), "{html}");
    }
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    let attempts: Vec<(DeliveryStatus, i64)> = log.iter().map(|d| (d.status, d.attempts)).collect();
    assert_eq!(attempts, vec![(DeliveryStatus::Sent, 1), (DeliveryStatus::Sent, 2)], "newest first: the first agent's letter, refused once, is last");
});
