//! SUP-1, SUP-2, ACC-4, SVC-2: a support ticket's life in the engine, on
//! both backends.

use chrono::Duration;
use kopek_domain::account::{Right, StaffRole};
use kopek_domain::support::TicketState;
use kopek_engine::accounts::clients::{NewStaff, NewUser};
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::{OpenTicket, ReplyTicket};
use kopek_engine::support::views::Upload;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Actor, Ctx};
use kopek_store::backend_test;

async fn support_staff(t: &TestEngine, admin: &Ctx, email: &str) -> Ctx {
    let new =
        NewStaff {
            email: email.into(), full_name: "Агент".into(), password: "support-password".into(), role: "support".into()
        };
    let s = t.engine.create_staff_user(admin, new).await.unwrap();
    Ctx::new(Actor::Staff { id: s.id, email: s.email, role: StaffRole::Support })
}

async fn department(t: &TestEngine, admin: &Ctx, name: &str) -> i64 {
    t.engine.create_department(admin, DepartmentInput { name: name.into(), enabled: true }).await.unwrap().id
}

fn open(dep: i64, subject: &str) -> OpenTicket {
    OpenTicket {
        department_id: Some(dep), subscription_id: None, subject: subject.into(), text: "Сервер не отвечает".into()
    }
}

fn reply(text: &str, internal: bool) -> ReplyTicket {
    ReplyTicket { text: text.into(), internal }
}

backend_test!(
    /// SUP-1, SUP-2, ACC-4: create with a file → staff reply (and an
    /// internal note) → "new messages" → read → "awaiting your reply" →
    /// client reply → "under review" → staff reply → archive.
    async fn sup1_sup2_a_tickets_whole_life(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = department(&t, &admin, "Технический").await;
    let agent = support_staff(&t, &admin, "agent@kopek.test").await;
    let agent_id = agent.actor.id().unwrap();
    t.engine.set_department_staff(&admin, tech, agent_id, true).await.unwrap();
    let (client, owner) = t.client("SUP1", 0).await;

    let log = Upload { name: "C:\\logs\\error.log".into(), bytes: "ошибка 502\n".as_bytes().to_vec() };
    let opened = t.engine.open_ticket(&owner, open(tech, "  Сервер  "), vec![log]).await.unwrap();
    let id = opened.ticket.id;
    assert_eq!((opened.ticket.subject.as_str(), opened.ticket.state, opened.ticket.unread), ("Сервер", TicketState::UnderReview, false));
    assert_eq!((opened.ticket.client_id, opened.ticket.department.as_deref()), (client.id, Some("Технический")));
    let file = &opened.messages[0].files[0];
    assert_eq!((file.name.as_str(), file.content_type.as_str(), file.size), ("error.log", "text/plain; charset=utf-8", 17));
    let mut conn = t.engine.store().conn().await.unwrap();
    let staff_notice = kopek_store::outbox::by_topic(&mut conn, "support.ticket_created").await.unwrap();
    assert_eq!(staff_notice.len(), 1);
    assert!(staff_notice[0].payload.contains(&format!("\"staff\":[{agent_id}]")), "{}", staff_notice[0].payload);

    // The agent of the department sees it, notes internally, answers.
    assert_eq!(t.engine.tickets(&agent).await.unwrap().iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
    t.engine.reply_ticket(&agent, id, reply("проверить nginx", true), vec![]).await.unwrap();
    let still = t.engine.tickets(&owner).await.unwrap();
    assert_eq!(still[0].state, TicketState::UnderReview, "an internal note changes nothing for the client");
    t.clock.advance(Duration::hours(1));
    t.engine.reply_ticket(&agent, id, reply("Перезапустили, проверьте", false), vec![]).await.unwrap();
    let listed = t.engine.tickets(&owner).await.unwrap();
    assert_eq!((listed[0].state, listed[0].unread), (TicketState::NewMessages, true));
    let notes = kopek_store::outbox::by_topic(&mut conn, "notification").await.unwrap();
    assert!(notes.iter().any(|n| n.payload.contains("\"event\":\"support.reply\"") && n.payload.contains("sup1@client.test")));

    // Reading it: "awaiting your reply", and no internal note in sight.
    let read = t.engine.ticket(&owner, id).await.unwrap();
    assert_eq!((read.ticket.state, read.ticket.unread), (TicketState::AwaitingReply, false));
    let texts: Vec<&str> = read.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, vec!["Сервер не отвечает", "Перезапустили, проверьте"]);
    let staff_view = t.engine.ticket(&agent, id).await.unwrap();
    assert_eq!(staff_view.messages.len(), 3);
    let internal = t.engine.reply_ticket(&owner, id, reply("заметка", true), vec![]).await.unwrap_err();
    assert_eq!(internal.code(), "forbidden");

    // The client answers: under review again, so it can't be archived.
    let back = t.engine.reply_ticket(&owner, id, reply("Работает, спасибо", false), vec![]).await.unwrap();
    assert_eq!(back.ticket.state, TicketState::UnderReview);
    assert_eq!(t.engine.archive_ticket(&owner, id).await.unwrap_err().code(), "ticket_action_refused");
    t.engine.reply_ticket(&agent, id, reply("Рады помочь", false), vec![]).await.unwrap();
    let archived = t.engine.archive_ticket(&owner, id).await.unwrap();
    assert_eq!(archived.state, TicketState::Archived);
    assert_eq!(t.engine.archive_ticket(&agent, id).await.unwrap_err().code(), "forbidden");
    // Staff reopen, close; the client can't.
    assert_eq!(t.engine.reopen_ticket(&agent, id).await.unwrap().state, TicketState::NewMessages, "the last answer is unread");
    assert_eq!(t.engine.close_ticket(&owner, id).await.unwrap_err().code(), "forbidden");
    assert_eq!(t.engine.close_ticket(&agent, id).await.unwrap().state, TicketState::Closed);
    assert_eq!(t.engine.assign_ticket(&admin, id, Some(agent_id)).await.unwrap().assignee_id, Some(agent_id));
});

backend_test!(
    /// ACC-4, SEC-4: a support user of another department does not see the
    /// ticket; another client's user gets "not found" for it and its file;
    /// a user without the support right sees none.
    async fn acc4_others_do_not_see_a_ticket(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = department(&t, &admin, "Технический").await;
    let sales = department(&t, &admin, "Продажи").await;
    let seller = support_staff(&t, &admin, "seller@kopek.test").await;
    t.engine.set_department_staff(&admin, sales, seller.actor.id().unwrap(), true).await.unwrap();
    let (_, owner) = t.client("SUP2", 0).await;
    let (other_client, other) = t.client("SUP3", 0).await;
    let pdf = Upload { name: "scan.pdf".into(), bytes: b"%PDF-1.4 scan".to_vec() };
    let opened = t.engine.open_ticket(&owner, open(tech, "Счёт"), vec![pdf]).await.unwrap();
    let (id, file) = (opened.ticket.id, opened.messages[0].files[0].id);

    assert!(t.engine.tickets(&seller).await.unwrap().is_empty());
    assert_eq!(t.engine.ticket(&seller, id).await.unwrap_err().code(), "not_found");
    assert_eq!(t.engine.ticket_file(&seller, file).await.unwrap_err().code(), "not_found");
    assert_eq!(t.engine.ticket(&other, id).await.unwrap_err().code(), "not_found");
    assert_eq!(t.engine.ticket_file(&other, file).await.unwrap_err().code(), "not_found");
    assert_eq!(t.engine.reply_ticket(&other, id, reply("чужой", false), vec![]).await.unwrap_err().code(), "not_found");
    assert!(t.engine.tickets(&other).await.unwrap().is_empty());
    let got = t.engine.ticket_file(&owner, file).await.unwrap();
    assert_eq!((got.name.as_str(), got.content_type.as_str(), got.bytes.as_slice()), ("scan.pdf", "application/pdf", &b"%PDF-1.4 scan"[..]));

    // Moved to sales, the seller sees it.
    t.engine.move_ticket(&admin, id, Some(sales)).await.unwrap();
    assert_eq!(t.engine.tickets(&seller).await.unwrap()[0].department.as_deref(), Some("Продажи"));

    let nobody = NewUser {
        email: "buh@sup3.test".into(), full_name: "Бухгалтер".into(), password: "accountant-password".into(),
        phone: None, full_access: false, rights: vec![Right::Finance],
    };
    let user = t.engine.create_client_user(&other, other_client.id, nobody).await.unwrap();
    let rights = kopek_domain::account::Rights::from(vec![Right::Finance]);
    let buh = Ctx::new(Actor::ClientUser { id: user.id, client_id: other_client.id, email: user.email, rights, acting_staff: None });
    assert_eq!(t.engine.tickets(&buh).await.unwrap_err().code(), "no_right");
});

backend_test!(
    /// SUP-1: a file over the limit, of a refused kind, or too many, is
    /// refused with nothing stored; a department must be chosen.
    async fn sup1_refused_files_store_nothing(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = department(&t, &admin, "Технический").await;
    let (_, owner) = t.client("SUP4", 0).await;
    let max = t.engine.settings().support.max_file_bytes;
    let mut big = b"%PDF-".to_vec();
    big.resize(max + 1, b'a');
    let over = t.engine.open_ticket(&owner, open(tech, "Большой"), vec![Upload { name: "big.pdf".into(), bytes: big }]).await.unwrap_err();
    assert_eq!((over.code(), over.field()), ("file_too_large", Some("files")));
    let exe = Upload { name: "doc.pdf".into(), bytes: b"MZ\x90\0\x03\0\0\0".to_vec() };
    assert_eq!(t.engine.open_ticket(&owner, open(tech, "Программа"), vec![exe]).await.unwrap_err().code(), "file_kind_refused");
    let many = (0..6).map(|i| Upload { name: format!("{i}.txt"), bytes: b"x".to_vec() }).collect();
    assert_eq!(t.engine.open_ticket(&owner, open(tech, "Много"), many).await.unwrap_err().code(), "too_many_files");
    let no_dep = OpenTicket { department_id: None, ..open(tech, "Куда") };
    assert_eq!(t.engine.open_ticket(&owner, no_dep, vec![]).await.unwrap_err().field(), Some("department_id"));
    assert!(t.engine.tickets(&owner).await.unwrap().is_empty());
    let mut conn = t.engine.store().conn().await.unwrap();
    assert_eq!(kopek_store::support::file_count(&mut conn).await.unwrap(), 0);
});

backend_test!(
    /// SUP-2: the nightly run closes a ticket left awaiting the client's
    /// reply for the provider's 7 days, and not one under review.
    async fn sup2_the_night_closes_tickets_awaiting_the_client(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = department(&t, &admin, "Технический").await;
    let (_, owner) = t.client("SUP5", 0).await;
    let answered = t.engine.open_ticket(&owner, open(tech, "Ответили"), vec![]).await.unwrap().ticket.id;
    let waiting = t.engine.open_ticket(&owner, open(tech, "Ждёт"), vec![]).await.unwrap().ticket.id;
    t.engine.reply_ticket(&admin, answered, reply("Готово", false), vec![]).await.unwrap();
    t.clock.advance(Duration::days(7) - Duration::seconds(1));
    assert!(t.engine.auto_close_tickets(&Ctx::system("test")).await.unwrap().closed.is_empty());
    t.clock.advance(Duration::seconds(1));
    let night = t.engine.run_night(&Ctx::system("nightly run"), t.engine.to_local(t.engine.now()).date()).await.unwrap();
    assert_eq!(night.tickets_closed, vec![answered]);
    let states: Vec<(i64, TicketState)> = t.engine.tickets(&owner).await.unwrap().iter().map(|t| (t.id, t.state)).collect();
    assert_eq!(states, vec![(waiting, TicketState::UnderReview), (answered, TicketState::Closed)]);
    assert!(t.engine.auto_close_tickets(&Ctx::system("test")).await.unwrap().closed.is_empty(), "once");
});
