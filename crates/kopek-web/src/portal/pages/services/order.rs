//! "Заказать" (ORD-1): the products on sale by type, then one product's
//! form — period, add-ons within their limits, the domain name when the
//! product needs one, a promo code, auto-renewal — with the engine's quote
//! of exactly what paying would charge. Without JavaScript "Пересчитать"
//! sends the form and shows it again with the new quote.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::product::ProductType;
use kopek_domain::product::quote::OrderConfig;
use kopek_engine::EngineError;
use kopek_engine::catalog::portal_services::OfferedService;
use kopek_engine::shop::orders::CartInput;
use kopek_engine::shop::products::{OrderQuote, Product, QuoteRequest};
use serde::{Deserialize, Serialize};

use super::config::{addon_field, place_refusal, promo_code, read_config};
use super::type_key;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::finance::pay_with::{Choices, read_choice, refused_field, to_gateway};
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};
use crate::portal::view::Frame;

#[derive(Debug, Deserialize)]
pub struct Pick {
    product: Option<i64>,
}

/// The products of one type, as the order menu lists them.
#[derive(Serialize)]
struct Shelf {
    type_key: String,
    products: Vec<Product>,
}

#[derive(Serialize)]
pub(super) struct Catalog {
    shelves: Vec<Shelf>,
    /// The provider's own services the portal offers (CAT-10).
    offer: Vec<OfferedService>,
    /// A refused "Подключить": the service and the refusal, shown next to
    /// its button.
    refused: Option<(i64, String)>,
}

/// The order menu: the products by type, then the provider's services;
/// `refused` places a refusal next to one service's button.
pub(super) async fn catalog_page(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    refused: Option<(i64, String)>,
) -> Response {
    let data = async {
        let frame = frame(state, user, "order", "/services/order").await?;
        let products = state.engine.products(&user.ctx).await?;
        let offer = state.engine.portal_offer(&user.ctx, user.client_id).await?;
        Ok((frame, products, offer))
    };
    match data.await {
        Ok((frame, products, offer)) => {
            let page = Catalog { shelves: shelves(products), offer, refused };
            state.views.render_status(status, "portal/services/catalog.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}

/// The order form of one product (or a cart item being changed).
#[derive(Serialize)]
pub(super) struct OrderForm {
    pub product: Product,
    pub type_key: String,
    pub form: Form,
    /// The engine's price of what the form holds, when it holds a whole
    /// configuration.
    pub quote: Option<OrderQuote>,
    /// Where the form is sent.
    pub action: String,
    /// A cart item's form: "Сохранить" rather than "Оплатить"/"В корзину".
    pub editing: bool,
    /// How "Оплатить" pays (PMT-2); a cart item's form has none.
    #[serde(flatten)]
    pub choices: Option<Choices>,
}

/// Refusals a form can't show next to a field: the page's own problem.
pub(super) fn page_problem(e: &EngineError) -> bool {
    matches!(e, EngineError::NotFound { .. } | EngineError::Forbidden { .. }) || e.is_internal()
}

/// The form's fields for `input`, as typed.
pub(super) fn form_of(input: &CartInput, product: &Product) -> Form {
    let mut values = vec![("months", input.config.months.to_string())];
    let addons: Vec<(String, String)> = product
        .spec
        .addons
        .iter()
        .map(|a| (addon_field(&a.code), input.config.addons.get(&a.code).copied().unwrap_or(a.default).to_string()))
        .collect();
    values.push(("domain", input.config.domain.clone().unwrap_or_default()));
    values.push(("promo_code", input.promo_code.clone().unwrap_or_default()));
    let mut form = Form::with(&values);
    form.values.extend(addons);
    if input.auto_renew {
        form.values.insert("auto_renew".into(), "on".into());
    }
    form
}

/// The engine's quote of `input`, or none while the form is not whole.
pub(super) async fn quote_of(state: &AppState, user: &PortalUser, input: &CartInput) -> Result<OrderQuote, EngineError> {
    let req = QuoteRequest { product_id: input.product_id, config: input.config.clone(), promo_code: input.promo_code.clone() };
    state.engine.quote_order(&user.ctx, user.client_id, req).await
}

pub(super) fn render(state: &AppState, frame: &Frame, status: StatusCode, page: OrderForm) -> Response {
    state.views.render_status(status, "portal/services/order.html", frame, page)
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Query(pick): Query<Pick>) -> Response {
    let Some(id) = pick.product else {
        return catalog_page(&state, &user, StatusCode::OK, None).await;
    };
    let frame = match frame(&state, &user, "order", "/services/order").await {
        Ok(f) => f,
        Err(e) => return error_page(&state, &user, e),
    };
    let product = match state.engine.product(&user.ctx, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&state, &user, e),
    };
    let first = product.spec.prices.iter().map(|p| p.months).min().unwrap_or(1);
    let input = CartInput {
        product_id: id,
        config: OrderConfig { months: first, ..OrderConfig::default() },
        auto_renew: true,
        promo_code: None,
    };
    // A product that needs a domain name is priced once one is typed.
    let quote = quote_of(&state, &user, &input).await.ok();
    let choices = match Choices::of(&state, &user).await {
        Ok(c) => c,
        Err(e) => return error_page(&state, &user, e),
    };
    let mut form = form_of(&input, &product);
    form.values.insert("pay_with".into(), "balance".into());
    if let Some((payer, _)) = choices.payer_options.first() {
        form.values.insert("payer_id".into(), payer.to_string());
    }
    let page = OrderForm {
        choices: Some(choices),
        form,
        type_key: type_key(product.spec.product_type),
        product,
        quote,
        action: "/services/order".into(),
        editing: false,
    };
    render(&state, &frame, StatusCode::OK, page)
}

/// "Пересчитать", "Оплатить" or "В корзину".
pub async fn send(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let frame = match frame(&state, &user, "order", "/services/order").await {
        Ok(f) => f,
        Err(e) => return error_page(&state, &user, e),
    };
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let Some(id) = form.id(&data, "product_id", catalog, user.locale) else {
        return error_page(&state, &user, EngineError::not_found("product", data.text("product_id")));
    };
    let product = match state.engine.product(&user.ctx, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&state, &user, e),
    };
    let config = read_config(&data, &product.spec, &mut form, catalog, user.locale);
    let input = CartInput { product_id: id, config, auto_renew: data.checked("auto_renew"), promo_code: promo_code(&data) };
    let mut quote = None;
    if form.is_ok() {
        let done = match data.text("do").as_str() {
            "pay" => match read_choice(&mut form, &data, &state, &user) {
                Some(method) => state.engine.order_now(&user.ctx, user.client_id, input.clone(), method).await.map(|o| {
                    Some(match &o.payment {
                        Some(payment) => to_gateway(&state, payment),
                        None => redirect_with_notice(&format!("/client/orders/{}", o.id), "services-notice-ordered"),
                    })
                }),
                None => Ok(None),
            },
            "cart" => state
                .engine
                .add_to_cart(&user.ctx, user.client_id, input.clone())
                .await
                .map(|_| Some(redirect_with_notice("/client/cart", "services-notice-in-cart"))),
            _ => quote_of(&state, &user, &input).await.map(|q| {
                quote = Some(q);
                None
            }),
        };
        match done {
            Ok(Some(res)) => return res,
            Ok(None) => {}
            Err(e) => match refused_field(&e) {
                Some(field) => form.refusal(&e, Some(field), catalog, user.locale),
                None if page_problem(&e) => return error_page(&state, &user, e),
                None => place_refusal(&mut form, &e, &product.spec, &input.config.addons, "promo_code", catalog, user.locale),
            },
        }
        // A refusal of the order itself (the money short) still shows the price.
        if quote.is_none() && form.errors.is_empty() {
            quote = quote_of(&state, &user, &input).await.ok();
        }
    }
    let status = if form.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let choices = match Choices::of(&state, &user).await {
        Ok(c) => c,
        Err(e) => return error_page(&state, &user, e),
    };
    let page = OrderForm {
        choices: Some(choices),
        form,
        type_key: type_key(product.spec.product_type),
        product,
        quote,
        action: "/services/order".into(),
        editing: false,
    };
    render(&state, &frame, status, page)
}

/// The products by type, in the order menu's order.
fn shelves(products: Vec<Product>) -> Vec<Shelf> {
    ProductType::ALL
        .iter()
        .map(|t| Shelf {
            type_key: type_key(*t),
            products: products.iter().filter(|p| p.spec.product_type == *t).cloned().collect(),
        })
        .filter(|s| !s.products.is_empty())
        .collect()
}
