//! The shared machinery: outbox retries with backoff, workers that never run
//! one message twice, and durable schedules that fire once per round even
//! with several processes on one database.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{Duration, NaiveTime, TimeZone, Utc};
use kopek_domain::schedule::Recurrence;
use kopek_engine::jobs::worker::{Handler, Message, ScheduledRun, Worker};
use kopek_engine::testing::{TestEngine, test_settings};
use kopek_engine::{Engine, Settings};
use kopek_store::{Store, backend_test, outbox};

/// Fails its first `failures` calls, then succeeds; counts every call.
struct Flaky {
    failures: usize,
    calls: AtomicUsize,
}

#[async_trait]
impl Handler for Flaky {
    async fn handle(&self, _: &Engine, _: &Message) -> Result<(), String> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.failures { Err(format!("failure {}", n + 1)) } else { Ok(()) }
    }
}

/// Records which worker ran which message.
struct Recorder {
    worker: &'static str,
    runs: Arc<Mutex<Vec<(i64, &'static str)>>>,
}

#[async_trait]
impl Handler for Recorder {
    async fn handle(&self, _: &Engine, m: &Message) -> Result<(), String> {
        self.runs.lock().unwrap().push((m.id, self.worker));
        tokio::task::yield_now().await;
        Ok(())
    }
}

async fn enqueue(engine: &Engine, topic: &str, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut conn = engine.store().conn().await.unwrap();
    for i in 0..n {
        let payload = format!("{{\"n\":{i}}}");
        let id = outbox::enqueue(
            &mut conn,
            &outbox::NewMessage {
                topic,
                payload: &payload,
                dedup_key: None,
                max_attempts: 5,
                available_at: engine.now(),
                created_at: engine.now(),
            },
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(id);
    }
    ids
}

backend_test!(async fn a_failing_handler_is_retried_with_backoff_until_it_succeeds(db) {
    let t = TestEngine::over(db);
    let id = enqueue(&t.engine, "test.flaky", 1).await[0];
    let flaky = Arc::new(Flaky { failures: 2, calls: AtomicUsize::new(0) });
    let worker = Worker::new(t.engine.clone(), "w1").handle("test.flaky", flaky.clone());
    let message = |engine: Engine| async move {
        let mut conn = engine.store().conn().await.unwrap();
        outbox::get(&mut conn, id).await.unwrap().unwrap()
    };

    assert_eq!(worker.run_once().await.unwrap(), 1);
    let m = message(t.engine.clone()).await;
    assert_eq!((m.status.as_str(), m.attempts, m.last_error.as_deref()), ("pending", 1, Some("failure 1")));
    assert_eq!(m.available_at, t.engine.now() + Duration::seconds(5));
    assert_eq!(worker.run_once().await.unwrap(), 0, "not before its backoff");

    t.clock.advance(Duration::seconds(5));
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let m = message(t.engine.clone()).await;
    assert_eq!((m.attempts, m.available_at), (2, t.engine.now() + Duration::seconds(10)));

    t.clock.advance(Duration::seconds(10));
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let m = message(t.engine.clone()).await;
    assert_eq!((m.status.as_str(), m.attempts, m.done_at), ("done", 3, Some(t.engine.now())));
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
    t.clock.advance(Duration::hours(1));
    assert_eq!(worker.run_once().await.unwrap(), 0, "done is done");
});

backend_test!(async fn a_message_that_keeps_failing_dies_after_its_attempts(db) {
    let t = TestEngine::over(db);
    let id = enqueue(&t.engine, "test.broken", 1).await[0];
    let worker = Worker::new(t.engine.clone(), "w1").handle("test.broken", Arc::new(Flaky { failures: 99, calls: AtomicUsize::new(0) }));
    for _ in 0..5 {
        assert_eq!(worker.run_once().await.unwrap(), 1);
        t.clock.advance(Duration::hours(1));
    }
    assert_eq!(worker.run_once().await.unwrap(), 0);
    let mut conn = t.db.store.conn().await.unwrap();
    let m = outbox::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!((m.status.as_str(), m.attempts, m.last_error.as_deref()), ("dead", 5, Some("failure 5")));
});

backend_test!(async fn a_worker_leaves_topics_it_has_no_handler_for(db) {
    let t = TestEngine::over(db);
    let id = enqueue(&t.engine, "someone.elses", 1).await[0];
    let worker = Worker::new(t.engine.clone(), "w1").handle("test.mine", Arc::new(Flaky { failures: 0, calls: AtomicUsize::new(0) }));
    assert_eq!(worker.run_once().await.unwrap(), 0);
    let mut conn = t.db.store.conn().await.unwrap();
    let m = outbox::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!((m.status.as_str(), m.attempts), ("pending", 0));
});

backend_test!(async fn a_dead_workers_lease_runs_out_and_another_worker_takes_over(db) {
    let t = TestEngine::over(db);
    let id = enqueue(&t.engine, "test.lease", 1).await[0];
    let mut conn = t.db.store.conn().await.unwrap();
    let now = t.engine.now();
    let topics = vec!["test.lease".to_string()];
    let leased = outbox::claim(&mut conn, "crashed", now, now + Duration::minutes(5), 10, &topics).await.unwrap();
    assert_eq!(leased.len(), 1);
    let runs = Arc::new(Mutex::new(Vec::new()));
    let worker = Worker::new(t.engine.clone(), "w2").handle("test.lease", Arc::new(Recorder { worker: "w2", runs: runs.clone() }));
    assert_eq!(worker.run_once().await.unwrap(), 0, "leased to the crashed worker");
    t.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(runs.lock().unwrap().clone(), vec![(id, "w2")]);
    // The crashed worker's late report can't undo the takeover.
    assert!(!outbox::complete(&mut conn, id, "crashed", t.engine.now()).await.unwrap());
    assert_eq!(outbox::get(&mut conn, id).await.unwrap().unwrap().attempts, 2);
});

// Two "processes": separate pools on one database, each with its worker.
backend_test!(async fn two_workers_on_one_database_never_run_one_message_twice(db) {
    let t = TestEngine::over(db);
    let ids = enqueue(&t.engine, "test.race", 300).await;
    let second_store = Store::connect(&t.db.url).await.unwrap();
    let clock: Arc<dyn kopek_domain::Clock> = Arc::new(t.clock.clone());
    let other = Engine::new(second_store, clock, test_settings());
    let runs = Arc::new(Mutex::new(Vec::new()));
    let w1 = Worker::new(t.engine.clone(), "w1").batch(7).handle("test.race", Arc::new(Recorder { worker: "w1", runs: runs.clone() }));
    let w2 = Worker::new(other, "w2").batch(7).handle("test.race", Arc::new(Recorder { worker: "w2", runs: runs.clone() }));
    let drain = |w: Worker| tokio::spawn(async move {
        while w.run_once().await.unwrap() > 0 {}
    });
    let (a, b) = (drain(w1), drain(w2));
    a.await.unwrap();
    b.await.unwrap();

    let runs = runs.lock().unwrap().clone();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for (id, _) in &runs {
        *seen.entry(*id).or_default() += 1;
    }
    assert_eq!(seen.len(), ids.len(), "every message ran");
    assert!(seen.values().all(|n| *n == 1), "no message ran twice");
    let mut conn = t.db.store.conn().await.unwrap();
    let counts = outbox::count_by_status(&mut conn).await.unwrap();
    assert_eq!(counts, vec![("done".to_string(), 300)]);
});

backend_test!(async fn schedules_fire_once_per_round_across_processes_at_provider_time(db) {
    let t = TestEngine::over(db);
    // 2026-03-01 09:00 UTC; 02:00 in Moscow (UTC+3) is 23:00 UTC.
    let nightly = Recurrence::Daily { at: NaiveTime::from_hms_opt(2, 0, 0).unwrap() };
    let clock: Arc<dyn kopek_domain::Clock> = Arc::new(t.clock.clone());
    let other = Engine::new(Store::connect(&t.db.url).await.unwrap(), clock, Settings { ..test_settings() });
    t.engine.ensure_schedule("nightly", "test.nightly", &nightly).await.unwrap();
    other.ensure_schedule("nightly", "test.nightly", &nightly).await.unwrap();

    assert_eq!(t.engine.fire_due_schedules().await.unwrap(), 0, "not due yet");
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 1, 23, 0, 30).unwrap());
    let (a, b) = tokio::join!(t.engine.fire_due_schedules(), other.fire_due_schedules());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one process wins the round");
    assert_eq!(t.engine.fire_due_schedules().await.unwrap(), 0);

    // Down for two days: the next round is the next 02:00, not a backlog.
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 4, 8, 0, 0).unwrap());
    assert_eq!(other.fire_due_schedules().await.unwrap(), 1);
    assert_eq!(t.engine.fire_due_schedules().await.unwrap(), 0);

    let mut conn = t.db.store.conn().await.unwrap();
    let runs: Vec<ScheduledRun> = outbox::by_topic(&mut conn, "test.nightly").await.unwrap()
        .iter().map(|m| serde_json::from_str(&m.payload).unwrap()).collect();
    assert_eq!(runs, vec![
        ScheduledRun { schedule: "nightly".into(), due_at: Utc.with_ymd_and_hms(2026, 3, 1, 23, 0, 0).unwrap() },
        ScheduledRun { schedule: "nightly".into(), due_at: Utc.with_ymd_and_hms(2026, 3, 2, 23, 0, 0).unwrap() },
    ]);
    let rows = kopek_store::schedules::all(&mut conn).await.unwrap();
    assert_eq!(rows[0].next_run_at, Utc.with_ymd_and_hms(2026, 3, 4, 23, 0, 0).unwrap());
});

backend_test!(async fn the_nightly_cleanup_runs_from_its_schedule(db) {
    use kopek_engine::accounts::auth::LoginKind;
    let t = TestEngine::over(db);
    t.engine.install_schedules().await.unwrap();
    let (client, _) = t.client("CLEAN", 0).await;
    let session = t.engine.login(LoginKind::Client, "clean@client.test", "client-password").await.unwrap();
    let keyed = t.admin().await.with_idempotency_key(Some("k".into()));
    t.engine.credit_payment(&keyed, client.id, kopek_engine::ledger::entries::CreditPayment {
        amount: kopek_engine::core::amount::Amount(5.into()), currency: "RUB".into(), method: "manual".into(), comment: String::new(),
    }).await.unwrap();
    let worker = t.engine.standard_worker("w");
    // 03:30 Moscow, 31 days on: the session and the key are stale.
    t.clock.set(Utc.with_ymd_and_hms(2026, 4, 1, 0, 30, 0).unwrap());
    assert_eq!(
        worker.run_once().await.unwrap(),
        5,
        "cleanup, the nightly charge run, promised-payment expiry, boosts' end, the activity windows' tick"
    );
    assert!(t.engine.session_actor(&session.token).await.unwrap().is_none());
    let mut conn = t.db.store.conn().await.unwrap();
    let done = outbox::by_topic(&mut conn, "maintenance.cleanup").await.unwrap();
    assert_eq!((done.len(), done[0].status.as_str()), (1, "done"));
    let report = t.engine.cleanup().await.unwrap();
    assert_eq!(report.sessions + report.idempotency_keys, 0, "the scheduled run removed them");
});
