//! OPS-3: a client generated from the document with openapi-python-client
//! works: `client_story.py`, written against it, creates a client, tops its
//! balance up by 1000.00, orders a 300.00 product paid from the balance
//! and reads 700.00 back.

use kopek_store::backend_test;

use crate::common::App;
use crate::conformance::vds;
use crate::tools::{document_file, output_text, tool};

backend_test!(async fn a_generated_python_client_tops_up_and_orders(db) {
    let Some(generator) = tool("openapi-python-client") else { return };
    let python = generator.with_file_name("python");
    let app = App::spawn(db).await;
    let product = vds(&app).await;

    let dir = tempfile::tempdir().unwrap();
    let doc = document_file(dir.path());
    let generated = tokio::process::Command::new(&generator)
        .args(["generate", "--meta", "none", "--path"])
        .arg(&doc)
        .arg("--output-path")
        .arg(dir.path().join("kopek_client"))
        .output()
        .await
        .unwrap();
    assert!(generated.status.success(), "the generator failed:\n{}", output_text(&generated));

    let story = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contract/client_story.py");
    let ran = tokio::process::Command::new(&python)
        .arg(story)
        .env("PYTHONPATH", dir.path())
        .env("KOPEK_URL", &app.base)
        .env("KOPEK_TOKEN", &app.token)
        .env("KOPEK_PRODUCT", product.to_string())
        .output()
        .await
        .unwrap();
    let said = output_text(&ran);
    assert!(ran.status.success(), "the story failed:\n{said}");
    let lines: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert_eq!(lines[0], "topped up 1000.00");
    assert!(lines[1].ends_with(" paid 300.00 RUB"), "{said}");
    assert_eq!(lines[2], "balance 700.00 RUB");
});
