//! LED-1/LED-2 property: random sequences of payments, expenses and
//! reversals keep the balance equal to the sum of entries, the cached
//! unpaid and unallocated parts equal to the allocations, and no money open
//! beside open debt, on both backends.

use kopek_engine::Ctx;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::{CreditPayment, PostExpense, Reversal};
use kopek_engine::testing::TestEngine;
use kopek_store::Backend;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Op {
    Pay(i64),
    Expense(i64),
    ReversePayment(usize),
    ReverseExpense(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..50_000).prop_map(Op::Pay),
        (1i64..5_000_000).prop_map(Op::Expense),
        (0usize..8).prop_map(Op::ReversePayment),
        (0usize..8).prop_map(Op::ReverseExpense),
    ]
}

/// Runs `ops` for a fresh client and checks the ledger against a model
/// kept in integers: kopecks for payments, ten-thousandths for expenses.
async fn run(t: &TestEngine, admin: &Ctx, code: &str, ops: &[Op]) {
    let e = &t.engine;
    let (client, _) = t.client(code, 0).await;
    let (mut payments, mut expenses) = (Vec::new(), Vec::new());
    let mut expected: i64 = 0;
    for op in ops {
        match op {
            Op::Pay(kopecks) => {
                let amount = Amount(Decimal::new(*kopecks, 2));
                let p = e
                    .credit_payment(
                        admin,
                        client.id,
                        CreditPayment { amount, currency: "RUB".into(), method: "manual".into(), comment: String::new() },
                    )
                    .await
                    .unwrap();
                payments.push((p.id, kopecks * 100, true));
                expected += kopecks * 100;
            }
            Op::Expense(units) => {
                let x = e
                    .post_expense(
                        admin,
                        client.id,
                        PostExpense {
                            name: "x".into(),
                            amount: Amount(Decimal::new(*units, 4)),
                            currency: "RUB".into(),
                            vat_percent: None,
                            charged_at: None,
                        },
                    )
                    .await
                    .unwrap();
                expenses.push((x.id, *units, true));
                expected -= units;
            }
            Op::ReversePayment(i) => {
                if let Some((id, units, live)) = payments.get_mut(*i) {
                    let r = e.reverse_payment(admin, *id, Reversal { reason: "prop".into() }).await;
                    assert_eq!(r.is_ok(), *live, "{r:?}");
                    if *live {
                        expected -= *units;
                        *live = false;
                    }
                }
            }
            Op::ReverseExpense(i) => {
                if let Some((id, units, live)) = expenses.get_mut(*i) {
                    let r = e.reverse_expense(admin, *id, Reversal { reason: "prop".into() }).await;
                    assert_eq!(r.is_ok(), *live, "{r:?}");
                    if *live {
                        expected += *units;
                        *live = false;
                    }
                }
            }
        }
    }
    let b = e.balance(admin, client.id).await.unwrap();
    assert_eq!(b.balance.0, Decimal::new(expected, 4), "balance after {ops:?}");
    let violations = e.check_ledger().await.unwrap();
    assert!(violations.is_empty(), "{violations:?} after {ops:?}");
}

fn check_backend(backend: Backend, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(t) = rt.block_on(TestEngine::new(backend)) else { return };
    let admin = rt.block_on(t.admin());
    let n = std::sync::atomic::AtomicUsize::new(0);
    let config = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(ops in prop::collection::vec(op(), 1..24))| {
        let case = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        rt.block_on(run(&t, &admin, &format!("P{case}"), &ops));
    });
}

#[test]
fn led1_random_ledger_histories_keep_every_invariant_on_sqlite() {
    check_backend(Backend::Sqlite, 40);
}

#[test]
fn led1_random_ledger_histories_keep_every_invariant_on_postgres() {
    check_backend(Backend::Postgres, 40);
}
