# Клиент — Плательщики и Способы оплаты (PAY-1 … PAY-4, PMT-6)

payers-create = Создать
payers-edit = Изменить
payers-delete = Удалить
payers-merge = Объединить
payers-next = Далее
payers-back = Назад
payers-finish = Завершить
payers-cancel = Отмена
payers-save = Сохранить
payers-ok = Ok
payers-search = Поиск
payers-search-submit = Найти
payers-total = Показано: { $shown } из { $total }
payers-empty = Плательщиков нет. Нажмите «Создать», чтобы добавить плательщика.
payers-col-id = Id
payers-col-name = Наименование
payers-col-contracts = Договоры

payers-new-title = Создание плательщика
payers-edit-title = Редактирование плательщика — { $name }
payers-step-country = Выбор страны
payers-step-kind = Статус плательщика
payers-step-details = Создание плательщика
payers-country = Страна
payers-kind = Статус плательщика
payers-kind-individual = Физическое лицо
payers-kind-legal-entity = Юридическое лицо
payers-kind-sole-proprietor = Индивидуальный предприниматель

payers-country-RU = Российская Федерация
payers-country-BY = Беларусь
payers-country-KZ = Казахстан
payers-country-AM = Армения
payers-country-KG = Киргизия
payers-country-UZ = Узбекистан
payers-country-DE = Германия
payers-country-GB = Великобритания
payers-country-US = США
payers-country-CN = Китай

payers-group-main = Основное
payers-group-legal-address = Юридический адрес
payers-group-actual-address = Фактический адрес
payers-group-accounting = Бухгалтерские настройки
payers-group-contract = Данные для договора
payers-actual-same = Совпадает с юридическим адресом

payers-field-name = Наименование
payers-field-contact-person = Контактное лицо
payers-field-phone = Телефон
payers-field-fax = Факс
payers-field-email = Email
payers-field-document-delivery = Получать документы
payers-delivery-portal = В личном кабинете
payers-delivery-post = По почте
payers-delivery-email = По электронной почте
payers-field-legal-address-postcode = Индекс
payers-field-legal-address-city = Город
payers-field-legal-address-address = Адрес
payers-field-actual-address-postcode = Индекс
payers-field-actual-address-city = Город
payers-field-actual-address-address = Адрес
payers-field-inn = ИНН
payers-field-kpp = КПП
payers-field-ogrn = ОГРН/ОГРНИП
payers-field-bank-name = Название банка
payers-field-bik = БИК
payers-field-settlement-account = Расчетный счет
payers-field-correspondent-account = Корреспондентский счет
payers-field-iban = IBAN
payers-field-swift = SWIFT
payers-field-accounting-settings = Бух настройки
payers-field-director-name = Директор (ФИО)
payers-field-director-position = Должность
payers-field-director-name-genitive = ФИО директора в род. падеже
payers-field-director-position-genitive = Должность в род. падеже
payers-field-director-name-dative = ФИО директора в дат. падеже
payers-field-director-position-dative = Должность в дат. падеже
payers-field-acting-on-basis = Действует на основании
payers-field-passport-series-number = Серия и номер паспорта
payers-field-passport-issue-date = Дата выдачи паспорта
payers-field-passport-issued-by = Кем выдан паспорт
payers-field-birth-date = Дата рождения
payers-field-registration-city = Город регистрации
payers-field-registration-address = Адрес регистрации

payers-error-date = Введите дату, например 01.12.2000
payers-error-invalid-field-country = Выберите страну
payers-error-invalid-field-kind = Выберите статус плательщика
payers-error-invalid-field-name = Укажите наименование (не длиннее 500 знаков)
payers-error-invalid-field-contact-person = Укажите контактное лицо
payers-error-invalid-field-email = Введите адрес электронной почты, например client@example.com; он нужен, чтобы получать документы по электронной почте
payers-error-invalid-field-phone = Введите номер телефона, например +7 (999) 111-22-33
payers-error-invalid-field-fax = Введите номер факса, например +7 (999) 444-55-66
payers-error-invalid-field-inn = { $kind ->
        [legal-entity] Неверный ИНН: у юридического лица 10 цифр, последняя — контрольная; проверьте, нет ли опечатки
       *[other] Неверный ИНН: у физического лица и ИП 12 цифр, две последние — контрольные; проверьте, нет ли опечатки
    }
payers-error-invalid-field-kpp = Неверный КПП: 9 знаков, например 773601001
payers-error-invalid-field-ogrn = Неверный { $kind ->
        [sole-proprietor] ОГРНИП: 15 цифр
       *[other] ОГРН: 13 цифр
    }, последняя — контрольная; проверьте, нет ли опечатки
payers-error-invalid-field-bik = Неверный БИК: 9 цифр, начинается с 04; без него счета не проверить
payers-error-invalid-field-settlement-account = Неверный расчетный счет: 20 цифр, контрольная цифра должна сходиться с БИК
payers-error-invalid-field-correspondent-account = Неверный корреспондентский счет: 20 цифр, начинается с 301, контрольная цифра должна сходиться с БИК
payers-error-invalid-field-iban = Неверный IBAN: проверьте код страны и контрольные цифры
payers-error-invalid-field-swift = Неверный SWIFT-код: 8 или 11 знаков
payers-error-invalid-field-passport-series-number = Серия и номер паспорта: 4 цифры серии и 6 цифр номера, например 1111 111111
payers-error-invalid-field-passport-issue-date = Дата выдачи паспорта должна быть позже даты рождения
payers-error-invalid-field-legal-address-postcode = Индекс: 6 цифр для России, иначе не длиннее 16 знаков
payers-error-invalid-field-actual-address-postcode = Индекс: 6 цифр для России, иначе не длиннее 16 знаков
payers-error-invalid-field-legal-address-address = Укажите адрес: он нужен, чтобы получать документы по почте
payers-error-invalid-field-actual-address-address = Укажите адрес: он нужен, чтобы получать документы по почте
payers-error-invalid-field-merged-payer-id = Выберите другого плательщика: объединять можно двух разных плательщиков одного клиента
payers-error-payer-in-use = Плательщика «{ $name }» нельзя удалить: от него ожидаются деньги по неоплаченным счетам или в акте выполненных работ есть его неоплаченные расходы. Оплатите или отмените их.

payers-notice-created = Плательщик создан
payers-notice-deleted = Плательщик удален
payers-notice-merged = Плательщики объединены

payers-delete-title = Удаление плательщика
payers-delete-question = Удалить плательщика «{ $name }»?

payers-merge-title = Объединение плательщиков
payers-merge-main = Основной плательщик
payers-merge-merged = Присоединяемый плательщик
payers-merge-move-contracts = Перенести договоры
payers-merge-hint = После объединения запись присоединяемого плательщика будет удалена. Если не переносить договоры, договоры присоединяемого плательщика будут удалены.
payers-merge-planned = Будут выполнены действия:
payers-merge-action-payments = Перенести платежи { $numbers } от «{ $from }» к «{ $to }»
payers-merge-action-contracts-moved = Перенести договоры { $numbers } к «{ $to }»
payers-merge-action-contracts-ended = Удалить договоры { $numbers }
payers-merge-action-delete = Удалить плательщика «{ $name }»

payers-methods-title = Сохраненные способы оплаты
payers-methods-note = Данные банковских карт и электронных кошельков хранятся на стороне платежной системы, а не в личном кабинете.
payers-methods-col-name = Название
payers-methods-col-method = Метод оплаты
payers-methods-col-status = Статус
payers-methods-col-linked = Кол-во услуг
payers-methods-balance = Лицевой счет
payers-methods-empty = Сохраненных способов оплаты нет. Сохранить способ можно при оплате, включив «Запомнить способ оплаты».
payers-method-status-enabled = Включено
payers-method-status-configuring = Настраивается
payers-method-status-not-working = Не работает
payers-method-rename-title = Изменение способа оплаты
payers-method-error-name = Укажите название: от 1 до 100 знаков
payers-method-delete-title = Удаление способа оплаты
payers-method-delete-question = Удалить способ оплаты «{ $name }»?
payers-method-delete-renewals = После удаления автопродление будет отключено для услуг ({ $count }):
payers-method-delete-no-renewals = К этому способу оплаты не привязаны услуги на автопродлении.
payers-notice-method-deleted = Способ оплаты удален
payers-notice-method-deleted-renewals-off = Способ оплаты удален; автопродление привязанных услуг отключено
