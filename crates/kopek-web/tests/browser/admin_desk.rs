//! The staff panel's support and notification screens in Chromium (SUP-1,
//! NTF-4, ACC-4), in Russian: a support staff member opens the ticket
//! queue, answers a client's ticket with a reply and an internal note, and
//! the client sees the reply and never the note; an admin finds the
//! notification that did not get through and sends it again.

use kopek_domain::notification::DeliveryStatus;
use kopek_engine::notifications::log::DeliveryQuery;
use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::OpenTicket;
use thirtyfour::prelude::*;

use crate::admin::{staff, staff_log_in};
use crate::deliveries::notify_by_mail;
use crate::harness::Portal;

/// Follows the staff menu's item `key`.
async fn open_menu(p: &Portal, key: &str) {
    let link = p.driver.find(By::Css(format!("[data-nav='{key}']"))).await.unwrap();
    p.click_and_wait(link).await;
}

#[tokio::test]
async fn sup1_ntf4_support_answers_a_ticket_with_a_reply_and_a_note_and_an_admin_sends_a_failed_notification_again() {
    let Some(p) = Portal::start(false).await else { return };
    let engine = &p.t.engine;
    let dep = engine.create_department(&p.admin, DepartmentInput { name: "Технический".into(), enabled: true }).await.unwrap().id;
    let agent = staff(&p, "support").await;
    let agent_id = engine.staff_users(&p.admin).await.unwrap().into_iter().find(|s| s.email == agent).unwrap().id;
    engine.set_department_staff(&p.admin, dep, agent_id, true).await.unwrap();
    let (client, owner) = p.t.client("HELPME", 0).await;
    let question = OpenTicket {
        department_id: Some(dep),
        subscription_id: None,
        subject: "Сайт не открывается".into(),
        text: "Ошибка 502".into(),
    };
    let id = engine.open_ticket(&owner, question, Vec::new()).await.unwrap().ticket.id;

    // Support: the queue, the ticket, a reply and an internal note.
    staff_log_in(&p, &agent).await;
    open_menu(&p, "tickets").await;
    assert_eq!(p.heading().await, "Очередь запросов");
    assert_eq!(
        p.driver.find(By::Css(format!("[data-test='ticket-{id}'] [data-test='state']"))).await.unwrap().text().await.unwrap(),
        "ждёт ответа"
    );
    let link = p.driver.find(By::Css(format!("[data-test='ticket-{id}'] a[data-test='subject']"))).await.unwrap();
    p.click_and_wait(link).await;
    assert_eq!(p.text("ticket-subject").await, format!("Запрос № {id}: Сайт не открывается"));
    p.fill("text", "Перезапустили сервер, проверьте").await;
    p.click("reply").await;
    assert_eq!(p.text("notice").await, "Ответ отправлен клиенту");
    p.fill("text", "Клиент на старом тарифе").await;
    p.click("note").await;
    assert_eq!(p.text("notice").await, "Внутренняя заметка сохранена");
    assert_eq!(p.text("internal").await, "Внутренняя заметка");
    assert_eq!(p.text("state").await, "ответ не прочитан клиентом");
    p.snapshot("admin-desk-ticket").await;

    // The client reads the reply, not the note.
    let seen = engine.ticket(&owner, id).await.unwrap();
    let texts: Vec<&str> = seen.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["Ошибка 502", "Перезапустили сервер, проверьте"]);
    p.click("logout").await;

    // An admin: the failed notification, sent again.
    notify_by_mail(&p.t, client.id, "helpme@client.test", "2026-7").await;
    let dead = engine.notification_deliveries(&p.admin, &DeliveryQuery::default()).await.unwrap()[0].clone();
    assert_eq!(dead.status, DeliveryStatus::Dead);
    let admin = staff(&p, "admin").await;
    staff_log_in(&p, &admin).await;
    open_menu(&p, "notifications").await;
    p.driver.find(By::Css("select[name='status'] option[value='dead']")).await.unwrap().click().await.unwrap();
    p.click("log-show").await;
    assert_eq!(p.path().await, "/admin/notifications?channel=&status=dead&client=");
    let row = format!("[data-test='delivery-{}']", dead.id);
    let status = p.driver.find(By::Css(format!("{row} [data-test='status']"))).await.unwrap().text().await.unwrap();
    assert_eq!(status, "отказ\n550 5.1.1 mailbox unavailable");
    p.click(&format!("resend-{}", dead.id)).await;
    assert_eq!(p.text("notice").await, "Уведомление поставлено в очередь на отправку");
    p.snapshot("admin-desk-notifications").await;
    let again = engine.notification_deliveries(&p.admin, &DeliveryQuery::default()).await.unwrap();
    assert_eq!(again[0].status, DeliveryStatus::Queued);
    p.close().await;
}
