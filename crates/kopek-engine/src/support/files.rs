//! SUP-1: a ticket's files: where their bytes live, and the download. A
//! file is seen only by who sees its ticket, never from an internal note
//! by a client's user, and is served with the type its bytes were found
//! to be.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use kopek_store::support::{self as store, FileRow, NewFile};
use sha2::{Digest, Sha256};

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::support::views::visible_ticket;

/// A file ready to be sent as an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDownload {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Where new attachments' bytes go (`support_files_dir`). Reading does not
/// depend on it: each file's row says where its own bytes are, so a change
/// of setting leaves earlier files readable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FileStore {
    /// In the database, beside the file's row.
    #[default]
    Database,
    /// One file per content in this directory, named by its SHA-256.
    Directory(PathBuf),
}

/// What the caller knows of a file about to be kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileToKeep<'a> {
    pub ticket_id: i64,
    pub message_id: i64,
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

impl FileStore {
    /// Keeps a file in the caller's transaction. Bytes bound for the
    /// directory are in place, durably, before the row that names them is
    /// written, so a crash leaves at worst a file no row names, never a
    /// row without its bytes; the same bytes again find their file there.
    pub(crate) async fn keep(&self, conn: &mut kopek_store::Conn, f: FileToKeep<'_>, now: DateTime<Utc>) -> Result<FileRow> {
        let stored_as = match self {
            FileStore::Database => None,
            FileStore::Directory(dir) => Some(write_once(dir, f.bytes).await?),
        };
        let new = NewFile {
            ticket_id: f.ticket_id,
            message_id: f.message_id,
            name: f.name,
            content_type: f.content_type,
            bytes: f.bytes,
            stored_as: stored_as.as_deref(),
        };
        Ok(store::insert_file(conn, &new, now).await?)
    }

    /// A kept file's bytes, from wherever its row says they are.
    async fn read(&self, conn: &mut kopek_store::Conn, file: &FileRow) -> Result<Option<Vec<u8>>> {
        let Some(name) = &file.stored_as else { return Ok(store::file_bytes(conn, file.id).await?) };
        let FileStore::Directory(dir) = self else {
            return Err(EngineError::Internal(format!(
                "file {} is in a files directory, and support_files_dir is not set",
                file.id
            )));
        };
        if !is_content_name(name) {
            return Err(EngineError::Internal(format!("file {} names {name:?}, not a SHA-256", file.id)));
        }
        match tokio::fs::read(dir.join(name)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) => Err(EngineError::Internal(format!("file {}: reading {}: {e}", file.id, dir.join(name).display()))),
        }
    }
}

/// The name a content has in the directory.
pub fn content_name(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn is_content_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Puts `bytes` at `dir/<sha256>`: written to a temporary file, flushed,
/// renamed into place, the directory flushed. A file already there has
/// the same bytes (it got its name only once complete) and is kept.
async fn write_once(dir: &Path, bytes: &[u8]) -> Result<String> {
    let name = content_name(bytes);
    let (dir, bytes, owned) = (dir.to_path_buf(), bytes.to_vec(), name.clone());
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let target = dir.join(&owned);
        if target.is_file() {
            return Ok(());
        }
        std::fs::create_dir_all(&dir)?;
        let temp = dir.join(format!(".{owned}.{:016x}.tmp", rand::random::<u64>()));
        let flushed = std::fs::File::create_new(&temp).and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()
        });
        if let Err(e) = flushed.and_then(|()| std::fs::rename(&temp, &target)) {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        sync_dir(&dir)
    })
    .await
    .map_err(|e| EngineError::Internal(format!("writing a support file: {e}")))?;
    written.map_err(|e| EngineError::Internal(format!("writing support file {name}: {e}")))?;
    Ok(name)
}

/// Makes the rename itself durable (POSIX keeps names in the directory).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

impl Engine {
    pub async fn ticket_file(&self, ctx: &Ctx, file_id: i64) -> Result<FileDownload> {
        let mut conn = self.store.conn().await?;
        let not_found = || EngineError::not_found("file", file_id);
        let file = store::file(&mut conn, file_id).await?.ok_or_else(not_found)?;
        visible_ticket(&mut conn, &ctx.actor, file.ticket_id).await.map_err(|e| match e {
            EngineError::NotFound { .. } => not_found(),
            other => other,
        })?;
        if matches!(ctx.actor, Actor::ClientUser { .. }) {
            let message = store::message(&mut conn, file.message_id).await?.ok_or_else(not_found)?;
            if message.internal {
                return Err(not_found());
            }
        }
        let bytes = self.settings.support_files.read(&mut conn, &file).await?.ok_or_else(not_found)?;
        Ok(FileDownload { name: file.name, content_type: file.content_type, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sup1_the_same_bytes_make_one_file_named_by_their_sha256() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("files");
        let a = write_once(&dir, b"hello").await.unwrap();
        assert_eq!(a, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert_eq!(write_once(&dir, b"hello").await.unwrap(), a);
        let names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec![a.clone()], "no temporary file is left behind");
        assert_eq!(std::fs::read(dir.join(&a)).unwrap(), b"hello");
        assert!(is_content_name(&a) && !is_content_name("../etc/passwd") && !is_content_name(&a.to_uppercase()));
    }
}
