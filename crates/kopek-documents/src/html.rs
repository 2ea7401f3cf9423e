//! The "Печать" view: the same model as the PDF, laid out in HTML with
//! print CSS (A4), escaped as HTML wherever a value lands.

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

const TEMPLATES: [(&str, &str); 4] = [
    ("contract.html", include_str!("../templates/contract.html")),
    ("invoice.html", include_str!("../templates/invoice.html")),
    ("act.html", include_str!("../templates/act.html")),
    ("reconciliation.html", include_str!("../templates/reconciliation.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("a shipped document template parses");
        }
        env
    })
}

/// The shipped HTML layout `name` ("act.html").
pub fn shipped(name: &str) -> &'static str {
    TEMPLATES.iter().find(|(n, _)| *n == name).map_or("", |(_, s)| s)
}

/// `bytes` in base64 (RFC 4648, padded), for a `data:` URL.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Renders the shipped HTML template `name` over the document `d`.
pub fn render(name: &str, d: &impl Serialize) -> Result<String, minijinja::Error> {
    env().get_template(name)?.render(minijinja::context! { d => minijinja::Value::from(minijinja::value::Serde(d)) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc5_base64_as_rfc_4648_writes_it() {
        for (bytes, text) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(super::base64(bytes.as_bytes()), text);
        }
        assert_eq!(super::base64(&[0xff, 0xfe]), "//4=");
    }
}
