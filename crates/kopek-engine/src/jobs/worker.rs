//! Background work: the outbox worker and the durable schedules that feed
//! it. A schedule that comes due becomes an outbox message in the same
//! transaction that moves the schedule on; a worker leases messages of the
//! topics it has handlers for, runs them under a time limit shorter than
//! the lease, and retries failures with exponential backoff. Several
//! workers, in one process or many on one PostgreSQL, never hold the same
//! message at once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use kopek_domain::schedule::Recurrence;
use kopek_store::{outbox, schedules};
use serde::{Deserialize, Serialize};
use tokio::sync::{RwLock, watch};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// A leased outbox message, as a handler sees it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub topic: String,
    pub payload: serde_json::Value,
    /// 1 on the first try.
    pub attempt: i64,
}

/// What a schedule puts in its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRun {
    pub schedule: String,
    /// The nominal time of this round (e.g. 02:00), whenever it really ran.
    pub due_at: DateTime<Utc>,
}

#[async_trait]
pub trait Handler: Send + Sync {
    /// Does the work of one message. An `Err` is retried later; the work
    /// must be idempotent, as a message may run again after a crash.
    async fn handle(&self, engine: &Engine, message: &Message) -> std::result::Result<(), String>;
}

/// How long a failed message waits: 5 s, 10 s, 20 s … up to an hour.
pub fn backoff(attempt: i64) -> Duration {
    let exp = attempt.clamp(1, 20) - 1;
    Duration::seconds((5i64 << exp).min(3600))
}

pub struct Worker {
    engine: Engine,
    id: String,
    handlers: HashMap<String, Arc<dyn Handler>>,
    lease: Duration,
    batch: i64,
    /// Held to read during each round: the test clock takes it to write
    /// while it moves, and the worker waits.
    pause: Option<Arc<RwLock<()>>>,
}

impl Worker {
    pub fn new(engine: Engine, id: impl Into<String>) -> Worker {
        Worker { engine, id: id.into(), handlers: HashMap::new(), lease: Duration::minutes(5), batch: 32, pause: None }
    }

    pub fn handle(mut self, topic: &str, handler: Arc<dyn Handler>) -> Worker {
        self.handlers.insert(topic.to_string(), handler);
        self
    }

    pub fn lease(mut self, lease: Duration) -> Worker {
        self.lease = lease;
        self
    }

    pub fn batch(mut self, batch: i64) -> Worker {
        self.batch = batch.max(1);
        self
    }

    /// Makes [`Worker::run`] wait while someone holds `pause` to write.
    pub fn paused_by(mut self, pause: Arc<RwLock<()>>) -> Worker {
        self.pause = Some(pause);
        self
    }

    pub fn topics(&self) -> Vec<String> {
        let mut t: Vec<String> = self.handlers.keys().cloned().collect();
        t.sort();
        t
    }

    /// Fires due schedules, then leases and runs one batch of messages.
    /// Returns how many messages it ran.
    pub async fn run_once(&self) -> Result<usize> {
        self.engine.fire_due_schedules().await?;
        let topics = self.topics();
        if topics.is_empty() {
            return Ok(0);
        }
        let now = self.engine.now();
        let mut conn = self.engine.store.conn().await?;
        let leased = outbox::claim(&mut conn, &self.id, now, now + self.lease, self.batch, &topics).await?;
        drop(conn);
        let count = leased.len();
        for row in leased {
            self.run_message(row).await?;
        }
        Ok(count)
    }

    async fn run_message(&self, row: outbox::OutboxRow) -> Result<()> {
        let message = Message {
            id: row.id,
            topic: row.topic.clone(),
            payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::String(row.payload.clone())),
            attempt: row.attempts,
        };
        let handler = self.handlers.get(&row.topic).cloned().expect("claimed only handled topics");
        // The handler must end well inside the lease, or another worker
        // could take the message over while it still runs.
        let limit = (self.lease * 9 / 10).to_std().unwrap_or(StdDuration::from_secs(1));
        // A job's log lines say which message of which topic they belong to.
        let span = tracing::info_span!("job", topic = %row.topic, message = row.id, attempt = row.attempts);
        let outcome = match tokio::time::timeout(
            limit,
            tracing::Instrument::instrument(handler.handle(&self.engine, &message), span),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(format!("timed out after {} s", limit.as_secs())),
        };
        let now = self.engine.now();
        let mut conn = self.engine.store.conn().await?;
        match outcome {
            Ok(()) => {
                outbox::complete(&mut conn, row.id, &self.id, now).await?;
            }
            Err(error) => {
                let retry_at = (row.attempts < row.max_attempts).then(|| now + backoff(row.attempts));
                tracing::warn!(message = row.id, topic = %row.topic, attempt = row.attempts, %error, "outbox message failed");
                outbox::fail(&mut conn, row.id, &self.id, &error, retry_at).await?;
            }
        }
        Ok(())
    }

    /// Works until `stop` turns true, sleeping `idle` when there is nothing
    /// to do. Errors are logged and the loop goes on.
    pub async fn run(self, idle: StdDuration, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let round = match &self.pause {
                Some(pause) => Some(pause.read().await),
                None => None,
            };
            let ran = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(worker = %self.id, error = %e, "worker round failed");
                    0
                }
            };
            drop(round);
            if ran == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

impl Engine {
    /// Declares a recurring job; an existing schedule of this name keeps
    /// its next due time.
    pub async fn ensure_schedule(&self, name: &str, topic: &str, recurrence: &Recurrence) -> Result<()> {
        let first = recurrence.next_after(self.now(), self.settings.provider_offset);
        let mut conn = self.store.conn().await?;
        schedules::ensure(&mut conn, name, topic, &serde_json::to_string(recurrence)?, first).await?;
        Ok(())
    }

    /// Turns every due schedule into an outbox message. Of several
    /// processes doing this at once, only one wins each round.
    pub async fn fire_due_schedules(&self) -> Result<usize> {
        let now = self.now();
        let due = {
            let mut conn = self.store.conn().await?;
            schedules::due(&mut conn, now).await?
        };
        let mut fired = 0;
        for row in due {
            let recurrence: Recurrence = serde_json::from_str(&row.recurrence)
                .map_err(|e| EngineError::Internal(format!("schedule {}: {e}", row.name)))?;
            // Rounds missed while no process ran are not replayed one by
            // one: the job of the next round catches up by its own rules.
            let next = recurrence.next_after(now.max(row.next_run_at), self.settings.provider_offset);
            let ctx = Ctx::system("scheduler");
            let mut uow = self.begin(&ctx).await?;
            if !schedules::advance(&mut uow.conn, &row.name, row.version, now, next).await? {
                continue;
            }
            let run = ScheduledRun { schedule: row.name.clone(), due_at: row.next_run_at };
            let dedup = format!("schedule:{}:{}", row.name, row.next_run_at.to_rfc3339());
            uow.emit(&row.topic, &run, Some(&dedup)).await?;
            uow.audit(
                "schedule.fire",
                "schedule",
                &row.name,
                None,
                serde_json::json!({ "due_at": row.next_run_at, "next_run_at": next }),
            )
            .await?;
            uow.finish(()).await?;
            fired += 1;
        }
        Ok(fired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(3), Duration::seconds(20));
        assert_eq!(backoff(15), Duration::seconds(3600));
        assert_eq!(backoff(100), Duration::seconds(3600));
    }
}
