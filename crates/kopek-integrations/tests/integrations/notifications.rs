//! NTF-1 … NTF-4, CRD-3, on both backends, with a real SMTP server on a
//! local port and a local stub of SMS.ru: the worker drains the
//! `notification` messages, keeps each in its users' inbox, and delivers
//! by each user's own choices — once, whatever is run again.

mod phone;
mod staff;

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_domain::account::{NotificationCategory, NotificationChannel, Rights};
use kopek_domain::notification::DeliveryStatus;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::accounts::settings::{NotificationChoice, SettingsChanges};
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::core::notify::Notification;
use kopek_engine::jobs::worker::Worker;
use kopek_engine::notifications::delivery::Notifier;
use kopek_engine::notifications::log::DeliveryQuery;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Actor, Ctx};
use kopek_integrations::notifications::smtp_sink::{Letter, SmtpServer};
use kopek_integrations::notifications::{
    EmailCourier, ShippedTemplates, SmsConfig, SmsCourier, SmsProvider, SmtpConfig, SmtpSecurity,
};
use kopek_store::backend_test;
use kopek_store::outbox;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn notifier(mailbox: &SmtpServer, sms: Option<&MockServer>) -> Arc<Notifier> {
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: mailbox.addr.port(),
        security: SmtpSecurity::Plain,
        username: None,
        password: None,
        from: "Kopek <billing@provider.test>".into(),
        timeout_secs: 10,
    };
    let mut n = Notifier::new(Arc::new(ShippedTemplates::new())).with_courier(Arc::new(EmailCourier::new(&smtp).unwrap()));
    if let Some(server) = sms {
        let cfg = SmsConfig {
            provider: SmsProvider::Smsru,
            base_url: server.uri(),
            login: "api-id-1".into(),
            password: None,
            sender: None,
        };
        n = n.with_courier(Arc::new(SmsCourier::new(cfg).unwrap()));
    }
    Arc::new(n)
}

/// Runs the worker until the outbox has nothing more for it.
async fn drain(t: &TestEngine, n: &Arc<Notifier>) {
    let worker = n.attach(Worker::new(t.engine.clone(), "notify-test"));
    while worker.run_once().await.unwrap() > 0 {}
}

/// (subject, text part, html part, Message-ID) of a letter.
fn read(letter: &Letter) -> (String, String, String, String) {
    let m = mail_parser::MessageParser::default().parse(letter.data.as_bytes()).expect("a letter parses");
    (
        m.subject().unwrap_or_default().to_string(),
        m.body_text(0).unwrap_or_default().replace("\r\n", "\n").trim().to_string(),
        m.body_html(0).unwrap_or_default().to_string(),
        m.message_id().unwrap_or_default().to_string(),
    )
}

fn user_ctx(id: i64, client_id: i64, email: &str) -> Ctx {
    Ctx::new(Actor::ClientUser { id, client_id, email: email.into(), rights: Rights::ALL, acting_staff: None })
}

/// Marks the user's number confirmed, as its SMS code would (ACC-2; the
/// code's own path is tested in `phone`).
async fn confirmed(t: &TestEngine, user_id: i64, phone: &str) {
    let mut conn = t.engine.store().conn().await.unwrap();
    kopek_store::phone_codes::set_phone(&mut conn, user_id, Some(phone), true).await.unwrap();
}

fn choice(category: NotificationCategory, channel: NotificationChannel, enabled: bool) -> NotificationChoice {
    NotificationChoice { category, channel, enabled }
}

/// Queues a notification as the engine does, for the worker to find.
async fn emit(t: &TestEngine, client_id: i64, recipients: &[&str], event: &str, data: serde_json::Value) -> i64 {
    let note =
        Notification { event: event.into(), client_id, recipients: recipients.iter().map(|r| r.to_string()).collect(), data };
    t.queue_notification(&note).await
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

backend_test!(
    /// CRD-3, NTF-1, NTF-3, NTF-4: the credit cycle's first two reminders
    /// reach the mailbox once each, in the English the owner chose, with
    /// the invoice's figures; handling the messages again sends nothing.
    async fn crd3_ntf4_credit_reminders_reach_the_mailbox_once_in_the_user_s_language(db) {
    let t = TestEngine::over(db);
    let mailbox = SmtpServer::start().await;
    let n = notifier(&mailbox, None);
    let admin = t.admin().await;
    let (client, owner) = t.client("NTF1", 5000).await;
    let changes = SettingsChanges { locale: Some("en".into()), ..SettingsChanges::default() };
    t.engine.save_my_settings(&owner, changes).await.unwrap();
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    let vds = t.engine.create_service(&admin, input).await.unwrap().id;
    t.clock.set(Utc.with_ymd_and_hms(2026, 12, 20, 9, 0, 0).unwrap());
    let order = PaidPeriodOrder { service_id: vds, months: 2, auto_renew: false, saved_method_id: None };
    t.engine.order_paid_period(&owner, client.id, order).await.unwrap();
    let mut day = d(2027, 1, 1);
    while day <= d(2027, 1, 12) {
        t.clock.set(Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap()) - Duration::hours(3));
        t.engine.run_night(&Ctx::system("test night"), day).await.unwrap();
        day += Duration::days(1);
    }
    drain(&t, &n).await;

    // The order opened its service (NTF-1) before the reminders came.
    let all = mailbox.letters();
    assert_eq!(read(&all[0]).0, "Service “VDS-2” is open");
    let letters = &all[1..];
    assert_eq!(letters.len(), 2);
    let invoice = t.engine.credit_invoices(&owner, client.id).await.unwrap()[0].id;
    let (subject, text, html, message_id) = read(&letters[0]);
    assert_eq!(letters[0].to, vec!["ntf1@client.test".to_string()]);
    assert_eq!(letters[0].from, "billing@provider.test");
    assert_eq!(subject, format!("Credit limit invoice No. {invoice} issued"));
    assert_eq!(
        text,
        format!("Invoice No. {invoice} for services on credit has been issued for 600.00 RUB.\n\
                 Please pay it by 15 Jan 2027. If it is not paid, the credit limit will be blocked on 30 Jan 2027.")
    );
    assert!(html.contains("<p>Please pay it by 15 Jan 2027."), "{html}");
    assert!(message_id.starts_with("kopek-delivery-") && message_id.ends_with("@provider.test"), "{message_id}");
    let (subject, text, _, _) = read(&letters[1]);
    assert_eq!(subject, format!("Invoice No. {invoice} is due in three days"));
    assert!(text.starts_with(&format!("A reminder: invoice No. {invoice} is due by 15 Jan 2027. To pay: 600.00 RUB.")), "{text}");

    // Every notification message handled again: nothing new anywhere.
    let mut conn = t.engine.store().conn().await.unwrap();
    let messages = outbox::by_topic(&mut conn, "notification").await.unwrap();
    drop(conn);
    for m in &messages {
        assert_eq!(m.status, "done");
        let note: Notification = serde_json::from_str(&m.payload).unwrap();
        n.accept(&t.engine, m.id, &note).await.unwrap();
    }
    t.clock.set(t.engine.now() + Duration::hours(1));
    n.deliver_due(&t.engine).await.unwrap();
    assert_eq!(mailbox.letters().len(), 3);
    let inbox = t.engine.my_notifications(&owner, 1).await.unwrap();
    assert_eq!((inbox.total, inbox.unread), (3, 3));
    assert_eq!(inbox.items[0].subject, format!("Invoice No. {invoice} is due in three days"));
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Sent && d.attempts == 1 && d.channel == NotificationChannel::Email));
});

backend_test!(
    /// NTF-4: a server that refuses twice (451) and then accepts gets the
    /// letter once; the delivery is failed between, with the server's
    /// answer as its error, and sent on the third try after its backoff.
    async fn ntf4_a_server_that_refuses_twice_then_accepts_gets_the_letter_once(db) {
    let t = TestEngine::over(db);
    let mailbox = SmtpServer::start().await;
    let n = notifier(&mailbox, None);
    let admin = t.admin().await;
    let (client, owner) = t.client("NTF2", 0).await;
    mailbox.refuse_next(2);
    emit(&t, client.id, &["ntf2@client.test"], "autopay.payment_failed", json!({ "payment_id": 41, "reason": "карта отклонена" })).await;
    drain(&t, &n).await;
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    assert_eq!((log[0].status, log[0].attempts), (DeliveryStatus::Failed, 1));
    assert!(log[0].last_error.as_deref().unwrap().contains("try again later"), "{:?}", log[0].last_error);
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 0, "not before its backoff");

    t.clock.set(t.engine.now() + Duration::seconds(5));
    let r = n.deliver_due(&t.engine).await.unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    t.clock.set(t.engine.now() + Duration::seconds(10));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 1);
    t.clock.set(t.engine.now() + Duration::hours(2));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 0);

    assert_eq!((mailbox.refused(), mailbox.letters().len()), (2, 1));
    let (subject, text, _, _) = read(&mailbox.letters()[0]);
    assert_eq!(subject, "Автоплатёж не прошёл");
    assert_eq!(text, "Автоплатёж № 41 не прошёл: карта отклонена. Проверьте сохранённый способ оплаты.");
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    assert_eq!((log[0].status, log[0].attempts), (DeliveryStatus::Sent, 3));
    assert!(log[0].provider_message_id.as_deref().unwrap().ends_with("2.0.0 Ok: queued as Q1"), "{:?}", log[0].provider_message_id);
    let _ = owner;
});

backend_test!(
    /// NTF-2, NTF-4: a client with three users, each served by its own
    /// choices: the owner by the default e-mail, one who switched finance
    /// e-mail off by nothing but the inbox, one who added SMS by e-mail
    /// and SMS (through SMS.ru's stub). All three see it in the inbox.
    async fn ntf2_three_users_each_get_a_notification_by_their_own_choices(db) {
    let t = TestEngine::over(db);
    let mailbox = SmtpServer::start().await;
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sms/send"))
        .and(body_string_contains("to=79161234567"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "OK", "status_code": 100, "balance": 4122.56,
            "sms": { "79161234567": { "status": "OK", "status_code": 100, "sms_id": "000000-10000001" } }
        })))
        .expect(1)
        .mount(&gateway)
        .await;
    let n = notifier(&mailbox, Some(&gateway));
    let admin = t.admin().await;
    let (client, owner) = t.client("NTF3", 0).await;
    let mut ctxs = Vec::new();
    for (email, phone) in [("quiet@client.test", None), ("phone@client.test", Some("+7 916 123-45-67"))] {
        let new = NewUser {
            email: email.into(),
            full_name: email.into(),
            password: "client-password".into(),
            phone: phone.map(str::to_string),
            full_access: true,
            rights: Vec::new(),
        };
        let u = t.engine.create_client_user(&owner, client.id, new).await.unwrap();
        if let Some(phone) = &u.phone {
            confirmed(&t, u.id, phone).await;
        }
        ctxs.push(user_ctx(u.id, client.id, email));
    }
    let off = vec![choice(NotificationCategory::Finance, NotificationChannel::Email, false)];
    t.engine.save_my_settings(&ctxs[0], SettingsChanges { notifications: off, ..SettingsChanges::default() }).await.unwrap();
    let sms = vec![choice(NotificationCategory::Finance, NotificationChannel::Sms, true)];
    t.engine.save_my_settings(&ctxs[1], SettingsChanges { notifications: sms, ..SettingsChanges::default() }).await.unwrap();

    let all = ["ntf3@client.test", "quiet@client.test", "phone@client.test"];
    emit(&t, client.id, &all, "renewal.payment_failed", json!({ "subscription_id": 8, "reason": "недостаточно средств", "retry_on": "2026-03-02" })).await;
    drain(&t, &n).await;

    let mut to: Vec<String> = mailbox.letters().iter().flat_map(|l| l.to.clone()).collect();
    to.sort();
    assert_eq!(to, vec!["ntf3@client.test".to_string(), "phone@client.test".to_string()]);
    let (subject, _, _, _) = read(&mailbox.letters()[0]);
    assert_eq!(subject, "Не удалось продлить услугу");
    for ctx in [&owner, &ctxs[0], &ctxs[1]] {
        let inbox = t.engine.my_notifications(ctx, 1).await.unwrap();
        assert_eq!((inbox.total, inbox.unread), (1, 1));
        assert_eq!(inbox.items[0].subject, "Не удалось продлить услугу");
        assert_eq!(inbox.items[0].body, "Не удалось автоматически продлить услугу № 8: недостаточно средств.\nПопробуем снова 02.03.2026. Пополните баланс или проверьте способ оплаты.");
    }
    let opened = t.engine.open_my_notification(&ctxs[0], t.engine.my_notifications(&ctxs[0], 1).await.unwrap().items[0].id).await.unwrap();
    assert!(!opened.read, "it was unread when opened");
    assert_eq!(t.engine.my_notifications(&ctxs[0], 1).await.unwrap().unread, 0);
    let others = t.engine.my_notifications(&owner, 1).await.unwrap().items[0].id;
    assert_eq!(t.engine.open_my_notification(&ctxs[0], others).await.unwrap_err().code(), "not_found");

    let q = DeliveryQuery { channel: Some(NotificationChannel::Sms), ..DeliveryQuery::default() };
    let sms = t.engine.notification_deliveries(&admin, &q).await.unwrap();
    assert_eq!(sms.len(), 1);
    assert_eq!((sms[0].status, sms[0].address.as_str(), sms[0].provider_message_id.as_deref()),
        (DeliveryStatus::Sent, "+79161234567", Some("000000-10000001")));
    let body = String::from_utf8(gateway.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(body.contains("api_id=api-id-1") && body.contains("json=1"), "{body}");
});

backend_test!(
    /// NTF-4: SMS.ru's error codes: 207 (a number it cannot send to) is
    /// final and the delivery dead; 220 (the service down for a while) is
    /// tried again. Staff see the code and send the dead one again.
    async fn ntf4_sms_ru_error_codes_decide_between_dead_and_tried_again(db) {
    let t = TestEngine::over(db);
    let mailbox = SmtpServer::start().await;
    let gateway = MockServer::start().await;
    let refusal = |code: i64, text: &str| ResponseTemplate::new(200).set_body_json(json!({
        "status": "OK", "status_code": 100,
        "sms": { "79160000001": { "status": "ERROR", "status_code": code, "status_text": text } }
    }));
    Mock::given(path("/sms/send")).respond_with(refusal(207, "На этот номер нельзя отправлять сообщения")).up_to_n_times(1).mount(&gateway).await;
    Mock::given(path("/sms/send")).respond_with(refusal(220, "Сервис временно недоступен")).up_to_n_times(1).mount(&gateway).await;
    Mock::given(path("/sms/send")).respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "status": "OK", "status_code": 100, "sms": { "79160000001": { "status": "OK", "status_code": 100, "sms_id": "000000-2" } }
    }))).mount(&gateway).await;
    let n = notifier(&mailbox, Some(&gateway));
    let admin = t.admin().await;
    let (client, owner) = t.client("NTF4", 0).await;
    t.engine.update_my_profile(&owner, serde_json::from_value(json!({ "phone": "+79160000001" })).unwrap()).await.unwrap();
    confirmed(&t, owner.actor.id().unwrap(), "+79160000001").await;
    let only_sms = vec![
        choice(NotificationCategory::Finance, NotificationChannel::Email, false),
        choice(NotificationCategory::Finance, NotificationChannel::Sms, true),
    ];
    t.engine.save_my_settings(&owner, SettingsChanges { notifications: only_sms, ..SettingsChanges::default() }).await.unwrap();
    emit(&t, client.id, &["ntf4@client.test"], "credit.unblocked", json!({ "renewed_subscriptions": [] })).await;
    drain(&t, &n).await;

    let q = DeliveryQuery { status: Some(DeliveryStatus::Dead), client_id: Some(client.id), ..DeliveryQuery::default() };
    let dead = t.engine.notification_deliveries(&admin, &q).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("SMS.ru 207: На этот номер нельзя отправлять сообщения"));
    assert_eq!(t.engine.resend_delivery(&owner, dead[0].id).await.unwrap_err().code(), "forbidden");
    let again = t.engine.resend_delivery(&admin, dead[0].id).await.unwrap();
    assert_eq!(again.status, DeliveryStatus::Queued);
    assert_eq!(t.engine.resend_delivery(&admin, dead[0].id).await.unwrap_err().code(), "delivery_not_failed");

    let r = n.deliver_due(&t.engine).await.unwrap();
    assert_eq!((r.sent, r.failed, r.dead), (0, 1, 0), "220 is tried again");
    t.clock.set(t.engine.now() + Duration::minutes(1));
    assert_eq!(n.deliver_due(&t.engine).await.unwrap().sent, 1);
    let log = t.engine.notification_deliveries(&admin, &DeliveryQuery::default()).await.unwrap();
    assert_eq!((log[0].status, log[0].attempts, log[0].provider_message_id.as_deref()), (DeliveryStatus::Sent, 3, Some("000000-2")));
    assert!(mailbox.letters().is_empty(), "finance e-mail is off");
    let bad = DeliveryQuery { event: Some("no.such".into()), ..DeliveryQuery::default() };
    assert_eq!(t.engine.notification_deliveries(&admin, &bad).await.unwrap_err().code(), "unknown_event");
});
