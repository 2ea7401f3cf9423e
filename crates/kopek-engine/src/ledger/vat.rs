//! LED-5: an expense's VAT, resolved on its charge day. Every path that
//! writes an expense takes its tax and the rate it keeps from here, so an
//! act can print a line per rate and a change in the law reaches every
//! charge from its first day on.

use chrono::{DateTime, Utc};
use kopek_domain::Money;
use kopek_domain::money::decimal_to_units;
use kopek_domain::tax::{VatMode, VatRate, vat};
use rust_decimal::Decimal;

use crate::Engine;
use crate::core::error::Result;
use crate::core::views::currency_of;

/// The tax inside an expense and the rate it was computed at, both as
/// stored: the tax in units, the rate in ten-thousandths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExpenseVat {
    pub tax: i64,
    pub rate: i64,
}

impl ExpenseVat {
    /// A tax a product's quote computed (it may add the tax on top of the
    /// price) at its fixed `rate_percent`.
    pub(crate) fn quoted(tax: Decimal, rate_percent: Decimal) -> Result<Self> {
        Ok(ExpenseVat { tax: decimal_to_units(tax)?, rate: decimal_to_units(rate_percent)? })
    }
}

impl Engine {
    /// The VAT included in an expense of `units` charged at `charged_at`:
    /// the rate in force on that day in the provider's time, the tax
    /// rounded half-up to the currency's minor unit as documents show it.
    pub(crate) fn expense_vat(&self, units: i64, rate: VatRate, charged_at: DateTime<Utc>, currency: &str) -> Result<ExpenseVat> {
        let percent = rate.on(self.to_local(charged_at).date());
        let stored_rate = decimal_to_units(percent)?;
        if percent.is_zero() {
            return Ok(ExpenseVat { tax: 0, rate: stored_rate });
        }
        let money = Money::from_units(units, currency_of(currency)?);
        Ok(ExpenseVat { tax: vat(money, percent, VatMode::Included).tax.to_units()?, rate: stored_rate })
    }
}
