//! "Главная" (ACC-7): the account, its balance and debt, quick access, the
//! client's services with their state and expiry, the provider's news.

use axum::extract::State;
use axum::response::Response;
use kopek_engine::core::views::{Balance, Client};
use kopek_engine::notifications::news::{DASHBOARD_NEWS, News};
use kopek_engine::service_life::life::ClientService;
use serde::Serialize;

use super::frame::frame;
use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::session::PortalUser;

#[derive(Serialize)]
struct Dashboard {
    client: Client,
    balance: Balance,
    services: Vec<ClientService>,
    news: Vec<News>,
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    let e = &state.engine;
    let data = async {
        let frame = frame(&state, &user, "dashboard", "/").await?;
        let client = e.client(&user.ctx, user.client_id).await?;
        let balance = e.balance(&user.ctx, user.client_id).await?;
        let services = e.client_services(&user.ctx, user.client_id).await?;
        let news = e.client_news(&user.ctx, user.client_id, DASHBOARD_NEWS).await?;
        Ok((frame, Dashboard { client, balance, services, news }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/dashboard.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}
