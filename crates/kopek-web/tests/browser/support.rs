//! "Поддержка — Запросы" in a browser (SUP-1, SUP-2): the client asks from
//! the dashboard's "Задать вопрос" with a file, staff answer, the list
//! shows "Есть новые сообщения", and the client reads the answer.

use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::tickets::ReplyTicket;
use thirtyfour::By;

use crate::harness::Portal;

#[tokio::test]
async fn sup1_sup2_a_client_asks_with_a_file_and_reads_the_staff_reply() {
    let Some(p) = Portal::start(true).await else { return };
    let dep = DepartmentInput { name: "Технический отдел".into(), enabled: true };
    p.t.engine.create_department(&p.admin, dep).await.unwrap();
    p.t.client("SUPB1", 0).await;
    p.log_in("supb1@client.test", "client-password").await;
    p.click("quick-support").await;
    assert_eq!(p.path().await, "/support/tickets/new");
    assert_eq!(p.heading().await, "Запрос");

    p.fill("subject", "Не работает почта").await;
    p.driver
        .find(By::XPath("//select[@name='department_id']/option[text()='Технический отдел']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    p.fill("text", "Письма не уходят").await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("mail.log");
    std::fs::write(&log, "550 relay denied").unwrap();
    p.driver.find(By::Name("files")).await.unwrap().send_keys(log.display().to_string()).await.unwrap();
    p.click("send").await;
    let path = p.path().await;
    let id: i64 = path.strip_prefix("/support/tickets/").and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{path}"));
    assert_eq!(p.text("ticket-state").await, "Находится на рассмотрении");
    let detail = p.t.engine.ticket(&p.admin, id).await.unwrap();
    let file = &detail.messages[0].files[0];
    assert_eq!((file.name.as_str(), file.content_type.as_str(), file.size), ("mail.log", "text/plain; charset=utf-8", 16));
    assert_eq!(p.text(&format!("file-{}", file.id)).await, "mail.log");

    let reply = ReplyTicket { text: "Сняли блокировку, попробуйте снова".into(), internal: false };
    p.t.engine.reply_ticket(&p.admin, id, reply, Vec::new()).await.unwrap();

    p.go("/support/tickets").await;
    assert_eq!(p.heading().await, "Список запросов");
    assert_eq!(p.text("state").await, "Есть новые сообщения");
    p.click("subject").await;
    assert_eq!(p.path().await, format!("/support/tickets/{id}"));
    assert_eq!(p.text("ticket-state").await, "Ожидает вашего ответа");
    let messages = p.text("messages").await;
    assert!(messages.contains("Сотрудник: Test Admin") && messages.contains("Сняли блокировку, попробуйте снова"), "{messages}");
    p.go("/support/tickets").await;
    assert_eq!(p.text("state").await, "Ожидает вашего ответа");
    p.close().await;
}
