//! An engine over a fresh test database with a clock the test sets, and
//! helpers that tests of every layer share.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kopek_domain::ManualClock;
use kopek_store::Backend;
use kopek_store::testing::TestDb;

use crate::accounts::{NewClient, NewStaff, NewUser};
use crate::amount::Amount;
use crate::auth::PasswordCost;
use crate::ctx::{Actor, Ctx};
use crate::views::Client;
use crate::{Engine, Settings};

pub struct TestEngine {
    pub engine: Engine,
    pub clock: ManualClock,
    pub db: TestDb,
}

/// Settings for tests: a cheap password hash, so tests that create many
/// users stay fast; everything else as in production.
pub fn test_settings() -> Settings {
    Settings { password_cost: PasswordCost { memory_kib: 256, iterations: 1 }, ..Settings::default() }
}

impl TestEngine {
    pub fn over(db: TestDb) -> TestEngine {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
        let engine = Engine::new(db.store.clone(), Arc::new(clock.clone()), test_settings());
        TestEngine { engine, clock, db }
    }

    pub async fn new(backend: Backend) -> Option<TestEngine> {
        TestDb::new(backend).await.map(TestEngine::over)
    }

    /// A staff admin actor (created in the database).
    pub async fn admin(&self) -> Ctx {
        let staff = self
            .engine
            .create_staff_user(&Ctx::system("test"), NewStaff {
                email: format!("admin{}@kopek.test", rand_suffix()),
                full_name: "Test Admin".into(),
                password: "admin-password".into(),
                role: "admin".into(),
            })
            .await
            .expect("create admin");
        Ctx::new(Actor::Staff { id: staff.id, email: staff.email, role: kopek_domain::account::StaffRole::Admin })
    }

    /// A RUB client with an owner whose email is `<code>@client.test`.
    pub async fn client(&self, code: &str, credit_limit: i64) -> (Client, Ctx) {
        let client = self
            .engine
            .create_client(&Ctx::system("test"), NewClient {
                code: Some(code.into()),
                name: format!("Client {code}"),
                country: "RU".into(),
                currency: "RUB".into(),
                credit_limit: Some(Amount(credit_limit.into())),
                // A credit limit lets services run down to it.
                disconnect_threshold: Some(Amount((-credit_limit).into())),
                owner: Some(NewUser {
                    email: format!("{}@client.test", code.to_lowercase()),
                    full_name: format!("Owner of {code}"),
                    password: "client-password".into(),
                    phone: None,
                }),
            })
            .await
            .expect("create client");
        let users = self.engine.client_users(&Ctx::system("test"), client.id).await.expect("users");
        let owner = &users[0];
        let ctx = Ctx::new(Actor::ClientUser { id: owner.id, client_id: client.id, email: owner.email.clone() });
        (client, ctx)
    }
}

fn rand_suffix() -> String {
    use rand::RngCore;
    format!("{:08x}", rand::rng().next_u32())
}
