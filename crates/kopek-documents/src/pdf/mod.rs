//! PDF through typst as a library. A document's template is typst source
//! shipped in the binary; it reads the formatted model as
//! `json("/data.json")` and does no arithmetic of its own. The compiled
//! pages also give the document's text, in reading order, so tests (and a
//! search) can read what a person sees without a PDF parser.

mod world;

use typst::diag::{SourceDiagnostic, Warned};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use world::DocumentWorld;

/// The typst sources of the shipped documents.
pub const INVOICE: &str = include_str!("../../templates/invoice.typ");
pub const ACT: &str = include_str!("../../templates/act.typ");
pub const RECONCILIATION: &str = include_str!("../../templates/reconciliation.typ");
pub const CONTRACT: &str = include_str!("../../templates/contract.typ");

/// A rendered document: the PDF's bytes and the text on its pages.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    /// Each page's text runs, a line per run.
    pub text: String,
    pub pages: usize,
    /// How many pictures the pages hold (the provider's logo).
    pub images: usize,
}

/// Why a template did not render: typst's messages, each with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join("; "))]
pub struct RenderError(pub Vec<String>);

/// Renders `template` (typst source) over `data`.
pub fn render(template: &str, data: &serde_json::Value) -> Result<RenderedPdf, RenderError> {
    render_with(template, data, &[])
}

/// Renders `template` over `data` with `files` (path, bytes) it may read,
/// such as the provider's logo at "/logo.png".
pub fn render_with(template: &str, data: &serde_json::Value, files: &[(&str, &[u8])]) -> Result<RenderedPdf, RenderError> {
    let world = DocumentWorld::new(template, data, files)?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|d| world.describe(&d))?;
    let bytes = typst_pdf::pdf(&document, &PdfOptions::default()).map_err(|d| world.describe(&d))?;
    let (mut lines, mut images) = (Vec::new(), 0);
    for page in document.pages() {
        collect(&page.frame, &mut lines, &mut images);
    }
    Ok(RenderedPdf { bytes, text: lines.join("\n"), pages: document.pages().len(), images })
}

fn collect(frame: &Frame, lines: &mut Vec<String>, images: &mut usize) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Text(text) => lines.push(text.text.to_string()),
            FrameItem::Group(group) => collect(&group.frame, lines, images),
            FrameItem::Image(..) => *images += 1,
            _ => {}
        }
    }
}

impl DocumentWorld {
    /// typst's diagnostics as "line N: message".
    fn describe(&self, diagnostics: &[SourceDiagnostic]) -> RenderError {
        RenderError(diagnostics.iter().map(|d| self.located(d)).collect())
    }
}
