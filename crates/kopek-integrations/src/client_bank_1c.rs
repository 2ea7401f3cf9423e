//! The 1C client-bank exchange format (`1CClientBankExchange`), in which
//! Russian banks export account statements: `key=value` lines, one
//! `СекцияДокумент=…` … `КонецДокумента` section per payment, and
//! `КонецФайла` at the end. Banks write it in Windows-1251 (`Кодировка=Windows`),
//! rarely in CP866 (`Кодировка=DOS`), and converted files arrive in UTF-8.
//!
//! A statement credits money, so a file that is cut short or malformed is
//! refused whole with the line at fault, never half-read.

use chrono::NaiveDate;
use encoding_rs::{Encoding, IBM866, WINDOWS_1251};
use rust_decimal::Decimal;
use thiserror::Error;

const HEADER: &str = "1CClientBankExchange";
const ENCODING_KEY: &str = "Кодировка=";

/// One payment document of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementDocument {
    /// The line of its `СекцияДокумент`, for messages to staff.
    pub line: usize,
    /// The section's document kind, e.g. "Платежное поручение".
    pub kind: String,
    pub number: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub payer_name: Option<String>,
    pub payer_inn: Option<String>,
    pub payer_account: Option<String>,
    pub recipient_name: Option<String>,
    pub recipient_inn: Option<String>,
    pub recipient_account: Option<String>,
    /// НазначениеПлатежа: where payers write the invoice they pay.
    pub purpose: String,
    /// ДатаПоступило: when the money reached the recipient's account.
    pub received_on: Option<NaiveDate>,
    /// ДатаСписано: when it left the payer's account.
    pub written_off_on: Option<NaiveDate>,
    /// Every field as written, in order, for what the typed ones omit.
    pub fields: Vec<(String, String)>,
}

impl StatementDocument {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Money into `account` (ours), not money we sent.
    pub fn is_credit_to(&self, account: &str) -> bool {
        self.recipient_account.as_deref() == Some(account)
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("line {line}: {message}")]
pub struct StatementError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, StatementError> {
    Err(StatementError { line, message: message.into() })
}

/// Decodes the file's text. UTF-8 is tried first: Cyrillic in Windows-1251
/// or CP866 is practically never valid UTF-8. Of the single-byte encodings,
/// the one in which the `Кодировка=` line can be read is the one used.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let read = |encoding: &'static Encoding| encoding.decode_without_bom_handling(bytes).0.into_owned();
    let windows = read(WINDOWS_1251);
    if windows.contains(ENCODING_KEY) {
        return windows;
    }
    let dos = read(IBM866);
    if dos.contains(&format!("{ENCODING_KEY}DOS")) { dos } else { windows }
}

fn parse_date(line: usize, key: &str, value: &str) -> Result<NaiveDate, StatementError> {
    NaiveDate::parse_from_str(value, "%d.%m.%Y").or_else(|_| err(line, format!("{key} is not a date DD.MM.YYYY: {value:?}")))
}

fn parse_amount(line: usize, value: &str) -> Result<Decimal, StatementError> {
    // Some banks write a decimal comma.
    let amount =
        Decimal::from_str_exact(&value.replace(',', ".")).or_else(|_| err(line, format!("Сумма is not an amount: {value:?}")))?;
    if amount <= Decimal::ZERO {
        return err(line, format!("Сумма must be positive: {value:?}"));
    }
    if amount.normalize().scale() > 2 {
        return err(line, format!("Сумма has more than two decimal places: {value:?}"));
    }
    Ok(amount)
}

/// A document section being read: its fields with the line of each.
struct Section {
    line: usize,
    kind: String,
    fields: Vec<(String, String, usize)>,
}

impl Section {
    fn get(&self, key: &str) -> Option<(&str, usize)> {
        self.fields.iter().rev().find(|(k, _, _)| k == key).map(|(_, v, l)| (v.as_str(), *l))
    }

    fn text(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.get(k)).map(|(v, _)| v.to_string()).filter(|v| !v.is_empty())
    }

    fn required(&self, key: &str) -> Result<(&str, usize), StatementError> {
        match self.get(key) {
            Some((v, l)) if !v.is_empty() => Ok((v, l)),
            Some((_, l)) => err(l, format!("{key} is empty")),
            None => err(self.line, format!("the document has no {key}")),
        }
    }

    fn date(&self, key: &str) -> Result<Option<NaiveDate>, StatementError> {
        match self.get(key) {
            Some((v, l)) if !v.is_empty() => parse_date(l, key, v).map(Some),
            _ => Ok(None),
        }
    }

    fn finish(self) -> Result<StatementDocument, StatementError> {
        let (number, _) = self.required("Номер")?;
        let (date, date_line) = self.required("Дата")?;
        let (amount, amount_line) = self.required("Сумма")?;
        // Long purposes are sometimes split over numbered fields.
        let purpose = self.text(&["НазначениеПлатежа"]).unwrap_or_else(|| {
            (1..=6).filter_map(|i| self.text(&[&format!("НазначениеПлатежа{i}")])).collect::<Vec<_>>().join(" ")
        });
        Ok(StatementDocument {
            line: self.line,
            number: number.to_string(),
            date: parse_date(date_line, "Дата", date)?,
            amount: parse_amount(amount_line, amount)?,
            // Плательщик1 is the bare name; Плательщик may prefix the INN.
            payer_name: self.text(&["Плательщик1", "Плательщик"]),
            payer_inn: self.text(&["ПлательщикИНН"]),
            payer_account: self.text(&["ПлательщикСчет", "ПлательщикРасчСчет"]),
            recipient_name: self.text(&["Получатель1", "Получатель"]),
            recipient_inn: self.text(&["ПолучательИНН"]),
            recipient_account: self.text(&["ПолучательСчет", "ПолучательРасчСчет"]),
            purpose,
            received_on: self.date("ДатаПоступило")?,
            written_off_on: self.date("ДатаСписано")?,
            kind: self.kind,
            fields: self.fields.into_iter().map(|(k, v, _)| (k, v)).collect(),
        })
    }
}

enum Place {
    Start,
    Header,
    Account(usize),
    Document(Section),
    Done,
}

/// Reads a statement file into its payment documents, in file order.
pub fn parse_statement(bytes: &[u8]) -> Result<Vec<StatementDocument>, StatementError> {
    let text = decode(bytes);
    let mut documents = Vec::new();
    let mut place = Place::Start;
    let mut last = 0;
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        last = n;
        place = match place {
            Place::Start if line == HEADER => Place::Header,
            Place::Start => return err(n, format!("not a 1C client-bank file: it must begin with {HEADER}")),
            Place::Done => return err(n, "text after КонецФайла"),
            Place::Header => match line {
                "КонецФайла" => Place::Done,
                "СекцияРасчСчет" => Place::Account(n),
                _ if line.starts_with("СекцияДокумент") => match line.split_once('=') {
                    Some((_, kind)) if !kind.trim().is_empty() => {
                        Place::Document(Section { line: n, kind: kind.trim().to_string(), fields: Vec::new() })
                    }
                    _ => return err(n, "СекцияДокумент has no document kind"),
                },
                "КонецРасчСчет" => return err(n, "КонецРасчСчет without СекцияРасчСчет"),
                "КонецДокумента" => return err(n, "КонецДокумента without СекцияДокумент"),
                _ if line.contains('=') => Place::Header,
                _ => return err(n, format!("expected key=value, found {line:?}")),
            },
            Place::Account(start) => match line {
                "КонецРасчСчет" => Place::Header,
                _ if line.contains('=') && !line.starts_with("Секция") => Place::Account(start),
                _ => return err(n, format!("{line:?} inside the account section that began on line {start}")),
            },
            Place::Document(mut section) => match line {
                "КонецДокумента" => {
                    documents.push(section.finish()?);
                    Place::Header
                }
                _ if line.starts_with("Секция") || line.starts_with("Конец") => {
                    return err(n, format!("{line:?} inside the document that began on line {}", section.line));
                }
                _ => match line.split_once('=') {
                    Some((key, value)) if !key.trim().is_empty() => {
                        section.fields.push((key.trim().to_string(), value.trim().to_string(), n));
                        Place::Document(section)
                    }
                    _ => return err(n, format!("expected key=value, found {line:?}")),
                },
            },
        };
    }
    match place {
        Place::Done => Ok(documents),
        Place::Start => err(1, "the file is empty"),
        Place::Document(section) => err(last, format!("the file ends inside the document that began on line {}", section.line)),
        _ => err(last, "the file ends without КонецФайла: it may be cut short"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\n\
        СекцияРасчСчет\r\nРасчСчет=40702810900000000001\r\nКонецРасчСчет\r\n\
        СекцияДокумент=Платежное поручение\r\nНомер=7\r\nДата=01.02.2025\r\nСумма=1200,50\r\n\
        Плательщик=ИНН 7701000001 ООО Ромашка\r\nПлательщикИНН=7701000001\r\n\
        ПолучательСчет=40702810900000000001\r\nДатаПоступило=02.02.2025\r\n\
        НазначениеПлатежа1=Оплата по счету\r\nНазначениеПлатежа2=bank/3\r\nКонецДокумента\r\nКонецФайла\r\n";

    #[test]
    fn reads_a_document_with_split_purpose_and_decimal_comma() {
        let docs = parse_statement(ONE.as_bytes()).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.line, 7);
        assert_eq!(d.amount, Decimal::new(120050, 2));
        assert_eq!(d.payer_name.as_deref(), Some("ИНН 7701000001 ООО Ромашка"));
        assert_eq!(d.purpose, "Оплата по счету bank/3");
        assert_eq!(d.received_on, NaiveDate::from_ymd_opt(2025, 2, 2));
        assert!(d.is_credit_to("40702810900000000001"));
        assert_eq!(d.field("Номер"), Some("7"));
    }

    #[test]
    fn reads_dos_encoding() {
        let text = ONE.replace("Кодировка=Windows", "Кодировка=DOS");
        let (bytes, _, _) = IBM866.encode(&text);
        assert_eq!(parse_statement(&bytes).unwrap()[0].purpose, "Оплата по счету bank/3");
    }

    #[test]
    fn refuses_malformed_files_with_the_line() {
        let cut = ONE.replace("КонецФайла\r\n", "");
        assert_eq!(parse_statement(cut.as_bytes()).unwrap_err().line, 17);
        let bad_sum = ONE.replace("Сумма=1200,50", "Сумма=12O0");
        let e = parse_statement(bad_sum.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.message.contains("Сумма")), (10, true));
        let no_number = ONE.replace("Номер=7\r\n", "");
        assert_eq!(parse_statement(no_number.as_bytes()).unwrap_err().to_string(), "line 7: the document has no Номер");
        let junk = ONE.replace("Номер=7", "Номер 7");
        assert_eq!(parse_statement(junk.as_bytes()).unwrap_err().line, 8);
        assert_eq!(parse_statement(b"Hello\n").unwrap_err().line, 1);
        assert_eq!(parse_statement(b"").unwrap_err().line, 1);
        let nested = ONE.replace("КонецДокумента", "СекцияДокумент=Платежное поручение");
        assert_eq!(parse_statement(nested.as_bytes()).unwrap_err().line, 17);
    }
}
