//! SUP-3: the support bot's dialogues. `/start` binds (NTF-5) or lists the
//! user's active tickets; a ticket's card shows its number, subject, state
//! and last message with files; "add reply" and `/createticket` gather
//! messages (at most 255 characters each) and up to 5 files until
//! "finish", then go through the support use cases as the user. The
//! dialogue's state is a row, so a restart in the middle loses nothing;
//! the files' Telegram ids are kept and fetched only at "finish". Only a
//! user whose Telegram is confirmed and who switched support on is served.

use async_trait::async_trait;
use kopek_domain::support::{SUBJECT_MAX_CHARS, TicketState, check_text};
use kopek_domain::telegram::{BOT_FILE_MAX_BYTES, BOT_MAX_FILES, BOT_TEXT_MAX_CHARS, DialogueStep, TelegramState};
use kopek_store::telegram::{self as store, DialogueRow};
use serde::{Deserialize, Serialize};

use crate::Engine;
use crate::accounts::auth::{LoginKind, principal_ref};
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::notifications::telegram::StartOutcome;
use crate::support::bot_texts::{Say, card_labels, say, state_name};
use crate::support::files::FileDownload;
use crate::support::tickets::{OpenTicket, ReplyTicket};
use crate::support::views::Upload;

/// One update from Telegram, as the bot needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotUpdate {
    pub chat_id: i64,
    pub from_id: i64,
    pub username: Option<String>,
    pub input: BotInput,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotInput {
    Text(String),
    /// An inline button's data.
    Button(String),
    File(BotFile),
}

/// A document or photo sent to the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotFile {
    pub file_id: String,
    pub name: String,
    pub size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotButton {
    pub label: String,
    pub data: String,
}

/// One message the bot sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotReply {
    pub chat_id: i64,
    pub text: String,
    /// One button a row.
    pub buttons: Vec<BotButton>,
    pub documents: Vec<FileDownload>,
}

/// Fetches a file sent to the bot (getFile, then the download).
#[async_trait]
pub trait BotFiles: Send + Sync {
    async fn download(&self, file_id: &str) -> std::result::Result<Vec<u8>, String>;
}

/// What a dialogue gathered so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Gathered {
    department_id: Option<i64>,
    subject: Option<String>,
    subscription_id: Option<i64>,
    ticket_id: Option<i64>,
    texts: Vec<String>,
    files: Vec<BotFile>,
}

/// The user the bot serves, acting as that user.
struct Served {
    user_id: i64,
    ctx: Ctx,
    en: bool,
}

impl Engine {
    /// Handles one update; returns what to send back.
    pub async fn telegram_update(&self, u: &BotUpdate, files: &dyn BotFiles) -> Result<Vec<BotReply>> {
        let text = match &u.input {
            BotInput::Text(t) => Some(t.trim()),
            _ => None,
        };
        if let Some(rest) = text.and_then(|t| t.strip_prefix("/start")) {
            let token = Some(rest.trim()).filter(|t| !t.is_empty());
            let outcome = self.telegram_start(u.from_id, u.chat_id, u.username.as_deref(), token).await?;
            let en = false;
            let note = match outcome {
                StartOutcome::Bound { .. } => Some(Say::Bound),
                StartOutcome::Known { .. } => None,
                StartOutcome::Configuring => Some(Say::Configuring),
                StartOutcome::BadToken => Some(Say::BadToken),
                StartOutcome::Unknown => Some(Say::Unknown),
            };
            let mut out = Vec::new();
            let served = self.served(u.from_id).await?;
            if let Some(note) = note {
                let en = served.as_ref().map_or(en, |s| s.en);
                out.push(plain(u.chat_id, say(en, note)));
            }
            if matches!(outcome, StartOutcome::Bound { .. } | StartOutcome::Known { .. }) {
                match served {
                    Some(s) => {
                        self.end_dialogue(u.from_id).await?;
                        out.push(self.active_tickets(&s, u.chat_id).await?);
                    }
                    None if matches!(outcome, StartOutcome::Known { .. }) => out.push(plain(u.chat_id, say(en, Say::SupportOff))),
                    None => {}
                }
            }
            return Ok(out);
        }
        let Some(s) = self.served(u.from_id).await? else {
            let bound = self.telegram_bound(u.from_id).await?;
            return Ok(vec![plain(u.chat_id, say(false, if bound { Say::SupportOff } else { Say::Unknown }))]);
        };
        match self.step(&s, u, text, files).await {
            Ok(replies) => Ok(replies),
            Err(e) if !e.is_internal() => Ok(vec![plain(u.chat_id, &e.to_string())]),
            Err(e) => Err(e),
        }
    }

    async fn step(&self, s: &Served, u: &BotUpdate, text: Option<&str>, files: &dyn BotFiles) -> Result<Vec<BotReply>> {
        let chat = u.chat_id;
        let en = s.en;
        if text == Some("/createticket") {
            let departments: Vec<_> = self.departments(&s.ctx).await?.into_iter().filter(|d| d.enabled).collect();
            if departments.is_empty() {
                self.save_dialogue(s, u.from_id, DialogueStep::Subject, &Gathered::default()).await?;
                return Ok(vec![plain(chat, say(en, Say::AskSubject))]);
            }
            self.save_dialogue(s, u.from_id, DialogueStep::Department, &Gathered::default()).await?;
            let buttons = departments.iter().map(|d| button(&d.name, format!("d:{}", d.id))).collect();
            return Ok(vec![with_buttons(chat, say(en, Say::ChooseDepartment), buttons)]);
        }
        if text == Some("/cancel") {
            self.end_dialogue(u.from_id).await?;
            return Ok(vec![plain(chat, say(en, Say::Cancelled))]);
        }
        let button_data = match &u.input {
            BotInput::Button(d) => Some(d.as_str()),
            _ => None,
        };
        if let Some(data) = button_data {
            if let Some(id) = data.strip_prefix("t:").and_then(|x| x.parse().ok()) {
                return Ok(vec![self.ticket_card(s, chat, id).await?]);
            }
            if let Some(id) = data.strip_prefix("r:").and_then(|x| x.parse::<i64>().ok()) {
                self.ticket(&s.ctx, id).await?;
                let g = Gathered { ticket_id: Some(id), ..Gathered::default() };
                self.save_dialogue(s, u.from_id, DialogueStep::Reply, &g).await?;
                return Ok(vec![with_buttons(chat, say(en, Say::AskReply), vec![button(say(en, Say::Finish), "finish".into())])]);
            }
            if let Some(id) = data.strip_prefix("a:").and_then(|x| x.parse().ok()) {
                self.archive_ticket(&s.ctx, id).await?;
                return Ok(vec![plain(chat, say(en, Say::Archived))]);
            }
        }
        let mut conn = self.store.conn().await?;
        let Some(row) = store::dialogue(&mut conn, u.from_id).await?.filter(|d| d.user_id == s.user_id) else {
            return Ok(vec![plain(chat, say(en, Say::NotInDialogue))]);
        };
        drop(conn);
        let mut g: Gathered = serde_json::from_str(&row.data)?;
        match (row.step, &u.input) {
            (DialogueStep::Department, BotInput::Button(data)) => {
                let Some(id) = data.strip_prefix("d:").and_then(|x| x.parse().ok()) else {
                    return Ok(vec![plain(chat, say(en, Say::ChooseDepartment))]);
                };
                g.department_id = Some(id);
                self.save_dialogue(s, u.from_id, DialogueStep::Subject, &g).await?;
                Ok(vec![plain(chat, say(en, Say::AskSubject))])
            }
            (DialogueStep::Subject, BotInput::Text(t)) => {
                g.subject = Some(check_text("subject", t, SUBJECT_MAX_CHARS)?);
                self.save_dialogue(s, u.from_id, DialogueStep::Service, &g).await?;
                Ok(vec![with_buttons(chat, say(en, Say::AskService), vec![button(say(en, Say::Skip), "skip".into())])])
            }
            (DialogueStep::Service, input) => {
                if let BotInput::Text(t) = input {
                    let id: Option<i64> = t.trim().parse().ok();
                    let mut conn = self.store.conn().await?;
                    let client_id = s.ctx.actor.own_client();
                    let life = match id {
                        Some(id) => kopek_store::service_life::life(&mut conn, id).await?,
                        None => None,
                    };
                    if life.is_none_or(|l| Some(l.client_id) != client_id) {
                        return Ok(vec![with_buttons(
                            chat,
                            say(en, Say::UnknownService),
                            vec![button(say(en, Say::Skip), "skip".into())],
                        )]);
                    }
                    g.subscription_id = id;
                } else if !matches!(input, BotInput::Button(d) if d == "skip") {
                    return Ok(vec![plain(chat, say(en, Say::AskService))]);
                }
                self.save_dialogue(s, u.from_id, DialogueStep::Messages, &g).await?;
                Ok(vec![with_buttons(chat, say(en, Say::AskMessages), vec![button(say(en, Say::Finish), "finish".into())])])
            }
            (DialogueStep::Messages | DialogueStep::Reply, BotInput::Button(d)) if d == "finish" => {
                self.finish(s, u.from_id, row.step, g, chat, files).await
            }
            (DialogueStep::Messages | DialogueStep::Reply, BotInput::Text(t)) => {
                if t.chars().count() > BOT_TEXT_MAX_CHARS {
                    return Ok(vec![plain(chat, say(en, Say::TooLong))]);
                }
                g.texts.push(t.trim().to_string());
                self.save_dialogue(s, u.from_id, row.step, &g).await?;
                Ok(vec![with_buttons(chat, say(en, Say::Taken), vec![button(say(en, Say::Finish), "finish".into())])])
            }
            (DialogueStep::Messages | DialogueStep::Reply, BotInput::File(f)) => {
                if g.files.len() >= BOT_MAX_FILES {
                    return Ok(vec![plain(chat, say(en, Say::TooManyFiles))]);
                }
                if f.size.is_some_and(|n| n > BOT_FILE_MAX_BYTES) {
                    return Ok(vec![plain(chat, say(en, Say::FileTooLarge))]);
                }
                g.files.push(f.clone());
                self.save_dialogue(s, u.from_id, row.step, &g).await?;
                Ok(vec![with_buttons(chat, say(en, Say::Taken), vec![button(say(en, Say::Finish), "finish".into())])])
            }
            (step, _) => {
                let ask = match step {
                    DialogueStep::Department => Say::ChooseDepartment,
                    DialogueStep::Subject => Say::AskSubject,
                    DialogueStep::Service => Say::AskService,
                    DialogueStep::Messages => Say::AskMessages,
                    DialogueStep::Reply => Say::AskReply,
                };
                Ok(vec![plain(chat, say(en, ask))])
            }
        }
    }

    /// "Finish": the gathered messages become the ticket's first message
    /// or a reply, the files fetched from Telegram only now. On a refusal
    /// the dialogue stays, so nothing gathered is lost.
    async fn finish(
        &self,
        s: &Served,
        from_id: i64,
        step: DialogueStep,
        g: Gathered,
        chat: i64,
        files: &dyn BotFiles,
    ) -> Result<Vec<BotReply>> {
        let en = s.en;
        if g.texts.is_empty() {
            return Ok(vec![plain(chat, say(en, Say::NothingToSend))]);
        }
        let mut uploads = Vec::with_capacity(g.files.len());
        for f in &g.files {
            let bytes = files.download(&f.file_id).await.map_err(crate::core::error::EngineError::Internal)?;
            uploads.push(Upload { name: f.name.clone(), bytes });
        }
        let text = g.texts.join("\n\n");
        let reply = if step == DialogueStep::Reply {
            let id = g.ticket_id.unwrap_or_default();
            self.reply_ticket(&s.ctx, id, ReplyTicket { text, internal: false }, uploads).await?;
            format!("{} {id}.", say(en, Say::Replied))
        } else {
            let input = OpenTicket {
                department_id: g.department_id,
                subscription_id: g.subscription_id,
                subject: g.subject.clone().unwrap_or_default(),
                text,
            };
            let detail = self.open_ticket(&s.ctx, input, uploads).await?;
            format!("{} {}.", say(en, Say::Created), detail.ticket.id)
        };
        self.end_dialogue(from_id).await?;
        Ok(vec![plain(chat, &reply)])
    }

    /// The user's active tickets, one button each.
    async fn active_tickets(&self, s: &Served, chat: i64) -> Result<BotReply> {
        let tickets = self.tickets(&s.ctx).await?;
        let active: Vec<_> =
            tickets.into_iter().filter(|t| !matches!(t.state, TicketState::Closed | TicketState::Archived)).collect();
        if active.is_empty() {
            return Ok(plain(chat, say(s.en, Say::NoTickets)));
        }
        let buttons = active.iter().map(|t| button(&format!("#{} {}", t.id, t.subject), format!("t:{}", t.id))).collect();
        Ok(with_buttons(chat, say(s.en, Say::ActiveTickets), buttons))
    }

    /// A ticket's card: number, subject, state, the last message the client
    /// may see with its files, and what can be done.
    async fn ticket_card(&self, s: &Served, chat: i64, id: i64) -> Result<BotReply> {
        let en = s.en;
        let detail = self.ticket(&s.ctx, id).await?;
        let [number, subject, state, from, message] = card_labels(en);
        let t = &detail.ticket;
        let mut text = format!("{number}: {}\n{subject}: {}\n{state}: {}", t.id, t.subject, state_name(en, t.state));
        let mut documents = Vec::new();
        if let Some(last) = detail.messages.iter().rev().find(|m| !m.internal) {
            text.push_str(&format!("\n{from}: {}\n{message}: {}", last.author, last.text));
            for f in &last.files {
                documents.push(self.ticket_file(&s.ctx, f.id).await?);
            }
        }
        let mut buttons = vec![button(say(en, Say::AddReply), format!("r:{id}"))];
        if t.state.awaits_client() {
            buttons.push(button(say(en, Say::Archive), format!("a:{id}")));
        }
        Ok(BotReply { chat_id: chat, text, buttons, documents })
    }

    /// The confirmed user with support on behind Telegram user `from_id`.
    async fn served(&self, from_id: i64) -> Result<Option<Served>> {
        let mut conn = self.store.conn().await?;
        let link = store::link_by_telegram_user(&mut conn, from_id).await?;
        let Some(link) = link.filter(|l| l.state == TelegramState::Confirmed && l.support_enabled) else { return Ok(None) };
        let user = kopek_store::users::client_user(&mut conn, link.user_id).await?.filter(|u| u.enabled);
        let Some(user) = user else { return Ok(None) };
        let actor = self.actor_of(&mut conn, &principal_ref(LoginKind::Client, user.id)).await?;
        let en = user.locale.as_deref() == Some("en");
        Ok(Some(Served { user_id: user.id, ctx: Ctx::new(actor), en }))
    }

    async fn telegram_bound(&self, from_id: i64) -> Result<bool> {
        let mut conn = self.store.conn().await?;
        let link = store::link_by_telegram_user(&mut conn, from_id).await?;
        Ok(link.is_some_and(|l| l.state == TelegramState::Confirmed))
    }

    async fn save_dialogue(&self, s: &Served, from_id: i64, step: DialogueStep, g: &Gathered) -> Result<()> {
        let row = DialogueRow {
            telegram_user_id: from_id,
            user_id: s.user_id,
            step,
            data: serde_json::to_string(g)?,
            updated_at: self.now(),
        };
        let mut conn = self.store.conn().await?;
        store::save_dialogue(&mut conn, &row).await?;
        Ok(())
    }

    async fn end_dialogue(&self, from_id: i64) -> Result<()> {
        let mut conn = self.store.conn().await?;
        store::end_dialogue(&mut conn, from_id).await?;
        Ok(())
    }
}

fn plain(chat_id: i64, text: &str) -> BotReply {
    BotReply { chat_id, text: text.to_string(), buttons: Vec::new(), documents: Vec::new() }
}

fn with_buttons(chat_id: i64, text: &str, buttons: Vec<BotButton>) -> BotReply {
    BotReply { chat_id, text: text.to_string(), buttons, documents: Vec::new() }
}

fn button(label: &str, data: String) -> BotButton {
    BotButton { label: label.to_string(), data }
}
