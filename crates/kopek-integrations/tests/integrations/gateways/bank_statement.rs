use chrono::NaiveDate;
use encoding_rs::WINDOWS_1251;
use kopek_integrations::{
    BankTransferGateway, GatewayError, GatewayStatus, MatchResult, PaymentGateway, match_statement, parse_statement,
};
use rust_decimal_macros::dec;

use super::{now, payment, webhook};

const OUR_ACCOUNT: &str = "40702810938000012345";

/// A statement as a bank's client-bank exports it: three incoming payment
/// orders, one paying bank/101 exactly, one paying bank/102 short, and one
/// that names no invoice.
fn statement() -> String {
    let doc = |number: &str, amount: &str, payer: &str, inn: &str, purpose: &str| {
        format!(
            "СекцияДокумент=Платежное поручение\r\n\
             Номер={number}\r\n\
             Дата=14.01.2025\r\n\
             Сумма={amount}\r\n\
             ПлательщикСчет=40702810400000001111\r\n\
             ДатаСписано=14.01.2025\r\n\
             Плательщик=ИНН {inn} {payer}\r\n\
             ПлательщикИНН={inn}\r\n\
             Плательщик1={payer}\r\n\
             ПлательщикРасчСчет=40702810400000001111\r\n\
             ПлательщикБанк1=ПАО СБЕРБАНК\r\n\
             ПлательщикБИК=044525225\r\n\
             ПлательщикКорсчет=30101810400000000225\r\n\
             ПолучательСчет={OUR_ACCOUNT}\r\n\
             ДатаПоступило=15.01.2025\r\n\
             Получатель=ИНН 7725000000 ООО \"Копейка Хостинг\"\r\n\
             ПолучательИНН=7725000000\r\n\
             Получатель1=ООО \"Копейка Хостинг\"\r\n\
             ПолучательРасчСчет={OUR_ACCOUNT}\r\n\
             ВидОплаты=01\r\n\
             Очередность=5\r\n\
             НазначениеПлатежа={purpose}\r\n\
             КонецДокумента\r\n"
        )
    };
    let mut s = String::from(
        "1CClientBankExchange\r\n\
         ВерсияФормата=1.03\r\n\
         Кодировка=Windows\r\n\
         Отправитель=СберБизнес\r\n\
         Получатель=1С:Бухгалтерия\r\n\
         ДатаСоздания=16.01.2025\r\n\
         ВремяСоздания=09:12:44\r\n\
         ДатаНачала=14.01.2025\r\n\
         ДатаКонца=15.01.2025\r\n",
    );
    s += &format!("РасчСчет={OUR_ACCOUNT}\r\nДокумент=Платежное поручение\r\n");
    s += &format!(
        "СекцияРасчСчет\r\nДатаНачала=14.01.2025\r\nДатаКонца=15.01.2025\r\nРасчСчет={OUR_ACCOUNT}\r\n\
         НачальныйОстаток=10000.00\r\nВсегоПоступило=4490.00\r\nВсегоСписано=0.00\r\nКонечныйОстаток=14490.00\r\nКонецРасчСчет\r\n"
    );
    s += &doc("311", "1500.00", "ООО \"Ромашка\"", "7701234567", "Оплата по счету № bank/101 от 10.01.2025 за хостинг. Без НДС");
    s += &doc("58", "990.00", "ИП Иванов Иван Иванович", "500100732259", "Оплата счета BANK/102, в т.ч. НДС 20% 165-00");
    s += &doc("1024", "2000.00", "АО \"Лютик\"", "7702000001", "Возврат излишне перечисленных средств по договору 15/2024");
    s += "КонецФайла\r\n";
    s
}

fn open_payments() -> Vec<(String, rust_decimal::Decimal)> {
    vec![("bank/100".to_string(), dec!(700.00)), ("bank/101".to_string(), dec!(1500.00)), ("bank/102".to_string(), dec!(1000.00))]
}

#[test]
fn pmt4_bank_statement_parsed_from_utf8_and_windows_1251() {
    let text = statement();
    let (cp1251, _, unmappable) = WINDOWS_1251.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&cp1251).is_err(), "the fixture must really be Windows-1251");

    let from_utf8 = parse_statement(text.as_bytes()).unwrap();
    let from_cp1251 = parse_statement(&cp1251).unwrap();
    assert_eq!(from_utf8, from_cp1251);
    assert_eq!(from_utf8.len(), 3);

    let first = &from_utf8[0];
    assert_eq!(first.kind, "Платежное поручение");
    assert_eq!(first.number, "311");
    assert_eq!(first.date, NaiveDate::from_ymd_opt(2025, 1, 14).unwrap());
    assert_eq!(first.amount, dec!(1500.00));
    assert_eq!(first.payer_inn.as_deref(), Some("7701234567"));
    assert_eq!(first.payer_name.as_deref(), Some("ООО \"Ромашка\""));
    assert_eq!(first.recipient_account.as_deref(), Some(OUR_ACCOUNT));
    assert_eq!(first.received_on, NaiveDate::from_ymd_opt(2025, 1, 15));
    assert!(first.purpose.contains("bank/101"));
    assert!(from_utf8.iter().all(|d| d.is_credit_to(OUR_ACCOUNT)));
    assert_eq!(from_utf8.iter().map(|d| d.amount).sum::<rust_decimal::Decimal>(), dec!(4490.00));
}

#[test]
fn pmt4_bank_statement_matched_to_open_payments() {
    let docs = parse_statement(statement().as_bytes()).unwrap();
    assert_eq!(
        match_statement(&docs, &open_payments()),
        vec![
            MatchResult::Matched("bank/101".to_string()),
            MatchResult::WrongAmount { payment_id: "bank/102".to_string(), expected: dec!(1000), got: dec!(990) },
            MatchResult::Unknown,
        ]
    );
}

#[test]
fn pmt4_bank_statement_malformed_files_name_the_line() {
    let text = statement();
    let cut: String = text.lines().take(40).map(|l| format!("{l}\r\n")).collect();
    let e = parse_statement(cut.as_bytes()).unwrap_err();
    assert_eq!(e.line, 40);
    assert!(e.to_string().starts_with("line 40: the file ends inside the document"), "{e}");

    let bad_date = text.replacen("Дата=14.01.2025", "Дата=2025-01-14", 1);
    let e = parse_statement(bad_date.as_bytes()).unwrap_err();
    let line = text.lines().position(|l| l == "Дата=14.01.2025").unwrap() + 1;
    assert_eq!(e.line, line);
    assert!(e.message.contains("Дата"), "{e}");

    let negative = text.replacen("Сумма=990.00", "Сумма=-990.00", 1);
    let (cp1251, _, _) = WINDOWS_1251.encode(&negative);
    let e = parse_statement(&cp1251).unwrap_err();
    assert!(e.message.contains("positive"), "{e}");

    assert_eq!(parse_statement("ВерсияФормата=1.03\r\n".as_bytes()).unwrap_err().line, 1);
}

#[tokio::test]
async fn pmt4_bank_transfer_waits_for_the_money() {
    let gw = BankTransferGateway::new();
    let p = gw.create(&payment("bank/103", "pay-bank-103", dec!(4200), "RUB")).await.unwrap();
    assert_eq!(p.external_id, "bank/103");
    assert_eq!(p.status, GatewayStatus::Pending);
    assert_eq!((p.confirmation_url, p.amount), (None, dec!(4200)));
    assert!(matches!(gw.fetch("bank/103").await, Err(GatewayError::Unsupported(_))));
    let e = gw.verify_webhook(&webhook(&[], b"{}", now())).await.unwrap_err();
    assert_eq!(e.code(), "gateway_unsupported");
}
