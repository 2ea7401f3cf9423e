//! The unit of work: one transaction per use case, carrying the money
//! movement, the state change, its audit record (SEC-3), its outbox messages
//! and, for a request with an `Idempotency-Key`, the stored answer. They
//! commit together or not at all.

use chrono::{DateTime, Utc};
use kopek_store::{Conn, audit, idempotency, outbox};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// Attempts an outbox message gets before it is dead, unless said otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 10;

/// What a read-only staff member may still do: look after its own login
/// (an API token for itself to read with; another login's is an admin's).
const SELF_SERVICE: [&str; 4] = ["two_factor.enrol", "two_factor.enable", "two_factor.disable", "token.create"];

pub struct Uow<'e> {
    pub conn: Conn,
    /// The time of this unit of work, read once from the engine's clock.
    pub now: DateTime<Utc>,
    ctx: &'e Ctx,
    audited: bool,
    idempotency: Option<(String, String)>,
}

impl Engine {
    pub(crate) async fn begin<'e>(&self, ctx: &'e Ctx) -> Result<Uow<'e>> {
        Ok(Uow { conn: self.store.begin().await?, now: self.now(), ctx, audited: false, idempotency: None })
    }
}

impl<'e> Uow<'e> {
    pub fn ctx(&self) -> &Ctx {
        self.ctx
    }

    /// Claims the request's idempotency key for `op` and this request body.
    /// Returns the first answer when the same request was made before; a
    /// different request under the same key is refused.
    pub async fn replay<T: DeserializeOwned, R: Serialize>(&mut self, op: &str, request: &R) -> Result<Option<T>> {
        let Some(key) = self.ctx.idempotency_key.clone() else { return Ok(None) };
        if key.is_empty() || key.len() > 200 {
            return Err(EngineError::invalid("bad_idempotency_key", "Idempotency-Key must be 1 to 200 characters"));
        }
        let scope =
            format!("{}:{}", self.ctx.actor.kind(), self.ctx.actor.id().map_or(self.ctx.actor.label(), |i| i.to_string()));
        let hash = request_hash(op, request)?;
        match idempotency::claim(&mut self.conn, &scope, &key, &hash, self.now).await? {
            idempotency::Claim::Fresh => {
                self.idempotency = Some((scope, key));
                Ok(None)
            }
            idempotency::Claim::Used { request_hash, response } if request_hash == hash => match response {
                Some(body) => Ok(Some(serde_json::from_str(&body)?)),
                None => Err(EngineError::conflict(
                    "idempotency_in_progress",
                    "a request with this Idempotency-Key is still in progress",
                )),
            },
            idempotency::Claim::Used { .. } => Err(EngineError::invalid(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            )),
        }
    }

    /// Records who did what to which entity (SEC-3).
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        client_id: Option<i64>,
        details: serde_json::Value,
    ) -> Result<()> {
        let actor = &self.ctx.actor;
        // ACC-4: every change is audited, so this is where a read-only
        // login is stopped whatever use case it reached; only its own
        // login's safety (two-step authentication) is its to change.
        if !SELF_SERVICE.contains(&action) {
            actor.ensure_may_change()?;
        }
        // OPS-5: a staff member working in a client's user's session
        // changes nothing of the login's own safety: no password, no
        // two-step authentication, no token that would outlive the session.
        if actor.acting_staff().is_some() && (SELF_SERVICE.contains(&action) || action == "client_user.password") {
            return Err(EngineError::Forbidden {
                code: "acting_staff",
                message:
                    "a staff member acting for a user changes neither its password, its two-step authentication nor its tokens"
                        .into(),
            });
        }
        // OPS-5: what a staff member did in a client's session says so
        // where the client reads its own log.
        let mut details = details;
        if let (Some(staff), Some(fields)) = (actor.acting_staff(), details.as_object_mut()) {
            fields.insert("acting_staff".into(), staff.into());
        }
        audit::insert(
            &mut self.conn,
            &audit::NewAudit {
                at: self.now,
                actor_kind: actor.kind(),
                actor_id: actor.id(),
                actor_label: &actor.audit_label(),
                source_ip: self.ctx.source_ip.as_deref(),
                action,
                entity,
                entity_id: &entity_id.to_string(),
                client_id,
                details: &details.to_string(),
            },
        )
        .await?;
        tracing::info!(
            action,
            entity,
            entity_id = %entity_id.to_string(),
            client_id,
            actor = %actor.label(),
            source_ip = self.ctx.source_ip.as_deref().unwrap_or(""),
            "change"
        );
        self.audited = true;
        Ok(())
    }

    /// Queues a message for the outbox workers, committed with this unit of
    /// work. With a dedup key already queued nothing is added.
    pub async fn emit(&mut self, topic: &str, payload: &impl Serialize, dedup_key: Option<&str>) -> Result<Option<i64>> {
        let payload = serde_json::to_string(payload)?;
        Ok(outbox::enqueue(
            &mut self.conn,
            &outbox::NewMessage {
                topic,
                payload: &payload,
                dedup_key,
                max_attempts: DEFAULT_MAX_ATTEMPTS,
                available_at: self.now,
                created_at: self.now,
            },
        )
        .await?)
    }

    /// [`Uow::emit`] for many messages of one topic, each with its dedup
    /// key, in one statement.
    pub async fn emit_many(&mut self, topic: &str, messages: &[(impl Serialize, String)]) -> Result<()> {
        let payloads = messages.iter().map(|(p, _)| serde_json::to_string(p)).collect::<std::result::Result<Vec<_>, _>>()?;
        let rows: Vec<outbox::NewMessage> = payloads
            .iter()
            .zip(messages)
            .map(|(payload, (_, key))| outbox::NewMessage {
                topic,
                payload,
                dedup_key: Some(key),
                max_attempts: DEFAULT_MAX_ATTEMPTS,
                available_at: self.now,
                created_at: self.now,
            })
            .collect();
        outbox::enqueue_many(&mut self.conn, &rows).await?;
        Ok(())
    }

    /// Stores the answer for the idempotency key, if any, and commits. A
    /// change without an audit record is a bug, so it is refused here.
    pub async fn finish<T: Serialize>(mut self, result: T) -> Result<T> {
        if !self.audited {
            return Err(EngineError::Internal("a change was about to commit without its audit record".into()));
        }
        if let Some((scope, key)) = self.idempotency.take() {
            idempotency::store_response(&mut self.conn, &scope, &key, &serde_json::to_string(&result)?).await?;
        }
        self.conn.commit().await?;
        Ok(result)
    }
}

fn request_hash<R: Serialize>(op: &str, request: &R) -> Result<String> {
    let mut h = Sha256::new();
    h.update(op.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(request)?);
    Ok(hex::encode(h.finalize()))
}
