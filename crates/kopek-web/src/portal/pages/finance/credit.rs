//! "Информация о кредитном лимите" (CRD-5): available, overdue, unpaid
//! since the invoice, the invoices with their states and dates, and the
//! chart of credit expenses by day, drawn on the server as SVG (no
//! scripts, no inline styles: the CSP allows neither).

use axum::extract::State;
use axum::response::Response;
use kopek_engine::billing::credit_limit::{CreditDashboard, CreditInvoice, DayExpenses};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::PortalUser;

/// The chart's drawing area, in SVG units.
const WIDTH: i64 = 640;
const HEIGHT: i64 = 160;

#[derive(Serialize)]
struct Bar {
    x: String,
    y: String,
    width: String,
    height: String,
    day: DayExpenses,
}

#[derive(Serialize)]
struct Chart {
    width: i64,
    height: i64,
    bars: Vec<Bar>,
    /// The tallest day's amount, written at the top of the axis.
    top: Decimal,
}

#[derive(Serialize)]
struct Credit {
    dashboard: CreditDashboard,
    invoices: Vec<CreditInvoice>,
    chart: Chart,
}

/// One bar per day with expenses, as tall as its share of the tallest.
fn chart(days: &[DayExpenses]) -> Chart {
    let top = days.iter().map(|d| d.amount.0).max().unwrap_or(Decimal::ZERO);
    let n = Decimal::from(days.len().max(1));
    let slot = Decimal::from(WIDTH) / n;
    let gap = (slot / Decimal::from(5)).min(Decimal::from(4));
    let px = |d: Decimal| d.round_dp(2).normalize().to_string();
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = if top.is_zero() { Decimal::ZERO } else { d.amount.0 * Decimal::from(HEIGHT) / top };
            Bar {
                x: px(slot * Decimal::from(i) + gap / Decimal::TWO),
                y: px(Decimal::from(HEIGHT) - h),
                width: px(slot - gap),
                height: px(h),
                day: d.clone(),
            }
        })
        .collect();
    Chart { width: WIDTH, height: HEIGHT, bars, top }
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    let data = async {
        let frame = frame(&state, &user, "credit", "/finance/credit").await?;
        let dashboard = state.engine.credit_dashboard(&user.ctx, user.client_id).await?;
        let invoices = state.engine.credit_invoices(&user.ctx, user.client_id).await?;
        let chart = chart(&dashboard.expenses_by_day);
        Ok((frame, Credit { dashboard, invoices, chart }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/finance/credit.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kopek_engine::core::amount::Amount;

    #[test]
    fn crd5_the_chart_s_bars_are_as_tall_as_their_share_of_the_tallest_day() {
        let day = |d: u32, a: &str| DayExpenses {
            day: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            amount: Amount(a.parse().unwrap()),
        };
        let c = chart(&[day(1, "250.00"), day(2, "62.50")]);
        let got: Vec<_> = c.bars.iter().map(|b| (b.x.as_str(), b.y.as_str(), b.width.as_str(), b.height.as_str())).collect();
        assert_eq!(got, [("2", "0", "316", "160"), ("322", "120", "316", "40")]);
        assert_eq!(c.top.to_string(), "250.00");
        assert!(chart(&[]).bars.is_empty());
    }
}
