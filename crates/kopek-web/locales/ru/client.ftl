# Раздел «Клиент»: профиль, пользователи и их права, настройки пользователя.
client-save = Ок
client-cancel = Отмена

profile-title = Профиль клиента
profile-user = Настройки пользователя
profile-owner-hint = Email и ФИО первого пользователя меняет только поддержка провайдера.
profile-password = Смена пароля
password-current = Текущий пароль
password-new = Новый пароль
password-repeat = Подтверждение
password-hint = Не короче 8 символов
password-change = Сменить пароль

user-full-name = ФИО
user-phone = Номер телефона
user-phone-hint = Для получения СМС-уведомлений, например +7 912 345-67-89
user-phone-verified = Успешно подтверждён
user-phone-not-verified = Не подтверждён
user-state = Состояние
user-rights = Права
user-owner = Первый пользователь
user-enabled = Включён
user-disabled = Выключен
user-full-access = Полный доступ
user-full-access-hint = Пользователь с полным доступом может всё; без него — только то, что отмечено в правах.
user-password-keep = Оставьте пустым, чтобы не менять пароль

users-title = Пользователи
users-create = Создать
users-total = Всего: { $count }
users-actions = Действия
users-edit = Изменить
users-rights = Права
users-enable = Вкл.
users-disable = Выкл.
users-delete = Удалить
users-new-title = Создание нового пользователя
users-edit-title = Изменение пользователя
users-delete-title = Удаление пользователя
users-delete-question = Удалить пользователя { $email }? Восстановить его будет нельзя.
rights-title = Права пользователя

right-finance = Финансы
right-documents = Документы
right-orders = Заказы
right-services = Услуги
right-support = Поддержка
right-users = Пользователи
right-payers = Плательщики

settings-title = Настройки пользователя
settings-main = Основные настройки
settings-locale = Язык
settings-locale-browser = Как в браузере
settings-locale-ru = Русский
settings-locale-en = English
settings-timezone = Часовой пояс
settings-timezone-provider = Как у провайдера
settings-notifications = Настройка уведомлений
channel-email = Email
channel-messenger = Мессенджеры
channel-sms = SMS
channel-portal = В личном кабинете
notify-finance = Получать финансовые уведомления
notify-news = Получать новостные уведомления
notify-services = Получать уведомления по услугам
notify-support = Получать уведомления центра поддержки
settings-telegram = Настройка работы с Telegram
settings-telegram-username = Telegram
settings-telegram-hint = Имя пользователя без @; затем отправьте боту провайдера команду /start.

notice-password-changed = Пароль изменён
notice-user-created = Пользователь создан
notice-user-enabled = Пользователь включён
notice-user-disabled = Пользователь выключен
notice-user-deleted = Пользователь удалён

error-passwords-differ = Пароли не совпадают
error-weak-password = Пароль должен быть не короче 8 символов
error-wrong-password = Текущий пароль введён неверно
error-email-taken = Пользователь с таким email уже есть
error-invalid-field-email = Введите email, например ivan@example.ru
error-invalid-field-phone = Введите номер телефона, например +7 912 345-67-89
error-invalid-field-full-name = Заполните ФИО (не длиннее 200 символов)
error-invalid-field-locale = Выберите язык из списка
error-invalid-field-timezone = Выберите часовой пояс из списка
error-invalid-telegram = Имя пользователя Telegram: от 5 до 32 латинских букв, цифр или знаков _
error-owner-name-fixed = ФИО первого пользователя меняет только поддержка провайдера
error-owner-protected = Первого пользователя нельзя удалить, выключить или лишить полного доступа: обратитесь к провайдеру
error-own-users-right = Нельзя отнять у себя право управлять пользователями
error-own-user = Нельзя выключить или удалить самого себя

# Avatars (ACC-3)
user-avatar = Аватар
user-no-avatar = Аватар не загружен
user-avatar-choose = Новый аватар
user-avatar-hint = PNG, JPEG, GIF или WebP, не больше 512 КиБ
user-avatar-upload = Загрузить
user-avatar-remove = Удалить аватар
error-choose-file = Выберите файл
error-not-an-image-avatar = Это не картинка: подойдёт PNG, JPEG, GIF или WebP
error-file-too-large-avatar = Файл больше 512 КиБ
