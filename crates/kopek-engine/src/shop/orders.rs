//! The cart (ORD-2), checkout and orders (ORD-4, ORD-5). An order is paid
//! from the balance (and credit limit) at once, or by one payment method
//! chosen at checkout that can't be changed afterwards; once paid, each
//! item becomes a paid-period subscription of its product and opens through
//! the product's provisioning hook.

use kopek_domain::account::{OrderPayBy, OrderStatus, Right};
use kopek_domain::money::decimal_to_units;
use kopek_domain::product::ProductSpec;
use kopek_domain::product::life::{Operation, ServiceState};
use kopek_domain::product::quote::{OrderConfig, Quote, first_period_end, quote};
use kopek_store::clients::ClientRow;
use kopek_store::orders::{self as store, CartItemRow, NewOrder, NewOrderItem, OrderRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::billing::paid_period::PaidSpan;
use crate::catalog::portal::{Offer, ensure_may_acquire};
use crate::catalog::services::load_price_book;
use crate::charging::subscriptions::ConnectInput;
use crate::core::amount::Amount;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::{Payment, minor};
use crate::ledger::entries::lock_client;
use crate::ledger::funds::ensure_funds;
use crate::ledger::vat::ExpenseVat;
use crate::payments::purpose::PaymentPurpose;
use crate::payments::start::PayByMethod;
use crate::shop::products::{on_sale, usable_promo};

/// What goes in the cart, or is ordered at once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartInput {
    pub product_id: i64,
    pub config: OrderConfig,
    /// "Автопродление", on by default.
    #[serde(default = "yes")]
    pub auto_renew: bool,
    #[serde(default)]
    pub promo_code: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CartItem {
    pub id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub config: OrderConfig,
    pub auto_renew: bool,
    pub promo_code: Option<String>,
    /// Priced now; none when the item can no longer be ordered as it is.
    pub quote: Option<Quote>,
    /// Why it can't be ordered (a product withdrawn, a code expired…).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cart {
    pub client_id: i64,
    pub items: Vec<CartItem>,
    /// What the orderable items come to now.
    pub to_pay: Amount,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkout {
    /// The cart items chosen ("Выбрать").
    pub items: Vec<i64>,
    /// None pays from the balance.
    #[serde(default)]
    pub method: Option<PayByMethod>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderItem {
    pub id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub amount: Amount,
    pub subscription_id: Option<i64>,
    /// The service's state once opened ("processing:opening", "active",
    /// "needs_setup"…).
    pub service_state: Option<String>,
    /// "Инструкция", once paid.
    pub instructions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: i64,
    pub client_id: i64,
    /// awaiting_payment, paid or cancelled.
    pub status: String,
    /// balance or method.
    pub pay_by: String,
    pub method_id: Option<i64>,
    pub total: Amount,
    pub tax: Amount,
    pub currency: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    pub items: Vec<OrderItem>,
    /// The payment to finish, while awaiting it ("Платеж").
    pub payment: Option<Payment>,
}

/// ORD-4: "Ждут оплаты" and "Оплаченные услуги".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Orders {
    pub awaiting_payment: Vec<Order>,
    pub paid: Vec<Order>,
}

/// A line being ordered, priced.
struct Line {
    cart_id: Option<i64>,
    product_id: i64,
    config: OrderConfig,
    auto_renew: bool,
    promo_id: Option<i64>,
    quote: Quote,
}

impl Engine {
    /// "В корзину": checked and priced now, so a bad configuration is
    /// refused here rather than at checkout.
    pub async fn add_to_cart(&self, ctx: &Ctx, client_id: i64, input: CartInput) -> Result<Cart> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        lock_client(&mut uow.conn, client_id).await?;
        self.price_line(&mut uow.conn, &ctx.actor, client_id, None, &input).await?;
        let row = store::add_to_cart(
            &mut uow.conn,
            client_id,
            input.product_id,
            &serde_json::to_string(&input.config)?,
            input.auto_renew,
            input.promo_code.as_deref(),
            uow.now,
        )
        .await?;
        uow.audit("cart.add", "cart_item", row.id, Some(client_id), serde_json::json!({ "product_id": input.product_id }))
            .await?;
        uow.finish(()).await?;
        self.cart(ctx, client_id).await
    }

    /// "Изменить".
    pub async fn update_cart_item(&self, ctx: &Ctx, item_id: i64, input: CartInput) -> Result<Cart> {
        ctx.actor.ensure_right(Right::Orders)?;
        let mut uow = self.begin(ctx).await?;
        let row = own_cart_item(&mut uow, ctx, item_id).await?;
        if row.product_id != input.product_id {
            return Err(kopek_domain::DomainError::invalid(
                "product_id",
                "an item's product can't change: add the other product instead",
            )
            .into());
        }
        self.price_line(&mut uow.conn, &ctx.actor, row.client_id, None, &input).await?;
        store::update_cart_item(
            &mut uow.conn,
            item_id,
            &serde_json::to_string(&input.config)?,
            input.auto_renew,
            input.promo_code.as_deref(),
            uow.now,
        )
        .await?;
        uow.audit("cart.update", "cart_item", item_id, Some(row.client_id), serde_json::json!({ "config": input.config }))
            .await?;
        uow.finish(()).await?;
        self.cart(ctx, row.client_id).await
    }

    /// "Удалить".
    pub async fn remove_from_cart(&self, ctx: &Ctx, item_id: i64) -> Result<Cart> {
        ctx.actor.ensure_right(Right::Orders)?;
        let mut uow = self.begin(ctx).await?;
        let row = own_cart_item(&mut uow, ctx, item_id).await?;
        store::remove_from_cart(&mut uow.conn, item_id).await?;
        uow.audit("cart.remove", "cart_item", item_id, Some(row.client_id), serde_json::json!({})).await?;
        uow.finish(()).await?;
        self.cart(ctx, row.client_id).await
    }

    pub async fn cart(&self, ctx: &Ctx, client_id: i64) -> Result<Cart> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = crate::ledger::entries::existing_client(&mut conn, client_id).await?;
        let mut items = Vec::new();
        let mut to_pay = rust_decimal::Decimal::ZERO;
        for row in store::cart(&mut conn, client_id).await? {
            let input = cart_input(&row)?;
            let name = match kopek_store::products::get(&mut conn, row.product_id).await? {
                Some(p) => serde_json::from_str::<ProductSpec>(&p.spec)?.name,
                None => String::new(),
            };
            let (quote, problem) = match self.price_line(&mut conn, &ctx.actor, client_id, Some(row.id), &input).await {
                Ok(line) => {
                    to_pay += line.quote.to_pay;
                    (Some(line.quote), None)
                }
                Err(e) => (None, Some(e.to_string())),
            };
            items.push(CartItem {
                id: row.id,
                product_id: row.product_id,
                product_name: name,
                config: input.config,
                auto_renew: row.auto_renew,
                promo_code: row.promo_code,
                quote,
                problem,
            });
        }
        Ok(Cart { client_id, items, to_pay: Amount::shown(to_pay, minor(&client.currency)) })
    }

    /// "Перейти к оформлению": the chosen items become one order, paid
    /// from the balance now or by the method given.
    pub async fn checkout(&self, ctx: &Ctx, client_id: i64, req: Checkout) -> Result<Order> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        if req.items.is_empty() {
            return Err(kopek_domain::DomainError::invalid("items", "choose at least one item of the cart").into());
        }
        let mut seen = req.items.clone();
        seen.sort_unstable();
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(kopek_domain::DomainError::invalid("items", "each cart item can be chosen once").into());
        }
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay::<Order, _>("checkout", &(client_id, &req)).await? {
            drop(uow);
            return self.order(ctx, done.id).await;
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let mut lines = Vec::new();
        for id in &req.items {
            let row = own_cart_item(&mut uow, ctx, *id).await?;
            if row.client_id != client_id {
                return Err(EngineError::not_found("cart_item", *id));
            }
            lines.push(self.price_line(&mut uow.conn, &ctx.actor, client_id, Some(row.id), &cart_input(&row)?).await?);
        }
        self.place_order(uow, &client, lines, req.method).await
    }

    /// "Оплатить" on the order form: the item is ordered at once, without
    /// the cart.
    pub async fn order_now(&self, ctx: &Ctx, client_id: i64, input: CartInput, method: Option<PayByMethod>) -> Result<Order> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay::<Order, _>("order_now", &(client_id, &input, &method)).await? {
            drop(uow);
            return self.order(ctx, done.id).await;
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let line = self.price_line(&mut uow.conn, &ctx.actor, client_id, None, &input).await?;
        self.place_order(uow, &client, vec![line], method).await
    }

    async fn place_order(
        &self,
        mut uow: Uow<'_>,
        client: &ClientRow,
        lines: Vec<Line>,
        method: Option<PayByMethod>,
    ) -> Result<Order> {
        let ctx = uow.ctx().clone();
        let currency = client.currency.clone();
        let total: rust_decimal::Decimal = lines.iter().map(|l| l.quote.to_pay).sum();
        let tax: rust_decimal::Decimal = lines.iter().map(|l| l.quote.tax).sum();
        let total_units = decimal_to_units(total)?;
        match &method {
            None => ensure_funds(client, total_units, "the order")?,
            // Checked before the order is written: a payer or method the
            // gateway would refuse leaves the cart as it was.
            Some(m) => {
                let amount = crate::payments::start::payable(total_units, &currency).0;
                self.checked_payment(&mut uow.conn, &ctx, client, m.payer_id, m.method_id, amount).await.map(|_| ())?
            }
        }
        let order = store::insert_order(
            &mut uow.conn,
            &NewOrder {
                client_id: client.id,
                pay_by: if method.is_some() { OrderPayBy::Method } else { OrderPayBy::Balance },
                method_id: method.as_ref().map(|m| m.method_id),
                payer_id: method.as_ref().map(|m| m.payer_id),
                total: total_units,
                tax: decimal_to_units(tax)?,
                currency: &currency,
            },
            uow.now,
        )
        .await?;
        for l in &lines {
            store::insert_item(
                &mut uow.conn,
                &NewOrderItem {
                    order_id: order.id,
                    product_id: l.product_id,
                    config: &serde_json::to_string(&l.config)?,
                    quote: &serde_json::to_string(&l.quote)?,
                    auto_renew: l.auto_renew,
                    promo_id: l.promo_id,
                    amount: decimal_to_units(l.quote.to_pay)?,
                },
            )
            .await?;
            if let Some(promo) = l.promo_id {
                kopek_store::products::record_promo_use(&mut uow.conn, promo, order.id, client.id, uow.now).await?;
            }
            if let Some(cart) = l.cart_id {
                store::remove_from_cart(&mut uow.conn, cart).await?;
            }
        }
        uow.audit(
            "order.create",
            "order",
            order.id,
            Some(client.id),
            serde_json::json!({
                "total": total, "pay_by": order.pay_by, "items": lines.len(),
            }),
        )
        .await?;
        if method.is_none() {
            self.fulfil_order(&mut uow, client, order.id).await?;
            let view = self.order_view(&mut uow.conn, order.id).await?;
            return uow.finish(view).await;
        }
        let view = self.order_view(&mut uow.conn, order.id).await?;
        uow.finish(view).await?;
        self.pay_order_by_method(&ctx, order.id, method.expect("checked")).await
    }

    /// Starts (again) the payment of an order awaiting it, by its method.
    async fn pay_order_by_method(&self, ctx: &Ctx, order_id: i64, m: PayByMethod) -> Result<Order> {
        let order = {
            let mut conn = self.store.conn().await?;
            store::order(&mut conn, order_id).await?.ok_or_else(|| EngineError::not_found("order", order_id))?
        };
        let req = m.payment_of(order.total, &order.currency);
        let key = ctx.idempotency_key.clone().map(|k| format!("{k}:order-payment"));
        let pay_ctx = ctx.clone().with_idempotency_key(key);
        let payment = self.start_payment_for(&pay_ctx, order.client_id, req, PaymentPurpose::Order { order_id }).await?;
        let mut uow = self.begin(ctx).await?;
        lock_client(&mut uow.conn, order.client_id).await?;
        store::set_order_payment(&mut uow.conn, order_id, payment.id).await?;
        uow.audit("order.payment", "order", order_id, Some(order.client_id), serde_json::json!({ "payment_id": payment.id }))
            .await?;
        let view = self.order_view(&mut uow.conn, order_id).await?;
        uow.finish(view).await
    }

    /// "Платеж" on an order awaiting payment: a new payment by the same
    /// method (ORD-5: the method of an order can't be changed).
    pub async fn pay_order(&self, ctx: &Ctx, order_id: i64, return_url: Option<String>) -> Result<Order> {
        ctx.actor.ensure_right(Right::Orders)?;
        let order = {
            let mut conn = self.store.conn().await?;
            store::order(&mut conn, order_id).await?.filter(|o| ctx.actor.ensure_sees_client(o.client_id).is_ok())
        };
        let order = order.ok_or_else(|| EngineError::not_found("order", order_id))?;
        let (Some(method_id), Some(payer_id)) = (order.method_id, order.payer_id) else {
            return Err(EngineError::conflict("order_not_by_method", "this order was paid from the balance"));
        };
        if order.status != OrderStatus::AwaitingPayment {
            return Err(EngineError::conflict("order_not_awaiting", format!("order {order_id} is {}", order.status)));
        }
        // A payment still open is the one to finish, not a second one.
        if let Some(p) = order.payment_id {
            let mut conn = self.store.conn().await?;
            let open =
                kopek_store::ledger::payment(&mut conn, p).await?.is_some_and(|p| matches!(p.status.as_str(), "new" | "paying"));
            drop(conn);
            if open {
                return self.order(ctx, order_id).await;
            }
        }
        self.pay_order_by_method(ctx, order_id, PayByMethod { method_id, payer_id, save_method: false, return_url }).await
    }

    /// The money of an order paid by a method arrived: the order is paid
    /// from it, whatever the credit limit says.
    pub(crate) async fn order_paid(&self, uow: &mut Uow<'_>, client: &ClientRow, order_id: i64) -> Result<()> {
        self.fulfil_order(uow, client, order_id).await
    }

    /// Opens what an order bought: each item a subscription paid to the end
    /// of its first period, opened through its product's hook.
    async fn fulfil_order(&self, uow: &mut Uow<'_>, client: &ClientRow, order_id: i64) -> Result<()> {
        if !store::close_order(&mut uow.conn, order_id, OrderStatus::Paid, uow.now).await? {
            return Ok(());
        }
        let book = load_price_book(&mut uow.conn).await?;
        for item in store::items(&mut uow.conn, order_id).await? {
            let product = kopek_store::products::get(&mut uow.conn, item.product_id)
                .await?
                .ok_or_else(|| EngineError::not_found("product", item.product_id))?;
            let spec: ProductSpec = serde_json::from_str(&product.spec)?;
            let quote: Quote = serde_json::from_str(&item.quote)?;
            let input = ConnectInput { service_id: product.service_id, tariff_id: None, discount_percent: None };
            let mut changes = Vec::new();
            let row = self.connect_in(uow, client, &book, &input, None, &mut changes).await?;
            let end = self.to_utc(first_period_end(&spec, quote.months, self.local_now())?);
            kopek_store::paid_period::make_paid(&mut uow.conn, row.id, end, i64::from(quote.months), item.auto_renew).await?;
            let state = if product.hook.is_some() { ServiceState::Processing(Operation::Opening) } else { ServiceState::Active };
            kopek_store::service_life::set_product(&mut uow.conn, row.id, product.id, &item.config, state).await?;
            let paid =
                PaidSpan { start: uow.now, end, units: item.amount, vat: ExpenseVat::quoted(quote.tax, quote.tax_percent)? };
            self.post_paid_span(uow, client, row.id, &spec.name, &paid).await?;
            store::set_item_subscription(&mut uow.conn, item.id, row.id).await?;
            if product.hook.is_some() {
                self.queue_operation(uow, row.id, kopek_domain::product::life::Action::Open).await?;
            }
        }
        uow.audit("order.paid", "order", order_id, Some(client.id), serde_json::json!({})).await
    }

    pub async fn order(&self, ctx: &Ctx, order_id: i64) -> Result<Order> {
        ctx.actor.ensure_right(Right::Orders)?;
        let mut conn = self.store.conn().await?;
        let order = store::order(&mut conn, order_id).await?.filter(|o| ctx.actor.ensure_sees_client(o.client_id).is_ok());
        order.ok_or_else(|| EngineError::not_found("order", order_id))?;
        self.order_view(&mut conn, order_id).await
    }

    /// ORD-4.
    pub async fn orders(&self, ctx: &Ctx, client_id: i64) -> Result<Orders> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let mut out = Orders { awaiting_payment: Vec::new(), paid: Vec::new() };
        for o in store::orders_of(&mut conn, client_id).await? {
            let view = self.order_view(&mut conn, o.id).await?;
            match o.status {
                OrderStatus::AwaitingPayment => out.awaiting_payment.push(view),
                OrderStatus::Paid => out.paid.push(view),
                OrderStatus::Cancelled => {}
            }
        }
        Ok(out)
    }

    async fn price_line(
        &self,
        conn: &mut kopek_store::Conn,
        actor: &Actor,
        client_id: i64,
        cart_id: Option<i64>,
        input: &CartInput,
    ) -> Result<Line> {
        let product = on_sale(conn, input.product_id).await?;
        ensure_may_acquire(conn, actor, client_id, Offer::Product(&product)).await?;
        let spec: ProductSpec = serde_json::from_str(&product.spec)?;
        let client = crate::ledger::entries::existing_client(conn, client_id).await?;
        if spec.currency.code() != client.currency {
            return Err(EngineError::conflict(
                "currency_mismatch",
                format!("{} is sold in {}, the client pays in {}", spec.name, spec.currency, client.currency),
            ));
        }
        let (promo_id, promo) = match input.promo_code.as_deref() {
            Some(code) => {
                let (id, p) = usable_promo(conn, code, client_id, input.product_id, self.local_today()).await?;
                (Some(id), Some(p))
            }
            None => (None, None),
        };
        let quote = quote(&spec, &input.config, self.local_now(), promo.as_ref())?;
        // LED-1: a line is an amount the ledger will hold.
        decimal_to_units(quote.to_pay)?;
        Ok(Line { cart_id, product_id: product.id, config: input.config.clone(), auto_renew: input.auto_renew, promo_id, quote })
    }

    async fn order_view(&self, conn: &mut kopek_store::Conn, order_id: i64) -> Result<Order> {
        let o: OrderRow = store::order(conn, order_id).await?.ok_or_else(|| EngineError::not_found("order", order_id))?;
        let m = minor(&o.currency);
        let mut items = Vec::new();
        for i in store::items(conn, order_id).await? {
            let spec: Option<ProductSpec> = match kopek_store::products::get(conn, i.product_id).await? {
                Some(p) => Some(serde_json::from_str(&p.spec)?),
                None => None,
            };
            let life = match i.subscription_id {
                Some(s) => kopek_store::service_life::life(conn, s).await?,
                None => None,
            };
            items.push(OrderItem {
                id: i.id,
                product_id: i.product_id,
                product_name: spec.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                amount: Amount::from_units(i.amount, m),
                subscription_id: i.subscription_id,
                service_state: life.and_then(|l| l.life_state).map(ServiceState::stored),
                instructions: spec
                    .filter(|s| o.status == OrderStatus::Paid && !s.instructions.is_empty())
                    .map(|s| s.instructions),
            });
        }
        let payment = match o.payment_id.filter(|_| o.status == OrderStatus::AwaitingPayment) {
            Some(p) => Some(crate::ledger::entries::payment_view(conn, p).await?),
            None => None,
        };
        Ok(Order {
            id: o.id,
            client_id: o.client_id,
            status: o.status.to_string(),
            pay_by: o.pay_by.to_string(),
            method_id: o.method_id,
            total: Amount::from_units(o.total, m),
            tax: Amount::from_units(o.tax, m),
            currency: o.currency,
            created_at: o.created_at,
            paid_at: o.paid_at,
            items,
            payment,
        })
    }
}

fn cart_input(row: &CartItemRow) -> Result<CartInput> {
    Ok(CartInput {
        product_id: row.product_id,
        config: serde_json::from_str(&row.config)?,
        auto_renew: row.auto_renew,
        promo_code: row.promo_code.clone(),
    })
}

async fn own_cart_item(uow: &mut Uow<'_>, ctx: &Ctx, id: i64) -> Result<CartItemRow> {
    store::cart_item(&mut uow.conn, id)
        .await?
        .filter(|r| ctx.actor.ensure_sees_client(r.client_id).is_ok())
        .ok_or_else(|| EngineError::not_found("cart_item", id))
}
