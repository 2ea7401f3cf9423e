//! A 1C bank statement as a bank's client-bank exports it, for the tests
//! that upload one (PMT-4): the API's, the panel's and the browser's.

/// Windows-1251 for the text a 1C statement holds: ASCII, Cyrillic and "№".
pub fn cp1251(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '№' => 0xB9,
            other => panic!("{other:?} is not in this Windows-1251 subset"),
        })
        .collect()
}

/// A statement as a bank's client-bank exports it, one incoming payment
/// order per (number, amount, purpose).
pub fn statement(docs: &[(&str, &str, String)]) -> String {
    const OURS: &str = "40702810938000012345";
    let mut s = format!(
        "1CClientBankExchange\r\nВерсияФормата=1.03\r\nКодировка=Windows\r\nОтправитель=СберБизнес\r\nПолучатель=1С:Бухгалтерия\r\n\
         ДатаСоздания=02.03.2026\r\nДатаНачала=01.03.2026\r\nДатаКонца=01.03.2026\r\nРасчСчет={OURS}\r\nДокумент=Платежное поручение\r\n\
         СекцияРасчСчет\r\nДатаНачала=01.03.2026\r\nДатаКонца=01.03.2026\r\nРасчСчет={OURS}\r\nНачальныйОстаток=0.00\r\nКонецРасчСчет\r\n"
    );
    for (number, amount, purpose) in docs {
        s += &format!(
            "СекцияДокумент=Платежное поручение\r\nНомер={number}\r\nДата=01.03.2026\r\nСумма={amount}\r\n\
             Плательщик1=ООО \"Ромашка\"\r\nПлательщикИНН=7707083893\r\nПлательщикСчет=40702810400000001111\r\n\
             ПолучательСчет={OURS}\r\nПолучатель1=ООО \"Копейка Хостинг\"\r\nДатаПоступило=01.03.2026\r\n\
             НазначениеПлатежа={purpose}\r\nКонецДокумента\r\n"
        );
    }
    s + "КонецФайла\r\n"
}
