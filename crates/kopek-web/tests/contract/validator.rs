//! OPS-3: the served document passes `openapi-spec-validator`, which reads
//! it as OpenAPI 3.1 (the version it declares).

use crate::tools::{document_file, output_text, tool};

#[test]
fn the_served_document_is_valid_openapi_3_1() {
    let Some(validator) = tool("openapi-spec-validator") else { return };
    // Kept beside the tools, for a developer to read what was checked.
    let doc = document_file(validator.parent().unwrap().parent().unwrap());
    let out = std::process::Command::new(validator).arg(&doc).output().unwrap();
    // Its refusal quotes the whole document after the reason: the reason
    // is enough.
    let said: String = output_text(&out).chars().take(1500).collect();
    assert!(out.status.success(), "the validator refused the document:\n{said}");
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.contains("\"openapi\": \"3.1"), "the document says it is OpenAPI 3.1");
}
