//! The test clock (OPS-1), for staging and demos: a clock that reads real
//! time shifted by an offset, which staff move forward — never back — so a
//! month of billing is rehearsed in seconds on a copy of the data. Moving it
//! runs every scheduled round that falls in between, one by one in time
//! order (the nights, the hourly expiry of promised payments, the cleanup),
//! each with the clock set to its own moment, so the month ends as it
//! would have ended day by day. The server's own worker is paused while the
//! clock moves, so no round runs out of order.
//!
//! A night run from the command line (`kopek night`) reads a clock that
//! stands at its own 02:00 instead, as the schedule's night would have.
//!
//! An advance is audited; a server started again resumes the clock where
//! the last advance left it, so its time never goes back.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use kopek_domain::{Clock, ManualClock};
use kopek_store::{audit, schedules};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::jobs::nightly::{CHARGE_SCHEDULE, NightReport};
use crate::jobs::worker::Worker;

const AUDIT_ENTITY: &str = "test_clock";
const AUDIT_ID: &str = "clock";
/// Batches of outbox messages one round may run before the advance gives
/// up: a handler that keeps queueing work for "now" would never end.
const MAX_BATCHES_PER_ROUND: usize = 1000;

/// Real time plus an offset.
#[derive(Debug, Default)]
pub struct TestClock {
    ahead: Mutex<Duration>,
    /// Workers take it to read before each round; an advance takes it to
    /// write, so they stand still until the clock has moved.
    pause: Arc<RwLock<()>>,
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.ahead()
    }
}

impl TestClock {
    /// Real time, until it is advanced.
    pub fn new() -> TestClock {
        TestClock::default()
    }

    /// A clock that reads `at` now and runs on from it.
    pub fn starting_at(at: DateTime<Utc>) -> TestClock {
        let clock = TestClock::new();
        clock.set(at);
        clock
    }

    pub(crate) fn set(&self, at: DateTime<Utc>) {
        *self.ahead.lock().expect("clock poisoned") = at - Utc::now();
    }

    /// How far ahead of real time it is (negative only for a past moment).
    pub fn ahead(&self) -> Duration {
        *self.ahead.lock().expect("clock poisoned")
    }

    /// What a worker waits on while the clock moves ([`Worker::paused_by`]).
    pub fn pause(&self) -> Arc<RwLock<()>> {
        self.pause.clone()
    }
}

/// Where the test clock stands; what a portal's banner needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TestClockView {
    /// The time Kopek reads, in the provider's offset.
    pub now: DateTime<FixedOffset>,
    /// The wall clock's time.
    pub real_now: DateTime<Utc>,
    /// How far the test clock is ahead of the wall clock, in whole seconds.
    pub ahead_seconds: i64,
    /// False once the clock was advanced: show "test time" to everyone.
    pub real_time: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceTo {
    /// Where the clock goes, with its offset, e.g. "2027-01-01T03:00:00+03:00";
    /// it must be later than the clock's time.
    pub advance_to: DateTime<FixedOffset>,
}

/// What an advance ran on the way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Advanced {
    pub from: DateTime<FixedOffset>,
    pub clock: TestClockView,
    /// The nights run, in order (provider dates).
    pub nights: Vec<NaiveDate>,
    /// Rounds run per schedule.
    pub rounds: BTreeMap<String, usize>,
    /// Outbox messages run on the way: the rounds and what they queued.
    pub messages: usize,
}

fn ensure_staff(ctx: &Ctx) -> Result<()> {
    match ctx.actor {
        Actor::ClientUser { .. } => Err(EngineError::forbidden("only staff use the test clock")),
        Actor::Staff { .. } | Actor::System { .. } => Ok(()),
    }
}

impl Engine {
    pub fn test_clock_view(&self, ctx: &Ctx, clock: &TestClock) -> Result<TestClockView> {
        ensure_staff(ctx)?;
        Ok(self.clock_view(clock))
    }

    /// The view without an access check, for the health check.
    pub fn clock_view(&self, clock: &TestClock) -> TestClockView {
        let ahead = clock.ahead();
        TestClockView {
            now: self.now().with_timezone(&self.settings.provider_offset),
            real_now: Utc::now(),
            ahead_seconds: ahead.num_seconds(),
            real_time: ahead.is_zero(),
        }
    }

    /// Moves the test clock forward to `input.advance_to`, running every
    /// scheduled round due on the way, in time order, each at its moment.
    /// Admins only.
    pub async fn advance_test_clock(&self, ctx: &Ctx, clock: &TestClock, input: AdvanceTo) -> Result<Advanced> {
        ctx.actor.ensure_admin()?;
        if (self.now() - clock.now()).abs() > Duration::seconds(1) {
            return Err(EngineError::Internal("this engine does not read the test clock it was given".into()));
        }
        let _paused = clock.pause.write().await;
        let from = self.now();
        let to = input.advance_to.with_timezone(&Utc);
        if to <= from {
            return Err(EngineError::invalid(
                "test_clock_backwards",
                format!(
                    "the test clock only moves forward: it reads {}, and {} is not later",
                    self.local(from),
                    input.advance_to
                ),
            ));
        }
        let worker = self.standard_worker("test-clock");
        let mut done = Advanced {
            from: self.local(from),
            clock: self.clock_view(clock),
            nights: Vec::new(),
            rounds: BTreeMap::new(),
            messages: 0,
        };
        loop {
            let due: Vec<schedules::ScheduleRow> = {
                let mut conn = self.store.conn().await?;
                schedules::all(&mut conn).await?.into_iter().filter(|s| s.enabled).collect()
            };
            // The clock stops at the calendar's rounds (nights, month
            // starts). A round every few seconds (the notifications'
            // retries) is fired at each stop where it is due, as after a
            // busy spell: stopping every 30 seconds through a month would
            // take hours.
            let stops = due.iter().filter(|s| !is_interval(&s.recurrence));
            let Some(next) = stops.map(|s| s.next_run_at).min().filter(|n| *n <= to) else { break };
            if next > self.now() {
                clock.set(next);
            }
            let now = self.now();
            for s in due.iter().filter(|s| s.next_run_at <= now) {
                *done.rounds.entry(s.name.clone()).or_default() += 1;
                if s.name == CHARGE_SCHEDULE {
                    done.nights.push(self.to_local(s.next_run_at).date());
                    tracing::info!(night = %self.to_local(s.next_run_at).date(), "test clock: running the night");
                }
            }
            done.messages += self.drain(&worker).await?;
        }
        if to > self.now() {
            clock.set(to);
        }
        done.messages += self.drain(&worker).await?;
        let mut uow = self.begin(ctx).await?;
        uow.audit(
            "test_clock.advance",
            AUDIT_ENTITY,
            AUDIT_ID,
            None,
            serde_json::json!({ "from": from, "to": to, "nights": done.nights.len(), "rounds": done.rounds }),
        )
        .await?;
        uow.finish(()).await?;
        done.clock = self.clock_view(clock);
        Ok(done)
    }

    /// Puts a restarted server's test clock back where the last advance
    /// left it; answers that moment when it moved the clock.
    pub async fn resume_test_clock(&self, clock: &TestClock) -> Result<Option<DateTime<Utc>>> {
        let last = {
            let mut conn = self.store.conn().await?;
            audit::for_entity(&mut conn, AUDIT_ENTITY, AUDIT_ID).await?.pop()
        };
        match last {
            Some(a) if a.at > clock.now() => {
                clock.set(a.at);
                Ok(Some(a.at))
            }
            _ => Ok(None),
        }
    }

    /// Runs what is due now until nothing is; answers how many messages ran.
    async fn drain(&self, worker: &Worker) -> Result<usize> {
        let mut ran = 0;
        for _ in 0..MAX_BATCHES_PER_ROUND {
            match worker.run_once().await? {
                0 => return Ok(ran),
                n => ran += n,
            }
        }
        Err(EngineError::Internal(format!("the outbox did not empty at {} after {ran} messages", self.now())))
    }

    fn local(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.settings.provider_offset)
    }

    /// This engine on a clock that stands at `moment`: everything a night
    /// run from the command line does is dated at the night's 02:00, as
    /// its charges are (CAT-7), however long after it really runs.
    pub(crate) fn at_moment(&self, moment: DateTime<Utc>) -> Engine {
        Engine { clock: Arc::new(ManualClock::new(moment)), ..self.clone() }
    }

    /// Refuses a night whose 02:00 has not come: it can only be rehearsed.
    pub fn ensure_night_has_come(&self, date: NaiveDate) -> Result<()> {
        if self.night_moment(date) > self.now() {
            return Err(EngineError::conflict(
                "night_not_come",
                format!(
                    "the night of {date} has not come yet (it starts at {}); a dry run rehearses it",
                    self.night_moment(date)
                ),
            ));
        }
        Ok(())
    }

    /// `kopek night --date`: the night of `date` as the schedule runs it,
    /// on a clock set to its 02:00 — a missed night caught up later expires
    /// and renews what was due then, not what is due by today. Refused for
    /// a night still to come.
    pub async fn run_night_at_its_time(&self, ctx: &Ctx, date: NaiveDate) -> Result<NightReport> {
        ctx.actor.ensure_may_move_money()?;
        self.ensure_night_has_come(date)?;
        self.recorded_night(ctx, date, &self.at_moment(self.night_moment(date))).await
    }
}

/// Whether a stored recurrence is "every N seconds".
fn is_interval(recurrence: &str) -> bool {
    matches!(
        serde_json::from_str::<kopek_domain::schedule::Recurrence>(recurrence),
        Ok(kopek_domain::schedule::Recurrence::Seconds { .. })
    )
}
