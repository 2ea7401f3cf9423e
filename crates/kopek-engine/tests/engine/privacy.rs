//! ACC-5, ACC-6: the user's action log, the privacy policy's versions and
//! their acceptance, the personal-data export, and requests to delete or
//! restrict personal data carried out or refused by staff.

use kopek_domain::account::Right;
use kopek_domain::payer::PayerDetails;
use kopek_domain::privacy::{PrivacyRequestKind, PrivacyRequestStatus};
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::accounts::personal_data::{DAYS_OFF_CALENDAR, NewPrivacyRequest};
use kopek_engine::accounts::privacy::NewPrivacyPolicy;
use kopek_engine::catalog::services::HolidayInput;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, EngineError};
use kopek_store::backend_test;

use crate::common::{at_local, pay};

fn code<T: std::fmt::Debug>(r: Result<T, EngineError>) -> String {
    r.unwrap_err().code().to_string()
}

fn user(email: &str, rights: Vec<Right>) -> NewUser {
    NewUser {
        email: email.into(),
        full_name: "Пётр Сидоров".into(),
        password: "user-password".into(),
        phone: Some("+7 912 000-00-01".into()),
        full_access: false,
        rights,
    }
}

fn policy(version: &str) -> NewPrivacyPolicy {
    NewPrivacyPolicy { version: version.into(), body: Some(format!("Политика {version}")), ..NewPrivacyPolicy::default() }
}

/// Logs in as the web does: the session, then the login in the action log.
async fn log_in(t: &TestEngine, email: &str, ip: &str) -> Result<Ctx, EngineError> {
    let s = t.engine.login(LoginKind::Client, email, "user-password").await?;
    t.engine.record_login(&s, Some(ip.into()), Some("Firefox/140")).await?;
    Ok(Ctx::new(s.actor).with_ip(Some(ip.into())))
}

backend_test!(async fn acc5_the_action_log_shows_logins_with_address_and_device_and_own_changes(db) {
    let t = TestEngine::over(db);
    at_local(&t, 11, 30, 10, 0);
    let (client, owner) = t.client("LOG1", 0).await;
    t.engine.create_client_user(&owner, client.id, user("log@log1.test", vec![])).await.unwrap();
    let me = log_in(&t, "log@log1.test", "203.0.113.7").await.unwrap();
    let change = kopek_engine::accounts::settings::SettingsChanges { locale: Some("en".into()), ..Default::default() };
    t.engine.save_my_settings(&me, change).await.unwrap();

    let log = t.engine.my_activity(&me, 1, 20).await.unwrap();
    assert_eq!((log.total, log.pages, log.page), (2, 1, 1));
    let lines: Vec<(String, Option<String>, Option<String>)> =
        log.items.iter().map(|a| (a.action.clone(), a.source_ip.clone(), a.device.clone())).collect();
    assert_eq!(lines, [
        ("client_user.settings".to_string(), Some("203.0.113.7".to_string()), None),
        ("client_user.login".to_string(), Some("203.0.113.7".to_string()), Some("Firefox/140".to_string())),
    ]);
    assert_eq!(log.items[1].at.to_rfc3339(), "2026-11-30T07:00:00+00:00");
    // The owner's creating this user is the owner's action, not this user's.
    let owners = t.engine.my_activity(&owner, 1, 20).await.unwrap();
    assert_eq!(owners.items.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["client_user.create"]);
    // Paged on the server: a page past the end shows the last.
    for _ in 0..21 {
        log_in(&t, "log@log1.test", "203.0.113.8").await.unwrap();
    }
    let second = t.engine.my_activity(&me, 9, 20).await.unwrap();
    assert_eq!((second.total, second.pages, second.page, second.items.len()), (23, 2, 2, 3));
    assert_eq!(code(t.engine.my_activity(&t.admin().await, 1, 20).await), "forbidden");
});

backend_test!(async fn acc5_a_published_policy_is_accepted_once_and_a_new_version_asks_again(db) {
    let t = TestEngine::over(db);
    at_local(&t, 11, 30, 10, 0);
    let admin = t.admin().await;
    let (_, owner) = t.client("POL1", 0).await;
    assert!(!t.engine.must_accept_privacy_policy(&owner).await.unwrap(), "no policy: nothing is asked");
    assert_eq!(code(t.engine.publish_privacy_policy(&owner, policy("v1")).await), "forbidden");
    assert_eq!(code(t.engine.publish_privacy_policy(&admin, NewPrivacyPolicy { version: "v0".into(), ..Default::default() }).await), "policy_empty");

    let v1 = t.engine.publish_privacy_policy(&admin, policy("v1")).await.unwrap();
    assert_eq!(code(t.engine.publish_privacy_policy(&admin, policy("v1")).await), "policy_version_taken");
    assert!(t.engine.must_accept_privacy_policy(&owner).await.unwrap());
    let owner = owner.with_ip(Some("198.51.100.4".into()));
    assert_eq!(code(t.engine.accept_privacy_policy(&owner, "v0").await), "policy_version_changed");
    let mine = t.engine.accept_privacy_policy(&owner, "v1").await.unwrap();
    assert!(mine.accepted);
    assert_eq!(mine.current.as_ref().map(|p| p.id), Some(v1.id));
    let a = &mine.acceptances[0];
    assert_eq!((a.version.as_str(), a.accepted_at.to_rfc3339(), a.source_ip.as_deref()),
        ("v1", "2026-11-30T07:00:00+00:00".to_string(), Some("198.51.100.4")));
    assert!(!t.engine.must_accept_privacy_policy(&owner).await.unwrap());
    t.engine.accept_privacy_policy(&owner, "v1").await.unwrap();
    let log = t.engine.my_activity(&owner, 1, 20).await.unwrap();
    let accepts = log.items.iter().filter(|a| a.action == "privacy_policy.accept").count();
    assert_eq!(accepts, 1, "accepting again records nothing");

    at_local(&t, 12, 1, 9, 0);
    let v2 = NewPrivacyPolicy { version: "v2".into(), url: Some("https://provider.example/privacy".into()), ..Default::default() };
    t.engine.publish_privacy_policy(&admin, v2).await.unwrap();
    assert!(t.engine.must_accept_privacy_policy(&owner).await.unwrap(), "a new version asks again");
    let versions: Vec<String> = t.engine.privacy_policies(&admin).await.unwrap().into_iter().map(|p| p.version).collect();
    assert_eq!(versions, ["v2", "v1"]);
    assert_eq!(code(t.engine.privacy_policies(&owner).await), "forbidden");
});

backend_test!(async fn acc6_the_export_holds_the_users_data_and_nobody_elses_and_is_downloaded_once(db) {
    let t = TestEngine::over(db);
    at_local(&t, 11, 30, 10, 0);
    let (client, owner) = t.client("EXP1", 0).await;
    t.engine.create_client_user(&owner, client.id, user("other@exp1.test", vec![Right::Payers])).await.unwrap();
    t.engine.create_client_user(&owner, client.id, user("plain@exp1.test", vec![])).await.unwrap();
    let payer = PayerInput {
        kind: "individual".into(),
        details: PayerDetails { country: "RU".into(), name: "Анна Котова".into(), ..PayerDetails::default() },
    };
    t.engine.create_payer(&owner, client.id, payer).await.unwrap();
    let owner = owner.with_ip(Some("192.0.2.1".into()));

    let export = t.engine.export_personal_data(&owner).await.unwrap();
    assert_eq!(export.downloaded_at, None);
    let plain = log_in(&t, "plain@exp1.test", "192.0.2.9").await.unwrap();
    assert_eq!(code(t.engine.download_personal_data(&plain, export.id).await), "not_found");
    let csv = t.engine.download_personal_data(&owner, export.id).await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,line,field,value");
    assert!(lines.contains(&"profile,1,email,exp1@client.test"), "{csv}");
    assert!(lines.contains(&"profile,1,full_name,Owner of EXP1"), "{csv}");
    assert!(lines.contains(&"payer,1,name,Анна Котова"), "the owner holds the payers right: {csv}");
    assert!(lines.contains(&"action,1,action,payer.create") || csv.contains("client_user.create"), "{csv}");
    for other in ["other@exp1.test", "plain@exp1.test", "Пётр Сидоров", "+79120000001"] {
        assert!(!csv.contains(other), "{other} is another user's: {csv}");
    }
    assert_eq!(code(t.engine.download_personal_data(&owner, export.id).await), "export_gone");
    let listed = t.engine.my_personal_data_exports(&owner).await.unwrap();
    assert_eq!(listed[0].downloaded_at.map(|d| d.to_rfc3339()), Some("2026-11-30T07:00:00+00:00".into()));

    // Without the payers right the client's payers stay out of it.
    let mine = t.engine.export_personal_data(&plain).await.unwrap();
    let csv = t.engine.download_personal_data(&plain, mine.id).await.unwrap();
    assert!(csv.contains("profile,1,email,plain@exp1.test"), "{csv}");
    assert!(csv.contains("login,1,address,192.0.2.9") && csv.contains("login,1,device,Firefox/140"), "{csv}");
    assert!(!csv.contains("Анна Котова") && !csv.contains("exp1@client.test"), "{csv}");

    let mut conn = t.engine.store().conn().await.unwrap();
    let notes = kopek_store::outbox::by_topic(&mut conn, "notification").await.unwrap();
    let ready: Vec<serde_json::Value> = notes.iter().map(|m| serde_json::from_str(&m.payload).unwrap())
        .filter(|p: &serde_json::Value| p["event"] == "privacy.export_ready").collect();
    assert_eq!(ready.len(), 2);
    assert_eq!(ready[0]["recipients"], serde_json::json!(["exp1@client.test"]));
    assert_eq!(ready[0]["data"]["download"], format!("/client/privacy/exports/{}", export.id));
});

backend_test!(async fn acc6_a_deletion_carried_out_keeps_payers_and_payments_and_ends_the_login(db) {
    let t = TestEngine::over(db);
    // Friday 2026-12-25, 10:00 provider time; 2027-01-01..08 are days off.
    at_local(&t, 12, 25, 10, 0);
    let admin = t.admin().await;
    let days: Vec<chrono::NaiveDate> = (1..=8).map(|d| chrono::NaiveDate::from_ymd_opt(2027, 1, d).unwrap()).collect();
    t.engine.add_holidays(&admin, HolidayInput { calendar: DAYS_OFF_CALENDAR.into(), days }).await.unwrap();
    let (client, owner) = t.client("DEL1", 0).await;
    t.engine.create_client_user(&owner, client.id, user("gone@del1.test", vec![Right::Payers])).await.unwrap();
    let payer = PayerInput {
        kind: "individual".into(),
        details: PayerDetails { country: "RU".into(), name: "Анна Котова".into(), ..PayerDetails::default() },
    };
    let payer = t.engine.create_payer(&owner, client.id, payer).await.unwrap();
    pay(&t.engine, &admin, client.id, "500").await;
    let gone = log_in(&t, "gone@del1.test", "192.0.2.5").await.unwrap();
    let token = t.engine.create_token(&gone, "gone@del1.test", "script").await.unwrap();
    let session = t.engine.login(LoginKind::Client, "gone@del1.test", "user-password").await.unwrap();

    let req = NewPrivacyRequest { kind: PrivacyRequestKind::Delete, comment: "Удалите мои данные".into() };
    let filed = t.engine.file_privacy_request(&gone, req).await.unwrap();
    assert_eq!((filed.status, filed.due_on), (PrivacyRequestStatus::Open, chrono::NaiveDate::from_ymd_opt(2027, 1, 18).unwrap()));
    let restrict = NewPrivacyRequest { kind: PrivacyRequestKind::Restrict, comment: String::new() };
    let other = t.engine.file_privacy_request(&owner, restrict).await.unwrap();
    let open: Vec<i64> = t.engine.privacy_requests(&admin, Some(PrivacyRequestStatus::Open)).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(open, [filed.id, other.id]);
    assert_eq!(code(t.engine.privacy_requests(&owner, None).await), "forbidden");
    assert_eq!(code(t.engine.carry_out_privacy_request(&owner, filed.id).await), "forbidden");

    let done = t.engine.carry_out_privacy_request(&admin, filed.id).await.unwrap();
    assert_eq!((done.status, done.decided_by.as_deref()), (PrivacyRequestStatus::Done, Some(admin.actor.label().as_str())));
    assert_eq!(code(t.engine.carry_out_privacy_request(&admin, filed.id).await), "request_decided");
    assert_eq!(code(t.engine.login(LoginKind::Client, "gone@del1.test", "user-password").await), "bad_credentials");
    assert!(t.engine.session_actor(&session.token).await.unwrap().is_none(), "its sessions end");
    assert!(t.engine.token_actor(&token).await.unwrap().is_none(), "its tokens end");
    let users = t.engine.client_users(&owner, client.id).await.unwrap();
    let pseudonym = users.iter().find(|u| u.email.starts_with("deleted-")).unwrap();
    assert_eq!((pseudonym.full_name.starts_with("deleted-"), pseudonym.phone.as_deref(), pseudonym.enabled), (true, None, false));
    assert!(!users.iter().any(|u| u.email == "gone@del1.test" || u.full_name == "Пётр Сидоров"));
    // The client's payers and money stay as they were.
    assert_eq!(t.engine.payer(&owner, payer.id).await.unwrap().details.name, "Анна Котова");
    assert_eq!(t.engine.payments(&owner, client.id).await.unwrap().len(), 1);
    assert_eq!(t.engine.balance(&owner, client.id).await.unwrap().balance.0.to_string(), "500.00");
    assert!(t.engine.check_ledger().await.unwrap().is_empty());

    let refused = t.engine.refuse_privacy_request(&admin, other.id, "  ").await;
    assert_eq!(code(refused), "invalid_field");
    let refused = t.engine.refuse_privacy_request(&admin, other.id, "Нужно для договора").await.unwrap();
    assert_eq!((refused.status, refused.reason.as_deref()), (PrivacyRequestStatus::Refused, Some("Нужно для договора")));
    let mine = t.engine.my_privacy_requests(&owner).await.unwrap();
    assert_eq!((mine.len(), mine[0].status), (1, PrivacyRequestStatus::Refused));
});
