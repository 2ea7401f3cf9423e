//! `/api/v1`: the JSON API, described by OpenAPI as it is built.

pub mod audit;
pub mod avatars;
pub mod catalog;
pub mod charging;
pub mod clients;
pub mod document;
pub mod documents;
pub mod ledger;
pub mod news;
pub mod night;
pub mod notifications;
pub mod orders;
pub mod payers;
pub mod payments;
pub mod phone;
pub mod privacy;
pub mod renewals;
pub mod session;
pub mod shop;
pub mod staff;
pub mod support;
pub mod test_clock;
pub mod two_factor;

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
        (name = "session", description = "Logging in, API tokens and the audit log (SEC-3)"),
        (name = "clients", description = "Client accounts and their users (ACC)"),
        (name = "ledger", description = "Payments, expenses, reversals and balances (LED)"),
        (name = "catalog", description = "Services with every option, versions, tariffs, holidays (CAT)"),
        (name = "charging", description = "Subscriptions, the charge run, usage, promised payments (CHG)"),
        (name = "payers", description = "Payers and their contracts (PAY)"),
        (name = "documents", description = "Invoices, acts of completed work, reconciliation acts and the provider's details, as JSON, HTML and PDF (DOC)"),
        (name = "payments", description = "Payment methods, rates, payments through gateways, bank statements (PMT, LED-3, LED-4)"),
        (name = "renewals", description = "Saved payment methods, auto-renewal, autopayment and the credit limit (PMT-5, PMT-6, PMT-7, CRD)"),
        (name = "orders", description = "Products, promo codes, the cart, orders and the client's services (CAT-13, ORD, SVC)"),
        (name = "notifications", description = "The delivery log, sending again, and a user's own inbox (NTF-4)"),
        (name = "support", description = "Support tickets, their files, departments and staff (SUP-1, SUP-2, ACC-4)"),
        (name = "test-clock", description = "Staging and demos only, when the server runs with test_clock = true: move time forward and run the nights on the way (OPS-1)"),
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
        .routes(routes!(session::create_token, staff::list_tokens))
        .routes(routes!(staff::revoke_token))
        .routes(routes!(audit::audit_log))
        .routes(routes!(two_factor::second_step))
        .routes(routes!(two_factor::enrol_at_login))
        .routes(routes!(two_factor::confirm_at_login))
        .routes(routes!(two_factor::status, two_factor::enrol))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(two_factor::disable))
        .routes(routes!(two_factor::reset))
        .routes(routes!(clients::list_clients, clients::create_client))
        .routes(routes!(clients::get_client, clients::update_client))
        .routes(routes!(clients::list_users, clients::create_user))
        .routes(routes!(clients::create_staff, staff::list_staff))
        .routes(routes!(staff::change_staff))
        .routes(routes!(staff::dashboard))
        .routes(routes!(clients::get_user, clients::update_user, clients::delete_user))
        .routes(routes!(avatars::get_avatar, avatars::put_avatar, avatars::delete_avatar))
        .routes(routes!(clients::enable_user))
        .routes(routes!(clients::disable_user))
        .routes(routes!(clients::my_profile, clients::update_my_profile))
        .routes(routes!(clients::change_my_password))
        .routes(routes!(phone::send_code, phone::pending_code))
        .routes(routes!(phone::confirm))
        .routes(routes!(news::publish))
        .routes(routes!(news::for_client))
        .routes(routes!(clients::my_settings, clients::save_my_settings))
        .routes(routes!(ledger::list_payments, ledger::credit_payment))
        .routes(routes!(ledger::list_expenses, ledger::post_expense))
        .routes(routes!(ledger::balance))
        .routes(routes!(ledger::get_payment))
        .routes(routes!(ledger::reverse_payment))
        .routes(routes!(ledger::get_expense))
        .routes(routes!(ledger::reverse_expense))
        .routes(routes!(catalog::list_services, catalog::create_service))
        .routes(routes!(catalog::get_service, catalog::update_service))
        .routes(routes!(catalog::service_history))
        .routes(routes!(catalog::list_tariffs, catalog::create_tariff))
        .routes(routes!(catalog::add_holidays))
        .routes(routes!(charging::list_subscriptions, charging::connect))
        .routes(routes!(charging::change_tariff))
        .routes(routes!(charging::get_subscription))
        .routes(routes!(charging::subscription_history))
        .routes(routes!(charging::stop))
        .routes(routes!(charging::resume))
        .routes(routes!(charging::boost))
        .routes(routes!(charging::disconnect))
        .routes(routes!(charging::report_session))
        .routes(routes!(charging::record_usage))
        .routes(routes!(charging::import_usage))
        .routes(routes!(charging::list_promised, charging::take_promised))
        .routes(routes!(charging::run))
        .routes(routes!(charging::order_paid_period))
        .routes(routes!(charging::renew))
        .routes(routes!(charging::renewal_payment))
        .routes(routes!(charging::set_renewal))
        .routes(routes!(payers::list_payers, payers::create_payer))
        .routes(routes!(payers::get_payer, payers::update_payer, payers::delete_payer))
        .routes(routes!(payers::merge_preview))
        .routes(routes!(payers::merge))
        .routes(routes!(payers::list_contracts, payers::add_contract))
        .routes(routes!(documents::list_documents))
        .routes(routes!(documents::all_documents))
        .routes(routes!(documents::get_document))
        .routes(routes!(documents::document_file))
        .routes(routes!(documents::payment_invoice))
        .routes(routes!(documents::reconciliation))
        .routes(routes!(documents::get_provider_details, documents::put_provider_details))
        .routes(routes!(documents::put_provider_logo, documents::delete_provider_logo))
        .routes(routes!(documents::reissue))
        .routes(routes!(documents::issue_acts))
        .routes(routes!(payments::list_methods, payments::create_method))
        .routes(routes!(payments::update_method))
        .routes(routes!(payments::list_rates, payments::set_rate))
        .routes(routes!(payments::quote))
        .routes(routes!(payments::start))
        .routes(routes!(payments::credit))
        .routes(routes!(payments::cancel))
        .routes(routes!(payments::refund))
        .routes(routes!(payments::events))
        .routes(routes!(payments::refused_webhooks))
        .routes(routes!(payments::webhook))
        .routes(routes!(payments::import_statement))
        .routes(routes!(payments::preview_statement))
        .routes(routes!(night::night_runs))
        .routes(routes!(night::rehearse_night))
        .routes(routes!(night::run_night))
        .routes(routes!(night::credit_invoices))
        .routes(routes!(renewals::list_saved_methods, renewals::create_saved_method))
        .routes(routes!(renewals::get_saved_method, renewals::rename_saved_method, renewals::delete_saved_method))
        .routes(routes!(renewals::reconfigure_saved_method))
        .routes(routes!(renewals::list_auto_renewals))
        .routes(routes!(renewals::set_renewal_method))
        .routes(routes!(renewals::autopay_form, renewals::set_autopay))
        .routes(routes!(renewals::credit_dashboard))
        .routes(routes!(renewals::credit_invoices))
        .routes(routes!(shop::list_products, shop::create_product))
        .routes(routes!(shop::get_product, shop::update_product))
        .routes(routes!(shop::list_promos, shop::create_promo))
        .routes(routes!(shop::archive_promo))
        .routes(routes!(shop::quote_order))
        .routes(routes!(orders::get_cart, orders::add_to_cart))
        .routes(routes!(orders::update_cart_item, orders::remove_cart_item))
        .routes(routes!(orders::checkout))
        .routes(routes!(orders::list_orders, orders::order_now))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::pay_order))
        .routes(routes!(orders::get_client_service, orders::change_service, orders::delete_service))
        .routes(routes!(orders::service_action))
        .routes(routes!(orders::preview_service_change))
        .routes(routes!(orders::list_client_services))
        .routes(routes!(orders::ask_question, orders::list_questions))
        .routes(routes!(test_clock::get_test_clock, test_clock::advance_test_clock))
        .routes(routes!(notifications::list_deliveries))
        .routes(routes!(notifications::resend_delivery))
        .routes(routes!(notifications::my_notifications))
        .routes(routes!(notifications::open_my_notification))
        .routes(routes!(notifications::get_template, notifications::put_template, notifications::delete_template))
        .routes(routes!(notifications::get_low_balance, notifications::set_low_balance))
        .routes(routes!(privacy::my_activity))
        .routes(routes!(privacy::list_policies, privacy::publish_policy))
        .routes(routes!(privacy::my_policy))
        .routes(routes!(privacy::accept_policy))
        .routes(routes!(privacy::list_exports, privacy::create_export))
        .routes(routes!(privacy::download_export))
        .routes(routes!(privacy::my_requests, privacy::file_request))
        .routes(routes!(privacy::list_requests))
        .routes(routes!(privacy::carry_out_request))
        .routes(routes!(privacy::refuse_request))
        .routes(routes!(support::list_tickets, support::open_ticket))
        .routes(routes!(support::get_ticket))
        .routes(routes!(support::reply_ticket))
        .routes(routes!(support::archive_ticket))
        .routes(routes!(support::close_ticket))
        .routes(routes!(support::reopen_ticket))
        .routes(routes!(support::move_ticket))
        .routes(routes!(support::assign_ticket))
        .routes(routes!(support::get_file))
        .routes(routes!(support::list_departments, support::create_department))
        .routes(routes!(support::update_department))
        .routes(routes!(support::add_department_staff, support::remove_department_staff))
}
