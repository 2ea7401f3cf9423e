//! ACC-2, ACC-3, ACC-5: a client manages its users, each user its own
//! profile, password and settings — the rules kept in the engine, so the
//! API and the portal refuse alike.

use kopek_domain::account::{NotificationCategory, NotificationChannel, Right};
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::accounts::settings::{NotificationChoice, SettingsChanges};
use kopek_engine::accounts::users::{PasswordChange, ProfileChanges, UserChanges};
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, EngineError};
use kopek_store::backend_test;

fn user(email: &str, rights: Vec<Right>) -> NewUser {
    NewUser {
        email: email.into(),
        full_name: "Иван Петров".into(),
        password: "user-password".into(),
        phone: None,
        full_access: false,
        rights,
    }
}

async fn log_in(t: &TestEngine, email: &str, password: &str) -> Result<Ctx, EngineError> {
    t.engine.login(LoginKind::Client, email, password).await.map(|s| Ctx::new(s.actor))
}

fn code<T: std::fmt::Debug>(r: Result<T, EngineError>) -> String {
    r.unwrap_err().code().to_string()
}

backend_test!(async fn acc3_the_owner_edits_a_user_its_rights_and_state_and_deletes_it(db) {
    let t = TestEngine::over(db);
    let (client, owner) = t.client("USERS1", 0).await;
    let u = t.engine.create_client_user(&owner, client.id, user("buh@users1.test", vec![Right::Finance])).await.unwrap();
    let changes = UserChanges {
        full_name: Some("Мария Иванова".into()),
        phone: Some("+7 (912) 345-67-89".into()),
        rights: Some(vec![Right::Orders, Right::Finance]),
        ..UserChanges::default()
    };
    let edited = t.engine.update_client_user(&owner, client.id, u.id, changes).await.unwrap();
    assert_eq!(
        (edited.full_name.as_str(), edited.phone.as_deref(), edited.phone_verified, edited.full_access, edited.rights.clone()),
        ("Мария Иванова", Some("+79123456789"), false, false, vec![Right::Finance, Right::Orders])
    );
    let ctx = log_in(&t, "buh@users1.test", "user-password").await.unwrap();
    assert_eq!(code(t.engine.client_services(&ctx, client.id).await), "no_right");

    let off = t.engine.set_client_user_enabled(&owner, client.id, u.id, false).await.unwrap();
    assert!(!off.enabled);
    assert_eq!(code(log_in(&t, "buh@users1.test", "user-password").await), "login_disabled");
    t.engine.set_client_user_enabled(&owner, client.id, u.id, true).await.unwrap();
    let session = t.engine.login(LoginKind::Client, "buh@users1.test", "user-password").await.unwrap();

    t.engine.delete_client_user(&owner, client.id, u.id).await.unwrap();
    let left: Vec<String> = t.engine.client_users(&owner, client.id).await.unwrap().into_iter().map(|u| u.email).collect();
    assert_eq!(left, ["users1@client.test"]);
    assert!(t.engine.session_actor(&session.token).await.unwrap().is_none(), "a deleted user's session ends");
    assert_eq!(code(t.engine.client_user(&owner, client.id, u.id).await), "not_found");
});

backend_test!(async fn acc3_a_user_without_the_users_right_is_refused_every_change(db) {
    let t = TestEngine::over(db);
    let (client, owner) = t.client("USERS2", 0).await;
    let other = t.engine.create_client_user(&owner, client.id, user("other@users2.test", vec![])).await.unwrap();
    t.engine.create_client_user(&owner, client.id, user("buh@users2.test", vec![Right::Finance])).await.unwrap();
    let buh = log_in(&t, "buh@users2.test", "user-password").await.unwrap();
    let rename = UserChanges { full_name: Some("Взлом".into()), ..UserChanges::default() };
    assert_eq!(code(t.engine.update_client_user(&buh, client.id, other.id, rename).await), "no_right");
    assert_eq!(code(t.engine.set_client_user_enabled(&buh, client.id, other.id, false).await), "no_right");
    assert_eq!(code(t.engine.delete_client_user(&buh, client.id, other.id).await), "no_right");
    assert_eq!(code(t.engine.create_client_user(&buh, client.id, user("x@users2.test", vec![])).await), "no_right");
    let unchanged = t.engine.client_user(&owner, client.id, other.id).await.unwrap();
    assert_eq!((unchanged.full_name.as_str(), unchanged.enabled), ("Иван Петров", true));
});

backend_test!(async fn acc2_the_owner_stays_enabled_with_full_access_and_its_name_is_staffs(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, owner) = t.client("USERS3", 0).await;
    let owner_id = t.engine.my_profile(&owner).await.unwrap().id;
    t.engine.create_client_user(&owner, client.id, user("admin@users3.test", vec![Right::Users])).await.unwrap();
    let second = log_in(&t, "admin@users3.test", "user-password").await.unwrap();
    assert_eq!(code(t.engine.delete_client_user(&second, client.id, owner_id).await), "owner_protected");
    assert_eq!(code(t.engine.set_client_user_enabled(&second, client.id, owner_id, false).await), "owner_protected");
    let limit = UserChanges { full_access: Some(false), ..UserChanges::default() };
    assert_eq!(code(t.engine.update_client_user(&second, client.id, owner_id, limit).await), "owner_protected");
    let rename = || UserChanges { full_name: Some("Новое Имя".into()), ..UserChanges::default() };
    assert_eq!(code(t.engine.update_client_user(&second, client.id, owner_id, rename()).await), "owner_name_fixed");
    let own = ProfileChanges { full_name: Some("Новое Имя".into()), phone: None };
    assert_eq!(code(t.engine.update_my_profile(&owner, own).await), "owner_name_fixed");
    assert_eq!(t.engine.update_client_user(&admin, client.id, owner_id, rename()).await.unwrap().full_name, "Новое Имя");
});

backend_test!(async fn acc3_nobody_takes_their_own_users_right_or_disables_or_deletes_themselves(db) {
    let t = TestEngine::over(db);
    let (client, owner) = t.client("USERS4", 0).await;
    let me = t.engine.create_client_user(&owner, client.id, user("admin@users4.test", vec![Right::Users, Right::Finance])).await.unwrap();
    let ctx = log_in(&t, "admin@users4.test", "user-password").await.unwrap();
    let drop_users = UserChanges { rights: Some(vec![Right::Finance]), ..UserChanges::default() };
    assert_eq!(code(t.engine.update_client_user(&ctx, client.id, me.id, drop_users).await), "own_users_right");
    assert_eq!(code(t.engine.set_client_user_enabled(&ctx, client.id, me.id, false).await), "own_user");
    assert_eq!(code(t.engine.delete_client_user(&ctx, client.id, me.id).await), "own_user");
    let still = t.engine.client_user(&owner, client.id, me.id).await.unwrap();
    assert_eq!((still.rights.clone(), still.enabled), (vec![Right::Finance, Right::Users], true));
    // Another client's user is not found, as if it did not exist.
    let (other, _) = t.client("USERS4B", 0).await;
    assert_eq!(code(t.engine.client_user(&owner, client.id, t.engine.client_users(&Ctx::system("t"), other.id).await.unwrap()[0].id).await), "not_found");
});

backend_test!(async fn acc2_a_user_changes_its_password_giving_the_current_one(db) {
    let t = TestEngine::over(db);
    let (_, owner) = t.client("USERS5", 0).await;
    let wrong = PasswordChange { current_password: "not-it-at-all".into(), new_password: "brand-new-pass".into() };
    let e = t.engine.change_my_password(&owner, wrong).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("wrong_password", Some("current_password")));
    let weak = PasswordChange { current_password: "client-password".into(), new_password: "short".into() };
    let e = t.engine.change_my_password(&owner, weak).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("weak_password", Some("new_password")));
    assert!(log_in(&t, "users5@client.test", "client-password").await.is_ok(), "refusals changed nothing");
    let ok = PasswordChange { current_password: "client-password".into(), new_password: "brand-new-pass".into() };
    t.engine.change_my_password(&owner, ok).await.unwrap();
    assert_eq!(code(log_in(&t, "users5@client.test", "client-password").await), "bad_credentials");
    assert!(log_in(&t, "users5@client.test", "brand-new-pass").await.is_ok());
});

backend_test!(async fn acc5_a_user_saves_its_language_time_zone_telegram_and_notifications(db) {
    let t = TestEngine::over(db);
    let (_, owner) = t.client("USERS6", 0).await;
    let fresh = t.engine.my_settings(&owner).await.unwrap();
    assert_eq!((fresh.locale.clone(), fresh.timezone.clone(), fresh.telegram.clone()), (None, None, None));
    let on = |s: &kopek_engine::accounts::settings::UserSettings| -> Vec<String> {
        s.notifications.iter().filter(|n| n.enabled).map(|n| format!("{}:{}", n.category, n.channel)).collect()
    };
    assert_eq!(on(&fresh), ["finance:email", "news:email", "services:email", "support:email"]);
    let choice = |category, channel, enabled| NotificationChoice { category, channel, enabled };
    let req = SettingsChanges {
        locale: Some("en".into()),
        timezone: Some("Asia/Novosibirsk".into()),
        telegram: Some("@ivan_petrov".into()),
        telegram_support: None,
        notifications: vec![
            choice(NotificationCategory::News, NotificationChannel::Email, false),
            choice(NotificationCategory::Finance, NotificationChannel::Sms, true),
            choice(NotificationCategory::Support, NotificationChannel::Messenger, true),
        ],
    };
    t.engine.save_my_settings(&owner, req).await.unwrap();
    let saved = t.engine.my_settings(&owner).await.unwrap();
    assert_eq!(
        (saved.locale.as_deref(), saved.timezone.as_deref(), saved.telegram.as_deref()),
        (Some("en"), Some("Asia/Novosibirsk"), Some("ivan_petrov"))
    );
    assert_eq!(on(&saved), ["finance:email", "finance:sms", "services:email", "support:email", "support:messenger"]);
    assert_eq!(t.engine.my_locale(&owner).await.unwrap().as_deref(), Some("en"));

    let bad_zone = SettingsChanges { timezone: Some("Mars/Olympus".into()), locale: Some("ru".into()), ..SettingsChanges::default() };
    let e = t.engine.save_my_settings(&owner, bad_zone).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid_field", Some("timezone")));
    let bad_tg = SettingsChanges { telegram: Some("ivan".into()), ..SettingsChanges::default() };
    let e = t.engine.save_my_settings(&owner, bad_tg).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid_telegram", Some("telegram")));
    assert_eq!(t.engine.my_settings(&owner).await.unwrap(), saved, "refusals changed nothing");
});
