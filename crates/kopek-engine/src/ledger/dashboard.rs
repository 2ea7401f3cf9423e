//! The staff dashboard (OPS-5): money in and charged today and this month
//! with the month's days, clients per state, failed deliveries, hooks and
//! the outbox's waiting work. Every figure is one aggregate query; days are
//! the provider's, as the night's are.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use kopek_store::dashboard as store;
use kopek_store::dashboard::DaySum;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::views::minor;
use crate::service_life::life::PROVISIONING_TOPIC;

/// One day of the month in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DayMoney {
    pub date: NaiveDate,
    pub money_in: Amount,
    pub charged: Amount,
}

/// The money of one currency: today, this month, and each day of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CurrencyMoney {
    pub currency: String,
    pub money_in_today: Amount,
    pub money_in_month: Amount,
    pub charged_today: Amount,
    pub charged_month: Amount,
    /// From the 1st through today, every day present.
    pub days: Vec<DayMoney>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateCount {
    /// active, blocked_by_admin, blocked_by_client or blocked_for_debt.
    pub state: String,
    pub clients: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StaffDashboard {
    /// Today, provider time.
    pub today: NaiveDate,
    /// Per currency that moved this month, by code; none in a quiet month.
    pub money: Vec<CurrencyMoney>,
    /// Every state, zero ones too.
    pub clients: Vec<StateCount>,
    /// Notifications whose delivery failed for good.
    pub failed_deliveries: i64,
    /// Provisioning hooks waiting to run, and those that gave up.
    pub hooks_waiting: i64,
    pub hooks_dead: i64,
    /// Background messages waiting, and those that gave up, all topics.
    pub outbox_depth: i64,
    pub outbox_dead: i64,
}

impl Engine {
    /// OPS-5: the dashboard; every staff role reads it.
    pub async fn staff_dashboard(&self, ctx: &Ctx) -> Result<StaffDashboard> {
        ctx.actor.ensure_staff("read the dashboard")?;
        let today = self.local_today();
        let first = today.with_day(1).expect("the 1st exists");
        let from = self.to_utc(first.and_time(NaiveTime::MIN));
        let to = self.to_utc((today + Days::new(1)).and_time(NaiveTime::MIN));
        let offset = i64::from(self.settings.provider_offset.local_minus_utc());
        let mut conn = self.store.conn().await?;
        let money_in = store::daily_money_in(&mut conn, from, to, offset).await?;
        let charged = store::daily_charged(&mut conn, from, to, offset).await?;
        let states = store::clients_by_state(&mut conn).await?;
        let waiting = store::outbox_waiting(&mut conn).await?;
        let deliveries = kopek_store::notifications::count_by_channel_and_status(&mut conn).await?;
        let count = |topic: Option<&str>, status: &str| {
            waiting.iter().filter(|(t, s, _)| topic.is_none_or(|want| t == want) && s == status).map(|(_, _, n)| n).sum()
        };
        let clients = kopek_domain::account::ClientState::ALL
            .iter()
            .map(|s| StateCount {
                state: s.to_string(),
                clients: states.iter().find(|(name, _)| name == s.as_str()).map_or(0, |(_, n)| *n),
            })
            .collect();
        Ok(StaffDashboard {
            today,
            money: by_currency(first, today, &money_in, &charged),
            clients,
            failed_deliveries: deliveries.iter().filter(|(_, s, _)| s == "failed").map(|(_, _, n)| n).sum(),
            hooks_waiting: count(Some(PROVISIONING_TOPIC), kopek_store::outbox::PENDING),
            hooks_dead: count(Some(PROVISIONING_TOPIC), kopek_store::outbox::DEAD),
            outbox_depth: count(None, kopek_store::outbox::PENDING),
            outbox_dead: count(None, kopek_store::outbox::DEAD),
        })
    }
}

/// The month's sums laid out per currency and day, every day present.
fn by_currency(first: NaiveDate, today: NaiveDate, money_in: &[DaySum], charged: &[DaySum]) -> Vec<CurrencyMoney> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    let mut sums: BTreeMap<&str, BTreeMap<NaiveDate, (i64, i64)>> = BTreeMap::new();
    for (rows, slot) in [(money_in, 0), (charged, 1)] {
        for (day, currency, units) in rows {
            let date = epoch + Days::new(u64::try_from(*day).unwrap_or(0));
            let entry = sums.entry(currency.as_str()).or_default().entry(date).or_default();
            if slot == 0 { entry.0 += units } else { entry.1 += units }
        }
    }
    sums.into_iter()
        .map(|(currency, per_day)| {
            let m = minor(currency);
            let shown = |units: i64| Amount::from_units(units, m);
            let days: Vec<DayMoney> = first
                .iter_days()
                .take_while(|d| *d <= today)
                .map(|date| {
                    let (i, c) = per_day.get(&date).copied().unwrap_or_default();
                    DayMoney { date, money_in: shown(i), charged: shown(c) }
                })
                .collect();
            let month = |pick: fn(&DayMoney) -> Decimal| Amount::shown(days.iter().map(pick).sum(), m);
            let last = days.last().cloned().unwrap_or(DayMoney { date: today, money_in: shown(0), charged: shown(0) });
            CurrencyMoney {
                currency: currency.to_string(),
                money_in_today: last.money_in,
                money_in_month: month(|d| d.money_in.0),
                charged_today: last.charged,
                charged_month: month(|d| d.charged.0),
                days,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn epoch_day(date: NaiveDate) -> i64 {
        (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
    }

    // OPS-5: every day of the month is there, quiet ones at zero, and the
    // month is the sum of its days, to the kopek.
    /// Stored units: ten thousand to the rouble.
    fn units(amount: &str) -> i64 {
        kopek_domain::money::decimal_to_units(amount.parse().unwrap()).unwrap()
    }

    #[test]
    fn ops5_the_month_is_its_days_summed_every_day_present() {
        let money_in =
            vec![(epoch_day(d(3, 1)), "RUB".to_string(), units("1000")), (epoch_day(d(3, 3)), "RUB".into(), units("250.5"))];
        let charged =
            vec![(epoch_day(d(3, 2)), "RUB".to_string(), units("10")), (epoch_day(d(3, 3)), "RUB".into(), units("10.3333"))];
        let out = by_currency(d(3, 1), d(3, 3), &money_in, &charged);
        assert_eq!(out.len(), 1);
        let rub = &out[0];
        let days: Vec<(u32, String, String)> =
            rub.days.iter().map(|x| (x.date.day(), x.money_in.0.to_string(), x.charged.0.to_string())).collect();
        assert_eq!(
            days,
            [(1, "1000.00".into(), "0.00".into()), (2, "0.00".into(), "10.00".into()), (3, "250.50".into(), "10.3333".into())]
        );
        assert_eq!((rub.money_in_month.0.to_string(), rub.charged_month.0.to_string()), ("1250.50".into(), "20.3333".into()));
        assert_eq!((rub.money_in_today.0.to_string(), rub.charged_today.0.to_string()), ("250.50".into(), "10.3333".into()));
    }
}
