//! What the delivery worker needs from the outside world: a renderer of
//! the shipped templates and one courier per channel. Both are traits so
//! the engine carries neither a template engine nor an SMTP client.

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use serde::{Deserialize, Serialize};

/// One notification rendered in one language, for every channel at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    /// The plain text: the e-mail's text part and the inbox's body.
    pub text: String,
    pub html: String,
    /// Short enough for one or two SMS.
    pub sms: String,
}

/// NTF-3: a staff's own template of one event in one language: the same
/// parts as a shipped one; without `html` the text is laid out as usual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSource {
    pub subject: String,
    pub text: String,
    pub sms: String,
    pub html: Option<String>,
}

pub trait Renderer: Send + Sync {
    /// Renders `event`'s templates in `locale` with the notification's
    /// data; an error names the template and what went wrong.
    fn render(&self, event: &str, locale: &str, data: &serde_json::Value) -> Result<Rendered, String>;

    /// Renders a staff's own template instead of the shipped one.
    fn render_source(
        &self,
        event: &str,
        locale: &str,
        source: &TemplateSource,
        data: &serde_json::Value,
    ) -> Result<Rendered, String>;

    /// Whether a staff's template may be stored: it parses, and names only
    /// values the event carries. The error names the part and its line.
    fn check(&self, event: &str, locale: &str, source: &TemplateSource) -> Result<(), String>;
}

/// A refused or failed send. A permanent one (a mailbox that does not
/// exist, an invalid phone number) is not tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError { permanent: false, message: message.into() }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError { permanent: true, message: message.into() }
    }
}

/// One message for one address.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// An e-mail address or a phone number.
    pub to: &'a str,
    pub content: &'a Rendered,
    /// The same on every try of one delivery (an e-mail's Message-ID is
    /// made of it), so a copy sent again after a crash can be recognised.
    pub key: &'a str,
}

#[async_trait]
pub trait Courier: Send + Sync {
    fn channel(&self) -> NotificationChannel;

    /// Hands the message to the provider; returns the provider's id for it.
    async fn send(&self, message: &Outgoing<'_>) -> Result<String, SendError>;
}
