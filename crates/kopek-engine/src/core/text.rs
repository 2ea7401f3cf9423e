//! The longest text each kind of field takes (SEC-1): names and labels 200
//! characters, comments, descriptions and reasons 2000, a message 10000.
//! A longer one is refused with `text_too_long` naming the field, before
//! anything is written, so nobody fills the database through a comment box.

use kopek_domain::DomainError;

use crate::core::error::{EngineError, Result};

/// A name, a label, a title.
pub const NAME: usize = 200;
/// A comment, a description, a reason.
pub const NOTE: usize = 2000;
/// A question or a message to support.
pub const MESSAGE: usize = 10_000;

fn too_long(field: &'static str, max: usize) -> EngineError {
    EngineError::Invalid { code: "text_too_long", message: format!("{field}: at most {max} characters"), field: Some(field) }
}

/// A text that may be empty: trimmed, at most `max` characters.
pub fn bounded<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(too_long(field, max));
    }
    Ok(v)
}

/// A text that must be filled in: trimmed, not empty, at most `max`.
pub fn required<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str> {
    let v = bounded(field, value, max)?;
    if v.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty").into());
    }
    Ok(v)
}
