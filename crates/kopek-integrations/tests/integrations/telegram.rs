//! NTF-5, SUP-3 on both backends, against a local stub of the Telegram Bot
//! API (getUpdates, sendMessage, sendDocument, answerCallbackQuery,
//! getFile and the file download). The stub answers every getUpdates with
//! all updates ever queued, whatever the offset: only the offset Kopek
//! keeps makes each update handled once.

use std::sync::{Arc, Mutex};

use kopek_domain::account::{NotificationCategory, NotificationChannel};
use kopek_domain::support::TicketState;
use kopek_domain::telegram::TelegramState;
use kopek_engine::accounts::settings::{NotificationChoice, SettingsChanges};
use kopek_engine::core::notify::Notification;
use kopek_engine::jobs::worker::Worker;
use kopek_engine::notifications::delivery::Notifier;
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::{OpenTicket, ReplyTicket};
use kopek_engine::testing::{TestEngine, test_settings};
use kopek_engine::{Ctx, Engine, Settings};
use kopek_integrations::notifications::ShippedTemplates;
use kopek_integrations::telegram::client::{TelegramClient, TelegramConfig, TelegramCourier};
use kopek_integrations::telegram::poller::Bot;
use kopek_store::backend_test;
use kopek_store::outbox::{self, NewMessage};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "123:secret";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nscreenshot";

#[derive(Clone, Default)]
struct Stub {
    updates: Arc<Mutex<Vec<Value>>>,
    sent: Arc<Mutex<Vec<Value>>>,
    documents: Arc<Mutex<usize>>,
}

impl Respond for Stub {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path().to_string();
        let ok = |result: Value| ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "result": result }));
        if path.starts_with(&format!("/file/bot{TOKEN}/")) {
            return ResponseTemplate::new(200).set_body_bytes(PNG);
        }
        let method = path.rsplit('/').next().unwrap_or("");
        match method {
            "getUpdates" => ok(Value::Array(self.updates.lock().unwrap().clone())),
            "sendMessage" => {
                let body: Value = serde_json::from_slice(&req.body).unwrap();
                let mut sent = self.sent.lock().unwrap();
                sent.push(body);
                ok(json!({ "message_id": sent.len() }))
            }
            "sendDocument" => {
                *self.documents.lock().unwrap() += 1;
                ok(json!({ "message_id": 0 }))
            }
            "answerCallbackQuery" => ok(json!(true)),
            "getFile" => {
                let body: Value = serde_json::from_slice(&req.body).unwrap();
                let id = body["file_id"].as_str().unwrap().to_string();
                ok(json!({ "file_id": id, "file_size": PNG.len(), "file_path": format!("documents/{id}.png") }))
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({ "ok": false, "description": "Not Found" })),
        }
    }
}

impl Stub {
    async fn start() -> (Stub, MockServer) {
        let stub = Stub::default();
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any()).respond_with(stub.clone()).mount(&server).await;
        (stub, server)
    }

    fn push(&self, update: Value) {
        let mut u = self.updates.lock().unwrap();
        let id = 1000 + i64::try_from(u.len()).unwrap();
        let mut update = update;
        update["update_id"] = json!(id);
        u.push(update);
    }

    fn text(&self, from: i64, username: &str, text: &str) {
        self.push(json!({ "message": { "message_id": 1, "from": { "id": from, "username": username },
            "chat": { "id": from, "type": "private" }, "text": text } }));
    }

    fn button(&self, from: i64, data: &str) {
        self.push(json!({ "callback_query": { "id": format!("cb{data}"), "from": { "id": from },
            "message": { "message_id": 1, "chat": { "id": from } }, "data": data } }));
    }

    fn document(&self, from: i64, file_id: &str, name: &str) {
        self.push(json!({ "message": { "message_id": 1, "from": { "id": from }, "chat": { "id": from },
            "document": { "file_id": file_id, "file_name": name, "file_size": PNG.len() } } }));
    }

    /// The texts sent so far to `chat`, and forgets them.
    fn take(&self, chat: i64) -> Vec<String> {
        let mut sent = self.sent.lock().unwrap();
        let (mine, rest): (Vec<Value>, Vec<Value>) =
            sent.drain(..).partition(|m| m["chat_id"].as_str() == Some(chat.to_string().as_str()));
        *sent = rest;
        mine.iter().map(|m| m["text"].as_str().unwrap().to_string()).collect()
    }

    /// The button data of the last message sent.
    fn last_buttons(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        let Some(last) = sent.last() else { return Vec::new() };
        last["reply_markup"]["inline_keyboard"]
            .as_array()
            .map(|rows| rows.iter().map(|r| r[0]["callback_data"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    }
}

fn settings() -> Settings {
    Settings { telegram_bot_name: Some("kopek_bot".into()), ..test_settings() }
}

fn engine_over(t: &TestEngine) -> Engine {
    Engine::new(t.db.store.clone(), Arc::new(t.clock.clone()), settings())
}

fn client(server: &MockServer) -> TelegramClient {
    TelegramClient::new(TelegramConfig { token: TOKEN.into(), api_url: server.uri(), bot_name: Some("kopek_bot".into()) })
        .unwrap()
}

/// Polls until no new update is left.
async fn drain(bot: &Bot) {
    while bot.poll_once().await.unwrap() > 0 {}
}

/// A client's owner with Telegram confirmed for Telegram user (and chat)
/// `from` by the one-time link, support on.
async fn bound_owner(t: &TestEngine, stub: &Stub, bot: &Bot, code: &str, from: i64) -> Ctx {
    let (_, owner) = t.client(code, 0).await;
    let changes =
        SettingsChanges { telegram: Some("ivan_petrov".into()), telegram_support: Some(true), ..SettingsChanges::default() };
    t.engine.save_my_settings(&owner, changes).await.unwrap();
    let link = t.engine.my_telegram(&owner).await.unwrap().link.unwrap();
    let token = link.strip_prefix("https://t.me/kopek_bot?start=").unwrap();
    stub.text(from, "ivan_petrov", &format!("/start {token}"));
    drain(bot).await;
    assert_eq!(t.engine.my_telegram(&owner).await.unwrap().state, TelegramState::Confirmed);
    stub.take(from);
    owner
}

backend_test!(
    /// NTF-5: a plain /start from the username set in the settings only
    /// moves it to "configuring"; the one-time link binds, once.
    async fn ntf5_the_one_time_link_binds_a_username_alone_does_not(db) {
    let mut t = TestEngine::over(db);
    t.engine = engine_over(&t);
    let (stub, server) = Stub::start().await;
    let bot = Bot::new(t.engine.clone(), client(&server)).without_waiting();
    let (_, owner) = t.client("TG1", 0).await;
    let before = t.engine.my_telegram(&owner).await.unwrap();
    assert_eq!(before.state, TelegramState::NeedsSetup);
    assert_eq!(before.bot.as_deref(), Some("kopek_bot"));
    let changes = SettingsChanges { telegram: Some("@Ivan_Petrov".into()), ..SettingsChanges::default() };
    t.engine.save_my_settings(&owner, changes).await.unwrap();

    stub.text(777, "ivan_petrov", "/start");
    drain(&bot).await;
    let status = t.engine.my_telegram(&owner).await.unwrap();
    assert_eq!(status.state, TelegramState::Configuring);
    assert_eq!(stub.take(777), ["Настраивается. Чтобы подтвердить, откройте ссылку из раздела «Настройки пользователя» на портале."]);

    let token = status.link.unwrap().strip_prefix("https://t.me/kopek_bot?start=").unwrap().to_string();
    assert_eq!(token.len(), 64);
    stub.text(555, "someone_else", &format!("/start {token}"));
    drain(&bot).await;
    let status = t.engine.my_telegram(&owner).await.unwrap();
    assert_eq!(status.state, TelegramState::Confirmed);
    assert_eq!(status.link, None);
    assert_eq!(stub.take(555), ["Telegram подтверждён: уведомления будут приходить сюда."]);

    // The token is spent: another account using it binds nothing.
    stub.text(888, "intruder", &format!("/start {token}"));
    drain(&bot).await;
    assert_eq!(stub.take(888), ["Ссылка недействительна или устарела. Откройте новую со страницы настроек."]);
    // Nothing is handled twice, though the stub answers every update again.
    assert_eq!(bot.poll_once().await.unwrap(), 0);
    assert!(stub.sent.lock().unwrap().is_empty());
    }
);

backend_test!(
    /// NTF-5: a notification the user chose for the messenger reaches the
    /// bound chat.
    async fn ntf5_a_notification_reaches_the_bound_chat(db) {
    let mut t = TestEngine::over(db);
    t.engine = engine_over(&t);
    let (stub, server) = Stub::start().await;
    let bot = Bot::new(t.engine.clone(), client(&server)).without_waiting();
    let owner = bound_owner(&t, &stub, &bot, "TG2", 555).await;
    let choice = NotificationChoice { category: NotificationCategory::Finance, channel: NotificationChannel::Messenger, enabled: true };
    let changes = SettingsChanges { notifications: vec![choice], ..SettingsChanges::default() };
    t.engine.save_my_settings(&owner, changes).await.unwrap();
    let notifier = Arc::new(
        Notifier::new(Arc::new(ShippedTemplates::new())).with_courier(Arc::new(TelegramCourier(client(&server)))),
    );
    let client_id = owner.actor.own_client().unwrap();
    let note = Notification { event: "credit.unblocked".into(), client_id, recipients: vec!["tg2@client.test".into()], data: json!({}) };
    let now = t.engine.now();
    let payload = serde_json::to_string(&note).unwrap();
    let mut conn = t.engine.store().conn().await.unwrap();
    let m = NewMessage { topic: "notification", payload: &payload, dedup_key: None, max_attempts: 10, available_at: now, created_at: now };
    outbox::enqueue(&mut conn, &m).await.unwrap().unwrap();
    drop(conn);
    let worker = notifier.attach(Worker::new(t.engine.clone(), "tg-test"));
    while worker.run_once().await.unwrap() > 0 {}
    assert_eq!(
        stub.take(555),
        ["Кредитный лимит разблокирован\n\nПросроченный счёт оплачен, кредитный лимит снова доступен."]
    );
    }
);

backend_test!(
    /// SUP-3: /createticket walks department, subject, service (skipped),
    /// messages and a file, and "finish" opens the ticket with the file.
    async fn sup3_createticket_opens_a_ticket_with_its_file(db) {
    let mut t = TestEngine::over(db);
    t.engine = engine_over(&t);
    let (stub, server) = Stub::start().await;
    let bot = Bot::new(t.engine.clone(), client(&server)).without_waiting();
    let admin = t.admin().await;
    let dep = t.engine.create_department(&admin, DepartmentInput { name: "Техподдержка".into(), enabled: true }).await.unwrap();
    let owner = bound_owner(&t, &stub, &bot, "TG3", 555).await;

    stub.text(555, "ivan_petrov", "/createticket");
    drain(&bot).await;
    assert_eq!(stub.last_buttons(), [format!("d:{}", dep.id)]);
    assert_eq!(stub.take(555), ["Выберите отдел:"]);
    stub.button(555, &format!("d:{}", dep.id));
    stub.text(555, "ivan_petrov", "Не работает сайт");
    stub.button(555, "skip");
    stub.text(555, "ivan_petrov", &"я".repeat(256));
    stub.text(555, "ivan_petrov", "Сайт отдаёт 502");
    stub.document(555, "F1", "shot.png");
    stub.text(555, "ivan_petrov", "С утра");
    stub.button(555, "finish");
    drain(&bot).await;
    let said = stub.take(555);
    assert_eq!(said[0], "Введите тему запроса:");
    assert_eq!(said[1], "Введите id услуги или нажмите «Пропустить»:");
    assert_eq!(said[3], "Сообщение длиннее 255 символов, не принято.");
    assert_eq!(said[4..7], ["Принято.", "Принято.", "Принято."]);
    let tickets = t.engine.tickets(&owner).await.unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(said[7], format!("Запрос создан, номер {}.", tickets[0].id));
    assert_eq!(tickets[0].subject, "Не работает сайт");
    assert_eq!(tickets[0].department_id, Some(dep.id));
    assert_eq!(tickets[0].subscription_id, None);
    let detail = t.engine.ticket(&owner, tickets[0].id).await.unwrap();
    assert_eq!(detail.messages.len(), 1);
    assert_eq!(detail.messages[0].text, "Сайт отдаёт 502\n\nС утра");
    assert_eq!(detail.messages[0].files.len(), 1);
    assert_eq!(detail.messages[0].files[0].name, "shot.png");
    assert_eq!(detail.messages[0].files[0].size, i64::try_from(PNG.len()).unwrap());
    }
);

backend_test!(
    /// SUP-3: /start lists the active tickets; a card shows the last
    /// message with its file; "add reply" … "finish" answers; "archive"
    /// puts away a ticket awaiting the client's reply.
    async fn sup3_reply_dialogue_and_archive(db) {
    let mut t = TestEngine::over(db);
    t.engine = engine_over(&t);
    let (stub, server) = Stub::start().await;
    let bot = Bot::new(t.engine.clone(), client(&server)).without_waiting();
    let admin = t.admin().await;
    let owner = bound_owner(&t, &stub, &bot, "TG4", 555).await;
    let input = OpenTicket { department_id: None, subscription_id: None, subject: "Добавить можно".into(), text: "Вопрос".into() };
    let id = t.engine.open_ticket(&owner, input, Vec::new()).await.unwrap().ticket.id;
    let file = kopek_engine::support::views::Upload { name: "answer.png".into(), bytes: PNG.to_vec() };
    t.engine.reply_ticket(&admin, id, ReplyTicket { text: "для примера".into(), internal: false }, vec![file]).await.unwrap();

    stub.text(555, "ivan_petrov", "/start");
    drain(&bot).await;
    assert_eq!(stub.last_buttons(), [format!("t:{id}")]);
    assert_eq!(stub.take(555), ["Активные запросы:"]);
    stub.button(555, &format!("t:{id}"));
    drain(&bot).await;
    assert_eq!(stub.last_buttons(), [format!("r:{id}"), format!("a:{id}")]);
    // A client sees staff by their full name, not their login.
    assert_eq!(
        stub.take(555),
        [format!("Номер запроса: {id}\nТема запроса: Добавить можно\nСостояние: Ожидает вашего ответа\nОт: Test Admin\nСообщение: для примера")]
    );
    assert_eq!(*stub.documents.lock().unwrap(), 1);

    stub.button(555, &format!("r:{id}"));
    stub.text(555, "ivan_petrov", "Спасибо");
    stub.button(555, "finish");
    drain(&bot).await;
    assert_eq!(stub.take(555).last().unwrap(), &format!("Ответ отправлен в запрос {id}."));
    let detail = t.engine.ticket(&owner, id).await.unwrap();
    assert_eq!(detail.messages.last().unwrap().text, "Спасибо");
    assert_eq!(detail.ticket.state, TicketState::UnderReview);

    t.engine.reply_ticket(&admin, id, ReplyTicket { text: "Готово".into(), internal: false }, Vec::new()).await.unwrap();
    stub.button(555, &format!("a:{id}"));
    drain(&bot).await;
    assert_eq!(stub.take(555), ["Запрос помещён в архив."]);
    assert_eq!(t.engine.tickets(&owner).await.unwrap()[0].state, TicketState::Archived);
    }
);

backend_test!(
    /// SUP-3: the dialogue lives in the database: a new bot over the same
    /// database, after a restart mid-dialogue, finishes it — and handles
    /// none of the old updates again.
    async fn sup3_a_restarted_bot_continues_the_dialogue(db) {
    let mut t = TestEngine::over(db);
    t.engine = engine_over(&t);
    let (stub, server) = Stub::start().await;
    let bot = Bot::new(t.engine.clone(), client(&server)).without_waiting();
    let owner = bound_owner(&t, &stub, &bot, "TG5", 555).await;
    stub.text(555, "ivan_petrov", "/createticket");
    stub.text(555, "ivan_petrov", "Счёт");
    drain(&bot).await;
    assert_eq!(stub.take(555), ["Введите тему запроса:", "Введите id услуги или нажмите «Пропустить»:"]);
    drop(bot);

    let restarted = Bot::new(engine_over(&t), client(&server)).without_waiting();
    stub.button(555, "skip");
    stub.text(555, "ivan_petrov", "Нужен счёт на оплату");
    stub.button(555, "finish");
    drain(&restarted).await;
    let said = stub.take(555);
    assert_eq!(said.len(), 3);
    let tickets = t.engine.tickets(&owner).await.unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].subject, "Счёт");
    assert_eq!(said[2], format!("Запрос создан, номер {}.", tickets[0].id));
    }
);
