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

/// Renders the shipped HTML template `name` over the document `d`.
pub fn render(name: &str, d: &impl Serialize) -> Result<String, minijinja::Error> {
    env().get_template(name)?.render(minijinja::context! { d => minijinja::Value::from(minijinja::value::Serde(d)) })
}
