//! Inline SVG charts for the dashboard (OPS-5): the shapes are computed
//! here, the template only draws them, so a chart needs no script, no
//! library and no request of its own, and reads the same with JavaScript
//! off.

use kopek_engine::ledger::dashboard::{DayMoney, StateCount};
use rust_decimal::Decimal;
use serde::Serialize;

/// A chart's drawing area, in SVG units. Geometry is decimal, as money is:
/// no float in Kopek, and a tenth of a unit is finer than any screen.
const WIDTH: Decimal = Decimal::from_parts(640, 0, 0, false, 0);
const HEIGHT: Decimal = Decimal::from_parts(160, 0, 0, false, 0);
/// Where the state's bar starts, after its label; room kept after the
/// longest bar for its figure.
const LABELS: Decimal = Decimal::from_parts(200, 0, 0, false, 0);
const FIGURE: Decimal = Decimal::from_parts(60, 0, 0, false, 0);
const ROW: Decimal = Decimal::from_parts(24, 0, 0, false, 0);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub x: Decimal,
    pub y: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    /// The CSS class that colours it: the series it belongs to.
    pub series: &'static str,
    /// What a hover shows, and what a screen reader reads.
    pub title: String,
    /// Where the text beside a horizontal bar stands: its baseline, and
    /// the x just past the bar's end.
    pub label_y: Decimal,
    pub end_x: Decimal,
}

impl Bar {
    fn new(x: Decimal, y: Decimal, width: Decimal, height: Decimal, series: &'static str, title: String) -> Bar {
        Bar { x, y, width, height, series, title, label_y: y + Decimal::from(13), end_x: x + width + Decimal::from(6) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub width: Decimal,
    pub height: Decimal,
    pub bars: Vec<Bar>,
    /// Day numbers under the bars: (x, text), on the baseline `tick_y`.
    pub ticks: Vec<(Decimal, String)>,
    pub tick_y: Decimal,
    /// The drawing's full height, the ticks' row included.
    pub view_height: Decimal,
}

impl Chart {
    fn new(width: Decimal, height: Decimal, bars: Vec<Bar>, ticks: Vec<(Decimal, String)>) -> Chart {
        let below = if ticks.is_empty() { Decimal::ZERO } else { Decimal::from(24) };
        Chart { width, height, bars, ticks, tick_y: height + Decimal::from(16), view_height: height + below }
    }
}

fn tenth(v: Decimal) -> Decimal {
    v.round_dp(1).normalize()
}

/// `value`'s share of `max` stretched over `span`; a figure above nothing
/// keeps one unit, so it is seen.
fn share(value: Decimal, max: Decimal, span: Decimal) -> Decimal {
    if max <= Decimal::ZERO || value <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    tenth((value / max * span).max(Decimal::ONE))
}

/// Money in and charged per day of the month: two bars a day, both on one
/// scale, so the taller is the larger. The whole month has its place, so a
/// day's bars are as wide on the 1st as on the 31st.
pub fn money_by_day(days: &[DayMoney]) -> Chart {
    let max = days.iter().flat_map(|d| [d.money_in.0, d.charged.0]).max().unwrap_or_default();
    let month = days.first().map_or(31, |d| days_in_month(d.date));
    let slot = WIDTH / Decimal::from(month.max(days.len()));
    let bar = slot * Decimal::new(4, 1);
    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let left = Decimal::from(i) * slot + slot * Decimal::new(1, 1);
        for (n, (value, series)) in [(d.money_in.0, "money-in"), (d.charged.0, "charged")].into_iter().enumerate() {
            let h = share(value, max, HEIGHT);
            let x = tenth(left + Decimal::from(n) * bar);
            bars.push(Bar::new(x, tenth(HEIGHT - h), tenth(bar), h, series, format!("{} {series}: {value}", d.date)));
        }
        ticks.push((tenth(left + bar), d.date.format("%-d").to_string()));
    }
    Chart::new(WIDTH, HEIGHT, bars, ticks)
}

fn days_in_month(day: chrono::NaiveDate) -> usize {
    use chrono::Datelike;
    let first = day.with_day(1).expect("the 1st exists");
    let next = first.checked_add_months(chrono::Months::new(1)).expect("a month after exists");
    usize::try_from((next - first).num_days()).unwrap_or(31)
}

/// Clients per state, one horizontal bar each on one scale.
pub fn clients_by_state(states: &[StateCount]) -> Chart {
    let max = Decimal::from(states.iter().map(|s| s.clients).max().unwrap_or(0));
    let bars = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let y = Decimal::from(i) * ROW + Decimal::from(4);
            let width = share(Decimal::from(s.clients), max, WIDTH - LABELS - FIGURE);
            Bar::new(LABELS, y, width, ROW - Decimal::from(8), "clients", format!("{}: {}", s.state, s.clients))
        })
        .collect();
    Chart::new(WIDTH, Decimal::from(states.len()) * ROW, bars, Vec::new())
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
        let heights: Vec<(&str, String)> = chart.bars.iter().map(|b| (b.series, b.height.to_string())).collect();
        assert_eq!(
            heights,
            [("money-in", "160".into()), ("charged", "40".into()), ("money-in", "0".into()), ("charged", "80".into())]
        );
        assert!(chart.bars.iter().all(|b| b.y + b.height == HEIGHT), "every bar stands on the axis");
        assert_eq!(chart.ticks.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        // March has 31 days: each day's slot is a 31st of the width, from the 1st on.
        let slot = WIDTH / Decimal::from(31);
        assert_eq!(chart.bars[2].x, tenth(slot + slot * Decimal::new(1, 1)));
        let quiet = money_by_day(&[day(1, "0", "0")]);
        assert!(quiet.bars.iter().all(|b| b.height.is_zero()));
    }

    #[test]
    fn ops5_clients_per_state_share_one_scale() {
        let states =
            [StateCount { state: "active".into(), clients: 30 }, StateCount { state: "blocked_for_debt".into(), clients: 3 }];
        let chart = clients_by_state(&states);
        assert_eq!(chart.bars.iter().map(|b| b.width.to_string()).collect::<Vec<_>>(), ["380", "38"]);
    }
}
