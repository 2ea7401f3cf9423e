//! SVC-2 "Вопрос": a client asks the provider about one of its services.
//! The question is kept with the service and becomes a support ticket
//! (SUP-1) linked back to it, in the same transaction.

use chrono::{DateTime, Utc};
use kopek_domain::DomainError;
use kopek_store::service_life as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskQuestion {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceQuestion {
    pub id: i64,
    pub subscription_id: i64,
    pub asked_by: String,
    pub text: String,
    /// The support ticket that answers it, once there is one.
    pub ticket_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Engine {
    pub async fn ask_about_service(&self, ctx: &Ctx, sub_id: i64, q: AskQuestion) -> Result<ServiceQuestion> {
        ctx.actor.ensure_right(Right::Support)?;
        let text = q.text.trim();
        if text.is_empty() || text.chars().count() > 5000 {
            return Err(DomainError::invalid("text", "1 to 5000 characters").into());
        }
        let mut uow = self.begin(ctx).await?;
        let life = store::life(&mut uow.conn, sub_id).await?.filter(|l| ctx.actor.ensure_sees_client(l.client_id).is_ok());
        let life = life.ok_or_else(|| EngineError::not_found("service", sub_id))?;
        let asked_by = ctx.actor.label();
        let row = store::insert_question(&mut uow.conn, sub_id, life.client_id, &asked_by, text, uow.now).await?;
        // SUP-1: the question is a ticket about the service, not yet sorted
        // into a department, so support reads and answers it there.
        let subject = question_subject(sub_id, text);
        let ticket_id = self.insert_ticket(&mut uow, life.client_id, None, Some(sub_id), &subject, text, &[]).await?;
        kopek_store::support::link_question(&mut uow.conn, row.id, ticket_id).await?;
        let row = store::QuestionRow { ticket_id: Some(ticket_id), ..row };
        uow.emit(
            "support.question",
            &serde_json::json!({
                "question_id": row.id, "subscription_id": sub_id, "client_id": life.client_id,
            }),
            Some(&format!("question-{}", row.id)),
        )
        .await?;
        uow.audit("service.question", "subscription", sub_id, Some(life.client_id), serde_json::json!({ "question_id": row.id }))
            .await?;
        uow.finish(view(row)).await
    }

    pub async fn service_questions(&self, ctx: &Ctx, sub_id: i64) -> Result<Vec<ServiceQuestion>> {
        ctx.actor.ensure_right(Right::Support)?;
        let mut conn = self.store.conn().await?;
        let life = store::life(&mut conn, sub_id).await?.filter(|l| ctx.actor.ensure_sees_client(l.client_id).is_ok());
        life.ok_or_else(|| EngineError::not_found("service", sub_id))?;
        Ok(store::questions(&mut conn, sub_id).await?.into_iter().map(view).collect())
    }
}

/// A ticket's subject from the question: the service and the text's
/// beginning.
fn question_subject(sub_id: i64, text: &str) -> String {
    let first = text.lines().next().unwrap_or("").trim();
    let short: String = first.chars().take(80).collect();
    let cut = if short.chars().count() < first.chars().count() { "…" } else { "" };
    format!("#{sub_id}: {short}{cut}")
}

fn view(r: store::QuestionRow) -> ServiceQuestion {
    ServiceQuestion {
        id: r.id,
        subscription_id: r.subscription_id,
        asked_by: r.asked_by,
        text: r.text,
        ticket_id: r.ticket_id,
        created_at: r.created_at,
    }
}
