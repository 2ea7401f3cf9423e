//! NTF-3: the templates shipped with Kopek, one file per event and
//! language (`templates/notifications/<locale>/<event>.txt`) with three
//! blocks — `subject`, `text` and `sms` — and one HTML layout per language
//! that lays the text out for the e-mail's HTML part. Rendered strictly:
//! a value a template names and the event does not carry is an error,
//! never an empty gap in a letter.

use chrono::NaiveDate;
use kopek_engine::notifications::channels::{Rendered, Renderer, TemplateSource};
use minijinja::{AutoEscape, Environment, State, UndefinedBehavior, Value, context};
use rust_decimal::{Decimal, RoundingStrategy};

/// The languages templates ship in; any other renders in the first.
pub const TEMPLATE_LOCALES: [&str; 2] = ["ru", "en"];

macro_rules! shipped {
    ($($event:literal),+ $(,)?) => {
        &[$(
            ("ru", $event, include_str!(concat!("../../templates/notifications/ru/", $event, ".txt"))),
            ("en", $event, include_str!(concat!("../../templates/notifications/en/", $event, ".txt"))),
        )+]
    };
}

/// (locale, event, source) of every shipped template.
const SHIPPED: &[(&str, &str, &str)] = shipped![
    "credit.invoice_issued",
    "credit.due_soon",
    "credit.overdue",
    "credit.block_soon",
    "credit.blocked",
    "credit.unblocked",
    "renewal.payment_failed",
    "autopay.payment_failed",
    "payment.credited",
    "payment.failed",
    "renewal.done",
    "invoice.issued",
    "act.issued",
    "contract.issued",
    "balance.low",
    "service.opened",
    "service.stopped",
    "service.blocked",
    "service.unblocked",
    "service.expiring",
    "service.deleted",
    "support.reply",
    "support.ticket_created",
    "news.published",
    "notify.test",
    "account.phone_code",
];

const LAYOUTS: [(&str, &str); 2] = [
    ("ru", include_str!("../../templates/notifications/ru/layout.html")),
    ("en", include_str!("../../templates/notifications/en/layout.html")),
];

pub struct ShippedTemplates {
    env: Environment<'static>,
}

impl Default for ShippedTemplates {
    fn default() -> Self {
        ShippedTemplates::new()
    }
}

impl ShippedTemplates {
    pub fn new() -> ShippedTemplates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
        for (locale, event, source) in SHIPPED {
            env.add_template_owned(format!("{locale}/{event}.txt"), *source).expect("a shipped template parses");
        }
        for (locale, source) in LAYOUTS {
            env.add_template_owned(format!("{locale}/layout.html"), source).expect("a shipped layout parses");
        }
        env.add_filter("money", money);
        env.add_filter("day", day);
        ShippedTemplates { env }
    }

    /// The events that have a template in every language.
    pub fn events(&self) -> Vec<&'static str> {
        SHIPPED.iter().filter(|(l, _, _)| *l == TEMPLATE_LOCALES[0]).map(|(_, e, _)| *e).collect()
    }
}

impl Renderer for ShippedTemplates {
    fn render(&self, event: &str, locale: &str, data: &serde_json::Value) -> Result<Rendered, String> {
        let locale = TEMPLATE_LOCALES.into_iter().find(|l| *l == locale).unwrap_or(TEMPLATE_LOCALES[0]);
        let name = format!("{locale}/{event}.txt");
        let tmpl = self.env.get_template(&name).map_err(|_| format!("no template for the event {event:?}"))?;
        let ctx = context! { locale => locale, ..Value::from(minijinja::value::Serde(data)) };
        let mut captured = tmpl.render_captured(ctx).map_err(|e| describe(&name, &e))?;
        let blocks = captured.with_state_mut(|state| -> Result<[String; 3], minijinja::Error> {
            Ok([state.render_block("subject")?, state.render_block("text")?, state.render_block("sms")?])
        });
        let [subject, text, sms] = blocks.map_err(|e| describe(&name, &e))?;
        self.finish(locale, &subject, &text, &sms, None)
    }

    fn render_source(
        &self,
        event: &str,
        locale: &str,
        source: &TemplateSource,
        data: &serde_json::Value,
    ) -> Result<Rendered, String> {
        let locale = TEMPLATE_LOCALES.into_iter().find(|l| *l == locale).unwrap_or(TEMPLATE_LOCALES[0]);
        let ctx = context! { locale => locale, ..Value::from(minijinja::value::Serde(data)) };
        let part = |part: &str, src: &str| {
            let name = format!("{locale}/{event}.{part}");
            self.env.render_named_str(&name, src, ctx.clone()).map_err(|e| describe(&name, &e))
        };
        let (subject, text, sms) = (part("subject", &source.subject)?, part("text", &source.text)?, part("sms", &source.sms)?);
        let html = match &source.html {
            Some(src) => {
                let name = format!("{locale}/{event}.html");
                let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
                let ctx = context! { subject => subject, text => text.trim(), ..ctx.clone() };
                Some(self.env.render_named_str(&name, src, ctx).map_err(|e| describe(&name, &e))?)
            }
            None => None,
        };
        self.finish(locale, &subject, &text, &sms, html)
    }

    fn check(&self, event: &str, locale: &str, source: &TemplateSource) -> Result<(), String> {
        let shipped = format!("{locale}/{event}.txt");
        let tmpl = self.env.get_template(&shipped).map_err(|_| format!("no template for the event {event:?}"))?;
        let mut known = tmpl.undeclared_variables(false);
        known.insert("locale".into());
        let mut parts = vec![("subject", source.subject.as_str()), ("text", source.text.as_str()), ("sms", source.sms.as_str())];
        if let Some(html) = &source.html {
            parts.push(("html", html.as_str()));
        }
        for (part, src) in parts {
            let name = format!("{locale}/{event}.{part}");
            let parsed = self.env.template_from_named_str(&name, src).map_err(|e| describe(&name, &e))?;
            let mut unknown: Vec<String> = parsed
                .undeclared_variables(false)
                .into_iter()
                .filter(|v| !(known.contains(v) || (part == "html" && matches!(v.as_str(), "subject" | "text"))))
                .collect();
            unknown.sort_unstable();
            if let Some(var) = unknown.first() {
                let line = src.lines().position(|l| mentions(l, var)).map_or(1, |i| i + 1);
                return Err(format!("{name}, line {line}: {var:?} is not a value of the event {event}"));
            }
        }
        Ok(())
    }
}

impl ShippedTemplates {
    /// The rendered parts tidied, with the HTML part laid out from the
    /// text unless the template has its own.
    fn finish(&self, locale: &str, subject: &str, text: &str, sms: &str, html: Option<String>) -> Result<Rendered, String> {
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.trim().to_string();
        let html = match html {
            Some(html) => html,
            None => {
                let paragraphs: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
                let layout = format!("{locale}/layout.html");
                self.env
                    .get_template(&layout)
                    .and_then(|t| t.render(context! { subject => subject.clone(), paragraphs => paragraphs }))
                    .map_err(|e| describe(&layout, &e))?
            }
        };
        Ok(Rendered { subject, text, html, sms: sms.trim().to_string() })
    }
}

/// Whether a template's line names `var` as a whole word.
fn mentions(line: &str, var: &str) -> bool {
    line.match_indices(var).any(|(i, _)| {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let before = line[..i].chars().next_back().is_none_or(|c| !word(c));
        let after = line[i + var.len()..].chars().next().is_none_or(|c| !word(c));
        before && after
    })
}

/// The error with the template's name and line.
fn describe(name: &str, e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("{name}, line {line}: {}", e.detail().unwrap_or(&e.to_string())),
        None => format!("{name}: {e}"),
    }
}

fn locale_of(state: &State) -> String {
    state.lookup("locale").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| TEMPLATE_LOCALES[0].into())
}

/// An amount — a decimal text, as the engine's events carry money, or a
/// whole number — with two places and its currency, as the language writes it:
/// "1 234,50 ₽", "1,234.50 RUB".
fn money(state: &State, amount: Value, currency: String) -> Result<String, minijinja::Error> {
    let bad = || minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("{amount} is not an amount"));
    let value = match amount.as_i64() {
        Some(whole) => Decimal::from(whole),
        None => amount.as_str().and_then(|s| s.parse::<Decimal>().ok()).ok_or_else(bad)?,
    };
    let value = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let plain = format!("{:.2}", value.abs());
    let (whole, cents) = plain.split_once('.').unwrap_or((&plain, "00"));
    let ru = locale_of(state) == "ru";
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(if ru { '\u{a0}' } else { ',' });
        }
        grouped.push(c);
    }
    let sign = if value.is_sign_negative() && !value.is_zero() { "-" } else { "" };
    Ok(match (ru, currency.as_str()) {
        (true, "RUB") => format!("{sign}{grouped},{cents}\u{a0}₽"),
        (true, _) => format!("{sign}{grouped},{cents}\u{a0}{currency}"),
        (false, _) => format!("{sign}{grouped}.{cents} {currency}"),
    })
}

/// A date as the language writes it: 15.01.2027, 15 Jan 2027.
fn day(state: &State, value: String) -> Result<String, minijinja::Error> {
    let date = NaiveDate::parse_from_str(value.get(..10).unwrap_or(&value), "%Y-%m-%d")
        .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("{value:?} is not a date")))?;
    Ok(if locale_of(state) == "ru" { date.format("%d.%m.%Y").to_string() } else { date.format("%-d %b %Y").to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice() -> serde_json::Value {
        serde_json::json!({
            "invoice_id": 7, "amount": "1234.5000", "remaining": "1234.5", "currency": "RUB",
            "due_on": "2027-01-15", "block_on": "2027-01-25",
        })
    }

    #[test]
    fn ntf3_every_event_ships_in_both_languages_and_renders() {
        let t = ShippedTemplates::new();
        let mut events: Vec<&str> = kopek_domain::notification::EVENTS.iter().map(|(e, _)| *e).collect();
        events.sort_unstable();
        let mut shipped = t.events();
        shipped.sort_unstable();
        // The phone code goes straight to one number, never through the
        // inbox, so it is no notification event; it ships all the same.
        shipped.retain(|e| *e != kopek_engine::accounts::phone::PHONE_CODE_EVENT);
        events.extend(kopek_domain::notification::STAFF_EVENTS);
        events.sort_unstable();
        assert_eq!(shipped, events);
        events.push(kopek_engine::accounts::phone::PHONE_CODE_EVENT);
        let data = serde_json::json!({
            "invoice_id": 7, "amount": "1", "remaining": 1, "currency": "RUB", "due_on": "2027-01-15",
            "block_on": "2027-01-25", "subscription_id": 3, "reason": "no money", "retry_on": "2027-01-16",
            "payment_id": 9, "to": "a@b.ru", "renewed_subscriptions": [], "number": "P-9", "balance": "-3.5",
            "balance_currency": "RUB", "service": "Хостинг", "months": 3, "paid_until": "2027-04-15", "state": "active",
            "auto_renew": true, "ticket_id": 5, "subject": "Вопрос", "code": "042917", "news_id": 4, "title": "Работы", "body": "Ночью",
            "client": "ООО Ромашка", "department": "Технический",
            "threshold": "500", "daily_expense": "10", "days_left": 9, "issued_on": "31.01.2027", "document_id": 3,
        });
        for event in events {
            for locale in TEMPLATE_LOCALES {
                let r = t.render(event, locale, &data).unwrap_or_else(|e| panic!("{event} {locale}: {e}"));
                assert!(!r.subject.is_empty() && !r.text.is_empty() && !r.sms.is_empty(), "{event} {locale}");
                assert!(r.html.contains(&r.subject), "{event} {locale}");
            }
        }
    }

    #[test]
    fn ntf3_a_reminder_reads_in_the_user_s_language() {
        let t = ShippedTemplates::new();
        let ru = t.render("credit.due_soon", "ru", &invoice()).unwrap();
        assert_eq!(ru.subject, "Через три дня срок оплаты счёта № 7");
        assert!(ru.text.contains("до 15.01.2027. К оплате: 1\u{a0}234,50\u{a0}₽."), "{}", ru.text);
        let en = t.render("credit.due_soon", "en", &invoice()).unwrap();
        assert_eq!(en.subject, "Invoice No. 7 is due in three days");
        assert!(en.text.contains("due by 15 Jan 2027. To pay: 1,234.50 RUB."), "{}", en.text);
        let other = t.render("credit.due_soon", "de", &invoice()).unwrap();
        assert_eq!(other.subject, ru.subject, "an unknown language reads as the provider's");
    }

    /// NTF-1: the low-balance notice with its forecast, and without one
    /// when nothing was spent in the last 30 days.
    #[test]
    fn ntf1_low_balance_reads_with_and_without_a_forecast() {
        let t = ShippedTemplates::new();
        let data = serde_json::json!({
            "balance": "95.00", "currency": "RUB", "threshold": "100.00", "daily_expense": "10.00", "days_left": 9,
        });
        let ru = t.render("balance.low", "ru", &data).unwrap();
        // A subject's spaces are all plain ones.
        assert_eq!(ru.subject, "Баланс ниже 100,00 ₽");
        assert_eq!(
            ru.text,
            "На лицевом счёте доступно 95,00\u{a0}₽ — меньше порога 100,00\u{a0}₽, который вы задали в настройках.\n\
             При среднем расходе 10,00\u{a0}₽ в день (за последние 30 дней) средств хватит на 9 дн.\n\
             Пополните баланс, чтобы услуги не остановились."
        );
        assert_eq!(ru.sms, "Баланс 95,00\u{a0}₽ ниже порога 100,00\u{a0}₽. Хватит на 9 дн.");
        let mut none = data.clone();
        none["days_left"] = serde_json::Value::Null;
        let en = t.render("balance.low", "en", &none).unwrap();
        assert_eq!(en.subject, "Balance below 100.00 RUB");
        assert!(en.text.contains("\nThere were no expenses in the last 30 days, so there is no forecast.\n"), "{}", en.text);
        assert_eq!(en.sms, "Balance 95.00 RUB is below 100.00 RUB.");
    }

    #[test]
    fn acc4_a_new_ticket_reads_to_staff_with_its_client_and_department() {
        let t = ShippedTemplates::new();
        let data =
            serde_json::json!({ "ticket_id": 12, "subject": "Сервер", "client": "ООО Ромашка", "department": "Технический" });
        let ru = t.render("support.ticket_created", "ru", &data).unwrap();
        assert_eq!(ru.subject, "Новый запрос № 12: Сервер");
        assert_eq!(
            ru.text,
            "Клиент «ООО Ромашка» открыл запрос № 12 «Сервер» в отделе «Технический».\nОтветить можно в разделе «Поддержка — Запросы»."
        );
        let en = t.render("support.ticket_created", "en", &data).unwrap();
        assert_eq!(en.subject, "New request No. 12: Сервер");
        let bare = serde_json::json!({ "ticket_id": 12, "subject": "Сервер", "client": "", "department": "" });
        let ru = t.render("support.ticket_created", "ru", &bare).unwrap();
        assert!(ru.text.starts_with("Клиент открыл запрос № 12 «Сервер».\n"), "{}", ru.text);
    }

    #[test]
    fn ntf3_the_html_part_escapes_what_the_event_carries() {
        let t = ShippedTemplates::new();
        let data = serde_json::json!({ "payment_id": 9, "reason": "<script>x</script>" });
        let r = t.render("autopay.payment_failed", "en", &data).unwrap();
        assert!(r.text.contains("<script>x</script>"));
        assert!(r.html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;") && !r.html.contains("<script>"), "{}", r.html);
    }

    #[test]
    fn ntf3_staff_s_template_is_checked_and_rendered_in_place_of_the_shipped_one() {
        let t = ShippedTemplates::new();
        let own = TemplateSource {
            subject: "Счёт {{ invoice_id }}".into(),
            text: "Оплатите {{ remaining|money(currency) }}\nдо {{ due_on|day }}".into(),
            sms: "{{ invoice_id }}".into(),
            html: Some("<p>{{ subject }}: {{ text }}</p>".into()),
        };
        assert_eq!(t.check("credit.due_soon", "ru", &own), Ok(()));
        let data = serde_json::json!({ "invoice_id": 7, "remaining": "1234.5", "currency": "RUB", "due_on": "2027-01-15", "block_on": "2027-01-25" });
        let r = t.render_source("credit.due_soon", "ru", &own, &data).unwrap();
        assert_eq!(
            (r.subject.as_str(), r.text.as_str(), r.sms.as_str()),
            ("Счёт 7", "Оплатите 1\u{a0}234,50\u{a0}₽\nдо 15.01.2027", "7")
        );
        assert_eq!(r.html, "<p>Счёт 7: Оплатите 1\u{a0}234,50\u{a0}₽\nдо 15.01.2027</p>");
        let unknown = TemplateSource { sms: "ok\n{{ bonus }}".into(), ..own.clone() };
        assert_eq!(
            t.check("credit.due_soon", "ru", &unknown).unwrap_err(),
            "ru/credit.due_soon.sms, line 2: \"bonus\" is not a value of the event credit.due_soon"
        );
        let broken = TemplateSource { text: "a\n{% if x %}".into(), ..own };
        assert!(t.check("credit.due_soon", "en", &broken).unwrap_err().starts_with("en/credit.due_soon.text, line "));
    }

    #[test]
    fn ntf3_a_missing_value_or_an_unknown_event_is_an_error_naming_it() {
        let t = ShippedTemplates::new();
        let err = t.render("credit.due_soon", "ru", &serde_json::json!({ "invoice_id": 7 })).unwrap_err();
        assert!(err.starts_with("ru/credit.due_soon.txt, line "), "{err}");
        assert_eq!(t.render("no.such", "ru", &invoice()).unwrap_err(), "no template for the event \"no.such\"");
    }
}
