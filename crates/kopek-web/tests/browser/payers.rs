//! A company payer created through the wizard in a browser with
//! JavaScript off (PAY-2): the wrong INN is refused next to its field with
//! everything typed kept, the right one is accepted.

use thirtyfour::prelude::*;

use crate::harness::Portal;

#[tokio::test]
async fn pay2_a_company_payer_is_created_through_the_wizard_wrong_inn_refused() {
    let Some(p) = Portal::start(false).await else { return };
    let (client, ctx) = p.t.client("PAYWIZ", 0).await;
    p.log_in("paywiz@client.test", "client-password").await;
    p.go("/client/payers").await;
    assert_eq!(p.heading().await, "Плательщики");
    p.click("create").await;
    assert_eq!(p.heading().await, "Создание плательщика");

    // Step 1: the country (Russia is chosen first); step 2: the kind.
    p.click("next").await;
    assert_eq!(p.path().await, "/client/payers/new?country=RU");
    p.driver.find(By::Css("[data-test='kind-legal_entity']")).await.unwrap().click().await.unwrap();
    p.click("next").await;
    assert_eq!(p.path().await, "/client/payers/new?country=RU&kind=legal_entity");
    assert_eq!(p.text("payer-kind").await, "Юридическое лицо");

    p.fill_company_payer("7707083894").await;
    p.click("finish").await;
    assert_eq!(
        p.field_error("inn").await,
        "Неверный ИНН: у юридического лица 10 цифр, последняя — контрольная; проверьте, нет ли опечатки"
    );
    let kept = p.driver.find(By::Name("name")).await.unwrap().value().await.unwrap();
    assert_eq!(kept.as_deref(), Some("ООО Ромашка"));
    assert!(p.t.engine.payers(&ctx, client.id).await.unwrap().is_empty(), "nothing is created");
    p.snapshot("payers-wrong-inn").await;

    p.fill("inn", "7707083893").await;
    p.click("finish").await;
    assert_eq!(p.path().await, "/client/payers");
    assert_eq!(p.text("notice").await, "Плательщик создан");
    let payers = p.t.engine.payers(&ctx, client.id).await.unwrap();
    assert_eq!(payers.len(), 1);
    let id = payers[0].id;
    assert_eq!(p.text(&format!("payer-{id}-name")).await, "ООО Ромашка");
    assert_eq!(p.text(&format!("payer-{id}-kind")).await, "Юридическое лицо");
    assert_eq!(p.text(&format!("payer-{id}-inn")).await, "7707083893");
    let stored = p.t.engine.payer(&ctx, id).await.unwrap();
    assert_eq!(
        (stored.details.kpp.as_deref(), stored.details.settlement_account.as_deref()),
        (Some("773601001"), Some("40702810938000000001"))
    );
    p.close().await;
}
