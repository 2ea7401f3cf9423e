//! The catalog (CAT-1 … CAT-11): a service with every option of the
//! services document, grouped by the document's tabs, and the rules that
//! check a service and a tariff before they are saved.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::charging::calendar::{CalendarRule, PeriodUnit, WriteOff, check_shift};
use crate::charging::discount::DiscountRules;
use crate::charging::fees::ChargeTerms;
use crate::charging::lifetime::Lifetime;
use crate::charging::run::FundsOptions;
use crate::charging::usage::{ServiceRates, UsageRates};
use crate::charging::window::{ActivityWindow, RatesInForce};
use crate::tax::{VatRate, VatRateKind};

mod kinds;

crate::stored::stored_enum! {
    /// CAT-1: what a service is.
    ServiceKind {
        /// A subscription fee.
        Periodic = "periodic",
        OneTime = "one_time",
        /// Adds money to the balance or takes it.
        DiscountMarkup = "discount_markup",
        /// Temporary credit while the balance is negative.
        PromisedPayment = "promised_payment",
        /// Groups services.
        Package = "package",
        /// Priced per unit of traffic, per subnet class, in and out.
        Traffic = "traffic",
        Telephony = "telephony",
        /// A time-boxed boost.
        Forsage = "forsage",
        /// Internal; staff can't create it.
        System = "system",
    }
}

/// The "main" tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MainTab {
    /// The service's name, 1 to 200 characters, as clients see it.
    pub name: String,
    /// What the service is (CAT-1); `system` can't be created by staff.
    pub kind: ServiceKind,
}

/// The "subscription fee" tab (CAT-2, CAT-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeeTab {
    /// The price of one period.
    pub price: Decimal,
    /// The minimum balance that lets the service be activated.
    #[serde(default)]
    pub connection_cost: Decimal,
    /// How the fee leaves the balance (CAT-2).
    pub write_off: WriteOff,
    /// The period the price is for; a month when left out.
    #[serde(default = "month")]
    pub period: PeriodUnit,
    /// The ISO 4217 code of the price, e.g. RUB.
    pub currency: String,
    /// VAT in percent, 0 to 100, included in the price; with `vat_rate`
    /// "standard" it is left out (or 0).
    #[serde(default)]
    pub vat_percent: Decimal,
    /// LED-5: "fixed" (the default) charges `vat_percent` whatever the day;
    /// "standard" the standard rate in force on each charge day.
    #[serde(default)]
    pub vat_rate: VatRateKind,
    /// Loyalty discounts apply only when the service is part of a tariff.
    #[serde(default)]
    pub discount_only_for_tariff_services: bool,
    /// Periods start on the activation day instead of the calendar's.
    #[serde(default)]
    pub shift_charge_date: bool,
    /// CAT-3, first connection only: charging starts with the first session.
    #[serde(default)]
    pub start_charging_after_first_session: bool,
    /// CAT-3, first connection only: the service is activated by the first session.
    #[serde(default)]
    pub activate_after_first_session: bool,
    /// CAT-1, one-time services only: disconnecting refunds the charge in
    /// full; without it the connection's price stays charged.
    #[serde(default)]
    pub refund_on_disconnect: bool,
}

fn month() -> PeriodUnit {
    PeriodUnit::Month
}

/// The "integration" tab (CAT-8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct IntegrationTab {
    /// Passed to the equipment script when the service is activated.
    pub activation_params: String,
    /// Passed to the equipment script when the service is deactivated.
    pub deactivation_params: String,
    /// The network device (NAS) to command, whatever the account names.
    pub nas: Option<String>,
    /// Assign an IP address from this pool.
    pub ip_pool: Option<String>,
    /// Keep the address from the pool when the service is deactivated.
    pub keep_ip_on_deactivation: bool,
    /// Reset the traffic counters at each charge.
    pub reset_counters_on_charge: bool,
    /// "Base package" of a kind (e.g. iptv, cctv): only one per client.
    pub base_package_kind: Option<String>,
    /// Don't message the client when the service is connected or disconnected.
    pub silent: bool,
}

/// Shaper settings passed to equipment (CAT-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Speed {
    /// Incoming speed, kbit/s.
    pub in_kbps: u32,
    /// Outgoing speed, kbit/s.
    pub out_kbps: u32,
}

/// The "conditions and speeds" tab (CAT-11).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ConditionsTab {
    /// The calendar of holidays on which the service is given regardless
    /// of payment.
    pub holiday_calendar: Option<String>,
    /// Activity conditions per month, day and hour: when the service is in
    /// force. Its fee is due only for periods that meet the window, its
    /// usage rates price only usage recorded inside it, and the equipment
    /// is told its speed as the window opens and closes. Always in force
    /// when left out.
    pub window: Option<ActivityWindow>,
    /// The shaper's speeds, passed to equipment.
    pub speed: Option<Speed>,
    /// CAT-1 forsage: how long one turn-on boosts the speed, in minutes
    /// (1 to 10080, a week); the boost then ends by itself.
    pub boost_minutes: Option<u32>,
}

/// The "additional" tab (CAT-4, CAT-7, CAT-9, traffic and telephony).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct AdditionalTab {
    /// Don't charge when the funds are insufficient; deactivate the service.
    pub no_charge_if_insufficient_and_deactivate: bool,
    /// The service's own disconnection threshold; below the client's.
    pub threshold_override: Option<Decimal>,
    /// Charge even while the client is blocked by staff or by itself (a line fee).
    pub charge_even_if_blocked: bool,
    /// Loyalty discounts and markups don't apply.
    pub no_discounts: bool,
    /// Deactivate past the threshold but keep charging into the negative.
    pub deactivate_past_limit_keep_charging: bool,
    /// Activate only while the balance is above the threshold.
    pub activate_only_above_threshold: bool,
    /// Minutes from 02:00, -600…600.
    pub charge_shift_minutes: i32,
    /// The fiscal "payment subject" attribute.
    pub payment_subject: Option<String>,
    /// Not shown in the portal nor in the documents.
    pub hidden_from_client: bool,
    /// The item's code in 1C.
    pub code_1c: Option<String>,
    /// Synchronized with 1C.
    pub sync_1c: bool,
    /// The unit documents show, e.g. "Шт.".
    pub unit_of_measure: Option<String>,
    /// Telephony: a roaming service; only such a service carries
    /// `roaming_rates`.
    pub roaming: bool,
    /// Prices of usage by kind and subnet class (traffic, minutes, units);
    /// for telephony the class is the direction: local, intercity,
    /// international, mobile…
    pub usage_rates: UsageRates,
    /// Telephony with `roaming`: the prices of usage recorded in roaming,
    /// keyed as `usage_rates`.
    pub roaming_rates: UsageRates,
}

/// The "accounts" tab (CAT-8, IPTV).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct AccountsTab {
    /// Create accounts (IPTV) when the service is connected; needs integration.nas.
    pub create_on_connect: bool,
    /// How many accounts to create, 1 to 100.
    pub count: u32,
    /// The created logins' prefix, e.g. "bestiptv".
    pub login_prefix: String,
    /// The created accounts get passwords of digits only.
    pub numeric_password: bool,
    /// The service is connected only when bound to an account.
    pub require_account_binding: bool,
}

/// The "portal" tab (CAT-10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct PortalTab {
    /// Clients may order it in the portal.
    pub orderable: bool,
    /// Shown to the client after a portal order.
    pub popup_text: Option<String>,
    /// Clients may cancel it in the portal.
    pub cancellable: bool,
    /// Cancellable in the portal only after this many months.
    pub cancel_after_months: Option<u32>,
    /// A portal order connects it only when the balance covers it.
    pub check_funds: bool,
    /// Offered in the portal only inside these tariffs.
    pub only_in_tariffs: Vec<i64>,
    /// PMT-7: auto-renewed 60 days before expiry rather than one, as the
    /// guide says of domains and SSL certificates; a flag of the product so
    /// a provider marks its own.
    pub long_renewal_lead: bool,
}

/// A service as staff define it: every tab of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// The "main" tab: name and kind.
    pub main: MainTab,
    /// The "subscription fee" tab: price, period, write-off.
    pub fee: FeeTab,
    /// The "integration" tab: equipment parameters, NAS, IP pool.
    #[serde(default)]
    pub integration: IntegrationTab,
    /// The "conditions and speeds" tab: holidays, activity conditions, speed.
    #[serde(default)]
    pub conditions: ConditionsTab,
    /// The "additional" tab: funds options, charge time, documents, usage rates.
    #[serde(default)]
    pub additional: AdditionalTab,
    /// The "lifetime" tab: when the service disconnects itself (CAT-5).
    #[serde(default)]
    pub lifetime: Lifetime,
    /// The "accounts" tab: accounts created with the service (IPTV).
    #[serde(default)]
    pub accounts: AccountsTab,
    /// The "portal" tab: ordering and cancelling in the portal.
    #[serde(default)]
    pub portal: PortalTab,
    /// The "non-standard calendar" tab (CAT-6).
    #[serde(default)]
    pub calendar: CalendarRule,
    /// For a package: the services it groups.
    #[serde(default)]
    pub package_services: Vec<i64>,
}

impl ServiceSpec {
    /// Checks the options that must hold for any service.
    pub fn validate(&self) -> Result<(), DomainError> {
        let name = self.main.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("main.name", "1 to 200 characters"));
        }
        let f = &self.fee;
        if f.price < Decimal::ZERO && self.main.kind != ServiceKind::DiscountMarkup {
            return Err(DomainError::invalid("fee.price", "only a discount/markup service may have a negative price"));
        }
        for (field, v) in [("fee.price", f.price), ("fee.connection_cost", f.connection_cost)] {
            if v.normalize().scale() > 4 {
                return Err(DomainError::invalid(field, "at most four decimal places"));
            }
        }
        if f.connection_cost < Decimal::ZERO {
            return Err(DomainError::invalid("fee.connection_cost", "must not be negative"));
        }
        // LED-1: what a service charges stays within what Kopek stores.
        for v in [f.price, f.connection_cost].into_iter().chain(self.additional.threshold_override).chain(self.lifetime.total_sum)
        {
            crate::money::decimal_to_units(v)?;
        }
        for v in self.additional.usage_rates.0.values().chain(self.additional.roaming_rates.0.values()) {
            crate::money::check_not_too_large(*v)?;
        }
        // CAT-5: roaming prices belong to a roaming telephony service.
        let roaming_telephony = self.main.kind == ServiceKind::Telephony && self.additional.roaming;
        if !self.additional.roaming_rates.0.is_empty() && !roaming_telephony {
            return Err(DomainError::invalid(
                "additional.roaming_rates",
                "only a telephony service with \"roaming\" set carries roaming rates",
            ));
        }
        if let Some(w) = &self.conditions.window {
            w.validate()?;
        }
        f.currency.parse::<crate::Currency>()?;
        if f.vat_percent < Decimal::ZERO || f.vat_percent > Decimal::ONE_HUNDRED {
            return Err(DomainError::invalid("fee.vat_percent", "between 0 and 100"));
        }
        if f.vat_percent.normalize().scale() > 4 {
            return Err(DomainError::invalid("fee.vat_percent", "at most four decimal places"));
        }
        if f.vat_rate == VatRateKind::Standard && !f.vat_percent.is_zero() {
            return Err(DomainError::invalid(
                "fee.vat_rate",
                "the standard rate is set by date; give either vat_rate \"standard\" or a fixed vat_percent, not both",
            ));
        }
        if f.write_off == WriteOff::Daily && f.period == PeriodUnit::Day && f.shift_charge_date {
            return Err(DomainError::invalid("fee.shift_charge_date", "a daily period has no date to shift"));
        }
        check_shift(self.additional.charge_shift_minutes)?;
        if self.accounts.create_on_connect {
            if self.integration.nas.is_none() {
                return Err(DomainError::invalid("integration.nas", "creating accounts on connection needs a NAS"));
            }
            if self.accounts.count == 0 || self.accounts.count > 100 {
                return Err(DomainError::invalid("accounts.count", "1 to 100 accounts"));
            }
        }
        if self.main.kind == ServiceKind::Package && self.package_services.is_empty() {
            return Err(DomainError::invalid("package_services", "a package groups at least one service"));
        }
        if self.main.kind != ServiceKind::Package && !self.package_services.is_empty() {
            return Err(DomainError::invalid("package_services", "only a package groups services"));
        }
        if self.calendar != CalendarRule::Standard && f.period != PeriodUnit::Month {
            return Err(DomainError::invalid("calendar", "the non-standard calendars are for monthly services"));
        }
        self.validate_kind()
    }

    /// Whether a change from `old` to `self` makes a new version (CAT-12):
    /// price, period, write-off or speed.
    pub fn needs_new_version(&self, old: &ServiceSpec) -> bool {
        self.fee.price != old.fee.price
            || self.fee.period != old.fee.period
            || self.fee.write_off != old.fee.write_off
            || self.conditions.speed != old.conditions.speed
    }

    /// LED-5: the VAT the fee carries, resolved on each charge day.
    pub fn vat(&self) -> VatRate {
        match self.fee.vat_rate {
            VatRateKind::Fixed => VatRate::Fixed(self.fee.vat_percent),
            VatRateKind::Standard => VatRate::Standard,
        }
    }

    /// CHG-6: whether the service prices usage (at home or in roaming).
    pub fn prices_usage(&self) -> bool {
        !self.additional.usage_rates.0.is_empty() || !self.additional.roaming_rates.0.is_empty()
    }

    /// CHG-6, CAT-11: the service's usage prices and the window they hold in.
    pub fn rates_in_force(&self) -> RatesInForce<'_> {
        RatesInForce {
            window: self.conditions.window.as_ref(),
            boosts: None,
            rates: ServiceRates { home: &self.additional.usage_rates, roaming: &self.additional.roaming_rates },
        }
    }

    pub fn funds(&self) -> FundsOptions {
        FundsOptions {
            no_charge_if_insufficient: self.additional.no_charge_if_insufficient_and_deactivate,
            charge_even_if_blocked: self.additional.charge_even_if_blocked,
            keep_charging_past_limit: self.additional.deactivate_past_limit_keep_charging,
            activate_only_above_threshold: self.additional.activate_only_above_threshold,
        }
    }

    pub fn discount_rules(&self) -> DiscountRules {
        DiscountRules { no_discounts: self.additional.no_discounts, only_in_tariff: self.fee.discount_only_for_tariff_services }
    }

    pub fn charge_terms(&self, anchor: Option<chrono::NaiveDate>) -> ChargeTerms {
        ChargeTerms {
            write_off: self.fee.write_off,
            unit: self.fee.period,
            calendar: self.calendar,
            shift_minutes: self.additional.charge_shift_minutes,
            anchor: if self.fee.shift_charge_date { anchor } else { None },
            once: self.main.kind == ServiceKind::OneTime,
        }
    }
}

/// A service's options that a subscription's connection checks against
/// the client: the threshold override must be below the client's.
pub fn check_threshold_override(spec: &ServiceSpec, client_threshold: Decimal) -> Result<(), DomainError> {
    match spec.additional.threshold_override {
        Some(own) if own >= client_threshold => Err(DomainError::invalid(
            "additional.threshold_override",
            format!("the service's threshold {own} must be below the client's {client_threshold}"),
        )),
        _ => Ok(()),
    }
}

/// CAT-5: services with a lifetime can't be put in a tariff; a system
/// service can't either.
pub fn check_tariff_member(spec: &ServiceSpec) -> Result<(), DomainError> {
    if spec.lifetime.is_set() {
        return Err(DomainError::invalid("services", format!("{:?} has a lifetime and can't be in a tariff", spec.main.name)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub fn internet() -> ServiceSpec {
        serde_json::from_value(serde_json::json!({
            "main": { "name": "Internet 100", "kind": "periodic" },
            "fee": { "price": "600.00", "write_off": "daily", "currency": "RUB", "vat_percent": "20" }
        }))
        .unwrap()
    }

    #[test]
    fn a_minimal_service_has_every_tab_defaulted() {
        let s = internet();
        assert!(s.validate().is_ok());
        assert_eq!(s.fee.period, PeriodUnit::Month);
        assert_eq!(s.calendar, CalendarRule::Standard);
        assert_eq!(s.additional.charge_shift_minutes, 0);
    }

    #[test]
    fn cat7_shift_outside_600_minutes_is_refused() {
        let mut s = internet();
        s.additional.charge_shift_minutes = -601;
        assert_eq!(s.validate().unwrap_err().to_string(), "charge_shift_minutes: -601 is outside -600…600");
        s.additional.charge_shift_minutes = -150;
        assert!(s.validate().is_ok());
    }

    #[test]
    fn cat4_threshold_override_must_be_below_the_clients() {
        let mut s = internet();
        s.additional.threshold_override = Some(dec!(-100));
        assert!(check_threshold_override(&s, dec!(0)).is_ok());
        assert!(check_threshold_override(&s, dec!(-100)).is_err());
        assert!(check_threshold_override(&s, dec!(-200)).is_err());
    }

    #[test]
    fn cat5_a_service_with_a_lifetime_cannot_be_in_a_tariff() {
        let mut s = internet();
        assert!(check_tariff_member(&s).is_ok());
        s.lifetime.days = Some(30);
        assert!(check_tariff_member(&s).unwrap_err().to_string().contains("has a lifetime"));
    }

    #[test]
    fn options_that_contradict_are_refused() {
        let mut s = internet();
        s.accounts.create_on_connect = true;
        s.accounts.count = 2;
        assert!(s.validate().unwrap_err().to_string().contains("needs a NAS"));
        let mut s = internet();
        s.fee.price = dec!(-5);
        assert!(s.validate().is_err());
        let mut s = internet();
        s.fee.currency = "ZZZ".into();
        assert!(s.validate().is_err());
        let mut s = internet();
        s.calendar = CalendarRule::FromFirstOfMonth;
        s.fee.period = PeriodUnit::Year;
        assert!(s.validate().is_err());
        let bad: Result<ServiceSpec, _> = serde_json::from_value(serde_json::json!({
            "main": { "name": "x", "kind": "periodic" },
            "fee": { "price": "1", "write_off": "weekly", "currency": "RUB" }
        }));
        assert!(bad.is_err());
    }

    /// LED-5: "standard" or a fixed percent, never both; an old spec
    /// without `vat_rate` keeps its fixed percent.
    #[test]
    fn led5_a_service_takes_the_standard_rate_or_a_fixed_one() {
        let s = internet();
        assert_eq!((s.fee.vat_rate, s.vat()), (VatRateKind::Fixed, VatRate::Fixed(dec!(20))));
        let mut both = internet();
        both.fee.vat_rate = VatRateKind::Standard;
        let err = both.validate().unwrap_err();
        assert_eq!(err.field(), Some("fee.vat_rate"));
        both.fee.vat_percent = Decimal::ZERO;
        assert!(both.validate().is_ok());
        assert_eq!(both.vat(), VatRate::Standard);
        let standard: ServiceSpec = serde_json::from_value(serde_json::json!({
            "main": { "name": "Hosting", "kind": "periodic" },
            "fee": { "price": "300.00", "write_off": "daily", "currency": "RUB", "vat_rate": "standard" }
        }))
        .unwrap();
        assert_eq!(standard.vat(), VatRate::Standard);
        let mut fine = internet();
        fine.fee.vat_percent = dec!(20.00001);
        assert_eq!(fine.validate().unwrap_err().field(), Some("fee.vat_percent"));
    }

    #[test]
    fn cat5_only_a_roaming_telephony_service_carries_roaming_rates() {
        let mut s = internet();
        s.additional.roaming_rates.set(crate::charging::usage::UsageKind::Minutes, "", dec!(29));
        assert_eq!(s.validate().unwrap_err().field(), Some("additional.roaming_rates"));
        s.main.kind = ServiceKind::Telephony;
        assert_eq!(s.validate().unwrap_err().field(), Some("additional.roaming_rates"), "not without the roaming flag");
        s.additional.roaming = true;
        assert!(s.validate().is_ok());
    }

    #[test]
    fn cat11_a_services_window_is_validated() {
        let mut s = internet();
        s.conditions.window = Some(ActivityWindow { weekdays: vec![8], ..ActivityWindow::default() });
        assert_eq!(s.validate().unwrap_err().field(), Some("conditions.window.weekdays"));
        s.conditions.window = Some(ActivityWindow { weekdays: vec![1, 2, 3, 4, 5], ..ActivityWindow::default() });
        assert!(s.validate().is_ok());
    }

    #[test]
    fn cat12_price_and_speed_changes_make_a_version() {
        let old = internet();
        let mut new = old.clone();
        new.portal.orderable = true;
        assert!(!new.needs_new_version(&old));
        new.fee.price = dec!(650);
        assert!(new.needs_new_version(&old));
        let mut faster = old.clone();
        faster.conditions.speed = Some(Speed { in_kbps: 100_000, out_kbps: 100_000 });
        assert!(faster.needs_new_version(&old));
    }
}
