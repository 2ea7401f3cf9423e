//! SUP-1, SUP-2: support tickets. A ticket stores only whether it is open,
//! closed or archived; what the client sees ("Есть новые сообщения",
//! "Находится на рассмотрении", "Ожидает вашего ответа", "Просмотрен") is
//! derived here from that, who wrote last and whether the client read the
//! staff's last message. Attachment limits are the provider's settings.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::file_kind::FileKind;
use crate::stored::stored_enum;

stored_enum! {
    /// What is stored of a ticket's life.
    TicketStatus {
        Open = "open",
        Closed = "closed",
        Archived = "archived",
    }
}

stored_enum! {
    /// Who wrote a message.
    AuthorKind {
        Client = "client",
        Staff = "staff",
    }
}

stored_enum! {
    /// SUP-2: the state the guide shows for a ticket.
    TicketState {
        /// "Есть новые сообщения": the provider answered, the client has
        /// not read it yet.
        NewMessages = "new_messages",
        /// "Находится на рассмотрении": the client wrote and waits.
        UnderReview = "under_review",
        /// "Ожидает вашего ответа": the client read the answer.
        AwaitingReply = "awaiting_reply",
        /// "Просмотрен": the provider closed it.
        Closed = "closed",
        /// The client put it away.
        Archived = "archived",
    }
}

impl TicketState {
    /// The one rule for what a ticket shows.
    pub fn of(status: TicketStatus, last_author: AuthorKind, client_read: bool) -> TicketState {
        match (status, last_author) {
            (TicketStatus::Archived, _) => TicketState::Archived,
            (TicketStatus::Closed, _) => TicketState::Closed,
            (TicketStatus::Open, AuthorKind::Client) => TicketState::UnderReview,
            (TicketStatus::Open, AuthorKind::Staff) if client_read => TicketState::AwaitingReply,
            (TicketStatus::Open, AuthorKind::Staff) => TicketState::NewMessages,
        }
    }

    /// Whether the ticket waits for the client: the staff wrote last.
    pub fn awaits_client(self) -> bool {
        matches!(self, TicketState::NewMessages | TicketState::AwaitingReply)
    }

    /// Whether the client sees it in its list as unread.
    pub fn unread(self) -> bool {
        self == TicketState::NewMessages
    }
}

/// What someone does to a ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    /// A message from either side: any ticket it lands in is open again,
    /// since the question is alive.
    Reply,
    /// The client puts away an answered ticket.
    Archive,
    /// Staff close a ticket.
    Close,
    /// Staff open a closed or archived ticket again.
    Reopen,
}

impl TicketAction {
    fn name(self) -> &'static str {
        match self {
            TicketAction::Reply => "answered",
            TicketAction::Archive => "archived",
            TicketAction::Close => "closed",
            TicketAction::Reopen => "reopened",
        }
    }
}

/// The status after `action`, or why it is refused. The guide lets a
/// client archive only a ticket that awaits its reply.
pub fn transition(state: TicketState, status: TicketStatus, action: TicketAction) -> Result<TicketStatus, DomainError> {
    let next = match action {
        TicketAction::Reply => Some(TicketStatus::Open),
        TicketAction::Archive => state.awaits_client().then_some(TicketStatus::Archived),
        TicketAction::Close => (status == TicketStatus::Open).then_some(TicketStatus::Closed),
        TicketAction::Reopen => (status != TicketStatus::Open).then_some(TicketStatus::Open),
    };
    next.ok_or_else(|| DomainError::TicketActionRefused { state: state.to_string(), action: action.name().to_string() })
}

/// Whether an open ticket the client has left unanswered since
/// `last_message_at` closes itself at `now`. Zero days: never.
pub fn auto_close_due(state: TicketState, last_message_at: DateTime<Utc>, now: DateTime<Utc>, days: u32) -> bool {
    days > 0 && state.awaits_client() && now - last_message_at >= Duration::days(i64::from(days))
}

/// The provider's support settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportSettings {
    /// A ticket awaiting the client's reply this many days closes itself;
    /// 0 keeps it open.
    pub auto_close_days: u32,
    pub max_file_bytes: usize,
    /// All files of one message together.
    pub max_message_bytes: usize,
    pub max_files: usize,
    pub allowed_kinds: Vec<FileKind>,
}

impl Default for SupportSettings {
    fn default() -> Self {
        SupportSettings {
            auto_close_days: 7,
            max_file_bytes: 5 * 1024 * 1024,
            max_message_bytes: 10 * 1024 * 1024,
            max_files: 5,
            allowed_kinds: FileKind::ALL.to_vec(),
        }
    }
}

/// The longest subject and message taken.
pub const SUBJECT_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 5000;

/// A checked attachment: its cleaned name and what its bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub name: String,
    pub kind: FileKind,
}

impl SupportSettings {
    /// Checks one message's files (name, bytes) against the limits and the
    /// allowed kinds; `field` names the form field for the error.
    pub fn check_files(&self, field: &'static str, files: &[(&str, &[u8])]) -> Result<Vec<CheckedFile>, DomainError> {
        if files.len() > self.max_files {
            return Err(DomainError::TooManyFiles { field, count: files.len(), max: self.max_files });
        }
        let total: usize = files.iter().map(|(_, b)| b.len()).sum();
        if total > self.max_message_bytes {
            return Err(DomainError::AttachmentsTooLarge { field, size: total, max: self.max_message_bytes });
        }
        files
            .iter()
            .map(|(name, bytes)| {
                if bytes.len() > self.max_file_bytes {
                    return Err(DomainError::FileTooLarge { field, size: bytes.len(), max: self.max_file_bytes });
                }
                let name = clean_file_name(name);
                match FileKind::sniff(bytes) {
                    Some(kind) if self.allowed_kinds.contains(&kind) => Ok(CheckedFile { name, kind }),
                    _ => Err(DomainError::FileKindRefused { field, name, allowed: self.allowed_list() }),
                }
            })
            .collect()
    }

    fn allowed_list(&self) -> String {
        self.allowed_kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// A file's name as kept and offered on download: no directories, no
/// control characters or quotes, at most 100 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String =
        base.chars().filter(|c| !c.is_control() && *c != '"' && *c != ';').take(100).collect::<String>().trim().to_string();
    if clean.is_empty() || clean.chars().all(|c| c == '.') { "file".to_string() } else { clean }
}

/// Checks a subject or message text: trimmed, 1 to `max` characters.
pub fn check_text(field: &'static str, text: &str, max: usize) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(DomainError::invalid(field, format!("1 to {max} characters")));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sup2_the_state_comes_from_status_last_author_and_the_read_mark() {
        use AuthorKind::*;
        use TicketStatus::*;
        assert_eq!(TicketState::of(Open, Client, false), TicketState::UnderReview);
        assert_eq!(TicketState::of(Open, Client, true), TicketState::UnderReview);
        assert_eq!(TicketState::of(Open, Staff, false), TicketState::NewMessages);
        assert_eq!(TicketState::of(Open, Staff, true), TicketState::AwaitingReply);
        assert_eq!(TicketState::of(Closed, Staff, false), TicketState::Closed);
        assert_eq!(TicketState::of(Archived, Staff, true), TicketState::Archived);
        assert!(TicketState::NewMessages.unread() && !TicketState::AwaitingReply.unread());
    }

    #[test]
    fn sup2_only_a_ticket_awaiting_the_client_is_archived() {
        let open = TicketStatus::Open;
        assert_eq!(transition(TicketState::AwaitingReply, open, TicketAction::Archive), Ok(TicketStatus::Archived));
        assert_eq!(transition(TicketState::NewMessages, open, TicketAction::Archive), Ok(TicketStatus::Archived));
        let refused = transition(TicketState::UnderReview, open, TicketAction::Archive).unwrap_err();
        assert_eq!(refused.code(), "ticket_action_refused");
        assert_eq!(refused.to_string(), "a ticket that is under_review can't be archived");
        assert!(transition(TicketState::Closed, TicketStatus::Closed, TicketAction::Archive).is_err());
    }

    #[test]
    fn sup2_staff_close_and_reopen_and_a_reply_opens() {
        let (open, closed) = (TicketStatus::Open, TicketStatus::Closed);
        assert_eq!(transition(TicketState::UnderReview, open, TicketAction::Close), Ok(closed));
        assert!(transition(TicketState::Closed, closed, TicketAction::Close).is_err());
        assert_eq!(transition(TicketState::Closed, closed, TicketAction::Reopen), Ok(open));
        assert_eq!(transition(TicketState::Archived, TicketStatus::Archived, TicketAction::Reopen), Ok(open));
        assert!(transition(TicketState::UnderReview, open, TicketAction::Reopen).is_err());
        assert_eq!(transition(TicketState::Archived, TicketStatus::Archived, TicketAction::Reply), Ok(open));
    }

    #[test]
    fn sup2_a_ticket_awaiting_the_client_n_days_closes_itself() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let week = at + Duration::days(7);
        assert!(auto_close_due(TicketState::AwaitingReply, at, week, 7));
        assert!(auto_close_due(TicketState::NewMessages, at, week, 7));
        assert!(!auto_close_due(TicketState::AwaitingReply, at, week - Duration::seconds(1), 7));
        assert!(!auto_close_due(TicketState::UnderReview, at, week, 7), "the provider owes the answer");
        assert!(!auto_close_due(TicketState::AwaitingReply, at, week, 0), "0 days: never");
    }

    #[test]
    fn sup1_attachments_are_checked_by_size_count_and_kind() {
        let s = SupportSettings { max_file_bytes: 10, max_message_bytes: 15, max_files: 2, ..SupportSettings::default() };
        let ok = s.check_files("files", &[("../etc/log.txt", b"hello"), ("scan.pdf", b"%PDF-1.4")]).unwrap();
        assert_eq!(
            ok,
            vec![
                CheckedFile { name: "log.txt".into(), kind: FileKind::Text },
                CheckedFile { name: "scan.pdf".into(), kind: FileKind::Pdf }
            ]
        );
        let big = s.check_files("files", &[("a.txt", b"01234567890")]).unwrap_err();
        assert_eq!((big.code(), big.field()), ("file_too_large", Some("files")));
        let total = s.check_files("files", &[("a.txt", b"0123456789"), ("b.txt", b"012345")]).unwrap_err();
        assert_eq!(total.to_string(), "files: the files are 16 bytes together; at most 15 are taken in one message");
        let many = s.check_files("files", &[("a", b"a"), ("b", b"b"), ("c", b"c")]).unwrap_err();
        assert_eq!(many.code(), "too_many_files");
        let exe = s.check_files("files", &[("setup.pdf", b"MZ\x90\0")]).unwrap_err();
        assert_eq!(exe.code(), "file_kind_refused");
        let only_pdf = SupportSettings { allowed_kinds: vec![FileKind::Pdf], ..SupportSettings::default() };
        let text = only_pdf.check_files("files", &[("a.txt", b"hi")]).unwrap_err();
        assert_eq!(
            text.to_string(),
            "files: \"a.txt\" is not a kind of file taken here (taken: pdf; judged by its content, not its name)"
        );
    }

    #[test]
    fn sup1_a_file_name_keeps_no_path_or_quotes() {
        assert_eq!(clean_file_name("C:\\Users\\me\\отчёт.pdf"), "отчёт.pdf");
        assert_eq!(clean_file_name("a\"b;c\r\n.txt"), "abc.txt");
        assert_eq!(clean_file_name(".."), "file");
        assert_eq!(clean_file_name(""), "file");
        assert_eq!(check_text("subject", "  Вопрос  ", 200), Ok("Вопрос".to_string()));
        assert_eq!(check_text("subject", "   ", 200).unwrap_err().code(), "invalid_field");
    }
}
