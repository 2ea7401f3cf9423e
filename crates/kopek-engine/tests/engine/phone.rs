//! ACC-2: confirming a phone number by an SMS code, on both backends: the
//! code goes to the outbox for the SMS channel (never to the inbox), a
//! wrong code counts a try and the fifth ends it, a used or expired code
//! works no more, codes wait a minute between them and five a day, and a
//! confirmed number changes only by a code sent to the old one.

use std::sync::Arc;

use chrono::Duration;
use kopek_engine::accounts::phone::{PHONE_CODE_TOPIC, PhoneCodeMessage, PhoneCodeRequest};
use kopek_engine::accounts::users::ProfileChanges;
use kopek_engine::testing::{TestEngine, test_settings};
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::backend_test;

fn code<T>(r: kopek_engine::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// The codes sent so far, oldest first.
async fn sent(t: &TestEngine) -> Vec<PhoneCodeMessage> {
    let mut conn = t.engine.store().conn().await.unwrap();
    kopek_store::outbox::by_topic(&mut conn, PHONE_CODE_TOPIC)
        .await
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(&m.payload).unwrap())
        .collect()
}

async fn last_code(t: &TestEngine) -> PhoneCodeMessage {
    sent(t).await.pop().expect("a code was sent")
}

fn wrong(right: &str) -> &'static str {
    if right == "000000" { "111111" } else { "000000" }
}

async fn with_phone(e: &Engine, ctx: &Ctx, phone: &str) {
    let changes = ProfileChanges { full_name: None, phone: Some(phone.into()) };
    e.update_my_profile(ctx, changes).await.unwrap();
}

backend_test!(
    /// ACC-2: the code goes to the user's own number in the outbox; a wrong
    /// code is refused with the tries left, the right one confirms the
    /// number once, and a second use of it finds no code.
    async fn acc2_a_number_is_confirmed_by_the_code_sent_to_it(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("PHONE", 0).await;
        let e = &t.engine;
        assert_eq!(code(e.send_phone_code(&user, PhoneCodeRequest::default()).await), "no_phone");
        with_phone(e, &user, "+7 (912) 345-67-89").await;
        let pending = e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        assert_eq!(pending.sent_to, "+7 *** ***-**-89");
        assert_eq!(pending.tries_left, 5);
        assert_eq!(pending.expires_at, t.engine.now() + Duration::minutes(10));
        let msg = last_code(&t).await;
        assert_eq!(msg.to, "+79123456789");
        assert_eq!(msg.code.len(), 6);
        assert!(msg.code.chars().all(|c| c.is_ascii_digit()));

        let r = e.confirm_phone(&user, wrong(&msg.code)).await;
        let err = r.unwrap_err();
        assert_eq!((err.code(), err.field()), ("wrong_code", Some("code")));
        assert_eq!(err.to_string(), "the code is wrong; tries left: 4");
        assert_eq!(e.pending_phone_code(&user).await.unwrap().unwrap().tries_left, 4);
        let me = e.confirm_phone(&user, &format!(" {} ", msg.code)).await.unwrap();
        assert_eq!((me.phone.as_deref(), me.phone_verified), (Some("+79123456789"), true));
        assert_eq!(code(e.confirm_phone(&user, &msg.code).await), "no_code");
        assert!(e.pending_phone_code(&user).await.unwrap().is_none());
        assert_eq!(code(e.send_phone_code(&user, PhoneCodeRequest::default()).await), "phone_confirmed_already");
    }
);

backend_test!(
    /// ACC-2: five wrong codes end the code, even the right one after;
    /// an expired code is refused; codes wait a minute between them and
    /// five go out a day.
    async fn acc2_codes_have_tries_a_lifetime_and_limits(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("LIMITS", 0).await;
        let e = &t.engine;
        with_phone(e, &user, "+79120000001").await;
        e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        let msg = last_code(&t).await;
        for _ in 0..5 {
            assert_eq!(code(e.confirm_phone(&user, wrong(&msg.code)).await), "wrong_code");
        }
        assert_eq!(code(e.confirm_phone(&user, &msg.code).await), "code_tries_exhausted");
        assert!(e.pending_phone_code(&user).await.unwrap().is_none());

        assert_eq!(code(e.send_phone_code(&user, PhoneCodeRequest::default()).await), "phone_code_too_soon");
        t.clock.advance(Duration::seconds(60));
        e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        let second = last_code(&t).await;
        t.clock.advance(Duration::minutes(10));
        assert_eq!(code(e.confirm_phone(&user, &second.code).await), "code_expired");

        for _ in 0..3 {
            e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
            t.clock.advance(Duration::minutes(2));
        }
        assert_eq!(sent(&t).await.len(), 5);
        assert_eq!(code(e.send_phone_code(&user, PhoneCodeRequest::default()).await), "phone_code_daily_limit");
        t.clock.advance(Duration::days(1));
        e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        let me = e.confirm_phone(&user, &last_code(&t).await.code).await.unwrap();
        assert!(me.phone_verified);
    }
);

backend_test!(
    /// ACC-2: a confirmed number is not changed in the profile; the change
    /// goes by a code sent to the old number, after which the new number
    /// is the user's, unconfirmed until its own code.
    async fn acc2_a_confirmed_number_changes_by_a_code_to_the_old_one(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("CHANGE", 0).await;
        let e = &t.engine;
        with_phone(e, &user, "+79120000002").await;
        e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        e.confirm_phone(&user, &last_code(&t).await.code).await.unwrap();

        let changes = ProfileChanges { full_name: None, phone: Some("+79125550000".into()) };
        assert_eq!(code(e.update_my_profile(&user, changes).await), "phone_confirmed");
        let same = PhoneCodeRequest { new_phone: Some("+7 912 000-00-02".into()) };
        assert_eq!(code(e.send_phone_code(&user, same).await), "same_phone");
        let bad = PhoneCodeRequest { new_phone: Some("call me".into()) };
        let err = e.send_phone_code(&user, bad).await.unwrap_err();
        assert_eq!(err.field(), Some("new_phone"));

        t.clock.advance(Duration::minutes(1));
        let req = PhoneCodeRequest { new_phone: Some("+79125550000".into()) };
        let pending = e.send_phone_code(&user, req).await.unwrap();
        assert_eq!((pending.sent_to.as_str(), pending.new_phone.as_deref()), ("+7 *** ***-**-02", Some("+79125550000")));
        let to_old = last_code(&t).await;
        assert_eq!(to_old.to, "+79120000002", "the code goes to the confirmed number");
        let me = e.confirm_phone(&user, &to_old.code).await.unwrap();
        assert_eq!((me.phone.as_deref(), me.phone_verified), (Some("+79125550000"), false));

        t.clock.advance(Duration::minutes(1));
        e.send_phone_code(&user, PhoneCodeRequest::default()).await.unwrap();
        let to_new = last_code(&t).await;
        assert_eq!(to_new.to, "+79125550000");
        assert!(e.confirm_phone(&user, &to_new.code).await.unwrap().phone_verified);
    }
);

backend_test!(
    /// ACC-2: without SMS set up no code is sent, and nothing is kept.
    async fn acc2_no_code_without_sms(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("NOSMS", 0).await;
        let settings = Settings { sms_enabled: false, ..test_settings() };
        let e = Engine::new(t.db.store.clone(), Arc::new(t.clock.clone()), settings);
        with_phone(&e, &user, "+79120000003").await;
        assert_eq!(code(e.send_phone_code(&user, PhoneCodeRequest::default()).await), "sms_off");
        assert!(sent(&t).await.is_empty());
    }
);
