//! SUP-3: what the support bot says, in Russian (the default) or English,
//! as the user chose for the portal.

use kopek_domain::support::TicketState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Say {
    Bound,
    Configuring,
    BadToken,
    Unknown,
    SupportOff,
    NoTickets,
    ActiveTickets,
    ChooseDepartment,
    AskSubject,
    AskService,
    AskMessages,
    AskReply,
    TooLong,
    TooManyFiles,
    FileTooLarge,
    Taken,
    NothingToSend,
    NotInDialogue,
    Cancelled,
    Archived,
    AddReply,
    Archive,
    Skip,
    Finish,
    UnknownService,
    Created,
    Replied,
}

pub fn say(en: bool, what: Say) -> &'static str {
    use Say::*;
    match (what, en) {
        (Bound, false) => "Telegram подтверждён: уведомления будут приходить сюда.",
        (Bound, true) => "Telegram confirmed: notifications will come here.",
        (Configuring, false) => {
            "Настраивается. Чтобы подтвердить, откройте ссылку из раздела «Настройки пользователя» на портале."
        }
        (Configuring, true) => "Configuring. To confirm, open the link on the portal's user settings page.",
        (BadToken, false) => "Ссылка недействительна или устарела. Откройте новую со страницы настроек.",
        (BadToken, true) => "The link is invalid or expired. Open a fresh one from the settings page.",
        (Unknown, false) => "Укажите имя пользователя Telegram (без @) в настройках пользователя на портале.",
        (Unknown, true) => "Set your Telegram username (without @) in the portal's user settings.",
        (SupportOff, false) => "Включите работу с поддержкой в настройках пользователя на портале.",
        (SupportOff, true) => "Switch support on in the portal's user settings.",
        (NoTickets, false) => "Активных запросов нет. Новый запрос: /createticket",
        (NoTickets, true) => "No active tickets. A new one: /createticket",
        (ActiveTickets, false) => "Активные запросы:",
        (ActiveTickets, true) => "Active tickets:",
        (ChooseDepartment, false) => "Выберите отдел:",
        (ChooseDepartment, true) => "Choose the department:",
        (AskSubject, false) => "Введите тему запроса:",
        (AskSubject, true) => "Type the subject:",
        (AskService, false) => "Введите id услуги или нажмите «Пропустить»:",
        (AskService, true) => "Type the service id, or press Skip:",
        (AskMessages, false) | (AskReply, false) => {
            "Отправьте сообщение (до 255 символов) и до 5 файлов, затем нажмите «Завершить»."
        }
        (AskMessages, true) | (AskReply, true) => "Send messages (up to 255 characters) and up to 5 files, then press Finish.",
        (TooLong, false) => "Сообщение длиннее 255 символов, не принято.",
        (TooLong, true) => "The message is longer than 255 characters; not taken.",
        (TooManyFiles, false) => "Можно прикрепить не больше 5 файлов.",
        (TooManyFiles, true) => "At most 5 files.",
        (FileTooLarge, false) => "Файл больше 20 МБ, не принят.",
        (FileTooLarge, true) => "The file is over 20 MB; not taken.",
        (Taken, false) => "Принято.",
        (Taken, true) => "Taken.",
        (NothingToSend, false) => "Сначала отправьте сообщение.",
        (NothingToSend, true) => "Send a message first.",
        (NotInDialogue, false) => "Команды: /start — активные запросы, /createticket — новый запрос.",
        (NotInDialogue, true) => "Commands: /start for active tickets, /createticket for a new one.",
        (Cancelled, false) => "Отменено.",
        (Cancelled, true) => "Cancelled.",
        (Archived, false) => "Запрос помещён в архив.",
        (Archived, true) => "The ticket is archived.",
        (AddReply, false) => "Добавить ответ",
        (AddReply, true) => "Add reply",
        (Archive, false) => "Поместить в архив",
        (Archive, true) => "Archive",
        (Skip, false) => "Пропустить",
        (Skip, true) => "Skip",
        (Finish, false) => "Завершить",
        (Finish, true) => "Finish",
        (UnknownService, false) => "Нет такой услуги. Введите id услуги или нажмите «Пропустить».",
        (UnknownService, true) => "No such service. Type the service id, or press Skip.",
        (Created, false) => "Запрос создан, номер",
        (Created, true) => "Ticket opened, number",
        (Replied, false) => "Ответ отправлен в запрос",
        (Replied, true) => "Reply sent to ticket",
    }
}

/// The guide's names of a ticket's states.
pub fn state_name(en: bool, state: TicketState) -> &'static str {
    match (state, en) {
        (TicketState::NewMessages, false) => "Есть новые сообщения",
        (TicketState::NewMessages, true) => "New messages",
        (TicketState::UnderReview, false) => "Находится на рассмотрении",
        (TicketState::UnderReview, true) => "Under review",
        (TicketState::AwaitingReply, false) => "Ожидает вашего ответа",
        (TicketState::AwaitingReply, true) => "Awaiting your reply",
        (TicketState::Closed, false) => "Просмотрен",
        (TicketState::Closed, true) => "Closed",
        (TicketState::Archived, false) => "В архиве",
        (TicketState::Archived, true) => "Archived",
    }
}

/// A ticket card's field names: number, subject, state, from, message.
pub fn card_labels(en: bool) -> [&'static str; 5] {
    if en {
        ["Ticket", "Subject", "State", "From", "Message"]
    } else {
        ["Номер запроса", "Тема запроса", "Состояние", "От", "Сообщение"]
    }
}
