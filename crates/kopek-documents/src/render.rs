//! The layouts documents are set in, and one call per document for the
//! web layer: what the engine hands out (the document's input as issued)
//! in, a printable page or a PDF out. Every layout ships in the binary; a
//! provider replaces one by a file of the same name (`invoice.typ`,
//! `act.html`, …) in its templates directory's `documents/` folder, and a
//! replacement is tried on a sample document when Kopek starts, so one
//! that does not render is refused then, naming its file and line, and
//! never fails a client's download later.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use kopek_domain::document::{
    ActInput, ActLineInput, ContractInput, DocumentKind, EntryKind, InvoiceInput, InvoiceLineInput, LineSubject, Logo,
    ReconciliationEntry, ReconciliationInput, SERVICE_UNIT,
};
use kopek_domain::payer::{PayerDetails, PayerKind};
use kopek_domain::tax::VatMode;
use minijinja::{AutoEscape, Environment};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::act::Act;
use crate::contract::Contract;
use crate::invoice::Invoice;
use crate::lang::Lang;
use crate::pdf::{self, RenderError};
use crate::reconciliation::Reconciliation;

/// How a document is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A page for "Печать" in a browser tab.
    Html,
    Pdf,
}

impl Format {
    /// "html" or "pdf", as a query string says it.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }
}

/// The layouts' file names: the typst one and the HTML one of each paper.
const NAMES: [&str; 4] = ["invoice", "act", "reconciliation", "contract"];

fn shipped_typst(name: &str) -> &'static str {
    match name {
        "invoice" => pdf::INVOICE,
        "act" => pdf::ACT,
        "reconciliation" => pdf::RECONCILIATION,
        _ => pdf::CONTRACT,
    }
}

/// The layouts in use: the shipped ones, some replaced by the provider's.
pub struct Layouts {
    typst: BTreeMap<&'static str, String>,
    html: Environment<'static>,
}

impl Layouts {
    /// The layouts Kopek ships.
    pub fn shipped() -> Layouts {
        Layouts::build(&BTreeMap::new()).expect("the shipped layouts render")
    }

    /// The shipped layouts with those `dir` holds in their place; each
    /// replacement is tried on a sample document first.
    pub fn with_dir(dir: &Path) -> Result<Layouts, RenderError> {
        let mut found = BTreeMap::new();
        for name in NAMES {
            for ext in ["typ", "html"] {
                let file = format!("{name}.{ext}");
                let path = dir.join(&file);
                if path.is_file() {
                    let text =
                        std::fs::read_to_string(&path).map_err(|e| RenderError(vec![format!("{}: {e}", path.display())]))?;
                    found.insert(file, text);
                }
            }
        }
        Layouts::build(&found)
    }

    fn build(replaced: &BTreeMap<String, String>) -> Result<Layouts, RenderError> {
        let mut html = Environment::new();
        html.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        html.set_auto_escape_callback(|_| AutoEscape::Html);
        let mut typst = BTreeMap::new();
        for name in NAMES {
            let file = format!("{name}.html");
            let source = replaced.get(&file).cloned().unwrap_or_else(|| crate::html::shipped(&file).to_string());
            html.add_template_owned(file.clone(), source).map_err(|e| RenderError(vec![format!("{file}: {e}")]))?;
            let source = replaced.get(&format!("{name}.typ")).cloned().unwrap_or_else(|| shipped_typst(name).to_string());
            typst.insert(name, source);
        }
        let layouts = Layouts { typst, html };
        for file in replaced.keys() {
            let (name, ext) = file.split_once('.').unwrap_or((file, ""));
            let format = if ext == "typ" { Format::Pdf } else { Format::Html };
            for lang in Lang::ALL {
                layouts
                    .sample(name, format, lang, None)
                    .map_err(|e| RenderError(e.0.into_iter().map(|m| format!("{file}: {m}")).collect()))?;
            }
        }
        Ok(layouts)
    }

    fn lay_out(&self, model: &impl Serialize, name: &str, format: Format, logo: Option<&Logo>) -> Result<Vec<u8>, RenderError> {
        let mut model = serde_json::to_value(model).map_err(|e| RenderError(vec![e.to_string()]))?;
        // The logo goes in as the layout takes it: inline in a page, a file
        // beside the data in the PDF's world.
        let file = logo.map(|l| (if l.content_type == "image/jpeg" { "/logo.jpg" } else { "/logo.png" }, l.bytes.as_slice()));
        if let (Some(logo), serde_json::Value::Object(fields)) = (logo, &mut model) {
            let value = match (format, file) {
                (Format::Pdf, Some((path, _))) => path.to_string(),
                _ => format!("data:{};base64,{}", logo.content_type, crate::html::base64(&logo.bytes)),
            };
            fields.insert("logo".into(), serde_json::Value::String(value));
        }
        match format {
            Format::Html => {
                let template = self.html.get_template(&format!("{name}.html")).map_err(|e| RenderError(vec![e.to_string()]))?;
                let page = template
                    .render(minijinja::context! { d => minijinja::Value::from(minijinja::value::Serde(model)) })
                    .map_err(|e| {
                    RenderError(vec![match e.line() {
                        Some(line) => format!("line {line}: {e}"),
                        None => e.to_string(),
                    }])
                })?;
                Ok(page.into_bytes())
            }
            Format::Pdf => pdf::render_with(&self.typst[name], &model, file.as_slice()).map(|r| r.bytes),
        }
    }

    /// An issued document, from the data stored with it, in `lang`.
    pub fn document(
        &self,
        kind: DocumentKind,
        data: &serde_json::Value,
        format: Format,
        lang: Lang,
        logo: Option<&Logo>,
    ) -> Result<Vec<u8>, RenderError> {
        let bad = |e: serde_json::Error| RenderError(vec![format!("the stored document does not read as a {kind}: {e}")]);
        match kind {
            DocumentKind::Invoice => {
                let input: InvoiceInput = serde_json::from_value(data.clone()).map_err(bad)?;
                self.lay_out(&Invoice::new(&input, lang), "invoice", format, logo)
            }
            DocumentKind::Act => {
                let input: ActInput = serde_json::from_value(data.clone()).map_err(bad)?;
                self.lay_out(&Act::new(&input, lang), "act", format, logo)
            }
            DocumentKind::Contract => {
                let input: ContractInput = serde_json::from_value(data.clone()).map_err(bad)?;
                self.lay_out(&Contract::new(&input, lang), "contract", format, logo)
            }
        }
    }

    /// A reconciliation act, computed when asked, in `lang`.
    pub fn reconciliation(
        &self,
        input: &ReconciliationInput,
        format: Format,
        lang: Lang,
        logo: Option<&Logo>,
    ) -> Result<Vec<u8>, RenderError> {
        self.lay_out(&Reconciliation::new(input, lang), "reconciliation", format, logo)
    }

    /// Whether `logo` lays out in a PDF (typst reads its bytes): a logo
    /// that does not is refused at upload, never failing a paper later.
    pub fn try_logo(&self, logo: &Logo) -> Result<(), RenderError> {
        self.sample("invoice", Format::Pdf, Lang::Ru, Some(logo)).map(|_| ())
    }

    /// A made-up paper of the layout `name` in `lang`, for trying a
    /// replacement.
    fn sample(&self, name: &str, format: Format, lang: Lang, logo: Option<&Logo>) -> Result<Vec<u8>, RenderError> {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap_or_default();
        let party = |n: &str| PayerDetails {
            country: "RU".into(),
            name: n.into(),
            inn: Some("7707083893".into()),
            director_name: Some("Иванов И. И.".into()),
            director_position: Some("Директор".into()),
            ..PayerDetails::default()
        };
        let one = Decimal::ONE;
        match name {
            "invoice" => self.lay_out(
                &Invoice::new(
                    &InvoiceInput {
                        number: "2026-000001".into(),
                        issued_on: day,
                        seller: party("ООО «Исполнитель»"),
                        buyer: party("ООО «Заказчик»"),
                        lines: vec![InvoiceLineInput {
                            name: String::new(),
                            subject: Some(LineSubject::Advance { account: "1".into() }),
                            quantity: one,
                            unit: SERVICE_UNIT.into(),
                            price: one,
                        }],
                        vat_percent: Some(Decimal::from(22)),
                        vat_mode: VatMode::Included,
                        signer_name: "Иванов И. И.".into(),
                        signer_position: "Директор".into(),
                        payment_purpose: String::new(),
                        payment_number: Some("1".into()),
                        seller_logo: None,
                    },
                    lang,
                ),
                name,
                format,
                logo,
            ),
            "act" => self.lay_out(
                &Act::new(
                    &ActInput {
                        number: "2026-000001".into(),
                        issued_on: day,
                        period_from: day,
                        period_to: day,
                        seller: party("ООО «Исполнитель»"),
                        buyer: party("ООО «Заказчик»"),
                        contract: None,
                        lines: vec![ActLineInput {
                            name: "Услуга".into(),
                            from: day,
                            to: day,
                            quantity: one,
                            unit: SERVICE_UNIT.into(),
                            amount: one,
                            vat_percent: None,
                            tax: Decimal::ZERO,
                        }],
                        signer_name: "Иванов И. И.".into(),
                        signer_position: "Директор".into(),
                        seller_logo: None,
                    },
                    lang,
                ),
                name,
                format,
                logo,
            ),
            "reconciliation" => self.lay_out(
                &Reconciliation::new(
                    &ReconciliationInput {
                        from: day,
                        to: day,
                        seller: party("ООО «Исполнитель»"),
                        buyer: party("ООО «Заказчик»"),
                        contract: None,
                        opening: Decimal::ZERO,
                        entries: vec![ReconciliationEntry {
                            date: day,
                            kind: EntryKind::Act,
                            number: "2026-000001".into(),
                            debit: one,
                            credit: Decimal::ZERO,
                        }],
                        signer_name: "Иванов И. И.".into(),
                        signer_position: "Директор".into(),
                        seller_logo: None,
                    },
                    lang,
                ),
                name,
                format,
                logo,
            ),
            _ => self.lay_out(
                &Contract::new(
                    &ContractInput {
                        number: "2026-000001".into(),
                        signed_on: day,
                        city: "Москва".into(),
                        seller: party("ООО «Исполнитель»"),
                        buyer: party("ООО «Заказчик»"),
                        buyer_kind: PayerKind::LegalEntity,
                        seller_logo: None,
                    },
                    lang,
                ),
                name,
                format,
                logo,
            ),
        }
    }
}

fn shipped() -> &'static Layouts {
    static SHIPPED: std::sync::OnceLock<Layouts> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(Layouts::shipped)
}

/// An issued document in the shipped layouts.
pub fn document(kind: DocumentKind, data: &serde_json::Value, format: Format, lang: Lang) -> Result<Vec<u8>, RenderError> {
    shipped().document(kind, data, format, lang, None)
}

/// A reconciliation act in the shipped layouts.
pub fn reconciliation(input: &ReconciliationInput, format: Format, lang: Lang) -> Result<Vec<u8>, RenderError> {
    shipped().reconciliation(input, format, lang, None)
}
