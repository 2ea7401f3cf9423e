//! What an uploaded file is, judged by its first bytes, never by its name
//! or the type the browser claims (ACC-3 avatars, SUP-1 attachments). One
//! sniffer for every upload, so a page named "photo.png" is never served
//! back as anything a browser would run.

use crate::stored::stored_enum;

stored_enum! {
    /// The kinds of file Kopek recognises.
    FileKind {
        Png = "png",
        Jpeg = "jpeg",
        Gif = "gif",
        Webp = "webp",
        Pdf = "pdf",
        Zip = "zip",
        /// UTF-8 text without NUL bytes: logs, configs, notes.
        Text = "text",
    }
}

impl FileKind {
    /// The kind the bytes are, by their signature; `None` for anything else
    /// (and for no bytes at all).
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(FileKind::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Some(FileKind::Zip)
        } else if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
            Some(FileKind::Text)
        } else {
            None
        }
    }

    pub fn is_picture(self) -> bool {
        matches!(self, FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp)
    }

    /// The type it is served with. Text is plain text, so a page uploaded
    /// as text is shown as its source, never rendered.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Pdf => "application/pdf",
            FileKind::Zip => "application/zip",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The kind a stored content type names, for rows written by
    /// [`FileKind::content_type`].
    pub fn from_content_type(content_type: &str) -> Option<FileKind> {
        FileKind::ALL.iter().copied().find(|k| k.content_type() == content_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sup1_a_file_is_known_by_its_bytes() {
        assert_eq!(FileKind::sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(b"PK\x03\x04\x14\0\0\0"), Some(FileKind::Zip));
        assert_eq!(FileKind::sniff("лог: ошибка 500\n".as_bytes()), Some(FileKind::Text));
        assert_eq!(FileKind::sniff(b"MZ\x90\0\x03\0\0\0"), None, "a program is none of them");
        assert_eq!(FileKind::sniff(b"\xff\xfe\0\0"), None, "not UTF-8");
        assert_eq!(FileKind::sniff(b"text\0with a NUL"), None);
        assert_eq!(FileKind::sniff(b""), None);
        assert_eq!(FileKind::Text.content_type(), "text/plain; charset=utf-8");
        assert_eq!(FileKind::from_content_type("application/pdf"), Some(FileKind::Pdf));
        assert!(FileKind::Webp.is_picture() && !FileKind::Pdf.is_picture());
    }
}
