//! ACC-4, SUP-1: a new ticket is told by e-mail to the staff of its
//! department, and only to them, through the notification deliveries: one
//! per staff member, never twice. The templates and the mailbox are stubs
//! here; `kopek-integrations` sends the shipped letter to a real SMTP
//! server.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_domain::notification::DeliveryStatus;
use kopek_engine::Ctx;
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::core::notify::NewTicketNotice;
use kopek_engine::jobs::worker::Worker;
use kopek_engine::notifications::channels::{Courier, Outgoing, Rendered, Renderer, SendError, TemplateSource};
use kopek_engine::notifications::delivery::Notifier;
use kopek_engine::notifications::log::DeliveryQuery;
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::OpenTicket;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;

/// Renders an event as "<event> <ticket id> <subject>" in its language.
struct Plain;

impl Renderer for Plain {
    fn render(&self, event: &str, locale: &str, data: &serde_json::Value) -> Result<Rendered, String> {
        let subject = format!("{event} {} {}", data["ticket_id"], data["subject"].as_str().unwrap_or(""));
        let text = format!("{locale}: {} / {}", data["client"].as_str().unwrap_or(""), data["department"].as_str().unwrap_or(""));
        Ok(Rendered { subject, text: text.clone(), html: text.clone(), sms: text })
    }

    fn render_source(&self, event: &str, locale: &str, _: &TemplateSource, data: &serde_json::Value) -> Result<Rendered, String> {
        self.render(event, locale, data)
    }

    fn check(&self, _: &str, _: &str, _: &TemplateSource) -> Result<(), String> {
        Ok(())
    }
}

/// A mailbox that keeps (to, subject, text) of every letter.
#[derive(Default)]
struct Mailbox(Mutex<Vec<(String, String, String)>>);

#[async_trait]
impl Courier for Mailbox {
    fn channel(&self) -> NotificationChannel {
        NotificationChannel::Email
    }

    async fn send(&self, m: &Outgoing<'_>) -> Result<String, SendError> {
        let mut letters = self.0.lock().unwrap();
        letters.push((m.to.to_string(), m.content.subject.clone(), m.content.text.clone()));
        Ok(format!("queued {}", letters.len()))
    }
}

async fn staff(t: &TestEngine, admin: &Ctx, email: &str, role: &str) -> i64 {
    let new =
        NewStaff {
            email: email.into(), full_name: "Сотрудник".into(), password: "staff-password".into(), role: role.into()
        };
    t.engine.create_staff_user(admin, new).await.unwrap().id
}

backend_test!(
    /// ACC-4, SUP-1: two agents of the technical department get one e-mail
    /// each about the ticket opened there; the sales agent, the admin
    /// outside the department and the client's own users get none; the
    /// notice handled again sends nothing more; a ticket for sales reaches
    /// only sales.
    async fn acc4_a_new_ticket_notifies_its_department_s_staff_only(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let dep = |name: &str| DepartmentInput { name: name.into(), enabled: true };
    let tech = t.engine.create_department(&admin, dep("Технический")).await.unwrap().id;
    let sales = t.engine.create_department(&admin, dep("Продажи")).await.unwrap().id;
    let first = staff(&t, &admin, "first@kopek.test", "support").await;
    let second = staff(&t, &admin, "second@kopek.test", "admin").await;
    let seller = staff(&t, &admin, "seller@kopek.test", "support").await;
    for (d, s) in [(tech, first), (tech, second), (sales, seller)] {
        t.engine.set_department_staff(&admin, d, s, true).await.unwrap();
    }
    let (client, owner) = t.client("STAFF1", 0).await;
    let mailbox = Arc::new(Mailbox::default());
    let n = Arc::new(Notifier::new(Arc::new(Plain)).with_courier(mailbox.clone()));
    let worker = n.attach(Worker::new(t.engine.clone(), "staff-notice-test"));

    let open = |d: i64, subject: &str| OpenTicket {
        department_id: Some(d), subscription_id: None, subject: subject.into(), text: "Не работает почта".into(),
    };
    let ticket = t.engine.open_ticket(&owner, open(tech, "Почта"), vec![]).await.unwrap().ticket.id;
    while worker.run_once().await.unwrap() > 0 {}

    let subject = format!("support.ticket_created {ticket} Почта");
    let body = format!("ru: {} / Технический", client.name);
    let letters = mailbox.0.lock().unwrap().clone();
    assert_eq!(
        letters,
        vec![
            ("first@kopek.test".to_string(), subject.clone(), body.clone()),
            ("second@kopek.test".to_string(), subject.clone(), body.clone()),
        ]
    );
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    let mut got: Vec<_> =
        log.iter().map(|d| (d.staff_user_id, d.client_user_id, d.event.as_str(), d.address.as_str(), d.status)).collect();
    got.sort_unstable_by_key(|g| g.0);
    assert_eq!(
        got,
        vec![
            (Some(first), None, "support.ticket_created", "first@kopek.test", DeliveryStatus::Sent),
            (Some(second), None, "support.ticket_created", "second@kopek.test", DeliveryStatus::Sent),
        ]
    );
    assert!(log.iter().all(|d| d.client_id == client.id && d.channel == NotificationChannel::Email));
    let by_event = DeliveryQuery { event: Some("support.ticket_created".into()), ..DeliveryQuery::default() };
    assert_eq!(t.engine.notification_deliveries(&admin, &by_event).await.unwrap().len(), 2);
    assert_eq!(t.engine.my_notifications(&owner, 1).await.unwrap().total, 0, "the client is not told of its own ticket");

    // The same notice handled again (a crash before the outbox marked it
    // done) adds no delivery and sends nothing.
    let mut conn = t.engine.store().conn().await.unwrap();
    let notices = kopek_store::outbox::by_topic(&mut conn, "support.ticket_created").await.unwrap();
    drop(conn);
    assert_eq!((notices.len(), notices[0].status.as_str()), (1, "done"));
    let notice: NewTicketNotice = serde_json::from_str(&notices[0].payload).unwrap();
    assert_eq!((notice.staff.clone(), notice.department.as_str()), (vec![first, second], "Технический"));
    assert_eq!(n.accept_new_ticket(&t.engine, notices[0].id, &notice).await.unwrap(), 2);
    t.clock.advance(chrono::Duration::hours(1));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 0);
    assert_eq!(mailbox.0.lock().unwrap().len(), 2);

    // A ticket for sales: the seller only.
    let other = t.engine.open_ticket(&owner, open(sales, "Тариф"), vec![]).await.unwrap().ticket.id;
    while worker.run_once().await.unwrap() > 0 {}
    let letters = mailbox.0.lock().unwrap().clone();
    assert_eq!(letters.len(), 3);
    assert_eq!((letters[2].0.as_str(), letters[2].1.clone()), ("seller@kopek.test", format!("support.ticket_created {other} Тариф")));
});

backend_test!(
    /// ACC-4: without the e-mail channel a new ticket queues no delivery
    /// (staff have no inbox), and the notice is done all the same.
    async fn acc4_without_e_mail_the_notice_queues_nothing(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = t.engine.create_department(&admin, DepartmentInput { name: "Технический".into(), enabled: true }).await.unwrap().id;
    let agent = staff(&t, &admin, "agent@kopek.test", "support").await;
    t.engine.set_department_staff(&admin, tech, agent, true).await.unwrap();
    let (_, owner) = t.client("STAFF2", 0).await;
    let n = Arc::new(Notifier::new(Arc::new(Plain)));
    let worker = n.attach(Worker::new(t.engine.clone(), "staff-notice-test"));
    let open = OpenTicket { department_id: Some(tech), subscription_id: None, subject: "Почта".into(), text: "Нет".into() };
    t.engine.open_ticket(&owner, open, vec![]).await.unwrap();
    while worker.run_once().await.unwrap() > 0 {}
    let mut conn = t.engine.store().conn().await.unwrap();
    assert_eq!(kopek_store::outbox::by_topic(&mut conn, "support.ticket_created").await.unwrap()[0].status, "done");
    assert!(t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap().is_empty());
});
