//! Pictures people upload (ACC-3: a user's avatar). What a file is comes
//! from its first bytes ([`FileKind::sniff`]), never from its name or the
//! type the browser claims, so nothing but a picture is ever served back
//! as one.

use crate::DomainError;
use crate::file_kind::FileKind;

/// The largest avatar taken: a face in a list needs no more.
pub const AVATAR_MAX_BYTES: usize = 512 * 1024;

/// Checks an uploaded avatar: a picture of a kind Kopek takes, not too
/// large. `field` names the form field for the error.
pub fn check_avatar(field: &'static str, bytes: &[u8]) -> Result<FileKind, DomainError> {
    if bytes.len() > AVATAR_MAX_BYTES {
        return Err(DomainError::FileTooLarge { field, size: bytes.len(), max: AVATAR_MAX_BYTES });
    }
    FileKind::sniff(bytes).filter(|k| k.is_picture()).ok_or(DomainError::NotAnImage { field })
}

/// The largest logo taken (DOC-5): a paper's header needs no more.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// Checks the provider's logo (DOC-5): a PNG or a JPEG by its bytes, sent
/// as the type it is (`declared`, the upload's Content-Type), at most
/// 512 KiB — typst lays out only those two in a PDF.
pub fn check_logo(declared: &str, bytes: &[u8]) -> Result<FileKind, DomainError> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(DomainError::FileTooLarge { field: "logo", size: bytes.len(), max: LOGO_MAX_BYTES });
    }
    let refused = |name: String| DomainError::FileKindRefused { field: "logo", name, allowed: "PNG, JPEG".into() };
    let kind = match FileKind::sniff(bytes) {
        Some(kind @ (FileKind::Png | FileKind::Jpeg)) => kind,
        Some(other) => return Err(refused(other.content_type().to_string())),
        None => return Err(refused("the upload".into())),
    };
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if declared != kind.content_type() {
        return Err(refused(format!("{} sent as {declared:?}", kind.content_type())));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acc3_a_picture_is_known_by_its_bytes_not_its_name() {
        assert_eq!(check_avatar("avatar", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok(FileKind::Png));
        assert_eq!(check_avatar("avatar", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok(FileKind::Jpeg));
        assert_eq!(check_avatar("avatar", b"GIF89a\x01\0\x01\0"), Ok(FileKind::Gif));
        assert_eq!(check_avatar("avatar", b"RIFF\x24\0\0\0WEBPVP8 "), Ok(FileKind::Webp));
        assert_eq!(FileKind::Webp.content_type(), "image/webp");
        // A page named "photo.png" is still a page.
        let html = check_avatar("avatar", b"<html><script>alert(1)</script>").unwrap_err();
        assert_eq!(html.code(), "not_an_image");
        assert_eq!(html.field(), Some("avatar"));
        assert_eq!(check_avatar("avatar", b"").unwrap_err().code(), "not_an_image");
        assert_eq!(check_avatar("avatar", b"%PDF-1.4").unwrap_err().code(), "not_an_image", "a file, not a picture");
    }

    #[test]
    fn acc3_an_avatar_over_512_kib_is_refused_with_its_size() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(AVATAR_MAX_BYTES, 0);
        assert!(check_avatar("avatar", &big).is_ok(), "exactly the maximum is taken");
        big.push(0);
        let e = check_avatar("avatar", &big).unwrap_err();
        assert_eq!(e.code(), "file_too_large");
        assert_eq!(e.to_string(), "avatar: the file is 524289 bytes; at most 524288 are taken");
    }

    #[test]
    fn doc5_a_logo_is_a_png_or_jpeg_of_its_declared_type_up_to_512_kib() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(check_logo("image/png", png), Ok(FileKind::Png));
        assert_eq!(check_logo("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok(FileKind::Jpeg));
        for (declared, bytes) in [
            ("image/jpeg", &png[..]),
            ("image/gif", &b"GIF89a\x01\0\x01\0"[..]),
            ("image/png", &b"GIF89a\x01\0\x01\0"[..]),
            ("image/png", &b"<svg/>"[..]),
            ("", &png[..]),
        ] {
            let e = check_logo(declared, bytes).unwrap_err();
            assert_eq!((e.code(), e.field()), ("file_kind_refused", Some("logo")), "{declared} {e}");
        }
        let mut big = png.to_vec();
        big.resize(LOGO_MAX_BYTES + 1, 0);
        assert_eq!(check_logo("image/png", &big).unwrap_err().code(), "file_too_large");
    }
}
