//! The staff panel's lists in the engine, on both backends (DOC-5, SUP-1,
//! SUP-2, NTF-3, ACC-4): every client's documents a page at a time, the
//! ticket queue narrowed by department and state, the staff a ticket may
//! be given to, clients named by id, and every template slot.

use chrono::NaiveDate;
use kopek_domain::account::StaffRole;
use kopek_domain::document::DocumentKind;
use kopek_domain::support::TicketState;
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::documents::views::DOCUMENTS_PAGE_SIZE;
use kopek_engine::notifications::channels::{Rendered, Renderer, TemplateSource};
use kopek_engine::notifications::templates::TemplateInput;
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::queue::{DepartmentFilter, TicketFilter};
use kopek_engine::support::tickets::{OpenTicket, ReplyTicket};
use kopek_engine::testing::TestEngine;
use kopek_engine::{Actor, Ctx};
use kopek_store::backend_test;
use kopek_store::documents::NewDocument;

use crate::common::company;

async fn staff(t: &TestEngine, admin: &Ctx, role: &str) -> Ctx {
    let new = NewStaff {
        email: format!("{role}@kopek.test"),
        full_name: format!("Staff {role}"),
        password: "staff-password".into(),
        role: role.into(),
    };
    let s = t.engine.create_staff_user(admin, new).await.unwrap();
    Ctx::new(Actor::Staff { id: s.id, email: s.email, role: StaffRole::parse(role).unwrap() })
}

backend_test!(
    /// DOC-5: 51 invoices: the newest 50 on page 1 with a next page, the
    /// oldest alone on page 2; page 0 and a client's user are refused.
    async fn doc5_every_client_s_documents_come_a_page_at_a_time_newest_first(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("PAGED", 0).await;
    let payer = t.engine.create_payer(&user, client.id, company("ООО «Ромашка»")).await.unwrap();
    let mut conn = t.engine.store().conn().await.unwrap();
    let now = t.engine.now();
    let entity = kopek_store::documents::insert_entity(&mut conn, "{}", now).await.unwrap();
    let numbers: Vec<String> = (1..=51).map(|i| format!("2026-{i:06}")).collect();
    let docs: Vec<NewDocument> = numbers
        .iter()
        .enumerate()
        .map(|(i, number)| NewDocument {
            entity_id: entity.id,
            kind: DocumentKind::Invoice,
            year: 2026,
            seq: i as i64 + 1,
            number,
            issued_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i as i64),
            client_id: client.id,
            payer_id: payer.id,
            payment_id: None,
            period: None,
            amount: 10_000,
            currency: "RUB",
            data: "{}",
            corrects_id: None,
        })
        .collect();
    kopek_store::documents_batch::insert_documents(&mut conn, &docs, now).await.unwrap();
    drop(conn);

    let first = t.engine.documents_page(&admin, DocumentKind::Invoice, 1).await.unwrap();
    assert_eq!(first.documents.len() as i64, DOCUMENTS_PAGE_SIZE);
    assert_eq!((first.documents[0].number.as_str(), first.documents[49].number.as_str()), ("2026-000051", "2026-000002"));
    assert_eq!(first.next_page, Some(2));
    let second = t.engine.documents_page(&admin, DocumentKind::Invoice, 2).await.unwrap();
    assert_eq!(second.documents.iter().map(|d| d.number.as_str()).collect::<Vec<_>>(), ["2026-000001"]);
    assert_eq!(second.next_page, None);
    assert!(t.engine.documents_page(&admin, DocumentKind::Act, 1).await.unwrap().documents.is_empty());
    assert_eq!(t.engine.documents_page(&admin, DocumentKind::Invoice, 0).await.unwrap_err().code(), "invalid_field");
    assert_eq!(t.engine.documents_page(&user, DocumentKind::Invoice, 1).await.unwrap_err().code(), "forbidden");

    let labels = t.engine.client_labels(&admin, &[client.id, client.id, 999_999]).await.unwrap();
    assert_eq!(labels.len(), 1);
    assert_eq!((labels[&client.id].code.as_str(), labels[&client.id].name.as_str()), ("PAGED", "Client PAGED"));
    assert_eq!(t.engine.client_labels(&user, &[client.id]).await.unwrap_err().code(), "forbidden");
});

backend_test!(
    /// SUP-1, SUP-2, ACC-4: the queue by department (or unsorted) and by
    /// state, within what the actor sees; only admins and support staff
    /// with a working login are offered for a ticket; a client's user and
    /// an accountant get no queue.
    async fn sup2_acc4_the_queue_narrows_by_department_and_state(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let tech = t.engine.create_department(&admin, DepartmentInput { name: "Технический".into(), enabled: true }).await.unwrap().id;
    let sales = t.engine.create_department(&admin, DepartmentInput { name: "Продажи".into(), enabled: true }).await.unwrap().id;
    let agent = staff(&t, &admin, "support").await;
    let accountant = staff(&t, &admin, "accountant").await;
    t.engine.set_department_staff(&admin, tech, agent.actor.id().unwrap(), true).await.unwrap();
    let (_, owner) = t.client("QUEUE", 0).await;
    let open = |dep: i64, subject: &str| OpenTicket {
        department_id: Some(dep), subscription_id: None, subject: subject.into(), text: "Помогите".into()
    };
    let a = t.engine.open_ticket(&owner, open(tech, "Первый"), Vec::new()).await.unwrap().ticket.id;
    let b = t.engine.open_ticket(&owner, open(tech, "Второй"), Vec::new()).await.unwrap().ticket.id;
    let c = t.engine.open_ticket(&owner, open(sales, "Третий"), Vec::new()).await.unwrap().ticket.id;
    t.engine.reply_ticket(&agent, b, ReplyTicket { text: "Готово".into(), internal: false }, Vec::new()).await.unwrap();
    let ids = |v: Vec<kopek_engine::support::views::Ticket>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();

    assert_eq!(ids(t.engine.ticket_queue(&admin, &TicketFilter::default()).await.unwrap()), [c, b, a]);
    assert_eq!(ids(t.engine.ticket_queue(&agent, &TicketFilter::default()).await.unwrap()), [b, a]);
    let in_sales = TicketFilter { department: DepartmentFilter::Only(sales), state: None };
    assert_eq!(ids(t.engine.ticket_queue(&admin, &in_sales).await.unwrap()), [c]);
    assert!(t.engine.ticket_queue(&agent, &in_sales).await.unwrap().is_empty(), "not the agent's department");
    let answered = TicketFilter { department: DepartmentFilter::Only(tech), state: Some(TicketState::NewMessages) };
    assert_eq!(ids(t.engine.ticket_queue(&agent, &answered).await.unwrap()), [b]);
    let unsorted = TicketFilter { department: DepartmentFilter::Unsorted, state: None };
    assert!(t.engine.ticket_queue(&admin, &unsorted).await.unwrap().is_empty());
    assert_eq!(t.engine.ticket_queue(&accountant, &TicketFilter::default()).await.unwrap_err().code(), "forbidden");
    assert_eq!(t.engine.ticket_queue(&owner, &TicketFilter::default()).await.unwrap_err().code(), "forbidden");

    let offered: Vec<String> = t.engine.ticket_staff(&agent).await.unwrap().into_iter().map(|s| s.email).collect();
    assert!(offered.contains(&"support@kopek.test".to_string()) && !offered.contains(&"accountant@kopek.test".to_string()), "{offered:?}");
});

backend_test!(
    /// NTF-3: every event in ru and en, the stored one marked; admins only.
    async fn ntf3_every_template_slot_is_listed_with_the_one_staff_stored(db) {
    let mut t = TestEngine::over(db);
    t.engine = t.engine.clone().with_renderer(std::sync::Arc::new(Accepting));
    let admin = t.admin().await;
    let slots = t.engine.notification_template_slots(&admin).await.unwrap();
    let events = kopek_domain::notification::EVENTS.len() + kopek_domain::notification::STAFF_EVENTS.len();
    assert_eq!(slots.len(), events * 2);
    assert!(slots.iter().all(|s| s.stored.is_none()));
    let support = staff(&t, &admin, "support").await;
    assert_eq!(t.engine.notification_template_slots(&support).await.unwrap_err().code(), "forbidden");
    let input = TemplateInput { subject: "Paid".into(), text: "Paid".into(), sms: "Paid".into(), html: None };
    t.engine.save_notification_template(&admin, "payment.credited", "en", input).await.unwrap();
    let slots = t.engine.notification_template_slots(&admin).await.unwrap();
    let stored: Vec<(&str, &str)> = slots.iter().filter(|s| s.stored.is_some()).map(|s| (s.event.as_str(), s.locale.as_str())).collect();
    assert_eq!(stored, [("payment.credited", "en")]);
});

/// A renderer that takes every template as it is.
struct Accepting;

impl Renderer for Accepting {
    fn render(&self, _: &str, _: &str, _: &serde_json::Value) -> Result<Rendered, String> {
        Ok(Rendered { subject: String::new(), text: String::new(), html: String::new(), sms: String::new() })
    }

    fn render_source(&self, event: &str, locale: &str, _: &TemplateSource, data: &serde_json::Value) -> Result<Rendered, String> {
        self.render(event, locale, data)
    }

    fn check(&self, _: &str, _: &str, _: &TemplateSource) -> Result<(), String> {
        Ok(())
    }
}
