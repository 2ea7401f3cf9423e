brand = Kopek
lang-label = Язык
menu-label = Меню
logout = Выйти
footer-api = API и документация
back-home = На главную

nav-dashboard = Главная

login-title = Вход в личный кабинет
login-submit = Войти
field-email = Email
field-password = Пароль

dashboard-title = Главная
dashboard-account = Информация об аккаунте
dashboard-balance = Баланс
dashboard-quick = Быстрый доступ
dashboard-services = Ваши услуги
dashboard-no-services = У вас пока нет услуг.
client-code = Код клиента
client-name = Клиент
client-country = Страна
client-registered = Дата регистрации
balance-debt = Задолженность
balance-credit-limit = Кредитный лимит
balance-available = Доступно
quick-order = Заказать услугу
quick-top-up = Пополнить баланс
quick-support = Задать вопрос в поддержку
quick-settings = Настройки пользователя
service-name = Услуга
service-state = Статус
service-paid-until = Действует до

state-ordered = Заказан
state-active = Активен
state-processing-opening = Обрабатывается (открытие)
state-processing-turning-off = Обрабатывается (выключение)
state-processing-turning-on = Обрабатывается (включение)
state-processing-rebooting = Обрабатывается (перезагрузка)
state-processing-renewing = Обрабатывается (продление)
state-processing-changing = Обрабатывается (изменение)
state-processing-transferring = Обрабатывается (трансфер)
state-processing-deleting = Обрабатывается (удаление)
state-temporarily-stopped = Временно остановлен
state-stopped = Остановлен
state-stopped-by-admin = Остановлен администратором
state-stopped-for-violation = Остановлен за нарушение
state-needs-setup = Требуется настройка
state-out-of-stock = Нет в наличии
state-deleted = Удалён

problem-not-found = Страница не найдена
problem-forbidden = Недостаточно прав
problem-internal = Что-то пошло не так
problem-refused = Действие не выполнено

error-required = Заполните это поле
error-choose = Выберите значение
error-not-an-amount = Введите сумму, например 250,00
error-internal = Что-то пошло не так на нашей стороне; мы уже знаем об этом. Попробуйте ещё раз позже.
error-page-broken = Страница не отображается: шаблон содержит ошибку. Администратор увидит подробности в журнале.
error-bad-credentials = Неверный email или пароль
error-login-disabled = Этот пользователь отключён
error-login-locked = Слишком много неудачных попыток входа; попробуйте позже
error-forbidden = Недостаточно прав для этого действия
error-not-found = Не найдено
