//! The catalog's use cases (CAT-1 … CAT-12): services with versions and
//! history, tariffs, holiday calendars. Only admins change the catalog.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use kopek_domain::catalog::{ServiceKind, ServiceSpec, check_tariff_member};
use kopek_store::{Conn, audit, catalog as store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::portal::{Offer, offered};
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::text;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// Every tab of the service (main, fee, integration, conditions,
    /// additional, lifetime, accounts, portal, calendar).
    pub spec: ServiceSpec,
    /// The first day a new price or speed applies; today when left out.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceVersion {
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub spec: ServiceSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// Oldest first; the last is the newest.
    pub versions: Vec<ServiceVersion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub services: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Tariff {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub services: Vec<i64>,
}

/// One change of a catalog entry: who, when, what (CAT-12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    pub at: chrono::DateTime<Utc>,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayInput {
    pub calendar: String,
    pub days: Vec<NaiveDate>,
}

/// All versions of all services, in memory, for pricing a charge run.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    versions: HashMap<i64, Vec<(NaiveDate, Option<NaiveDate>, ServiceSpec)>>,
    pub holidays: HashMap<String, Vec<NaiveDate>>,
}

impl PriceBook {
    /// The version of a service valid on `day` (CAT-12); before the first
    /// version, the first.
    pub fn spec_on(&self, service_id: i64, day: NaiveDate) -> Option<&ServiceSpec> {
        let versions = self.versions.get(&service_id)?;
        versions.iter().rev().find(|(from, _, _)| *from <= day).or_else(|| versions.first()).map(|(_, _, s)| s)
    }

    /// Every service in the book.
    pub fn service_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.versions.keys().copied()
    }

    pub fn is_holiday(&self, calendar: Option<&str>, day: NaiveDate) -> bool {
        calendar.and_then(|c| self.holidays.get(c)).is_some_and(|days| days.binary_search(&day).is_ok())
    }
}

pub(crate) async fn load_price_book(conn: &mut Conn) -> Result<PriceBook> {
    let mut book = PriceBook::default();
    for v in store::all_versions(conn).await? {
        let spec: ServiceSpec = serde_json::from_str(&v.spec)?;
        book.versions.entry(v.service_id).or_default().push((v.valid_from, v.valid_to, spec));
    }
    for (calendar, day) in store::holidays(conn).await? {
        book.holidays.entry(calendar).or_default().push(day);
    }
    Ok(book)
}

impl Engine {
    pub async fn create_service(&self, ctx: &Ctx, input: ServiceInput) -> Result<Service> {
        ctx.actor.ensure_admin()?;
        let spec = checked(&input.spec)?;
        let mut uow = self.begin(ctx).await?;
        let valid_from = input.valid_from.unwrap_or_else(|| self.local_today());
        let row = store::insert_service(&mut uow.conn, kind_name(spec.main.kind), spec.main.name.trim(), uow.now).await?;
        store::insert_version(&mut uow.conn, row.id, valid_from, &serde_json::to_string(spec)?, uow.now).await?;
        uow.audit("service.create", "service", row.id, None, serde_json::json!({ "valid_from": valid_from, "spec": spec }))
            .await?;
        let view = service_view(&mut uow.conn, row.id).await?;
        uow.finish(view).await
    }

    /// Changes a service. A new price, period, write-off or speed makes a
    /// new version from `valid_from`; other changes edit the newest version.
    pub async fn update_service(&self, ctx: &Ctx, id: i64, input: ServiceInput) -> Result<Service> {
        ctx.actor.ensure_admin()?;
        let spec = checked(&input.spec)?;
        let mut uow = self.begin(ctx).await?;
        store::service(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("service", id))?;
        if spec.lifetime.is_set() && !store::tariffs_of_service(&mut uow.conn, id).await?.is_empty() {
            return Err(EngineError::invalid("lifetime_in_tariff", "a service in a tariff can't have a lifetime"));
        }
        let versions = store::versions(&mut uow.conn, id).await?;
        let newest = versions.last().ok_or_else(|| EngineError::Internal(format!("service {id} has no version")))?;
        let old: ServiceSpec = serde_json::from_str(&newest.spec)?;
        let valid_from = input.valid_from.unwrap_or_else(|| self.local_today());
        let new_version = spec.needs_new_version(&old) && valid_from > newest.valid_from;
        if spec.needs_new_version(&old) && valid_from < newest.valid_from {
            return Err(EngineError::invalid(
                "version_in_the_past",
                format!("valid_from {valid_from} is before the newest version's {}", newest.valid_from),
            ));
        }
        if new_version {
            store::close_version(&mut uow.conn, newest.id, valid_from).await?;
            store::insert_version(&mut uow.conn, id, valid_from, &serde_json::to_string(spec)?, uow.now).await?;
        } else {
            store::rewrite_version(&mut uow.conn, newest.id, &serde_json::to_string(spec)?).await?;
        }
        store::rename_service(&mut uow.conn, id, kind_name(spec.main.kind), spec.main.name.trim()).await?;
        let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(spec)?);
        uow.audit(
            "service.update",
            "service",
            id,
            None,
            serde_json::json!({
                "new_version": new_version, "valid_from": valid_from, "changes": changes,
            }),
        )
        .await?;
        let view = service_view(&mut uow.conn, id).await?;
        uow.finish(view).await
    }

    /// A service; a client's user sees only what the portal offers its
    /// client (CAT-9, CAT-10), anything else is "not found".
    pub async fn service(&self, ctx: &Ctx, id: i64) -> Result<Service> {
        let mut conn = self.store.conn().await?;
        let view = service_view(&mut conn, id).await?;
        if !self.shown_to(&mut conn, ctx, &view).await? {
            return Err(EngineError::not_found("service", id));
        }
        Ok(view)
    }

    pub async fn services(&self, ctx: &Ctx) -> Result<Vec<Service>> {
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for row in store::services(&mut conn).await? {
            let view = service_view(&mut conn, row.id).await?;
            if self.shown_to(&mut conn, ctx, &view).await? {
                out.push(view);
            }
        }
        Ok(out)
    }

    /// Staff see the whole catalog; a client's user what the portal offers
    /// its client, by the version valid today.
    async fn shown_to(&self, conn: &mut Conn, ctx: &Ctx, view: &Service) -> Result<bool> {
        let Some(client_id) = ctx.actor.own_client() else { return Ok(true) };
        let today = self.local_today();
        let version = view.versions.iter().rev().find(|v| v.valid_from <= today).or_else(|| view.versions.first());
        let Some(version) = version else { return Ok(false) };
        offered(conn, client_id, &Offer::Service { id: view.id, spec: &version.spec }).await
    }

    /// Every change of a service: who, when, what (CAT-12).
    pub async fn service_history(&self, ctx: &Ctx, id: i64) -> Result<Vec<Change>> {
        ctx.actor.ensure_staff("read the catalog's history")?;
        let mut conn = self.store.conn().await?;
        store::service(&mut conn, id).await?.ok_or_else(|| EngineError::not_found("service", id))?;
        let rows = audit::for_entity(&mut conn, "service", &id.to_string()).await?;
        Ok(rows
            .into_iter()
            .map(|r| Change {
                at: r.at,
                actor: r.actor_label,
                action: r.action,
                details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }

    /// A tariff groups services; none may have a lifetime (CAT-5), be a
    /// system service, or share a base-package kind with another (CAT-8).
    pub async fn create_tariff(&self, ctx: &Ctx, input: TariffInput) -> Result<Tariff> {
        ctx.actor.ensure_admin()?;
        let name = text::required("name", &input.name, text::NAME)?;
        let description = text::bounded("description", &input.description, text::NOTE)?;
        if input.services.is_empty() {
            return Err(EngineError::invalid("invalid_field", "services: a tariff groups at least one service"));
        }
        let mut uow = self.begin(ctx).await?;
        let book = load_price_book(&mut uow.conn).await?;
        let today = self.local_today();
        let mut base_kinds = Vec::new();
        for id in &input.services {
            let spec = book.spec_on(*id, today).ok_or_else(|| EngineError::not_found("service", id))?;
            check_tariff_member(spec)?;
            if spec.main.kind == ServiceKind::System {
                return Err(EngineError::invalid("invalid_field", "services: a system service can't be in a tariff"));
            }
            if let Some(kind) = &spec.integration.base_package_kind {
                if base_kinds.contains(kind) {
                    return Err(EngineError::invalid(
                        "two_base_packages",
                        format!("only one base package of kind {kind:?} per tariff"),
                    ));
                }
                base_kinds.push(kind.clone());
            }
        }
        let row = store::insert_tariff(&mut uow.conn, name, description, uow.now).await?;
        for id in &input.services {
            store::add_tariff_service(&mut uow.conn, row.id, *id).await?;
        }
        uow.audit("tariff.create", "tariff", row.id, None, serde_json::json!({ "name": name, "services": input.services }))
            .await?;
        let view = Tariff {
            id: row.id,
            name: row.name,
            description: row.description,
            services: store::tariff_services(&mut uow.conn, row.id).await?,
        };
        uow.finish(view).await
    }

    pub async fn tariffs(&self, _ctx: &Ctx) -> Result<Vec<Tariff>> {
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for t in store::tariffs(&mut conn).await? {
            let services = store::tariff_services(&mut conn, t.id).await?;
            out.push(Tariff { id: t.id, name: t.name, description: t.description, services });
        }
        Ok(out)
    }

    /// Marks days of a holiday calendar (CAT-11).
    pub async fn add_holidays(&self, ctx: &Ctx, input: HolidayInput) -> Result<usize> {
        ctx.actor.ensure_admin()?;
        let calendar = text::bounded("calendar", &input.calendar, text::NAME)?;
        if calendar.is_empty() {
            return Err(EngineError::invalid("invalid_field", "calendar: a name is needed"));
        }
        let mut uow = self.begin(ctx).await?;
        for day in &input.days {
            store::add_holiday(&mut uow.conn, calendar, *day).await?;
        }
        uow.audit("holidays.add", "holiday_calendar", calendar, None, serde_json::json!({ "days": input.days })).await?;
        uow.finish(input.days.len()).await
    }

    /// Today in the provider's time.
    pub fn local_today(&self) -> NaiveDate {
        self.now().with_timezone(&self.settings.provider_offset).date_naive()
    }
}

fn checked(spec: &ServiceSpec) -> Result<&ServiceSpec> {
    spec.validate()?;
    if spec.main.kind == ServiceKind::System {
        return Err(EngineError::invalid("system_service", "system services are Kopek's own; staff can't create them"));
    }
    Ok(spec)
}

pub(crate) fn kind_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Periodic => "periodic",
        ServiceKind::OneTime => "one_time",
        ServiceKind::DiscountMarkup => "discount_markup",
        ServiceKind::PromisedPayment => "promised_payment",
        ServiceKind::Package => "package",
        ServiceKind::Traffic => "traffic",
        ServiceKind::Telephony => "telephony",
        ServiceKind::Forsage => "forsage",
        ServiceKind::System => "system",
    }
}

async fn service_view(conn: &mut Conn, id: i64) -> Result<Service> {
    let row = store::service(conn, id).await?.ok_or_else(|| EngineError::not_found("service", id))?;
    let mut versions = Vec::new();
    for v in store::versions(conn, id).await? {
        versions.push(ServiceVersion { valid_from: v.valid_from, valid_to: v.valid_to, spec: serde_json::from_str(&v.spec)? });
    }
    Ok(Service { id: row.id, name: row.name, kind: row.kind.to_string(), versions })
}

/// The fields that differ between two specs, as `{"tab.field": [old, new]}`.
fn diff(old: &serde_json::Value, new: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    walk("", old, new, &mut out);
    serde_json::Value::Object(out)
}

fn walk(path: &str, old: &serde_json::Value, new: &serde_json::Value, out: &mut serde_json::Map<String, serde_json::Value>) {
    match (old, new) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&p, a.get(k).unwrap_or(&serde_json::Value::Null), b.get(k).unwrap_or(&serde_json::Value::Null), out);
            }
        }
        (a, b) if a != b => {
            out.insert(path.to_string(), serde_json::json!([a, b]));
        }
        _ => {}
    }
}
