//! ACC-4: the staff roles' gates in the engine, on both backends — what the
//! staff panel hides is refused here when it is asked for anyway.

use kopek_domain::account::StaffRole;
use kopek_engine::accounts::clients::{ClientChanges, NewStaff};
use kopek_engine::billing::low_balance::LowBalanceInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Actor, Ctx};
use kopek_store::backend_test;

async fn staff(t: &TestEngine, admin: &Ctx, role: StaffRole) -> Ctx {
    let new = NewStaff {
        email: format!("{}@staff.test", role.as_str().replace('_', "-")),
        full_name: "Сотрудник".into(),
        password: "staff-password".into(),
        role: role.as_str().into(),
    };
    let s = t.engine.create_staff_user(admin, new).await.unwrap();
    Ctx::new(Actor::Staff { id: s.id, email: s.email, role })
}

fn amount(s: &str) -> Option<Amount> {
    Some(Amount(s.parse().unwrap()))
}

backend_test!(async fn acc4_read_only_staff_change_nothing_even_where_a_use_case_has_no_check_of_its_own(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("ROLES", 0).await;
    let read_only = staff(&t, &admin, StaffRole::ReadOnly).await;
    // The low-balance notice checks only the client's "finance" right, which
    // staff hold: the unit of work's audit stops the read-only login.
    let input = LowBalanceInput { threshold: amount("100.00") };
    assert_eq!(t.engine.set_low_balance(&read_only, client.id, input).await.unwrap_err().code(), "read_only");
    assert_eq!(t.engine.low_balance(&admin, client.id).await.unwrap().threshold, None);
    // Reading is every role's.
    assert_eq!(t.engine.client_card(&read_only, client.id).await.unwrap().client.code, "ROLES");
    assert!(t.engine.awaiting_transfers(&read_only, None, 0).await.unwrap().payments.is_empty());
});

backend_test!(async fn acc4_limits_are_accountants_and_blocking_is_supports(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("TERMS", 0).await;
    let accountant = staff(&t, &admin, StaffRole::Accountant).await;
    let support = staff(&t, &admin, StaffRole::Support).await;
    let limit = || ClientChanges { credit_limit: amount("500.00"), ..ClientChanges::default() };
    let block = || ClientChanges { state: Some("blocked_by_admin".into()), ..ClientChanges::default() };
    assert_eq!(t.engine.update_client(&support, client.id, limit()).await.unwrap_err().code(), "forbidden");
    assert_eq!(t.engine.update_client(&accountant, client.id, block()).await.unwrap_err().code(), "forbidden");
    let both = ClientChanges { credit_limit: amount("1.00"), state: Some("active".into()), ..ClientChanges::default() };
    assert_eq!(t.engine.update_client(&accountant, client.id, both).await.unwrap_err().code(), "forbidden", "both need both");
    let c = t.engine.client(&admin, client.id).await.unwrap();
    assert_eq!((c.credit_limit.0.to_string().as_str(), c.state.as_str()), ("0.00", "active"));

    assert_eq!(t.engine.update_client(&accountant, client.id, limit()).await.unwrap().credit_limit.0.to_string(), "500.00");
    assert_eq!(t.engine.update_client(&support, client.id, block()).await.unwrap().state, "blocked_by_admin");
});

backend_test!(async fn acc4_only_an_admin_issues_a_token_for_another_login(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let accountant = staff(&t, &admin, StaffRole::Accountant).await;
    let refused = t.engine.create_token(&accountant, &admin.actor.label(), "mine now").await.unwrap_err();
    assert_eq!(refused.code(), "forbidden");
    assert!(t.engine.create_token(&accountant, &accountant.actor.label(), "my own").await.unwrap().starts_with("kpk_"));
    assert!(t.engine.create_token(&admin, &accountant.actor.label(), "for them").await.unwrap().starts_with("kpk_"));
    // Read-only staff read through the API with a token of their own.
    let read_only = staff(&t, &admin, StaffRole::ReadOnly).await;
    assert!(t.engine.create_token(&read_only, &read_only.actor.label(), "to read").await.is_ok());
});

// OPS-5, ACC-4: support logs in as a client's user; the session acts with
// the user's rights and names the staff member, but mints no token and
// touches no two-step authentication; an accountant may not log in as.
backend_test!(async fn ops5_a_staff_member_acting_for_a_user_changes_none_of_its_credentials(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, owner) = t.client("ACT", 0).await;
    let user = t.engine.client_users(&admin, client.id).await.unwrap()[0].clone();
    let accountant = staff(&t, &admin, StaffRole::Accountant).await;
    assert_eq!(t.engine.log_in_as(&accountant, client.id, user.id).await.unwrap_err().code(), "forbidden");
    let support = staff(&t, &admin, StaffRole::Support).await;
    let session = t.engine.log_in_as(&support, client.id, user.id).await.unwrap();
    assert_eq!(session.actor.acting_staff(), Some("support@staff.test"));
    let acting = t.engine.session_actor(&session.token).await.unwrap().expect("the session is live");
    assert_eq!(acting, session.actor);
    let ctx = Ctx::new(acting);
    assert_eq!(t.engine.create_token(&ctx, &user.email, "kept").await.unwrap_err().code(), "acting_staff");
    assert_eq!(t.engine.enrol_two_factor(&ctx).await.unwrap_err().code(), "acting_staff");
    // The user itself may.
    assert!(t.engine.create_token(&owner, &user.email, "mine").await.is_ok());
    // The session ends with the staff member's login.
    let support_id = t.engine.staff_users(&admin).await.unwrap().into_iter().find(|s| s.email == "support@staff.test").unwrap().id;
    let off = kopek_engine::accounts::staff::StaffChange { role: "support".into(), enabled: false };
    t.engine.change_staff_user(&admin, support_id, off).await.unwrap();
    assert_eq!(t.engine.session_actor(&session.token).await.unwrap(), None);
});
