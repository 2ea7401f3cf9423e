//! Two-step authentication (SEC-2) on both backends: enrolment and its
//! confirmation, a login's second step with a code or a recovery code, no
//! code accepted twice, wrong codes counted toward the lockout, a fresh
//! code demanded by each sensitive action, staff resetting a client
//! user's, and staff made to enrol before they log in.

use std::sync::Arc;

use chrono::Duration;
use kopek_domain::payer::PayerDetails;
use kopek_domain::totp;
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::accounts::two_factor::LoginStep;
use kopek_engine::accounts::users::{PasswordChange, UserChanges};
use kopek_engine::core::amount::Amount;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::payments::saved_methods::NewSavedMethod;
use kopek_engine::testing::{CardGateway, TestEngine, test_settings};
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::{audit, backend_test};

fn code<T>(r: kopek_engine::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// Turns two-step authentication on for the actor; answers the secret and
/// the recovery codes.
async fn turn_on(t: &TestEngine, e: &Engine, ctx: &Ctx) -> (Vec<u8>, Vec<String>) {
    let enrolment = e.enrol_two_factor(ctx).await.unwrap();
    let secret = totp::base32_decode(&enrolment.secret).unwrap();
    let codes = e.confirm_two_factor(ctx, &totp::code_at(&secret, t.clock_now())).await.unwrap().codes;
    (secret, codes)
}

trait Now {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
    /// The next time step, so the next code is a fresh one.
    fn next_step(&self);
}

impl Now for TestEngine {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.engine.now()
    }
    fn next_step(&self) {
        self.clock.advance(Duration::seconds(totp::STEP_SECONDS));
    }
}

fn ticket(step: LoginStep) -> String {
    match step {
        LoginStep::SecondStep { ticket } => ticket,
        other => panic!("expected a second step, got {other:?}"),
    }
}

backend_test!(
    /// SEC-2: enrolment shows the secret, its otpauth address and a QR
    /// code; the first code turns it on with ten recovery codes; then a
    /// password alone opens nothing, the ticket and a code do, and a code
    /// once used (at confirmation or at a login) is refused.
    async fn sec2_enrolment_then_a_login_with_a_code_and_a_reused_code_refused(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("ENROL", 0).await;
        let e = &t.engine;
        let status = e.two_factor_status(&user).await.unwrap();
        assert_eq!((status.enabled, status.pending, status.recovery_codes_left), (false, false, 0));
        let enrolment = e.enrol_two_factor(&user).await.unwrap();
        assert_eq!(enrolment.secret.len(), 32);
        assert_eq!(
            enrolment.otpauth_uri,
            format!(
                "otpauth://totp/Kopek:enrol%40client.test?secret={}&issuer=Kopek&algorithm=SHA1&digits=6&period=30",
                enrolment.secret
            )
        );
        assert!(enrolment.qr_svg.starts_with("<svg") && enrolment.qr_svg.ends_with("</svg>"), "{}", &enrolment.qr_svg[..40]);
        assert!(e.two_factor_status(&user).await.unwrap().pending);
        let secret = totp::base32_decode(&enrolment.secret).unwrap();
        let now = t.clock_now();
        let wrong = if totp::code_at(&secret, now) == "000000" { "111111" } else { "000000" };
        assert_eq!(code(e.confirm_two_factor(&user, wrong).await), "invalid_code");
        let first = totp::code_at(&secret, now);
        let recovery = e.confirm_two_factor(&user, &first).await.unwrap().codes;
        assert_eq!(recovery.len(), 10);
        assert!(recovery.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'), "{recovery:?}");
        let status = e.two_factor_status(&user).await.unwrap();
        assert_eq!((status.enabled, status.pending, status.recovery_codes_left), (true, false, 10));
        assert_eq!(code(e.enrol_two_factor(&user).await), "two_factor_on");

        assert_eq!(code(e.login(LoginKind::Client, "enrol@client.test", "client-password").await), "second_step_required");
        let t1 = ticket(e.login_step(LoginKind::Client, "enrol@client.test", "client-password").await.unwrap());
        assert_eq!(code(e.login_second_step(&t1, &first).await), "code_reused", "the confirming code is spent");
        t.next_step();
        let fresh = totp::code_at(&secret, t.clock_now());
        let session = e.login_second_step(&t1, &fresh).await.unwrap();
        assert_eq!(e.session_actor(&session.token).await.unwrap().unwrap().label(), "enrol@client.test");
        assert_eq!(code(e.login_second_step(&t1, &fresh).await), "ticket_expired", "a ticket opens one session");
        let t2 = ticket(e.login_step(LoginKind::Client, "enrol@client.test", "client-password").await.unwrap());
        assert_eq!(code(e.login_second_step(&t2, &fresh).await), "code_reused");
        t.clock.advance(Duration::minutes(6));
        assert_eq!(code(e.login_second_step(&t2, &totp::code_at(&secret, t.clock_now())).await), "ticket_expired");
        assert_eq!(code(e.login_second_step("kpt_forged", "123456").await), "ticket_expired");
    }
);

backend_test!(
    /// SEC-2: a recovery code opens the login once, however it is typed,
    /// and is gone after.
    async fn sec2_a_recovery_code_opens_the_login_once(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("RECOVER", 0).await;
        let e = &t.engine;
        let (_, recovery) = turn_on(&t, e, &user).await;
        let login = || e.login_step(LoginKind::Client, "recover@client.test", "client-password");
        let typed = recovery[3].to_uppercase().replace('-', " ");
        let session = e.login_second_step(&ticket(login().await.unwrap()), &typed).await.unwrap();
        assert!(e.session_actor(&session.token).await.unwrap().is_some());
        assert_eq!(code(e.login_second_step(&ticket(login().await.unwrap()), &recovery[3]).await), "invalid_code");
        assert_eq!(e.two_factor_status(&user).await.unwrap().recovery_codes_left, 9);
        assert_eq!(code(e.login_second_step(&ticket(login().await.unwrap()), &recovery[4]).await), "ok");
    }
);

backend_test!(
    /// SEC-2 with SEC-1: the right password does not forget the failures
    /// while the code is due, and every wrong code counts, so guessing
    /// codes locks the login like guessing passwords; the right code then
    /// opens nothing until the lock runs out.
    async fn sec2_wrong_codes_count_toward_the_login_lockout(db) {
        let t = TestEngine::over(db);
        let (_, user) = t.client("GUESS", 0).await;
        let e = &t.engine;
        let (secret, _) = turn_on(&t, e, &user).await;
        t.next_step();
        let right = totp::code_at(&secret, t.clock_now());
        let wrong = if right == "000000" { "111111" } else { "000000" };
        let tk = ticket(e.login_step(LoginKind::Client, "guess@client.test", "client-password").await.unwrap());
        for _ in 0..4 {
            assert_eq!(code(e.login_second_step(&tk, wrong).await), "invalid_code");
        }
        assert_eq!(code(e.login_second_step(&tk, &right).await), "login_locked");
        assert_eq!(code(e.login_step(LoginKind::Client, "guess@client.test", "client-password").await), "login_locked");
        t.clock.advance(Duration::minutes(16));
        let tk = ticket(e.login_step(LoginKind::Client, "guess@client.test", "client-password").await.unwrap());
        assert_eq!(code(e.login_second_step(&tk, &totp::code_at(&secret, t.clock_now())).await), "ok");
    }
);

backend_test!(
    /// SEC-2: with two-step authentication on, changing the password,
    /// adding a user with full access (or giving it to one), deleting a
    /// saved payment method and turning two-step authentication off are
    /// refused without a code, refused with a used one, and done with a
    /// fresh one; a user without it is asked for nothing.
    async fn sec2_each_sensitive_action_demands_a_fresh_code(db) {
        let t = TestEngine::over(db);
        let gw = CardGateway::new();
        let e = t.engine.clone().with_gateway(gw);
        let admin = t.admin().await;
        let (client, user) = t.client("SENSE", 0).await;
        let method = card_method(&e, &admin).await;
        let payer = individual(&e, &user, client.id).await;
        let card = |name: &'static str| {
            let req = NewSavedMethod {
                payer_id: payer,
                method_id: method,
                name: Some(name.into()),
                amount: Some(Amount("10.00".parse().unwrap())),
                return_url: None,
            };
            let (e, user) = (&e, &user);
            async move { e.create_saved_method(user, client.id, req).await.unwrap().saved_method.id }
        };
        // Without two-step authentication nothing more is asked.
        let plain = card("Без кода").await;
        assert_eq!(code(e.delete_saved_method(&user, plain).await), "ok");

        let (secret, _) = turn_on(&t, &e, &user).await;
        let with = |c: &str| user.clone().with_second_factor(Some(c.to_string()));
        let fresh = || {
            t.next_step();
            totp::code_at(&secret, t.clock_now())
        };

        let change = || PasswordChange { current_password: "client-password".into(), new_password: "new-password-1".into() };
        assert_eq!(code(e.change_my_password(&user, change()).await), "second_step_required");
        let c = fresh();
        assert_eq!(code(e.change_my_password(&with(&c), change()).await), "ok");
        let change = || PasswordChange { current_password: "new-password-1".into(), new_password: "new-password-2".into() };
        assert_eq!(code(e.change_my_password(&with(&c), change()).await), "code_reused");

        let new_user = |email: &str, full_access: bool| NewUser {
            email: email.into(),
            full_name: "Полный Доступ".into(),
            password: "user-password".into(),
            phone: None,
            full_access,
            rights: Vec::new(),
        };
        assert_eq!(code(e.create_client_user(&user, client.id, new_user("full@sense.test", true)).await), "second_step_required");
        let limited = e.create_client_user(&user, client.id, new_user("limited@sense.test", false)).await.unwrap();
        assert_eq!(code(e.create_client_user(&with(&fresh()), client.id, new_user("full@sense.test", true)).await), "ok");
        let give = || UserChanges { full_access: Some(true), ..UserChanges::default() };
        assert_eq!(code(e.update_client_user(&user, client.id, limited.id, give()).await), "second_step_required");
        let password = || UserChanges { password: Some("other-password".into()), ..UserChanges::default() };
        assert_eq!(code(e.update_client_user(&user, client.id, limited.id, password()).await), "second_step_required");
        assert_eq!(code(e.update_client_user(&with(&fresh()), client.id, limited.id, give()).await), "ok");
        let rename = UserChanges { full_name: Some("Новое Имя".into()), full_access: Some(true), ..UserChanges::default() };
        assert_eq!(code(e.update_client_user(&user, client.id, limited.id, rename).await), "ok", "full access kept is no change");

        let saved = card("Карта").await;
        assert_eq!(code(e.delete_saved_method(&user, saved).await), "second_step_required");
        assert_eq!(code(e.delete_saved_method(&with("12345"), saved).await), "invalid_code");
        assert_eq!(code(e.delete_saved_method(&with(&fresh()), saved).await), "ok");

        assert_eq!(code(e.disable_two_factor(&user).await), "second_step_required");
        let last = fresh();
        assert_eq!(code(e.disable_two_factor(&with(&last)).await), "ok");
        assert!(!e.two_factor_status(&user).await.unwrap().enabled);
        assert_eq!(code(e.change_my_password(&user, change()).await), "ok", "off again: no code is asked");
        let session = e.login(LoginKind::Client, "sense@client.test", "new-password-2").await.unwrap();
        assert_eq!(session.actor.label(), "sense@client.test");
    }
);

backend_test!(
    /// SEC-2: staff reset a client user's two-step authentication (a lost
    /// phone); it is audited, the password alone logs in again, and a
    /// client's user can't do it.
    async fn sec2_staff_reset_a_client_users_two_factor_audited(db) {
        let t = TestEngine::over(db);
        let e = &t.engine;
        let admin = t.admin().await.with_ip(Some("203.0.113.9".into()));
        let (client, user) = t.client("LOST", 0).await;
        turn_on(&t, e, &user).await;
        let owner_id = user.actor.id().unwrap();
        assert_eq!(code(e.reset_two_factor(&user, client.id, owner_id).await), "forbidden");
        assert_eq!(code(e.reset_two_factor(&admin, client.id + 1000, owner_id).await), "not_found");
        e.reset_two_factor(&admin, client.id, owner_id).await.unwrap();
        let status = e.two_factor_status(&user).await.unwrap();
        assert_eq!((status.enabled, status.pending, status.recovery_codes_left), (false, false, 0));
        assert_eq!(code(e.login(LoginKind::Client, "lost@client.test", "client-password").await), "ok");
        let mut conn = t.db.store.conn().await.unwrap();
        let rows = audit::recent(&mut conn, Some(client.id), 20).await.unwrap();
        let reset = rows.iter().find(|r| r.action == "two_factor.reset").expect("audited");
        assert_eq!((reset.entity.as_str(), reset.entity_id.clone()), ("client_user", owner_id.to_string()));
        assert_eq!((reset.actor_kind.as_str(), reset.source_ip.as_deref()), ("staff", Some("203.0.113.9")));
        assert!(reset.details.contains("\"was_on\":true"), "{}", reset.details);
        assert!(rows.iter().any(|r| r.action == "two_factor.enable"));
    }
);

backend_test!(
    /// SEC-2: when the provider requires it, staff without two-step
    /// authentication get a ticket to enrol instead of a session; their
    /// first code turns it on and logs them in, and from then on they log
    /// in with a code. Client users are not affected.
    async fn sec2_staff_who_must_use_two_factor_enrol_before_logging_in(db) {
        let t = TestEngine::over(db);
        let admin = t.admin().await;
        let (_, _) = t.client("FREE", 0).await;
        let settings = Settings { staff_two_factor_required: true, ..test_settings() };
        let e = Engine::new(t.db.store.clone(), Arc::new(t.clock.clone()), settings);
        let email = admin.actor.label();
        assert_eq!(code(e.login(LoginKind::Staff, &email, "admin-password").await), "two_factor_enrolment_required");
        let LoginStep::EnrolmentRequired { ticket: tk } = e.login_step(LoginKind::Staff, &email, "admin-password").await.unwrap()
        else {
            panic!("staff should be sent to enrol")
        };
        let enrolment = e.enrol_two_factor_by_ticket(&tk).await.unwrap();
        assert!(enrolment.otpauth_uri.contains(&email.replace('@', "%40")));
        let secret = totp::base32_decode(&enrolment.secret).unwrap();
        let (codes, session) = e.confirm_two_factor_by_ticket(&tk, &totp::code_at(&secret, t.clock_now())).await.unwrap();
        assert_eq!((codes.codes.len(), session.actor.kind()), (10, "staff"));
        assert_eq!(code(e.enrol_two_factor_by_ticket(&tk).await), "ticket_expired");
        t.next_step();
        let tk = ticket(e.login_step(LoginKind::Staff, &email, "admin-password").await.unwrap());
        assert_eq!(code(e.login_second_step(&tk, &totp::code_at(&secret, t.clock_now())).await), "ok");
        assert_eq!(code(e.login(LoginKind::Client, "free@client.test", "client-password").await), "ok");
    }
);

async fn card_method(e: &Engine, admin: &Ctx) -> i64 {
    let input = crate::common::method_input("card", "Карта", "sandbox");
    e.create_payment_method(admin, input).await.unwrap().id
}

async fn individual(e: &Engine, user: &Ctx, client_id: i64) -> i64 {
    let details = PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() };
    e.create_payer(user, client_id, PayerInput { kind: "individual".into(), details }).await.unwrap().id
}
