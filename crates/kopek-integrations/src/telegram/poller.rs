//! SUP-3, NTF-5: the bot's polling loop. Each update is claimed in the
//! database (the offset moves past it) before the engine handles it, so an
//! update is handled once even across restarts or two pollers; the
//! engine's answers are then sent.

use std::time::Duration;

use kopek_engine::Engine;
use kopek_engine::support::bot::{BotFile, BotInput, BotUpdate};
use tokio::sync::watch;

use crate::telegram::client::TelegramClient;

pub struct Bot {
    engine: Engine,
    client: TelegramClient,
    /// Seconds getUpdates waits for an update.
    wait: u32,
}

impl Bot {
    pub fn new(engine: Engine, client: TelegramClient) -> Bot {
        Bot { engine, client, wait: 25 }
    }

    /// Long polling off: each round asks once and returns (tests).
    pub fn without_waiting(mut self) -> Bot {
        self.wait = 0;
        self
    }

    /// One getUpdates round; returns how many updates were handled.
    pub async fn poll_once(&self) -> Result<usize, String> {
        let offset = self.engine.telegram_next_offset().await.map_err(|e| e.chain())?;
        let updates = self.client.get_updates(offset, self.wait).await.map_err(|e| e.message)?;
        let mut handled = 0;
        for raw in updates {
            let Some(update_id) = raw["update_id"].as_i64() else { continue };
            if !self.engine.telegram_claim_update(update_id).await.map_err(|e| e.chain())? {
                continue;
            }
            if let Some(id) = raw["callback_query"]["id"].as_str()
                && let Err(e) = self.client.answer_callback(id).await
            {
                tracing::warn!(error = %e, "telegram: answering a button press");
            }
            let Some(update) = parse(&raw) else { continue };
            handled += 1;
            let replies = match self.engine.telegram_update(&update, &self.client).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(update_id, error = %e.chain(), "telegram: update not handled");
                    continue;
                }
            };
            for r in replies {
                let chat = r.chat_id.to_string();
                if let Err(e) = self.client.send_message(&chat, &r.text, &r.buttons).await {
                    tracing::warn!(update_id, error = %e, "telegram: answer not sent");
                }
                for d in r.documents {
                    if let Err(e) = self.client.send_document(&chat, &d.name, d.bytes).await {
                        tracing::warn!(update_id, error = %e, "telegram: file not sent");
                    }
                }
            }
        }
        Ok(handled)
    }

    /// Polls until `stop` turns true; a failed round waits a little.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let round = tokio::select! {
                r = self.poll_once() => r,
                _ = stop.changed() => return,
            };
            if let Err(e) = round {
                tracing::warn!(error = %e, "telegram: polling");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

/// The parts of an update the bot uses: a private message's text, document
/// or photo, or a button press.
pub fn parse(raw: &serde_json::Value) -> Option<BotUpdate> {
    if let Some(q) = raw.get("callback_query") {
        return Some(BotUpdate {
            chat_id: q["message"]["chat"]["id"].as_i64().or_else(|| q["from"]["id"].as_i64())?,
            from_id: q["from"]["id"].as_i64()?,
            username: q["from"]["username"].as_str().map(str::to_string),
            input: BotInput::Button(q["data"].as_str()?.to_string()),
        });
    }
    let m = raw.get("message")?;
    let input = if let Some(d) = m.get("document") {
        BotInput::File(BotFile {
            file_id: d["file_id"].as_str()?.to_string(),
            name: d["file_name"].as_str().unwrap_or("file").to_string(),
            size: d["file_size"].as_i64(),
        })
    } else if let Some(p) = m["photo"].as_array().and_then(|sizes| sizes.last()) {
        // A photo comes in several sizes; the last is the largest.
        BotInput::File(BotFile {
            file_id: p["file_id"].as_str()?.to_string(),
            name: "photo.jpg".to_string(),
            size: p["file_size"].as_i64(),
        })
    } else {
        BotInput::Text(m["text"].as_str()?.to_string())
    };
    Some(BotUpdate {
        chat_id: m["chat"]["id"].as_i64()?,
        from_id: m["from"]["id"].as_i64()?,
        username: m["from"]["username"].as_str().map(str::to_string),
        input,
    })
}
