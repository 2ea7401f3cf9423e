//! "Профиль" in Chromium (ACC-2): a number confirmed by its SMS code — a
//! wrong code refused next to its field, the right one confirming it —
//! then the change of a confirmed number, in English.

use kopek_engine::accounts::phone::{PHONE_CODE_TOPIC, PhoneCodeMessage};

use crate::harness::Portal;

/// The last code the outbox holds for the SMS gateway.
async fn last_code(p: &Portal) -> PhoneCodeMessage {
    let mut conn = p.t.engine.store().conn().await.unwrap();
    let sent = kopek_store::outbox::by_topic(&mut conn, PHONE_CODE_TOPIC).await.unwrap();
    serde_json::from_str(&sent.last().expect("a code was sent").payload).unwrap()
}

#[tokio::test]
async fn acc2_a_number_is_confirmed_by_its_code_and_changed_in_english() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.client("PHONEB", 0).await;
    p.log_in("phoneb@client.test", "client-password").await;
    p.go("/client/profile").await;
    p.fill("phone", "+7 912 345-67-89").await;
    p.click("profile-save").await;
    assert_eq!(p.text("phone-state").await, "Не подтверждён");
    p.click("phone-send").await;
    assert_eq!(p.text("notice").await, "Код отправлен");
    let sent = last_code(&p).await;
    assert_eq!(sent.to, "+79123456789");
    let wrong = if sent.code == "000000" { "111111" } else { "000000" };
    p.fill("code", wrong).await;
    p.click("phone-confirm").await;
    assert_eq!(p.field_error("code").await, "Неверный код");
    p.fill("code", &sent.code).await;
    p.click("phone-confirm").await;
    assert_eq!(p.text("notice").await, "Номер подтверждён");
    assert_eq!(p.text("phone-state").await, "Успешно подтверждён");

    p.switch_to("en").await;
    p.t.clock.advance(chrono::Duration::minutes(1));
    p.fill("new_phone", "call me").await;
    p.click("phone-change").await;
    assert_eq!(p.field_error("new_phone").await, "Enter a phone number, e.g. +7 912 345-67-89");
    p.fill("new_phone", "+7 912 000-00-20").await;
    p.click("phone-change").await;
    assert_eq!(p.text("notice").await, "Code sent");
    let to_old = last_code(&p).await;
    assert_eq!(to_old.to, "+79123456789", "the code goes to the confirmed number");
    p.fill("code", &to_old.code).await;
    p.click("phone-confirm").await;
    assert_eq!(p.text("notice").await, "Number changed. Confirm the new number");
    assert_eq!(p.text("phone-state").await, "Not verified");
    p.close().await;
}
