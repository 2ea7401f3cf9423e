//! DOC-5: the provider's logo in the header of both layouts — inline in a
//! page, an image of the PDF — only when the paper names one; a picture
//! typst cannot read is found out before it is taken.

use kopek_documents::render::{Format, Layouts};
use kopek_documents::{Invoice, Lang, html, pdf};
use kopek_domain::document::{DocumentKind, Logo};
use kopek_domain::tax::VatMode;
use rust_decimal_macros::dec;

use crate::invoice::input;

/// A red picture, 2×1 pixels.
pub const RED_PNG: &[u8] = b"\x89PNG\x0d\x0a\x1a\x0a\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x02\x00\x00\x00{@\xe8\xdd\x00\x00\x00\x0dIDATx\x9cc8\xc1\xc0\x00D\x00\x07\x0f\x01\x910\x8c\xe9*\x00\x00\x00\x00IEND\xaeB`\x82";

fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn doc5_the_logo_is_in_the_header_of_the_page_and_an_image_of_the_pdf() {
    let logo = Logo { content_type: "image/png".into(), bytes: RED_PNG.to_vec() };
    let mut data = input(Some(dec!(20)), VatMode::Included);
    data.seller_logo = Some("a-hash".into());
    let data = serde_json::to_value(&data).unwrap();
    let layouts = Layouts::shipped();
    for lang in Lang::ALL {
        let page =
            String::from_utf8(layouts.document(DocumentKind::Invoice, &data, Format::Html, lang, Some(&logo)).unwrap()).unwrap();
        let src = format!("src=\"data:image/png;base64,{}\"", html::base64(RED_PNG)).replace('/', "&#x2f;");
        assert!(page.contains("data-test=\"logo\"") && page.contains(&src), "{page}");
        let with = layouts.document(DocumentKind::Invoice, &data, Format::Pdf, lang, Some(&logo)).unwrap();
        let without = layouts.document(DocumentKind::Invoice, &data, Format::Pdf, lang, None).unwrap();
        assert!(has(&with, b"/Subtype/Image") && has(&with, b"/Width 2"), "the PDF holds the logo, 2 pixels wide, as an image");
        assert!(!has(&without, b"/Subtype/Image"), "no image without a logo");
        let page = String::from_utf8(layouts.document(DocumentKind::Invoice, &data, Format::Html, lang, None).unwrap()).unwrap();
        assert!(!page.contains("data-test=\"logo\""));
    }
    // Every paper takes it.
    let act = serde_json::to_value(crate::act::act()).unwrap();
    assert!(has(&layouts.document(DocumentKind::Act, &act, Format::Pdf, Lang::En, Some(&logo)).unwrap(), b"/Subtype/Image"));
    let rec = crate::act::reconciliation(dec!(0));
    assert!(has(&layouts.reconciliation(&rec, Format::Pdf, Lang::Ru, Some(&logo)).unwrap(), b"/Subtype/Image"));
    // The model alone (no logo) still lays out, as older callers use it;
    // with the logo's file beside it, the page holds one picture.
    let mut model = Invoice::new(&input(None, VatMode::Included), Lang::Ru);
    assert_eq!(model.logo, "");
    assert_eq!(pdf::render(pdf::INVOICE, &serde_json::to_value(&model).unwrap()).unwrap().images, 0);
    model.logo = "/logo.png".into();
    let rendered = pdf::render_with(pdf::INVOICE, &serde_json::to_value(&model).unwrap(), &[("/logo.png", RED_PNG)]).unwrap();
    assert_eq!(rendered.images, 1);
}

#[test]
fn doc5_a_picture_typst_cannot_read_is_found_out() {
    let layouts = Layouts::shipped();
    assert!(layouts.try_logo(&Logo { content_type: "image/png".into(), bytes: RED_PNG.to_vec() }).is_ok());
    let broken = Logo { content_type: "image/png".into(), bytes: b"\x89PNG\r\n\x1a\nnot really a picture".to_vec() };
    assert!(layouts.try_logo(&broken).is_err());
}
