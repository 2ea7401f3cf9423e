//! NTF: e-mail over SMTP with lettre — implicit TLS (port 465), STARTTLS
//! (587) or plain for a relay on the same machine or network (25) — with
//! the provider's login and from-address. Each letter is multipart: the
//! text and the same text laid out in HTML. A 4xx answer or a broken
//! connection is tried again later; a 5xx answer is final.

use std::time::Duration;

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_engine::notifications::channels::{Courier, Outgoing, SendError};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (SMTPS).
    Tls,
    /// Plain first, then STARTTLS, which the server must offer.
    Starttls,
    /// No encryption: only for a relay on this machine or a trusted network.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// "Kopek <billing@provider.ru>" or a bare address.
    pub from: String,
    /// How long one conversation with the server may take.
    pub timeout_secs: u64,
}

pub struct EmailCourier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl EmailCourier {
    /// Refuses a configuration that cannot work: an unparsable from-address
    /// or host.
    pub fn new(cfg: &SmtpConfig) -> Result<EmailCourier, String> {
        let from: Mailbox = cfg.from.parse().map_err(|e| format!("smtp from {:?}: {e}", cfg.from))?;
        let builder = match cfg.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host),
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host),
            SmtpSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())),
        }
        .map_err(|e| format!("smtp host {:?}: {e}", cfg.host))?;
        let mut builder = builder.port(cfg.port).timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1))));
        if let Some(user) = &cfg.username {
            builder = builder.credentials(Credentials::new(user.clone(), cfg.password.clone().unwrap_or_default()));
        }
        Ok(EmailCourier { transport: builder.build(), from })
    }

    fn letter(&self, m: &Outgoing<'_>) -> Result<Message, SendError> {
        let to: Mailbox = m.to.parse().map_err(|e| SendError::permanent(format!("address {:?}: {e}", m.to)))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.content.subject.clone())
            .message_id(Some(format!("<{}@{}>", m.key, self.from.email.domain())))
            .multipart(MultiPart::alternative_plain_html(m.content.text.clone(), m.content.html.clone()))
            .map_err(|e| SendError::permanent(format!("letter: {e}")))
    }
}

#[async_trait]
impl Courier for EmailCourier {
    fn channel(&self) -> NotificationChannel {
        NotificationChannel::Email
    }

    async fn send(&self, m: &Outgoing<'_>) -> Result<String, SendError> {
        let letter = self.letter(m)?;
        let message_id = format!("<{}@{}>", m.key, self.from.email.domain());
        match self.transport.send(letter).await {
            Ok(answer) => {
                let said: Vec<&str> = answer.message().collect();
                Ok(if said.is_empty() { message_id } else { format!("{message_id} {}", said.join(" ")) })
            }
            Err(e) if e.is_permanent() => Err(SendError::permanent(format!("smtp: {e}"))),
            Err(e) => Err(SendError::transient(format!("smtp: {e}"))),
        }
    }
}
