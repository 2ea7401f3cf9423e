//! SUP-1: attachments kept in a files directory (`support_files_dir`), on
//! both backends: uploaded, named by their SHA-256, downloaded by whoever
//! sees the ticket; a refused file leaves nothing there.

use std::sync::Arc;

use kopek_engine::support::departments::DepartmentInput;
use kopek_engine::support::files::{FileStore, content_name};
use kopek_engine::support::tickets::{OpenTicket, ReplyTicket};
use kopek_engine::support::views::Upload;
use kopek_engine::testing::{TestEngine, test_settings};
use kopek_engine::{Engine, Settings};
use kopek_store::backend_test;

const PDF: &[u8] = b"%PDF-1.4 invoice scan";

/// The test's engine with its files going to `dir`.
fn keeping_files_in(t: &TestEngine, dir: &std::path::Path) -> Engine {
    let settings = Settings { support_files: FileStore::Directory(dir.to_path_buf()), ..test_settings() };
    Engine::new(t.db.store.clone(), Arc::new(t.clock.clone()), settings)
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort_unstable();
    names
}

fn open(dep: i64, subject: &str) -> OpenTicket {
    OpenTicket {
        department_id: Some(dep), subscription_id: None, subject: subject.into(), text: "Счёт во вложении".into()
    }
}

backend_test!(
    /// SUP-1: a file uploaded with a ticket and one with a reply land in the
    /// directory under their SHA-256, with no bytes in the database; the
    /// same bytes again make no second file; both sides download them; a
    /// file kept in the database before the setting changed still reads.
    async fn sup1_attachments_live_in_the_files_directory(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let dep = t.engine.create_department(&admin, DepartmentInput { name: "Финансы".into(), enabled: true }).await.unwrap().id;
    let (_, owner) = t.client("FILES1", 0).await;
    let earlier = t.engine.open_ticket(&owner, open(dep, "Раньше"), vec![Upload { name: "old.txt".into(), bytes: b"old".to_vec() }]).await.unwrap();
    let earlier_file = earlier.messages[0].files[0].id;

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("support-files");
    let engine = keeping_files_in(&t, &dir);
    let scan = Upload { name: "scan.pdf".into(), bytes: PDF.to_vec() };
    let opened = engine.open_ticket(&owner, open(dep, "Счёт"), vec![scan.clone()]).await.unwrap();
    let file = opened.messages[0].files[0].clone();
    assert_eq!((file.name.as_str(), file.content_type.as_str(), file.size), ("scan.pdf", "application/pdf", 21));
    let name = content_name(PDF);
    assert_eq!(names_in(&dir), vec![name.clone()]);
    assert_eq!(std::fs::read(dir.join(&name)).unwrap(), PDF);
    let mut conn = t.engine.store().conn().await.unwrap();
    assert_eq!(kopek_store::support::file_bytes(&mut conn, file.id).await.unwrap(), None, "no bytes in the database");
    assert_eq!(kopek_store::support::file(&mut conn, file.id).await.unwrap().unwrap().stored_as, Some(name.clone()));

    // The staff answer with the same scan and a note: one more file only.
    let note = Upload { name: "note.txt".into(), bytes: "Оплачено".as_bytes().to_vec() };
    let reply = ReplyTicket { text: "Смотрите вложения".into(), internal: false };
    let answered = engine.reply_ticket(&admin, opened.ticket.id, reply, vec![scan, note]).await.unwrap();
    let mut expected = vec![name.clone(), content_name("Оплачено".as_bytes())];
    expected.sort_unstable();
    assert_eq!(names_in(&dir), expected);
    let ids: Vec<i64> = answered.messages[1].files.iter().map(|f| f.id).collect();
    assert_eq!(ids.len(), 2);

    for who in [&owner, &admin] {
        let got = engine.ticket_file(who, file.id).await.unwrap();
        assert_eq!((got.name.as_str(), got.content_type.as_str(), got.bytes.as_slice()), ("scan.pdf", "application/pdf", PDF));
    }
    assert_eq!(engine.ticket_file(&owner, ids[1]).await.unwrap().bytes, "Оплачено".as_bytes());
    assert_eq!(engine.ticket_file(&owner, earlier_file).await.unwrap().bytes, b"old", "a file kept in the database still reads");
    let (_, stranger) = t.client("FILES2", 0).await;
    assert_eq!(engine.ticket_file(&stranger, file.id).await.unwrap_err().code(), "not_found");
});

backend_test!(
    /// SUP-1: a file over the limit or of a refused kind is refused with
    /// nothing in the directory and no row.
    async fn sup1_a_refused_file_leaves_nothing_in_the_directory(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let dep = t.engine.create_department(&admin, DepartmentInput { name: "Технический".into(), enabled: true }).await.unwrap().id;
    let (_, owner) = t.client("FILES3", 0).await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("support-files");
    let engine = keeping_files_in(&t, &dir);

    let mut big = b"%PDF-".to_vec();
    big.resize(engine.settings().support.max_file_bytes + 1, b'a');
    let ok = Upload { name: "fine.txt".into(), bytes: b"fine".to_vec() };
    let over = engine.open_ticket(&owner, open(dep, "Большой"), vec![ok.clone(), Upload { name: "big.pdf".into(), bytes: big }]).await.unwrap_err();
    assert_eq!((over.code(), over.field()), ("file_too_large", Some("files")));
    let exe = Upload { name: "doc.pdf".into(), bytes: b"MZ\x90\0\x03\0\0\0".to_vec() };
    assert_eq!(engine.open_ticket(&owner, open(dep, "Программа"), vec![ok, exe]).await.unwrap_err().code(), "file_kind_refused");
    assert_eq!(names_in(&dir), Vec::<String>::new());
    let mut conn = t.engine.store().conn().await.unwrap();
    assert_eq!(kopek_store::support::file_count(&mut conn).await.unwrap(), 0);
    assert!(engine.tickets(&owner).await.unwrap().is_empty());
});
