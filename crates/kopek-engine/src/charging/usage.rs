//! Usage records (CHG-6): traffic, minutes and units reported by equipment
//! through the API or a CSV file. A record id is taken once per
//! subscription; a repeat is counted as a duplicate and changes nothing.

use chrono::{DateTime, Utc};
use kopek_domain::DomainError;
use kopek_domain::charging::usage::UsageKind;
use kopek_domain::money::decimal_to_units;
use kopek_store::subscriptions as subs;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    pub subscription_id: i64,
    /// The sender's id of the record; a repeat is ignored.
    pub record_id: String,
    /// traffic_in, traffic_out, minutes or units.
    pub kind: String,
    /// The subnet class for traffic, the direction for minutes ("local",
    /// "intercity", "international", "mobile"); empty: the kind's default.
    #[serde(default)]
    pub class: String,
    /// Minutes, units or megabytes as the service's rates count them;
    /// fractions up to four places are kept.
    pub quantity: Amount,
    pub recorded_at: DateTime<Utc>,
    /// CAT-5, telephony: used in roaming, priced by the service's roaming
    /// rates; false when left out.
    #[serde(default)]
    pub roaming: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UsageReceipt {
    pub accepted: usize,
    pub duplicates: usize,
}

impl Engine {
    /// Stores usage records; all of them or, on a bad one, none. A record
    /// dated before its subscription was connected is refused (CHG-6): it
    /// would charge for time the client didn't have the service.
    pub async fn record_usage(&self, ctx: &Ctx, records: Vec<UsageRecord>) -> Result<UsageReceipt> {
        ctx.actor.ensure_may_move_money()?;
        // Checked whole before anything is written: all of them or none.
        let mut checked = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let kind = UsageKind::parse(&r.kind).ok_or_else(|| {
                EngineError::invalid(
                    "invalid_field",
                    format!("record {i}: kind {:?} is not traffic_in, traffic_out, minutes or units", r.kind),
                )
            })?;
            if r.record_id.trim().is_empty() || r.record_id.len() > 200 {
                return Err(EngineError::invalid("invalid_field", format!("record {i}: record_id must be 1 to 200 characters")));
            }
            if r.quantity.0.is_sign_negative() {
                return Err(DomainError::invalid("quantity", format!("record {i}: must not be negative")).into());
            }
            checked.push((kind, decimal_to_units(r.quantity.0)?));
        }
        let mut uow = self.begin(ctx).await?;
        // OPS-2: the batch's subscriptions are read in one statement and its
        // records written a thousand to a statement, not a round trip each.
        let mut ids: Vec<i64> = records.iter().map(|r| r.subscription_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let owners: std::collections::HashMap<i64, (i64, DateTime<Utc>)> =
            subs::owners(&mut uow.conn, &ids).await?.into_iter().map(|(id, client, at)| (id, (client, at))).collect();
        let mut rows = Vec::with_capacity(records.len());
        for (i, (r, (kind, quantity))) in records.iter().zip(checked).enumerate() {
            let (client_id, connected_at) = owners
                .get(&r.subscription_id)
                .copied()
                .filter(|(client, _)| ctx.actor.ensure_sees_client(*client).is_ok())
                .ok_or_else(|| EngineError::not_found("subscription", r.subscription_id))?;
            // Usage can't predate the subscription it is charged to.
            if r.recorded_at < connected_at {
                return Err(EngineError::invalid(
                    "usage_before_subscription",
                    format!(
                        "record {i} ({:?}): recorded at {}, before subscription {} was connected at {}",
                        r.record_id.trim(),
                        r.recorded_at.to_rfc3339(),
                        r.subscription_id,
                        connected_at.to_rfc3339()
                    ),
                ));
            }
            rows.push(subs::NewUsage {
                client_id,
                subscription_id: r.subscription_id,
                record_id: r.record_id.trim(),
                kind,
                class: r.class.trim(),
                quantity,
                recorded_at: r.recorded_at,
                roaming: r.roaming,
            });
        }
        let stored = usize::try_from(subs::insert_usage_many(&mut uow.conn, &rows).await?).unwrap_or(usize::MAX);
        let receipt = UsageReceipt { accepted: stored, duplicates: records.len().saturating_sub(stored) };
        uow.audit(
            "usage.record",
            "usage",
            records.len(),
            None,
            serde_json::json!({
                "accepted": receipt.accepted, "duplicates": receipt.duplicates,
            }),
        )
        .await?;
        uow.finish(receipt).await
    }

    /// Imports usage from CSV with the header
    /// `subscription_id,record_id,kind,class,quantity,recorded_at`, or with
    /// a seventh column `roaming` (true/false, 1/0, empty: false).
    pub async fn import_usage_csv(&self, ctx: &Ctx, csv: &str) -> Result<UsageReceipt> {
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap_or("");
        let expected = "subscription_id,record_id,kind,class,quantity,recorded_at";
        let header = header.trim().replace(' ', "");
        let fields = if header == expected {
            6
        } else if header == format!("{expected},roaming") {
            7
        } else {
            return Err(EngineError::invalid("bad_csv", format!("the first line must be {expected} (and ,roaming)")));
        };
        let mut records = Vec::new();
        for (n, line) in lines.enumerate() {
            let row = n + 2;
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            if f.len() != fields {
                return Err(EngineError::invalid("bad_csv", format!("line {row}: {fields} fields expected, found {}", f.len())));
            }
            let bad = |what: &str| EngineError::invalid("bad_csv", format!("line {row}: {what}"));
            records.push(UsageRecord {
                subscription_id: f[0].parse().map_err(|_| bad("subscription_id is not a number"))?,
                record_id: f[1].to_string(),
                kind: f[2].to_string(),
                class: f[3].to_string(),
                quantity: Amount(f[4].parse().map_err(|_| bad("quantity is not a number"))?),
                recorded_at: f[5].parse().map_err(|_| bad("recorded_at is not an RFC 3339 time"))?,
                roaming: match f.get(6).copied().unwrap_or("") {
                    "" | "false" | "0" => false,
                    "true" | "1" => true,
                    _ => return Err(bad("roaming is not true or false")),
                },
            });
        }
        self.record_usage(ctx, records).await
    }
}
