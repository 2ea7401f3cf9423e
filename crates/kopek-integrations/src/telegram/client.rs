//! The Bot API calls Kopek makes: getUpdates, sendMessage (with inline
//! buttons), sendDocument, getFile and the file download. The base URL is
//! configurable (a local stub in tests, a proxy in production).

use std::time::Duration;

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_domain::telegram::BOT_FILE_MAX_BYTES;
use kopek_engine::notifications::channels::{Courier, Outgoing, SendError};
use kopek_engine::support::bot::{BotButton, BotFiles};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramConfig {
    pub token: String,
    /// https://api.telegram.org unless set.
    pub api_url: String,
    /// The bot's name without @, for the one-time links.
    pub bot_name: Option<String>,
}

pub const DEFAULT_API_URL: &str = "https://api.telegram.org";

#[derive(Clone)]
pub struct TelegramClient {
    cfg: TelegramConfig,
    http: reqwest::Client,
}

/// A refused or failed call; `permanent` when the Bot API said the request
/// itself is wrong (400, 403: a chat that blocked the bot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub permanent: bool,
    pub message: String,
}

impl ApiError {
    fn transient(message: impl Into<String>) -> ApiError {
        ApiError { permanent: false, message: message.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl TelegramClient {
    pub fn new(cfg: TelegramConfig) -> Result<TelegramClient, String> {
        // Long polling waits up to 25 s; the timeout leaves room for it.
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
        Ok(TelegramClient { cfg, http })
    }

    pub fn config(&self) -> &TelegramConfig {
        &self.cfg
    }

    fn url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.cfg.api_url.trim_end_matches('/'), self.cfg.token)
    }

    /// Reads the Bot API's envelope `{ok, result, description}`.
    async fn answer(resp: reqwest::Response) -> Result<serde_json::Value, ApiError> {
        let status = resp.status();
        let body: serde_json::Value =
            resp.json().await.map_err(|e| ApiError::transient(format!("telegram: HTTP {status}, not its JSON: {e}")))?;
        if body["ok"] == true {
            return Ok(body["result"].clone());
        }
        let message = format!("telegram: HTTP {status}: {}", body["description"].as_str().unwrap_or(""));
        Err(ApiError { permanent: matches!(status.as_u16(), 400 | 403), message })
    }

    async fn call(&self, method: &str, params: &serde_json::Value) -> Result<serde_json::Value, ApiError> {
        let resp = self
            .http
            .post(self.url(method))
            .json(params)
            .send()
            .await
            .map_err(|e| ApiError::transient(format!("telegram {method}: {e}")))?;
        Self::answer(resp).await
    }

    /// The updates from `offset` on, waiting up to `wait` seconds for one.
    pub async fn get_updates(&self, offset: i64, wait: u32) -> Result<Vec<serde_json::Value>, ApiError> {
        let params = serde_json::json!({
            "offset": offset, "timeout": wait, "allowed_updates": ["message", "callback_query"],
        });
        let result = self.call("getUpdates", &params).await?;
        Ok(result.as_array().cloned().unwrap_or_default())
    }

    /// Sends a text, with one inline button a row; returns the message id.
    pub async fn send_message(&self, chat_id: &str, text: &str, buttons: &[BotButton]) -> Result<String, ApiError> {
        let mut params = serde_json::json!({ "chat_id": chat_id, "text": text });
        if !buttons.is_empty() {
            let rows: Vec<_> =
                buttons.iter().map(|b| serde_json::json!([{ "text": b.label, "callback_data": b.data }])).collect();
            params["reply_markup"] = serde_json::json!({ "inline_keyboard": rows });
        }
        let result = self.call("sendMessage", &params).await?;
        Ok(result["message_id"].to_string())
    }

    pub async fn send_document(&self, chat_id: &str, name: &str, bytes: Vec<u8>) -> Result<(), ApiError> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().text("chat_id", chat_id.to_string()).part("document", part);
        let resp = self
            .http
            .post(self.url("sendDocument"))
            .multipart(form)
            .send()
            .await
            .map_err(|e| ApiError::transient(format!("telegram sendDocument: {e}")))?;
        Self::answer(resp).await.map(|_| ())
    }

    /// Says a button press was taken, so the client stops its spinner.
    pub async fn answer_callback(&self, id: &str) -> Result<(), ApiError> {
        self.call("answerCallbackQuery", &serde_json::json!({ "callback_query_id": id })).await.map(|_| ())
    }

    /// getFile, then the download; the Bot API serves bots files up to 20 MB.
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, ApiError> {
        let file = self.call("getFile", &serde_json::json!({ "file_id": file_id })).await?;
        if file["file_size"].as_i64().is_some_and(|n| n > BOT_FILE_MAX_BYTES) {
            return Err(ApiError { permanent: true, message: "telegram: the file is over 20 MB".into() });
        }
        let path = file["file_path"].as_str().ok_or_else(|| ApiError::transient("telegram getFile: no file_path"))?;
        let url = format!("{}/file/bot{}/{path}", self.cfg.api_url.trim_end_matches('/'), self.cfg.token);
        let resp = self.http.get(url).send().await.map_err(|e| ApiError::transient(format!("telegram file download: {e}")))?;
        if !resp.status().is_success() {
            return Err(ApiError::transient(format!("telegram file download: HTTP {}", resp.status())));
        }
        let bytes = resp.bytes().await.map_err(|e| ApiError::transient(format!("telegram file download: {e}")))?;
        Ok(bytes.to_vec())
    }
}

#[async_trait]
impl BotFiles for TelegramClient {
    async fn download(&self, file_id: &str) -> Result<Vec<u8>, String> {
        TelegramClient::download(self, file_id).await.map_err(|e| e.message)
    }
}

/// NTF-5: the messenger courier: the notification's subject and text to
/// the chat the user bound.
pub struct TelegramCourier(pub TelegramClient);

#[async_trait]
impl Courier for TelegramCourier {
    fn channel(&self) -> NotificationChannel {
        NotificationChannel::Messenger
    }

    async fn send(&self, m: &Outgoing<'_>) -> Result<String, SendError> {
        // Telegram takes at most 4096 characters a message.
        let text: String = format!("{}\n\n{}", m.content.subject, m.content.text).chars().take(4096).collect();
        self.0.send_message(m.to, &text, &[]).await.map_err(|e| SendError { permanent: e.permanent, message: e.message })
    }
}
