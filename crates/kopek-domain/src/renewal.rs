//! Auto-renewal (PMT-7), saved payment methods' statuses (PMT-6) and
//! autopayment (PMT-5), after the client guide's "Как работает оплата по
//! подписке", "Способы оплаты", "Создание подписок" and "Автоплатеж". Pure
//! rules: the nightly job brings the day, the service's dates and the
//! method's status, and gets back what to do.

use chrono::{Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::credit::{CreditAction, CreditStatus};
use crate::money::{Currency, round_half_up};
use crate::payment_method::AmountLimits;

/// "за один день до истечения срока действия услуги".
pub const RENEWAL_LEAD_DAYS: i64 = 1;
/// "для доменных имен и SSL-сертификатов — за 60 дней".
pub const LONG_RENEWAL_LEAD_DAYS: i64 = 60;
/// The code of the e-mail sent when a renewal payment fails ("При неудачном
/// платеже на email … будет отправлено оповещение").
pub const RENEWAL_FAILED_NOTICE: &str = "renewal.payment_failed";

/// The day the renewal is first tried. `expires_on` is the day the paid
/// period ends; `long_lead` marks product types renewed 60 days ahead
/// (domains, SSL certificates), a flag of the product type rather than a
/// list of names so a provider can mark its own.
pub fn renewal_due_on(expires_on: NaiveDate, long_lead: bool) -> NaiveDate {
    let lead = if long_lead { LONG_RENEWAL_LEAD_DAYS } else { RENEWAL_LEAD_DAYS };
    expires_on - Duration::days(lead)
}

/// "Если на следующий день у карты будет статус Работает, то подсистема
/// попробует повторно провести платеж": a failed renewal is retried the
/// next day.
pub fn next_retry(day: NaiveDate) -> NaiveDate {
    day + Duration::days(1)
}

/// PMT-6: "Сохраненные способы оплаты имеют статусы: Включено;
/// Настраивается; Не работает. Статусы обновляются при оплате." The guide
/// also calls the enabled status "Работает" after a successful payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedMethodStatus {
    Enabled,
    /// Created, waiting for the client to finish at the gateway ("Откроется
    /// страница платежной системы для дальнейшей настройки").
    Configuring,
    NotWorking,
}

/// What a payment through a saved method (or its set-up) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentOutcome {
    Succeeded,
    Failed,
}

impl SavedMethodStatus {
    pub const ALL: &'static [SavedMethodStatus] =
        &[SavedMethodStatus::Enabled, SavedMethodStatus::Configuring, SavedMethodStatus::NotWorking];

    pub fn as_str(self) -> &'static str {
        match self {
            SavedMethodStatus::Enabled => "enabled",
            SavedMethodStatus::Configuring => "configuring",
            SavedMethodStatus::NotWorking => "not_working",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        SavedMethodStatus::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            SavedMethodStatus::Enabled => "Включено",
            SavedMethodStatus::Configuring => "Настраивается",
            SavedMethodStatus::NotWorking => "Не работает",
        }
    }

    /// The status after a payment: a failure makes the method "Не работает",
    /// a success (the client topped up the card and paid again, or finished
    /// the set-up) makes it work. Every status can take either result, so
    /// this never fails.
    pub fn after(self, outcome: PaymentOutcome) -> SavedMethodStatus {
        match outcome {
            PaymentOutcome::Succeeded => SavedMethodStatus::Enabled,
            PaymentOutcome::Failed => SavedMethodStatus::NotWorking,
        }
    }

    /// "Настроить повторно": back to the gateway's set-up, from any status.
    pub fn reconfigure(self) -> SavedMethodStatus {
        SavedMethodStatus::Configuring
    }

    /// Only a working method is charged without the client.
    pub fn may_charge(self) -> bool {
        self == SavedMethodStatus::Enabled
    }
}

/// Where an auto-renewal takes the money from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from", content = "status")]
pub enum RenewalSource {
    /// "Лицевой счет".
    Balance,
    /// A saved method, with its current status.
    SavedMethod(SavedMethodStatus),
}

/// What the nightly job should do about one auto-renewing service today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalDecision {
    /// Before the renewal day.
    NotYet,
    /// Try to pay now.
    Attempt,
    /// Failed today already: the next try is tomorrow.
    RetryTomorrow,
    /// The saved method is not working (or still being set up): it is
    /// tried again on a later day once its status is "Работает".
    WaitForMethod,
    /// The credit limit is blocked and the renewal is from the balance
    /// (CRD-2: "При блокировке недоступны … автопродление с лицевого
    /// счета"); it resumes once the invoice is paid (CRD-4).
    CreditBlocked,
    /// The paid period ended without a renewal: no more tries.
    Lapsed,
}

/// The renewal window runs from [`renewal_due_on`] through `expires_on`
/// itself: the period ends during that day, so the retry after a failure on
/// the eve (the one-day lead) still comes before the service expires.
pub fn renewal_decision(
    today: NaiveDate,
    expires_on: NaiveDate,
    long_lead: bool,
    source: RenewalSource,
    last_failed_on: Option<NaiveDate>,
    credit: CreditStatus,
) -> RenewalDecision {
    if today > expires_on {
        return RenewalDecision::Lapsed;
    }
    if today < renewal_due_on(expires_on, long_lead) {
        return RenewalDecision::NotYet;
    }
    if last_failed_on.is_some_and(|failed| today < next_retry(failed)) {
        return RenewalDecision::RetryTomorrow;
    }
    match source {
        RenewalSource::Balance if !credit.allows(CreditAction::AutoRenewFromBalance) => RenewalDecision::CreditBlocked,
        RenewalSource::Balance => RenewalDecision::Attempt,
        RenewalSource::SavedMethod(status) if status.may_charge() => RenewalDecision::Attempt,
        RenewalSource::SavedMethod(_) => RenewalDecision::WaitForMethod,
    }
}

/// What follows a renewal attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptResult {
    /// The saved method's new status; `None` for the balance.
    pub method_status: Option<SavedMethodStatus>,
    /// Whether to e-mail the user ([`RENEWAL_FAILED_NOTICE`]).
    pub notify_user: bool,
    /// The day of the next try, after a failure.
    pub retry_on: Option<NaiveDate>,
}

/// PMT-7: "Если оплата не удалась, то статус сохраненной карты изменится на
/// Не работает. При неудачном платеже на email … будет отправлено
/// оповещение." The balance has no status but is retried the same way.
pub fn after_attempt(day: NaiveDate, source: RenewalSource, outcome: PaymentOutcome) -> AttemptResult {
    let method_status = match source {
        RenewalSource::Balance => None,
        RenewalSource::SavedMethod(s) => Some(s.after(outcome)),
    };
    let failed = outcome == PaymentOutcome::Failed;
    AttemptResult { method_status, notify_user: failed, retry_on: failed.then(|| next_retry(day)) }
}

/// "По умолчанию период автопродления равен периоду заказа. Можно изменить
/// период автопродления только для активной услуги." The period in months.
pub fn autorenew_period(order_months: u32, chosen_months: Option<u32>, service_active: bool) -> Result<u32, DomainError> {
    match chosen_months {
        None => Ok(order_months),
        Some(m) if m == order_months => Ok(m),
        Some(_) if !service_active => {
            Err(DomainError::invalid("autorenew_period", "the auto-renewal period can be changed only for an active service"))
        }
        Some(0) => Err(DomainError::invalid("autorenew_period", "must be at least one month")),
        Some(m) => Ok(m),
    }
}

/// One subscription or auto-renewal's charges in a month: `min` is what is
/// certain (a fixed fee), `max` what may come on top (usage, a renewal that
/// may fall in the month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastItem {
    pub min: Decimal,
    pub max: Decimal,
}

impl ForecastItem {
    pub fn new(min: Decimal, max: Decimal) -> Result<Self, DomainError> {
        if min < Decimal::ZERO {
            return Err(DomainError::invalid("min", "must not be negative"));
        }
        if max < min {
            return Err(DomainError::invalid("max", format!("{max} is below the minimum {min}")));
        }
        Ok(ForecastItem { min, max })
    }

    /// A charge known exactly.
    pub fn fixed(amount: Decimal) -> Result<Self, DomainError> {
        ForecastItem::new(amount, amount)
    }
}

/// "На основе текущих услуг и настроек автопродления минимальная сумма
/// списаний в месяц составит 60.00 ₽. Максимальная - 620.00 ₽".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub min: Decimal,
    pub max: Decimal,
}

/// The month's charges: exact sums, rounded only where shown.
pub fn forecast(items: &[ForecastItem]) -> Forecast {
    items.iter().fold(Forecast::default(), |f, i| Forecast { min: f.min + i.min, max: f.max + i.max })
}

/// "Рекомендованная максимальная сумма платежей составляет 682.00 ₽. Она
/// рассчитана на основе прогнозируемых расходов с небольшим запасом в 10%":
/// the forecast maximum plus 10%, half-up to the minor unit, once.
pub fn recommended_max(forecast_max: Decimal, currency: Currency) -> Decimal {
    round_half_up(forecast_max * Decimal::new(11, 1), currency.minor_digits())
}

/// The autopayment form ("Финансы — Автоплатеж — Настроить"): the guide's
/// form asks for a method (with its payer) and "Максимальная сумма
/// платежей" in a month, which may be ∞. There is no threshold or amount
/// field: the top-up happens "при низком балансе" and is "на сумму, которой
/// хватит на месяц" — both derived, see [`AutopayCase`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopaySettings {
    /// `None` is ∞: "если не указана максимальная сумма, то общее кол-во и
    /// сумма всех автоплатежей в месяц не будет ограничена".
    pub monthly_max: Option<Decimal>,
}

impl AutopaySettings {
    pub fn validate(&self, currency: Currency) -> Result<(), DomainError> {
        if let Some(max) = self.monthly_max {
            if max <= Decimal::ZERO {
                return Err(DomainError::invalid("monthly_max", "must be positive, or unlimited"));
            }
            if max.normalize().scale() > currency.minor_digits() {
                return Err(DomainError::invalid("monthly_max", format!("{max} has more decimals than {currency} allows")));
            }
        }
        Ok(())
    }
}

/// "Если выбрана неограниченная сумма платежей, то методы оплаты с
/// ограничениями будут недоступны для выбора": with ∞, a method with any
/// amount limit (min or max) can't be chosen.
pub fn method_selectable(monthly_max: Option<Decimal>, limits: &AmountLimits) -> bool {
    monthly_max.is_some() || (limits.min.is_none() && limits.max.is_none())
}

/// The facts one autopayment decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutopayCase {
    pub currency: Currency,
    pub balance: Decimal,
    /// The balance is "low" below this: what the charges due now need (zero
    /// when nothing is due but the balance must not go negative).
    pub low_below: Decimal,
    /// "сумма, которой хватит на месяц": the balance is topped up to this,
    /// normally the forecast maximum of the month's charges.
    pub top_up_to: Decimal,
    /// Autopayments already created this calendar month (not failed or
    /// cancelled): "Мы не сможем создать автоматических платежей на сумму
    /// больше чем вы укажете".
    pub paid_this_month: Decimal,
    pub settings: AutopaySettings,
    /// The chosen method's bounds on one payment ("Сумма платежа от 10.00 ₽
    /// до 3000.00 ₽").
    pub method_limits: AmountLimits,
}

/// Why an autopayment is or is not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision", content = "amount")]
pub enum AutopayDecision {
    /// Create a payment of this amount (in minor units of the currency).
    Pay(Decimal),
    /// The balance is not low, or already covers the month.
    NotNeeded,
    /// The monthly maximum is used up.
    MonthlyMaxReached,
    /// What the monthly maximum still allows is below the method's minimum.
    BelowMethodMinimum,
}

impl AutopayDecision {
    pub fn amount(self) -> Option<Decimal> {
        match self {
            AutopayDecision::Pay(a) => Some(a),
            _ => None,
        }
    }
}

/// PMT-5: when the balance is low, top it up to a month's worth, rounded up
/// to the minor unit (expenses carry four decimals and the top-up must
/// cover them); raised to the method's minimum, cut to its maximum, and
/// never past what the monthly maximum still allows.
pub fn plan_autopay(case: &AutopayCase) -> AutopayDecision {
    if case.balance >= case.low_below {
        return AutopayDecision::NotNeeded;
    }
    let digits = case.currency.minor_digits();
    let want = (case.top_up_to - case.balance).round_dp_with_strategy(digits, RoundingStrategy::AwayFromZero);
    if want <= Decimal::ZERO {
        return AutopayDecision::NotNeeded;
    }
    let mut amount = want;
    if let Some(min) = case.method_limits.min {
        amount = amount.max(min);
    }
    if let Some(max) = case.method_limits.max {
        amount = amount.min(max);
    }
    if let Some(monthly_max) = case.settings.monthly_max {
        let left = monthly_max - case.paid_this_month;
        if left <= Decimal::ZERO {
            return AutopayDecision::MonthlyMaxReached;
        }
        amount = amount.min(left);
    }
    if case.method_limits.min.is_some_and(|min| amount < min) {
        return AutopayDecision::BelowMethodMinimum;
    }
    AutopayDecision::Pay(amount)
}

/// [`plan_autopay`]'s amount, or `None` when nothing may be paid.
pub fn autopay_amount(case: &AutopayCase) -> Option<Decimal> {
    plan_autopay(case).amount()
}

crate::stored::stored_from_string!(SavedMethodStatus);

impl std::fmt::Display for SavedMethodStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn pmt7_renewal_one_day_ahead_and_60_days_for_domains_and_ssl() {
        assert_eq!(renewal_due_on(d(2024, 3, 21), false), d(2024, 3, 20));
        assert_eq!(renewal_due_on(d(2024, 3, 1), false), d(2024, 2, 29));
        // 2024 is a leap year: 21 March less 60 days is 21 January.
        assert_eq!(renewal_due_on(d(2024, 3, 21), true), d(2024, 1, 21));
        assert_eq!(renewal_due_on(d(2027, 3, 21), true), d(2027, 1, 20));
        assert_eq!(next_retry(d(2027, 2, 28)), d(2027, 3, 1));
    }

    #[test]
    fn pmt6_saved_method_status_follows_payment_results() {
        use PaymentOutcome::*;
        use SavedMethodStatus::*;
        assert_eq!(Configuring.after(Succeeded), Enabled);
        assert_eq!(Configuring.after(Failed), NotWorking);
        assert_eq!(Enabled.after(Failed), NotWorking);
        assert_eq!(NotWorking.after(Succeeded), Enabled);
        assert_eq!(NotWorking.reconfigure(), Configuring);
        assert!(Enabled.may_charge() && !NotWorking.may_charge() && !Configuring.may_charge());
        for s in SavedMethodStatus::ALL {
            assert_eq!(SavedMethodStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(NotWorking.as_str(), "not_working");
        assert_eq!(NotWorking.label_ru(), "Не работает");
    }

    #[test]
    fn pmt7_failed_card_renewal_is_retried_next_day_when_the_card_works() {
        let expires = d(2024, 3, 21);
        let card = RenewalSource::SavedMethod(SavedMethodStatus::Enabled);
        let ok = CreditStatus::Normal;
        assert_eq!(renewal_decision(d(2024, 3, 19), expires, false, card, None, ok), RenewalDecision::NotYet);
        assert_eq!(renewal_decision(d(2024, 3, 20), expires, false, card, None, ok), RenewalDecision::Attempt);

        let r = after_attempt(d(2024, 3, 20), card, PaymentOutcome::Failed);
        assert_eq!(
            r,
            AttemptResult {
                method_status: Some(SavedMethodStatus::NotWorking),
                notify_user: true,
                retry_on: Some(d(2024, 3, 21))
            }
        );
        let failed = Some(d(2024, 3, 20));
        let broken = RenewalSource::SavedMethod(SavedMethodStatus::NotWorking);
        assert_eq!(renewal_decision(d(2024, 3, 20), expires, false, broken, failed, ok), RenewalDecision::RetryTomorrow);
        assert_eq!(renewal_decision(d(2024, 3, 21), expires, false, broken, failed, ok), RenewalDecision::WaitForMethod);
        // The client topped up the card and paid: "Работает" again.
        assert_eq!(renewal_decision(d(2024, 3, 21), expires, false, card, failed, ok), RenewalDecision::Attempt);
        assert_eq!(renewal_decision(d(2024, 3, 22), expires, false, card, failed, ok), RenewalDecision::Lapsed);

        let r = after_attempt(d(2024, 3, 21), card, PaymentOutcome::Succeeded);
        assert_eq!(r, AttemptResult { method_status: Some(SavedMethodStatus::Enabled), notify_user: false, retry_on: None });
    }

    #[test]
    fn pmt7_domain_window_is_60_days_and_crd2_blocks_balance_renewal_only() {
        let expires = d(2027, 3, 21);
        let bal = RenewalSource::Balance;
        assert_eq!(renewal_decision(d(2027, 1, 19), expires, true, bal, None, CreditStatus::Normal), RenewalDecision::NotYet);
        assert_eq!(renewal_decision(d(2027, 1, 20), expires, true, bal, None, CreditStatus::Normal), RenewalDecision::Attempt);
        assert_eq!(
            renewal_decision(d(2027, 2, 1), expires, true, bal, None, CreditStatus::Blocked),
            RenewalDecision::CreditBlocked
        );
        let card = RenewalSource::SavedMethod(SavedMethodStatus::Enabled);
        assert_eq!(renewal_decision(d(2027, 2, 1), expires, true, card, None, CreditStatus::Blocked), RenewalDecision::Attempt);
        let r = after_attempt(d(2027, 2, 1), bal, PaymentOutcome::Failed);
        assert_eq!((r.method_status, r.retry_on), (None, Some(d(2027, 2, 2))));
    }

    #[test]
    fn pmt7_autorenew_period_defaults_to_the_order_and_changes_only_when_active() {
        assert_eq!(autorenew_period(1, None, false).unwrap(), 1);
        assert_eq!(autorenew_period(1, Some(12), true).unwrap(), 12);
        assert!(autorenew_period(1, Some(12), false).is_err());
        assert!(autorenew_period(1, Some(0), true).is_err());
    }

    #[test]
    fn pmt5_forecast_and_recommended_maximum_of_the_guide() {
        let items = [
            ForecastItem::fixed(dec!(60.00)).unwrap(),
            ForecastItem::new(dec!(0), dec!(250.00)).unwrap(),
            ForecastItem::new(dec!(0), dec!(310.00)).unwrap(),
        ];
        let f = forecast(&items);
        assert_eq!((f.min, f.max), (dec!(60.00), dec!(620.00)));
        assert_eq!(recommended_max(f.max, Currency::RUB), dec!(682.00));
        assert_eq!(forecast(&[]), Forecast { min: dec!(0), max: dec!(0) });
        assert!(ForecastItem::new(dec!(10), dec!(5)).is_err());
        assert!(ForecastItem::new(dec!(-1), dec!(5)).is_err());
    }

    #[test]
    fn pmt5_recommended_maximum_rounds_half_up_once() {
        // 0.15 × 1.1 = 0.165: half-up gives 0.17 (banker's would give 0.16).
        assert_eq!(recommended_max(dec!(0.15), Currency::RUB), dec!(0.17));
        // 22.4137 × 1.1 = 24.65507.
        assert_eq!(recommended_max(dec!(22.4137), Currency::RUB), dec!(24.66));
        assert_eq!(recommended_max(dec!(22.4137), "JPY".parse().unwrap()), dec!(25));
    }

    fn case(balance: Decimal, paid_this_month: Decimal, monthly_max: Option<Decimal>) -> AutopayCase {
        AutopayCase {
            currency: Currency::RUB,
            balance,
            low_below: dec!(0),
            top_up_to: dec!(620.00),
            paid_this_month,
            settings: AutopaySettings { monthly_max },
            method_limits: AmountLimits { min: Some(dec!(10.00)), max: Some(dec!(3000.00)) },
        }
    }

    #[test]
    fn pmt5_autopay_tops_up_to_a_month_and_is_capped_by_the_monthly_maximum() {
        let max = Some(dec!(682.00));
        assert_eq!(plan_autopay(&case(dec!(5.00), dec!(0), max)), AutopayDecision::NotNeeded);
        assert_eq!(plan_autopay(&case(dec!(-50.00), dec!(0), max)), AutopayDecision::Pay(dec!(670.00)));
        // Four-decimal debt: rounded up so the month is covered.
        assert_eq!(autopay_amount(&case(dec!(-22.4137), dec!(0), max)), Some(dec!(642.42)));
        assert_eq!(plan_autopay(&case(dec!(-50.00), dec!(500.00), max)), AutopayDecision::Pay(dec!(182.00)));
        assert_eq!(plan_autopay(&case(dec!(-50.00), dec!(682.00), max)), AutopayDecision::MonthlyMaxReached);
        assert_eq!(plan_autopay(&case(dec!(-50.00), dec!(675.00), max)), AutopayDecision::BelowMethodMinimum);
        assert_eq!(autopay_amount(&case(dec!(-50.00), dec!(675.00), max)), None);
        // ∞: only the method's own bounds.
        let mut c = case(dec!(-2500.00), dec!(10000), None);
        c.method_limits = AmountLimits::default();
        assert_eq!(plan_autopay(&c), AutopayDecision::Pay(dec!(3120.00)));
    }

    #[test]
    fn pmt5_autopay_respects_the_method_bounds() {
        let mut c = case(dec!(-1.00), dec!(0), Some(dec!(10000.00)));
        c.top_up_to = dec!(2.00);
        assert_eq!(plan_autopay(&c), AutopayDecision::Pay(dec!(10.00)));
        c.top_up_to = dec!(5000.00);
        assert_eq!(plan_autopay(&c), AutopayDecision::Pay(dec!(3000.00)));
        c.low_below = dec!(100.00);
        c.balance = dec!(50.00);
        c.top_up_to = dec!(40.00);
        assert_eq!(plan_autopay(&c), AutopayDecision::NotNeeded);
    }

    #[test]
    fn pmt5_unlimited_maximum_hides_methods_with_limits() {
        let limited = AmountLimits { min: Some(dec!(10.00)), max: Some(dec!(3000.00)) };
        assert!(method_selectable(Some(dec!(682.00)), &limited));
        assert!(!method_selectable(None, &limited));
        assert!(!method_selectable(None, &AmountLimits { min: None, max: Some(dec!(3000.00)) }));
        assert!(method_selectable(None, &AmountLimits::default()));
        assert!(AutopaySettings { monthly_max: Some(dec!(682.00)) }.validate(Currency::RUB).is_ok());
        assert!(AutopaySettings { monthly_max: None }.validate(Currency::RUB).is_ok());
        assert!(AutopaySettings { monthly_max: Some(dec!(0)) }.validate(Currency::RUB).is_err());
        assert!(AutopaySettings { monthly_max: Some(dec!(1.001)) }.validate(Currency::RUB).is_err());
    }
}
