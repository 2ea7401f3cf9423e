//! "Клиент — Пользователи" in a browser (ACC-3): the owner creates a user
//! with limited rights; that user sees only its part of the menu and is
//! refused the rest by the page the engine's refusal leads to.

use thirtyfour::prelude::*;

use crate::harness::Portal;

async fn tick(p: &Portal, test_id: &str) {
    p.driver.find(By::Css(format!("[data-test='{test_id}']"))).await.unwrap().click().await.unwrap();
}

async fn menu(p: &Portal) -> Vec<String> {
    let mut keys = Vec::new();
    for a in p.driver.find_all(By::Css("nav.menu [data-nav]")).await.unwrap() {
        keys.push(a.attr("data-nav").await.unwrap().unwrap_or_default());
    }
    keys
}

#[tokio::test]
async fn acc3_the_owner_creates_a_user_with_limited_rights_who_sees_only_its_menu() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.client("TEAMB", 0).await;
    p.log_in("teamb@client.test", "client-password").await;
    p.go("/client/users").await;
    assert_eq!(p.heading().await, "Пользователи");
    p.click("user-new").await;
    assert_eq!(p.heading().await, "Создание нового пользователя");
    p.fill("email", "manager@teamb.test").await;
    p.fill("full_name", "Ольга Смирнова").await;
    p.fill("password", "manager-password").await;
    p.fill("repeat_password", "manager-pass").await;
    p.fill("phone", "+7 912 345-67-89").await;
    tick(&p, "full-access").await;
    tick(&p, "right-orders").await;
    tick(&p, "right-services").await;
    p.click("user-save").await;
    assert_eq!(p.field_error("repeat_password").await, "Пароли не совпадают");
    p.fill("password", "manager-password").await;
    p.fill("repeat_password", "manager-password").await;
    p.click("user-save").await;
    assert_eq!(p.path().await, "/client/users");
    assert_eq!(p.text("notice").await, "Пользователь создан");
    assert_eq!(p.text("users-total").await, "Всего: 2");
    let row = p.driver.find(By::Css("[data-test='user-manager@teamb.test'] [data-test='user-rights']")).await.unwrap();
    assert_eq!(row.text().await.unwrap(), "Заказы, Услуги");
    p.snapshot("client-users-ru").await;
    p.click("logout").await;

    p.log_in("manager@teamb.test", "manager-password").await;
    assert_eq!(p.heading().await, "Главная");
    assert_eq!(menu(&p).await, ["dashboard", "profile", "cart", "orders", "settings", "services", "order", "notifications"]);
    p.go("/client/users").await;
    assert_eq!(p.text("problem").await, "Недостаточно прав");
    p.go("/client/profile").await;
    assert_eq!(p.text("profile-email").await, "manager@teamb.test");
    p.close().await;
}
