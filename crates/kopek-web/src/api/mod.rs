//! `/api/v1`: the JSON API, described by OpenAPI as it is built.

pub mod clients;
pub mod ledger;
pub mod session;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kopek API", description = "Billing for hosting providers and ISPs: clients, users, the money ledger."),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "session", description = "Logging in and API tokens"),
        (name = "clients", description = "Client accounts and their users (ACC)"),
        (name = "ledger", description = "Payments, expenses, reversals and balances (LED)"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::extract::SESSION_COOKIE))),
        );
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(session::create_token))
        .routes(routes!(clients::list_clients, clients::create_client))
        .routes(routes!(clients::get_client, clients::update_client))
        .routes(routes!(clients::list_users, clients::create_user))
        .routes(routes!(clients::create_staff))
        .routes(routes!(ledger::list_payments, ledger::credit_payment))
        .routes(routes!(ledger::list_expenses, ledger::post_expense))
        .routes(routes!(ledger::balance))
        .routes(routes!(ledger::get_payment))
        .routes(routes!(ledger::reverse_payment))
        .routes(routes!(ledger::get_expense))
        .routes(routes!(ledger::reverse_expense))
}
