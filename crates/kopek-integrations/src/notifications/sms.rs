//! NTF: SMS through an HTTP gateway, in the request and answer shapes of
//! SMS.ru (`/sms/send`, `api_id`, `json=1`) or SMSC (`/sys/send.php`,
//! `login`/`psw`, `fmt=3`). The gateway's own error codes decide whether a
//! refusal is tried again (no money on the account, a rate limit, the
//! gateway down) or final (a bad number, a stop-listed one, bad keys).

use std::time::Duration;

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_engine::notifications::channels::{Courier, Outgoing, SendError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsProvider {
    /// sms.ru
    Smsru,
    /// smsc.ru
    Smsc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsConfig {
    pub provider: SmsProvider,
    /// The gateway's address, e.g. https://sms.ru or https://smsc.ru.
    pub base_url: String,
    /// SMS.ru: the api_id. SMSC: the login.
    pub login: String,
    /// SMSC: the password or API key; unused by SMS.ru.
    pub password: Option<String>,
    /// The sender's name, when the gateway approved one.
    pub sender: Option<String>,
}

pub struct SmsCourier {
    cfg: SmsConfig,
    http: reqwest::Client,
}

impl SmsCourier {
    pub fn new(cfg: SmsConfig) -> Result<SmsCourier, String> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(|e| e.to_string())?;
        Ok(SmsCourier { cfg, http })
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<serde_json::Value, SendError> {
        let url = format!("{}{path}", self.cfg.base_url.trim_end_matches('/'));
        let answer =
            self.http.post(&url).form(form).send().await.map_err(|e| SendError::transient(format!("sms gateway: {e}")))?;
        let status = answer.status();
        if status.is_server_error() {
            return Err(SendError::transient(format!("sms gateway: HTTP {status}")));
        }
        answer.json().await.map_err(|e| SendError::transient(format!("sms gateway: HTTP {status}, not its JSON: {e}")))
    }

    async fn send_smsru(&self, to: &str, text: &str) -> Result<String, SendError> {
        let mut form = vec![("api_id", self.cfg.login.as_str()), ("to", to), ("msg", text), ("json", "1")];
        if let Some(from) = &self.cfg.sender {
            form.push(("from", from));
        }
        let body = self.post("/sms/send", &form).await?;
        let refused = |v: &serde_json::Value| {
            let code = v["status_code"].as_i64().unwrap_or(0);
            let text = v["status_text"].as_str().unwrap_or("");
            let message = format!("SMS.ru {code}: {text}");
            if smsru_retries(code) { SendError::transient(message) } else { SendError::permanent(message) }
        };
        if body["status"] != "OK" {
            return Err(refused(&body));
        }
        // The answer is keyed by the number as the gateway normalised it.
        let one = body["sms"].as_object().and_then(|m| m.values().next()).cloned().unwrap_or_default();
        if one["status"] != "OK" {
            return Err(refused(&one));
        }
        one["sms_id"].as_str().map(str::to_string).ok_or_else(|| SendError::transient("SMS.ru answered without sms_id"))
    }

    async fn send_smsc(&self, to: &str, text: &str) -> Result<String, SendError> {
        let psw = self.cfg.password.clone().unwrap_or_default();
        let mut form = vec![
            ("login", self.cfg.login.as_str()),
            ("psw", psw.as_str()),
            ("phones", to),
            ("mes", text),
            ("fmt", "3"),
            ("charset", "utf-8"),
        ];
        if let Some(from) = &self.cfg.sender {
            form.push(("sender", from));
        }
        let body = self.post("/sys/send.php", &form).await?;
        if let Some(code) = body["error_code"].as_i64() {
            let message = format!("SMSC {code}: {}", body["error"].as_str().unwrap_or(""));
            return Err(if smsc_retries(code) { SendError::transient(message) } else { SendError::permanent(message) });
        }
        match &body["id"] {
            serde_json::Value::Number(n) => Ok(n.to_string()),
            serde_json::Value::String(s) => Ok(s.clone()),
            _ => Err(SendError::transient("SMSC answered without id")),
        }
    }
}

/// SMS.ru's codes worth another try: 201 not enough money, 206 the day's
/// limit, 220 the service is unavailable, 230–233 limits per number and
/// minute, 500 and above its own errors. Every other code (202 a wrong
/// number, 207 a number that cannot be sent to, 209 the stop list, 200 /
/// 300 / 301 bad keys …) would be refused again.
pub fn smsru_retries(code: i64) -> bool {
    matches!(code, 201 | 206 | 220 | 230..=233) || code >= 500
}

/// SMSC's codes worth another try: 3 not enough money, 4 the address
/// blocked for a while, 9 too many requests.
pub fn smsc_retries(code: i64) -> bool {
    matches!(code, 3 | 4 | 9)
}

#[async_trait]
impl Courier for SmsCourier {
    fn channel(&self) -> NotificationChannel {
        NotificationChannel::Sms
    }

    async fn send(&self, m: &Outgoing<'_>) -> Result<String, SendError> {
        let to: String = m.to.chars().filter(char::is_ascii_digit).collect();
        if to.len() < 10 || to.len() > 15 {
            return Err(SendError::permanent(format!("phone {:?} is not a number", m.to)));
        }
        match self.cfg.provider {
            SmsProvider::Smsru => self.send_smsru(&to, &m.content.sms).await,
            SmsProvider::Smsc => self.send_smsc(&to, &m.content.sms).await,
        }
    }
}
