//! "Корзина" (ORD-2, ORD-3): each item with its lines (value, limit, the
//! price until the first period's end, then per period), changed on the
//! order form, removed, given a promo code; the items chosen are paid at
//! checkout from the balance or directly by a method (PMT-2), which goes on
//! to the gateway's page.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::shop::orders::{Cart, CartInput, CartItem, Checkout};
use serde::Serialize;

use super::config::{place_refusal, promo_code, read_config, refusal_text, refuse};
use super::order::{OrderForm, form_of, page_problem, quote_of, render as render_order};
use super::type_key;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::finance::pay_with::{Choices, read_choice, refused_field, to_gateway};
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Serialize)]
struct CartPage {
    cart: Cart,
    currency: String,
    /// The promo code fields ("promo-<item>"), the way to pay, and
    /// checkout's refusal.
    form: Form,
    #[serde(flatten)]
    choices: Choices,
}

fn promo_field(item: i64) -> String {
    format!("promo-{item}")
}

fn input_of(item: &CartItem) -> CartInput {
    CartInput {
        product_id: item.product_id,
        config: item.config.clone(),
        auto_renew: item.auto_renew,
        promo_code: item.promo_code.clone(),
    }
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, mut form: Form) -> Response {
    let e = &state.engine;
    let data = async {
        let frame = frame(state, user, "cart", "/client/cart").await?;
        let cart = e.cart(&user.ctx, user.client_id).await?;
        let balance = e.balance(&user.ctx, user.client_id).await?;
        let choices = Choices::of(state, user).await?;
        Ok::<_, EngineError>((frame, cart, balance.currency, choices))
    };
    let (frame, cart, currency, choices) = match data.await {
        Ok(d) => d,
        Err(err) => return error_page(state, user, err),
    };
    for item in &cart.items {
        form.values.entry(promo_field(item.id)).or_insert_with(|| item.promo_code.clone().unwrap_or_default());
    }
    form.values.entry("pay_with".into()).or_insert_with(|| "balance".into());
    if let Some((payer, _)) = choices.payer_options.first() {
        form.values.entry("payer_id".into()).or_insert_with(|| payer.to_string());
    }
    state.views.render_status(status, "portal/services/cart.html", &frame, CartPage { cart, currency, form, choices })
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, StatusCode::OK, Form::default()).await
}

/// The cart's item `id`, or "not found" for another client's.
async fn item(state: &AppState, user: &PortalUser, id: i64) -> Result<CartItem, EngineError> {
    let cart = state.engine.cart(&user.ctx, user.client_id).await?;
    cart.items.into_iter().find(|i| i.id == id).ok_or_else(|| EngineError::not_found("cart_item", id))
}

/// "Перейти к оформлению": the items chosen, paid from the balance or by
/// the method chosen (then on to its gateway's page).
pub async fn checkout(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let items: Vec<i64> = data.all("items").iter().filter_map(|i| i.parse().ok()).collect();
    let mut form = Form::from_data(&data);
    let Some(method) = read_choice(&mut form, &data, &state, &user) else {
        return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    };
    match state.engine.checkout(&user.ctx, user.client_id, Checkout { items, method }).await {
        Ok(order) => match &order.payment {
            Some(payment) => to_gateway(&state, payment),
            None => redirect_with_notice(&format!("/client/orders/{}", order.id), "services-notice-ordered"),
        },
        Err(e) => {
            let field = refused_field(&e);
            if field.is_none() && page_problem(&e) {
                return error_page(&state, &user, e);
            }
            match field {
                Some(f) => form.refusal(&e, Some(f), &state.views.catalog, user.locale),
                None => form.general = Some(refusal_text(&e, e.field(), &state.views.catalog, user.locale)),
            }
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
    }
}

/// "Удалить".
pub async fn remove(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.remove_from_cart(&user.ctx, id).await {
        Ok(_) => redirect_with_notice("/client/cart", "services-notice-removed"),
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Промокод" of one item; an empty field takes the code off.
pub async fn promo(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let item = match item(&state, &user, id).await {
        Ok(i) => i,
        Err(e) => return error_page(&state, &user, e),
    };
    let field = promo_field(id);
    let code = Some(data.text(&field)).filter(|c| !c.is_empty());
    let input = CartInput { promo_code: code, ..input_of(&item) };
    match state.engine.update_cart_item(&user.ctx, id, input).await {
        Ok(_) => redirect_with_notice("/client/cart", "notice-saved"),
        Err(e) if page_problem(&e) => error_page(&state, &user, e),
        Err(e) => {
            let mut form = Form::from_data(&data);
            refuse(&mut form, &e, Some(field.as_str()), &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
    }
}

/// "Изменить": the item on the order form.
pub async fn edit(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let data = async {
        let frame = frame(&state, &user, "cart", &format!("/client/cart/{id}")).await?;
        let item = item(&state, &user, id).await?;
        let product = state.engine.product(&user.ctx, item.product_id).await?;
        Ok::<_, EngineError>((frame, item, product))
    };
    let (frame, item, product) = match data.await {
        Ok(d) => d,
        Err(e) => return error_page(&state, &user, e),
    };
    let input = input_of(&item);
    let page = OrderForm {
        form: form_of(&input, &product),
        quote: quote_of(&state, &user, &input).await.ok(),
        type_key: type_key(product.spec.product_type),
        product,
        action: format!("/client/cart/{id}"),
        editing: true,
        choices: None,
    };
    render_order(&state, &frame, StatusCode::OK, page)
}

/// "Пересчитать" or "Сохранить" on a cart item's form.
pub async fn save(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let data_ = async {
        let frame = frame(&state, &user, "cart", &format!("/client/cart/{id}")).await?;
        let item = item(&state, &user, id).await?;
        let product = state.engine.product(&user.ctx, item.product_id).await?;
        Ok::<_, EngineError>((frame, product))
    };
    let (frame, product) = match data_.await {
        Ok(d) => d,
        Err(e) => return error_page(&state, &user, e),
    };
    let mut form = Form::from_data(&data);
    let config = read_config(&data, &product.spec, &mut form, catalog, user.locale);
    let input =
        CartInput { product_id: product.id, config, auto_renew: data.checked("auto_renew"), promo_code: promo_code(&data) };
    let mut quote = None;
    if form.is_ok() {
        let done = if data.text("do") == "save" {
            state.engine.update_cart_item(&user.ctx, id, input.clone()).await.map(|_| true)
        } else {
            quote_of(&state, &user, &input).await.map(|q| {
                quote = Some(q);
                false
            })
        };
        match done {
            Ok(true) => return redirect_with_notice("/client/cart", "notice-saved"),
            Ok(false) => {}
            Err(e) if page_problem(&e) => return error_page(&state, &user, e),
            Err(e) => place_refusal(&mut form, &e, &product.spec, &input.config.addons, "promo_code", catalog, user.locale),
        }
    }
    let status = if form.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = OrderForm {
        form,
        quote,
        type_key: type_key(product.spec.product_type),
        product,
        action: format!("/client/cart/{id}"),
        editing: true,
        choices: None,
    };
    render_order(&state, &frame, status, page)
}
