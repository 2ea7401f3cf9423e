//! The login lockout (SEC-1), on both backends: however many guesses
//! arrive at once, exactly five are checked before the name is locked; an
//! unknown email locks like a known one; a lock that ran out starts the
//! count again; a success forgets the failures before it.

use chrono::Duration;
use futures::future::join_all;
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;

fn code<T>(r: kopek_engine::core::error::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

backend_test!(async fn sec1_a_burst_of_forty_guesses_checks_exactly_five_and_the_right_password_after_them_is_locked(db) {
    let t = TestEngine::over(db);
    t.client("BURST", 0).await;
    let e = &t.engine;
    let guesses = (0..40).map(|i| async move { code(e.login(LoginKind::Client, "burst@client.test", &format!("wrong-{i}")).await) });
    let answers = join_all(guesses).await;
    assert_eq!(answers.iter().filter(|a| **a == "bad_credentials").count(), 5, "{answers:?}");
    assert_eq!(answers.iter().filter(|a| **a == "login_locked").count(), 35, "{answers:?}");
    assert_eq!(code(e.login(LoginKind::Client, "burst@client.test", "client-password").await), "login_locked");
});

backend_test!(async fn sec1_an_unknown_email_is_refused_and_locked_exactly_like_a_known_one(db) {
    let t = TestEngine::over(db);
    t.client("KNOWN", 0).await;
    let e = &t.engine;
    for email in ["known@client.test", "nobody@client.test"] {
        for _ in 0..5 {
            assert_eq!(code(e.login(LoginKind::Client, email, "wrong-password").await), "bad_credentials", "{email}");
        }
        assert_eq!(code(e.login(LoginKind::Client, email, "wrong-password").await), "login_locked", "{email}");
    }
    // The staff login of the same email is a name of its own.
    assert_eq!(code(e.login(LoginKind::Staff, "known@client.test", "client-password").await), "bad_credentials");
});

backend_test!(async fn sec1_a_lock_that_ran_out_starts_the_count_again_and_a_success_forgets_failures(db) {
    let t = TestEngine::over(db);
    t.client("AGAIN", 0).await;
    let e = &t.engine;
    let login = |password: &'static str| async move { code(e.login(LoginKind::Client, "again@client.test", password).await) };
    for _ in 0..5 {
        assert_eq!(login("wrong-password").await, "bad_credentials");
    }
    assert_eq!(login("client-password").await, "login_locked");
    t.clock.advance(Duration::minutes(16));
    // One failure after the lock is one failure, not a sixth.
    assert_eq!(login("wrong-password").await, "bad_credentials");
    assert_eq!(login("wrong-password").await, "bad_credentials");
    assert_eq!(login("client-password").await, "ok");
    // The success forgot them: five more are checked before the lock.
    for _ in 0..5 {
        assert_eq!(login("wrong-password").await, "bad_credentials");
    }
    assert_eq!(login("client-password").await, "login_locked");
});
