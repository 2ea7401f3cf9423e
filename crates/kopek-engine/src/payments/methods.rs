//! Payment methods (PMT-3) and exchange rates (LED-4) as staff configure
//! them, and the price of a payment by a method, as the checkout shows it.

use chrono::NaiveDate;
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_domain::payer::PayerKind;
use kopek_domain::payment_method::{AmountLimits, Commission, ExchangeRate, MethodTerms, Quote};
use kopek_domain::{Currency, DomainError, Money};
use kopek_store::Conn;
use kopek_store::payment_methods::{self as store, MethodFields, MethodRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::payments::gateway::GatewayKind;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodInput {
    /// The part before "/" in payment ids ("pfx" makes "pfx/1186"); fixed
    /// once the method exists.
    pub prefix: String,
    pub name: String,
    /// bank_transfer, sandbox, yookassa or stripe.
    #[schema(value_type = crate::payments::gateway::GatewayKind)]
    pub gateway: String,
    #[schema(value_type = kopek_domain::Currency)]
    pub currency: String,
    #[serde(default)]
    pub commission_percent: Option<Amount>,
    #[serde(default)]
    pub commission_fixed: Option<Amount>,
    #[serde(default)]
    pub min_amount: Option<Amount>,
    #[serde(default)]
    pub max_amount: Option<Amount>,
    #[serde(default)]
    pub cashback_percent: Option<Amount>,
    /// Payer kinds that may use the method.
    #[schema(value_type = Vec<kopek_domain::payer::PayerKind>)]
    pub payer_kinds: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Shown to the payer (bank details for a transfer, for example).
    #[serde(default)]
    pub instructions: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentMethod {
    pub id: i64,
    pub prefix: String,
    pub name: String,
    pub gateway: String,
    pub currency: String,
    pub commission_percent: Amount,
    pub commission_fixed: Amount,
    pub min_amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    pub cashback_percent: Amount,
    pub payer_kinds: Vec<String>,
    pub enabled: bool,
    pub instructions: String,
    /// "5.00% + 10.00", as the checkout shows it.
    pub commission_label: String,
    /// "10.00 … 15000.00".
    pub limits_label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateInput {
    pub base: String,
    pub quote: String,
    pub day: NaiveDate,
    /// Units of `quote` for one unit of `base`.
    pub rate: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rate {
    pub base: String,
    pub quote: String,
    pub day: NaiveDate,
    pub rate: Amount,
}

/// What a payment of `amount` by a method costs and brings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentQuote {
    pub method_id: i64,
    pub amount: Amount,
    pub commission: Amount,
    /// "К оплате": what the payer is charged, in the method's currency.
    pub to_pay: Amount,
    pub currency: String,
    pub cashback: Amount,
    /// What reaches the balance, in the client's currency.
    pub credited: Amount,
    pub client_currency: String,
    /// The rate used when the currencies differ.
    pub rate: Option<Amount>,
}

/// A method read from the store with its terms parsed.
pub(crate) struct Method {
    pub row: MethodRow,
    pub terms: MethodTerms,
    pub gateway: GatewayKind,
}

/// A quote with the conversion into the client's currency.
pub(crate) struct Priced {
    pub quote: Quote,
    pub credited: Money,
    pub rate: Option<Decimal>,
}

impl Engine {
    pub async fn create_payment_method(&self, ctx: &Ctx, input: MethodInput) -> Result<PaymentMethod> {
        ctx.actor.ensure_admin()?;
        let (terms, gateway) = terms_of(&input)?;
        let mut uow = self.begin(ctx).await?;
        let kinds = kinds_text(&terms);
        let f = fields(&input, &terms, gateway, &kinds)?;
        let row = match store::insert(&mut uow.conn, &f, uow.now).await {
            Err(e) if e.breaks_unique("payment_methods", "prefix") => {
                return Err(EngineError::conflict("prefix_taken", format!("another method has the prefix \"{}\"", f.prefix)));
            }
            other => other?,
        };
        uow.audit("payment_method.create", "payment_method", row.id, None, serde_json::to_value(&input).unwrap_or_default())
            .await?;
        let view = method_view(&row)?;
        uow.finish(view).await
    }

    /// Changes a method; its prefix stays what it was.
    pub async fn update_payment_method(&self, ctx: &Ctx, id: i64, input: MethodInput) -> Result<PaymentMethod> {
        ctx.actor.ensure_admin()?;
        let (terms, gateway) = terms_of(&input)?;
        let mut uow = self.begin(ctx).await?;
        let old = store::get(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("payment_method", id))?;
        if old.prefix != input.prefix.trim() {
            return Err(DomainError::invalid("prefix", format!("stays \"{}\": payment ids already carry it", old.prefix)).into());
        }
        let kinds = kinds_text(&terms);
        let f = fields(&input, &terms, gateway, &kinds)?;
        let row =
            store::update(&mut uow.conn, id, &f, uow.now).await?.ok_or_else(|| EngineError::not_found("payment_method", id))?;
        uow.audit("payment_method.update", "payment_method", id, None, serde_json::to_value(&input).unwrap_or_default()).await?;
        let view = method_view(&row)?;
        uow.finish(view).await
    }

    /// All methods for staff; only the enabled ones for a client's users.
    pub async fn payment_methods(&self, ctx: &Ctx) -> Result<Vec<PaymentMethod>> {
        let mut conn = self.store.conn().await?;
        let staff = ctx.actor.own_client().is_none();
        store::all(&mut conn).await?.iter().filter(|m| staff || m.enabled).map(method_view).collect()
    }

    pub async fn set_exchange_rate(&self, ctx: &Ctx, input: RateInput) -> Result<Rate> {
        ctx.actor.ensure_may_move_money()?;
        ctx.actor.ensure_staff("set exchange rates")?;
        let base = currency_in("base", &input.base)?;
        let quote = currency_in("quote", &input.quote)?;
        ExchangeRate::new(input.day, base, quote, input.rate.0)?;
        let mut uow = self.begin(ctx).await?;
        store::set_rate(&mut uow.conn, base.code(), quote.code(), input.day, &input.rate.0.normalize().to_string(), uow.now)
            .await?;
        uow.audit("exchange_rate.set", "exchange_rate", input.day, None, serde_json::to_value(&input).unwrap_or_default())
            .await?;
        uow.finish(Rate {
            base: base.code().into(),
            quote: quote.code().into(),
            day: input.day,
            rate: Amount(input.rate.0.normalize()),
        })
        .await
    }

    pub async fn exchange_rates(&self) -> Result<Vec<Rate>> {
        let mut conn = self.store.conn().await?;
        let rows = store::rates(&mut conn).await?;
        rows.into_iter().map(|(base, quote, day, rate)| Ok(Rate { base, quote, day, rate: Amount(parse_rate(&rate)?) })).collect()
    }

    /// The checkout's numbers for a payment by a method (PMT-3).
    pub async fn quote_payment(
        &self,
        ctx: &Ctx,
        client_id: i64,
        payer_id: i64,
        method_id: i64,
        amount: Amount,
    ) -> Result<PaymentQuote> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = crate::ledger::entries::existing_client(&mut conn, client_id).await?;
        let payer = crate::payments::payers::visible(&mut conn, ctx, payer_id).await?;
        let method = usable_method(&mut conn, method_id).await?;
        let priced = price(&mut conn, &method, payer.kind, &client.currency, amount.0, self.local_today()).await?;
        Ok(quote_view(method_id, &priced))
    }
}

pub(crate) fn quote_view(method_id: i64, p: &Priced) -> PaymentQuote {
    let q = &p.quote;
    PaymentQuote {
        method_id,
        amount: Amount(q.amount.amount),
        commission: Amount(q.commission.amount),
        to_pay: Amount(q.to_pay.amount),
        currency: q.amount.currency.code().into(),
        cashback: Amount(q.cashback.amount),
        credited: Amount(p.credited.amount),
        client_currency: p.credited.currency.code().into(),
        rate: p.rate.map(Amount),
    }
}

/// An enabled method, or a clear refusal.
pub(crate) async fn usable_method(conn: &mut Conn, id: i64) -> Result<Method> {
    let row = store::get(conn, id).await?.ok_or_else(|| EngineError::not_found("payment_method", id))?;
    if !row.enabled {
        return Err(EngineError::conflict("method_disabled", format!("payment method \"{}\" is switched off", row.name)));
    }
    let terms = row_terms(&row)?;
    let gateway =
        GatewayKind::parse(&row.gateway).ok_or_else(|| EngineError::Internal(format!("method {id}: gateway {}", row.gateway)))?;
    Ok(Method { row, terms, gateway })
}

/// Prices `amount` (in the method's currency) for a payer of `payer_kind`
/// and converts it by the rate of `day` into the client's currency.
pub(crate) async fn price(
    conn: &mut Conn,
    method: &Method,
    kind: PayerKind,
    client_currency: &str,
    amount: Decimal,
    day: NaiveDate,
) -> Result<Priced> {
    let quote = method.terms.quote(Money::new(amount, method.terms.currency), kind)?;
    let to: Currency = client_currency.parse()?;
    if to == method.terms.currency {
        return Ok(Priced { quote, credited: quote.amount, rate: None });
    }
    let (from_day, raw) = store::rate_on(conn, method.terms.currency.code(), to.code(), day).await?.ok_or_else(|| {
        DomainError::NoExchangeRate { from: method.terms.currency.to_string(), to: to.to_string(), date: day.to_string() }
    })?;
    let rate = ExchangeRate::new(from_day, method.terms.currency, to, parse_rate(&raw)?)?;
    Ok(Priced { quote, credited: rate.apply(quote.amount)?, rate: Some(rate.rate) })
}

/// A currency code typed in `field`; a wrong one is refused next to it.
fn currency_in(field: &'static str, code: &str) -> Result<Currency> {
    code.parse::<Currency>().map_err(|e| EngineError::invalid_field(field, e.code(), e.to_string()))
}

fn parse_rate(raw: &str) -> Result<Decimal> {
    raw.parse().map_err(|e| EngineError::Internal(format!("stored rate {raw}: {e}")))
}

fn terms_of(input: &MethodInput) -> Result<(MethodTerms, GatewayKind)> {
    let gateway = GatewayKind::parse(input.gateway.trim())
        .ok_or_else(|| DomainError::invalid("gateway", "bank_transfer, sandbox, yookassa or stripe"))?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(DomainError::invalid("name", "1 to 200 characters").into());
    }
    let mut kinds = Vec::new();
    for k in &input.payer_kinds {
        kinds.push(PayerKind::parse(k.trim()).ok_or_else(|| {
            DomainError::invalid("payer_kinds", format!("\"{k}\": individual, legal_entity or sole_proprietor"))
        })?);
    }
    let pick = |a: &Option<Amount>| a.map(|a| a.0);
    let terms = MethodTerms {
        currency: currency_in("currency", &input.currency)?,
        commission: Commission {
            percent: pick(&input.commission_percent).unwrap_or_default(),
            fixed: pick(&input.commission_fixed).unwrap_or_default(),
        },
        limits: AmountLimits { min: pick(&input.min_amount), max: pick(&input.max_amount) },
        cashback_percent: pick(&input.cashback_percent).unwrap_or_default(),
        allowed_kinds: kinds,
        id_prefix: input.prefix.trim().to_string(),
    };
    terms.validate()?;
    if terms.id_prefix.is_empty() {
        return Err(DomainError::invalid("prefix", "a method needs a prefix for its payment ids").into());
    }
    Ok((terms, gateway))
}

fn kinds_text(terms: &MethodTerms) -> String {
    terms.allowed_kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

fn fields<'a>(input: &'a MethodInput, terms: &'a MethodTerms, gateway: GatewayKind, kinds: &'a str) -> Result<MethodFields<'a>> {
    let units = |d: Decimal| decimal_to_units(d).map_err(EngineError::from);
    Ok(MethodFields {
        prefix: &terms.id_prefix,
        name: input.name.trim(),
        gateway: gateway.as_str(),
        currency: terms.currency.code(),
        commission_percent: units(terms.commission.percent)?,
        commission_fixed: units(terms.commission.fixed)?,
        min_amount: terms.limits.min.map(units).transpose()?,
        max_amount: terms.limits.max.map(units).transpose()?,
        cashback_percent: units(terms.cashback_percent)?,
        payer_kinds: kinds,
        enabled: input.enabled,
        instructions: input.instructions.trim(),
    })
}

fn row_terms(row: &MethodRow) -> Result<MethodTerms> {
    let kinds = row.payer_kinds.split(',').filter_map(PayerKind::parse).collect();
    Ok(MethodTerms {
        currency: row.currency.parse()?,
        commission: Commission {
            percent: units_to_decimal(row.commission_percent),
            fixed: units_to_decimal(row.commission_fixed),
        },
        limits: AmountLimits { min: row.min_amount.map(units_to_decimal), max: row.max_amount.map(units_to_decimal) },
        cashback_percent: units_to_decimal(row.cashback_percent),
        allowed_kinds: kinds,
        id_prefix: row.prefix.clone(),
    })
}

fn method_view(row: &MethodRow) -> Result<PaymentMethod> {
    let terms = row_terms(row)?;
    let minor = terms.currency.minor_digits();
    let amt = |u: i64| Amount::from_units(u, minor);
    Ok(PaymentMethod {
        id: row.id,
        prefix: row.prefix.clone(),
        name: row.name.clone(),
        gateway: row.gateway.clone(),
        currency: row.currency.clone(),
        commission_percent: Amount::from_units(row.commission_percent, 2),
        commission_fixed: amt(row.commission_fixed),
        min_amount: row.min_amount.map(amt),
        max_amount: row.max_amount.map(amt),
        cashback_percent: Amount::from_units(row.cashback_percent, 2),
        payer_kinds: row.payer_kinds.split(',').map(str::to_string).collect(),
        enabled: row.enabled,
        instructions: row.instructions.clone(),
        commission_label: terms.commission.label(terms.currency),
        limits_label: terms.limits.describe(terms.currency),
    })
}
