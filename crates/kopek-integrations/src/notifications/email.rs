//! NTF: e-mail over SMTP with lettre — implicit TLS (port 465), STARTTLS
//! (587) or plain for a relay on the same machine or network (25) — with
//! the provider's login and from-address. Each letter is multipart: the
//! text and the same text laid out in HTML. A 4xx answer or a broken
//! connection is tried again later; a 5xx answer is final.
//!
//! Connections stay open between letters. Plain and STARTTLS conversations
//! run over Kopek's own TCP connections with Nagle's algorithm off: lettre
//! writes a letter and its closing dot in two writes, and with Nagle on the
//! dot waits for the server's delayed ACK, 40 ms a letter on Linux — which
//! held delivery to about 22 letters a second whatever else was done
//! (docs/performance.md). Implicit TLS, where lettre makes the connection,
//! goes through lettre's own pool.

use std::time::Duration;

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_engine::notifications::channels::{Courier, Outgoing, SendError};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Open connections kept for the next letters.
const IDLE_CONNECTIONS: usize = 4;

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
    route: Route,
    from: Mailbox,
}

enum Route {
    /// Implicit TLS: lettre connects, and pools.
    Lettre(AsyncSmtpTransport<Tokio1Executor>),
    /// Plain or STARTTLS over Kopek's own connections.
    Direct(Box<Direct>),
}

struct Direct {
    host: String,
    port: u16,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl EmailCourier {
    /// Refuses a configuration that cannot work: an unparsable from-address
    /// or host.
    pub fn new(cfg: &SmtpConfig) -> Result<EmailCourier, String> {
        let from: Mailbox = cfg.from.parse().map_err(|e| format!("smtp from {:?}: {e}", cfg.from))?;
        let timeout = Duration::from_secs(cfg.timeout_secs.max(1));
        let credentials = cfg.username.as_ref().map(|u| Credentials::new(u.clone(), cfg.password.clone().unwrap_or_default()));
        let tls = || TlsParameters::new(cfg.host.clone()).map_err(|e| format!("smtp host {:?}: {e}", cfg.host));
        let route = match cfg.security {
            SmtpSecurity::Tls => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)
                    .map_err(|e| format!("smtp host {:?}: {e}", cfg.host))?
                    .port(cfg.port)
                    .timeout(Some(timeout));
                if let Some(c) = credentials {
                    builder = builder.credentials(c);
                }
                Route::Lettre(builder.build())
            }
            SmtpSecurity::Starttls | SmtpSecurity::Plain => Route::Direct(Box::new(Direct {
                host: cfg.host.clone(),
                port: cfg.port,
                starttls: if cfg.security == SmtpSecurity::Starttls { Some(tls()?) } else { None },
                credentials,
                timeout,
                hello: ClientId::default(),
                idle: Mutex::new(Vec::new()),
            })),
        };
        Ok(EmailCourier { route, from })
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
        let answer = match &self.route {
            Route::Lettre(transport) => transport.send(letter).await.map_err(refusal)?,
            Route::Direct(direct) => direct.send(&letter).await?,
        };
        let said: Vec<&str> = answer.message().collect();
        Ok(if said.is_empty() { message_id } else { format!("{message_id} {}", said.join(" ")) })
    }
}

/// A 5xx answer is final; anything else may pass another time.
fn refusal(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() { SendError::permanent(format!("smtp: {e}")) } else { SendError::transient(format!("smtp: {e}")) }
}

impl Direct {
    /// A kept connection that still answers (NOOP), else a new one.
    async fn connection(&self) -> Result<AsyncSmtpConnection, SendError> {
        loop {
            let kept = self.idle.lock().await.pop();
            let Some(mut conn) = kept else { break };
            if conn.test_connected().await {
                return Ok(conn);
            }
            conn.abort().await;
        }
        self.open().await
    }

    async fn open(&self) -> Result<AsyncSmtpConnection, SendError> {
        let broken = |e: std::io::Error| SendError::transient(format!("smtp: {}:{}: {e}", self.host, self.port));
        let tcp = TcpStream::connect((self.host.as_str(), self.port)).await.map_err(broken)?;
        tcp.set_nodelay(true).map_err(broken)?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await.map_err(refusal)?;
        if let Some(tls) = &self.starttls {
            conn.starttls(tls.clone(), &self.hello).await.map_err(refusal)?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(refusal)?;
        }
        Ok(conn)
    }

    async fn send(&self, letter: &Message) -> Result<Response, SendError> {
        let talk = async {
            let mut conn = self.connection().await?;
            let sent = conn.send(letter.envelope(), &letter.formatted()).await;
            if sent.is_err() || conn.has_broken() {
                conn.abort().await;
            } else {
                let mut idle = self.idle.lock().await;
                if idle.len() < IDLE_CONNECTIONS {
                    idle.push(conn);
                } else {
                    drop(idle);
                    let _ = conn.quit().await;
                }
            }
            sent.map_err(refusal)
        };
        tokio::time::timeout(self.timeout, talk)
            .await
            .unwrap_or_else(|_| Err(SendError::transient(format!("smtp: no answer in {} s", self.timeout.as_secs()))))
    }
}
