//! Products for sale in the portal (CAT-13), promo codes (ORD-3) and the
//! order form's prices (ORD-1). A product keeps a catalog service of its
//! own, hidden from clients, that its subscriptions point to: renewals,
//! expiry, the credit limit and the ledger then treat a product's
//! subscription like any paid period, priced by the product.

use crate::service_life::provisioning::HookSpec;
use chrono::NaiveDateTime;
use kopek_domain::catalog::ServiceSpec;
use kopek_domain::product::ProductSpec;
use kopek_domain::product::promo::{PromoCode, PromoRefusal, PromoUses};
use kopek_domain::product::quote::{OrderConfig, Quote, quote};
use kopek_store::Conn;
use kopek_store::products::{self as store, ProductRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::catalog::services::kind_name;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub spec: ProductSpec,
    #[serde(default)]
    pub hook: Option<HookSpec>,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: i64,
    pub service_id: i64,
    pub spec: ProductSpec,
    /// "Виртуальный сервер", …
    pub product_type_label: String,
    /// Admins only: the webhook's secret is in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookSpec>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoInput {
    pub promo: PromoCode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Promo {
    pub id: i64,
    pub promo: PromoCode,
    pub archived: bool,
    pub uses: i64,
}

/// The order form's question: this product, this configuration, priced
/// now, with a promo code if typed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub product_id: i64,
    pub config: OrderConfig,
    #[serde(default)]
    pub promo_code: Option<String>,
}

/// The order form's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderQuote {
    pub product_id: i64,
    pub currency: String,
    pub quote: Quote,
}

impl Engine {
    pub async fn create_product(&self, ctx: &Ctx, input: ProductInput) -> Result<Product> {
        ctx.actor.ensure_admin()?;
        let service = product_service(&input)?;
        let mut uow = self.begin(ctx).await?;
        let row = kopek_store::catalog::insert_service(&mut uow.conn, kind_name(service.main.kind), &service.main.name, uow.now)
            .await?;
        let valid_from = self.local_today();
        kopek_store::catalog::insert_version(&mut uow.conn, row.id, valid_from, &serde_json::to_string(&service)?, uow.now)
            .await?;
        let hook = input.hook.as_ref().map(serde_json::to_string).transpose()?;
        let product =
            store::insert(&mut uow.conn, row.id, &serde_json::to_string(&input.spec)?, hook.as_deref(), uow.now).await?;
        uow.audit("product.create", "product", product.id, None, serde_json::json!({ "spec": input.spec, "service_id": row.id }))
            .await?;
        uow.finish(view(&product, true)?).await
    }

    /// Changes a product; its subscriptions renew at the new prices.
    pub async fn update_product(&self, ctx: &Ctx, id: i64, input: ProductInput) -> Result<Product> {
        ctx.actor.ensure_admin()?;
        let service = product_service(&input)?;
        let mut uow = self.begin(ctx).await?;
        let old = store::get(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("product", id))?;
        let versions = kopek_store::catalog::versions(&mut uow.conn, old.service_id).await?;
        let newest = versions.last().ok_or_else(|| EngineError::Internal(format!("product {id} has no service version")))?;
        kopek_store::catalog::rewrite_version(&mut uow.conn, newest.id, &serde_json::to_string(&service)?).await?;
        kopek_store::catalog::rename_service(&mut uow.conn, old.service_id, kind_name(service.main.kind), &service.main.name)
            .await?;
        let hook = input.hook.as_ref().map(serde_json::to_string).transpose()?;
        store::update(&mut uow.conn, id, &serde_json::to_string(&input.spec)?, hook.as_deref(), input.archived, uow.now).await?;
        uow.audit("product.update", "product", id, None, serde_json::json!({ "spec": input.spec, "archived": input.archived }))
            .await?;
        let row = store::get(&mut uow.conn, id).await?.expect("just updated");
        uow.finish(view(&row, true)?).await
    }

    /// The products on sale; staff also see archived ones and the hooks.
    pub async fn products(&self, ctx: &Ctx) -> Result<Vec<Product>> {
        let staff = ctx.actor.own_client().is_none();
        let admin = ctx.actor.ensure_admin().is_ok();
        let mut conn = self.store.conn().await?;
        store::all(&mut conn).await?.iter().filter(|p| staff || !p.archived).map(|p| view(p, admin)).collect()
    }

    pub async fn product(&self, ctx: &Ctx, id: i64) -> Result<Product> {
        let staff = ctx.actor.own_client().is_none();
        let mut conn = self.store.conn().await?;
        let row = store::get(&mut conn, id)
            .await?
            .filter(|p| staff || !p.archived)
            .ok_or_else(|| EngineError::not_found("product", id))?;
        view(&row, ctx.actor.ensure_admin().is_ok())
    }

    pub async fn create_promo(&self, ctx: &Ctx, input: PromoInput) -> Result<Promo> {
        ctx.actor.ensure_admin()?;
        input.promo.validate()?;
        let code = input.promo.code.trim().to_lowercase();
        let mut uow = self.begin(ctx).await?;
        if store::promo_by_code(&mut uow.conn, &code).await?.is_some() {
            return Err(EngineError::conflict("promo_exists", format!("promo code {} already exists", input.promo.code)));
        }
        let row = store::insert_promo(&mut uow.conn, &code, &serde_json::to_string(&input.promo)?, uow.now).await?;
        uow.audit("promo.create", "promo_code", row.id, None, serde_json::json!({ "promo": input.promo })).await?;
        uow.finish(Promo { id: row.id, promo: input.promo, archived: false, uses: 0 }).await
    }

    pub async fn promos(&self, ctx: &Ctx) -> Result<Vec<Promo>> {
        ctx.actor.ensure_staff("list promo codes")?;
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for row in store::promos(&mut conn).await? {
            let uses = store::promo_uses(&mut conn, row.id, 0).await?.0;
            out.push(Promo { id: row.id, promo: serde_json::from_str(&row.spec)?, archived: row.archived, uses });
        }
        Ok(out)
    }

    pub async fn archive_promo(&self, ctx: &Ctx, id: i64) -> Result<()> {
        ctx.actor.ensure_admin()?;
        let mut uow = self.begin(ctx).await?;
        if store::archive_promo(&mut uow.conn, id).await? == 0 {
            return Err(EngineError::not_found("promo_code", id));
        }
        uow.audit("promo.archive", "promo_code", id, None, serde_json::json!({})).await?;
        uow.finish(()).await
    }

    /// ORD-1: prices a configuration for the client before anything is
    /// bought; a promo code that does not apply is refused with its reason.
    pub async fn quote_order(&self, ctx: &Ctx, client_id: i64, req: QuoteRequest) -> Result<OrderQuote> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let product = on_sale(&mut conn, req.product_id).await?;
        let spec: ProductSpec = serde_json::from_str(&product.spec)?;
        let promo = match req.promo_code.as_deref() {
            Some(code) => Some(usable_promo(&mut conn, code, client_id, req.product_id, self.local_today()).await?.1),
            None => None,
        };
        let quote = quote(&spec, &req.config, self.local_now(), promo.as_ref())?;
        Ok(OrderQuote { product_id: product.id, currency: spec.currency.code().to_string(), quote })
    }

    pub(crate) fn local_now(&self) -> NaiveDateTime {
        self.to_local(self.now())
    }
}

/// A product that may be ordered.
pub(crate) async fn on_sale(conn: &mut Conn, id: i64) -> Result<ProductRow> {
    store::get(conn, id).await?.filter(|p| !p.archived).ok_or_else(|| EngineError::not_found("product", id))
}

/// A promo code the client may use on the product today: (its id, the code).
pub(crate) async fn usable_promo(
    conn: &mut Conn,
    typed: &str,
    client_id: i64,
    product_id: i64,
    day: chrono::NaiveDate,
) -> Result<(i64, PromoCode)> {
    let row = store::promo_by_code(conn, &typed.trim().to_lowercase()).await?.filter(|p| !p.archived);
    let row = row.ok_or_else(|| EngineError::invalid("promo_unknown", format!("there is no promo code {typed:?}")))?;
    let promo: PromoCode = serde_json::from_str(&row.spec)?;
    let (total, by_client) = store::promo_uses(conn, row.id, client_id).await?;
    let uses =
        PromoUses { total: u32::try_from(total).unwrap_or(u32::MAX), by_client: u32::try_from(by_client).unwrap_or(u32::MAX) };
    promo.check(day, product_id, uses).map_err(|r: PromoRefusal| EngineError::invalid(r.code(), r.message()))?;
    Ok((row.id, promo))
}

/// The hidden catalog service a product's subscriptions point to: its name,
/// its tax as VAT, its renewal lead.
fn product_service(input: &ProductInput) -> Result<ServiceSpec> {
    input.spec.validate()?;
    if let Some(hook) = &input.hook {
        hook.validate()?;
    }
    let first = input.spec.prices.iter().min_by_key(|p| p.months).expect("validated: at least one price");
    let monthly = (first.price / Decimal::from(first.months)).round_dp(4);
    let spec = serde_json::json!({
        "main": { "name": input.spec.name.trim(), "kind": "periodic" },
        "fee": { "price": monthly, "write_off": "prepay", "period": "month", "currency": input.spec.currency.code(),
                 "vat_percent": input.spec.tax_percent },
        "integration": input.spec.integration,
        "accounts": input.spec.accounts,
        "additional": { "hidden_from_client": true },
        "portal": { "long_renewal_lead": input.spec.product_type.renews_60_days_ahead() },
    });
    let spec: ServiceSpec = serde_json::from_value(spec)?;
    spec.validate()?;
    Ok(spec)
}

fn view(row: &ProductRow, admin: bool) -> Result<Product> {
    let spec: ProductSpec = serde_json::from_str(&row.spec)?;
    let hook = if admin { row.hook.as_deref().map(serde_json::from_str).transpose()? } else { None };
    Ok(Product {
        id: row.id,
        service_id: row.service_id,
        product_type_label: spec.product_type.label_ru().to_string(),
        spec,
        hook,
        archived: row.archived,
    })
}
