//! A real SMTP server on a local port, for the tests and `kopek bench
//! notifications`: it speaks enough of RFC 5321 for lettre (EHLO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT), keeps every letter it accepts (or, for
//! a bench, only counts them), and can be told to refuse the next letters
//! with a 451 (try again later). Not a mail server: it delivers nothing.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Letter {
    pub from: String,
    pub to: Vec<String>,
    /// The message as it came after DATA, dots unstuffed.
    pub data: String,
}

#[derive(Default)]
struct State {
    letters: Vec<Letter>,
    /// Whether letters are kept; a bench's hundred thousand are counted.
    keep: bool,
    accepted: usize,
    /// Connections opened to it.
    sessions: usize,
    refuse: usize,
    refused: usize,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    /// A server that keeps every letter it accepts.
    pub async fn start() -> SmtpServer {
        SmtpServer::listen(true).await.expect("a local port to listen on")
    }

    /// A server that only counts the letters it accepts.
    pub async fn start_counting() -> std::io::Result<SmtpServer> {
        SmtpServer::listen(false).await
    }

    async fn listen(keep: bool) -> std::io::Result<SmtpServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State { keep, ..State::default() }));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                lock(&shared).sessions += 1;
                tokio::spawn(session(socket, shared.clone()));
            }
        });
        Ok(SmtpServer { addr, state })
    }

    /// The next `n` letters get "451 4.3.0 try again later" after DATA.
    pub fn refuse_next(&self, n: usize) {
        lock(&self.state).refuse = n;
    }

    pub fn letters(&self) -> Vec<Letter> {
        lock(&self.state).letters.clone()
    }

    /// How many letters it accepted, kept or not.
    pub fn accepted(&self) -> usize {
        lock(&self.state).accepted
    }

    /// How many connections were opened to it.
    pub fn sessions(&self) -> usize {
        lock(&self.state).sessions
    }

    pub fn refused(&self) -> usize {
        lock(&self.state).refused
    }
}

/// The state, also after a session panicked holding it.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn session(socket: TcpStream, state: Arc<Mutex<State>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 mailbox.test ESMTP\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-mailbox.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".into()
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK\r\n".into()
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            "250 OK\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line[10..]);
            "250 2.1.0 OK\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&line[8..]));
            "250 2.1.5 OK\r\n".into()
        } else if upper == "DATA" {
            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
            let mut data = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l));
                data.push_str("\r\n");
            }
            let mut s = lock(&state);
            if s.refuse > 0 {
                s.refuse -= 1;
                s.refused += 1;
                "451 4.3.0 try again later\r\n".into()
            } else {
                s.accepted += 1;
                let letter = Letter { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data };
                if s.keep {
                    s.letters.push(letter);
                }
                format!("250 2.0.0 Ok: queued as Q{}\r\n", s.accepted)
            }
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
            return;
        } else {
            "502 5.5.2 command not recognised\r\n".into()
        };
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn address(arg: &str) -> String {
    let arg = arg.trim();
    let end = arg.find('>').map_or(arg.len(), |i| i + 1);
    arg[..end].trim_matches(['<', '>']).to_string()
}
