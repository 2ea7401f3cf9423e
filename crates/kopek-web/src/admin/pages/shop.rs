//! Products and promo codes (ORD-1, ORD-3, CHG-3, OPS-5): the products the
//! portal sells with their prices per period, add-ons and trial, and the
//! promo codes with their uses — created (admins) and archived — through
//! the use cases the API's `/products` and `/promo-codes` call.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kopek_domain::product::promo::{PromoCode, PromoValue};
use kopek_engine::EngineError;
use kopek_engine::shop::products::{Product, Promo, PromoInput};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/products";

#[derive(Serialize)]
struct ShopPage {
    products: Vec<Product>,
    promos: Vec<Promo>,
    form: Form,
    /// The products ticked in the promo form.
    ticked: Vec<i64>,
}

async fn show(state: &AppState, user: &StaffUser, status: StatusCode, form: Form, ticked: Vec<i64>) -> Response {
    let read = async { Ok::<_, EngineError>((state.engine.products(&user.ctx).await?, state.engine.promos(&user.ctx).await?)) };
    match read.await {
        Ok((products, promos)) => {
            let page = ShopPage { products, promos, form, ticked };
            state.views.render_status(status, "admin/catalog/products.html", &frame(state, user, "products", PATH), page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn page(State(state): State<AppState>, user: StaffUser) -> Response {
    let today = state.engine.local_today().to_string();
    show(&state, &user, StatusCode::OK, Form::with(&[("valid_from", today), ("kind", "percent".into())]), Vec::new()).await
}

/// A whole number that may be left empty (no limit).
fn optional_count(form: &mut Form, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> Option<u32> {
    match data.text(field) {
        t if t.is_empty() => None,
        t => t.parse().map_err(|_| form.error(field, catalog.text(locale, "error-not-a-count", &[]))).ok(),
    }
}

/// A new promo code (admins).
pub async fn create_promo(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let ticked: Vec<i64> = data.all("products").iter().filter_map(|p| p.parse().ok()).collect();
    let code = form.required(&data, "code", catalog, locale);
    let value = form.amount(&data, "value", catalog, locale);
    let valid_from = form.date(&data, "valid_from", catalog, locale);
    let valid_to = match data.text("valid_to") {
        t if t.is_empty() => None,
        t => t.parse::<NaiveDate>().map_err(|_| form.error("valid_to", catalog.text(locale, "error-not-a-date", &[]))).ok(),
    };
    let max_uses = optional_count(&mut form, &data, "max_uses", catalog, locale);
    let max_uses_per_client = optional_count(&mut form, &data, "max_uses_per_client", catalog, locale);
    let (Some(value), Some(valid_from), true) = (value, valid_from, form.is_ok()) else {
        return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, ticked).await;
    };
    let value = if data.text("kind") == "fixed" { PromoValue::Fixed(value.0) } else { PromoValue::Percent(value.0) };
    let promo = PromoCode { code, value, valid_from, valid_to, max_uses, max_uses_per_client, products: ticked.clone() };
    match state.engine.create_promo(&user.ctx, PromoInput { promo }).await {
        Ok(_) => redirect_with_notice(PATH, "admin-notice-promo-created"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let status = status_of(&e);
            form.refusal(&e, Some("code"), catalog, locale);
            show(&state, &user, status, form, ticked).await
        }
    }
}

/// «В архив»: the code stops working; its uses stay counted.
pub async fn archive_promo(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.archive_promo(&user.ctx, id).await {
        Ok(()) => redirect_with_notice(PATH, "admin-notice-promo-archived"),
        Err(e) => error_page(&state, &user, e),
    }
}
