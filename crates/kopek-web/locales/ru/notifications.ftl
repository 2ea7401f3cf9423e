# Поддержка — Уведомления (NTF-4)
nav-support = Поддержка
nav-notifications = Уведомления
notifications-title = Уведомления
notifications-paging = Всего: { $total }, непрочитанных: { $unread }, { $page } из { $pages }
notifications-page-prev = Назад
notifications-page-next = Дальше
notifications-date = Дата
notifications-subject = Тема
notifications-state = Состояние
notifications-read = Прочитано
notifications-unread = Новое
notifications-empty = Уведомлений пока нет.
notifications-back = Все уведомления
