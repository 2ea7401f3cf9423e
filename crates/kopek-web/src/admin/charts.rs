//! Inline SVG charts for the dashboard (OPS-5): the shapes are computed
//! here, the template only draws them, so a chart needs no script, no
//! library and no request of its own, and reads the same with JavaScript
//! off.

use kopek_engine::overview::dashboard::{DayMoney, StateCount};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// A chart's drawing area, in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 160.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The CSS class that colours it: the series it belongs to.
    pub series: &'static str,
    /// What a hover shows, and what a screen reader reads.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    /// Day numbers under the bars: (x, text).
    pub ticks: Vec<(f64, String)>,
}

fn height_of(value: Decimal, max: Decimal) -> f64 {
    if max <= Decimal::ZERO || value <= Decimal::ZERO {
        return 0.0;
    }
    ((value / max).to_f64().unwrap_or(0.0) * HEIGHT).max(1.0)
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Money in and charged per day of the month: two bars a day, both on one
/// scale, so the taller is the larger.
pub fn money_by_day(days: &[DayMoney]) -> Chart {
    let max = days.iter().flat_map(|d| [d.money_in.0, d.charged.0]).max().unwrap_or_default();
    let slot = WIDTH / days.len().max(1) as f64;
    let bar = slot * 0.4;
    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let left = i as f64 * slot + slot * 0.1;
        for (n, (value, series)) in [(d.money_in.0, "money-in"), (d.charged.0, "charged")].into_iter().enumerate() {
            let h = height_of(value, max);
            bars.push(Bar {
                x: round(left + n as f64 * bar),
                y: round(HEIGHT - h),
                width: round(bar),
                height: round(h),
                series,
                title: format!("{} {series}: {value}", d.date),
            });
        }
        ticks.push((round(left + bar), d.date.format("%-d").to_string()));
    }
    Chart { width: WIDTH, height: HEIGHT, bars, ticks }
}

/// Clients per state, one horizontal bar each on one scale.
pub fn clients_by_state(states: &[StateCount]) -> Chart {
    let max = states.iter().map(|s| s.clients).max().unwrap_or(0);
    let row = 24.0;
    let bars = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = if max == 0 || s.clients == 0 { 0.0 } else { (s.clients as f64 / max as f64 * (WIDTH - 200.0)).max(1.0) };
            Bar {
                x: 200.0,
                y: i as f64 * row + 4.0,
                width: round(w),
                height: row - 8.0,
                series: "clients",
                title: format!("{}: {}", s.state, s.clients),
            }
        })
        .collect();
    Chart { width: WIDTH, height: states.len() as f64 * row, bars, ticks: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kopek_engine::core::amount::Amount;

    fn day(d: u32, money_in: &str, charged: &str) -> DayMoney {
        DayMoney {
            date: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
            money_in: Amount(money_in.parse().unwrap()),
            charged: Amount(charged.parse().unwrap()),
        }
    }

    // OPS-5: the largest figure of the month fills the chart's height, the
    // others stand in proportion, a quiet day draws nothing.
    #[test]
    fn ops5_bars_stand_in_proportion_to_the_month_s_largest_figure() {
        let chart = money_by_day(&[day(1, "1000.00", "250.00"), day(2, "0", "500.00")]);
        let heights: Vec<(&str, f64)> = chart.bars.iter().map(|b| (b.series, b.height)).collect();
        assert_eq!(heights, [("money-in", 160.0), ("charged", 40.0), ("money-in", 0.0), ("charged", 80.0)]);
        assert!(chart.bars.iter().all(|b| (b.y + b.height - HEIGHT).abs() < 0.01), "every bar stands on the axis");
        assert_eq!(chart.ticks.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        let quiet = money_by_day(&[day(1, "0", "0")]);
        assert!(quiet.bars.iter().all(|b| b.height == 0.0));
    }

    #[test]
    fn ops5_clients_per_state_share_one_scale() {
        let states =
            [StateCount { state: "active".into(), clients: 30 }, StateCount { state: "blocked_for_debt".into(), clients: 3 }];
        let chart = clients_by_state(&states);
        assert_eq!(chart.bars.iter().map(|b| b.width).collect::<Vec<_>>(), [440.0, 44.0]);
    }
}
