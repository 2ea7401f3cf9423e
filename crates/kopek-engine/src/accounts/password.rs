//! Passwords (SEC-1): argon2id hashes computed at a cost the provider sets,
//! and the strength a new password must have.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use crate::core::error::{EngineError, Result};

/// How hard a password hash is to compute.
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl PasswordCost {
    /// OWASP's argon2id recommendation (19 MiB, 2 passes).
    pub const STANDARD: PasswordCost = PasswordCost { memory_kib: 19 * 1024, iterations: 2 };
}

pub(crate) fn hash_password(password: &str, cost: PasswordCost) -> Result<String> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| EngineError::Internal(format!("argon2 params: {e}")))?;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| EngineError::Internal(format!("salt: {e}")))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| EngineError::Internal(format!("argon2: {e}")))
}

/// [`hash_password`] on a blocking thread: argon2 takes tens of
/// milliseconds of CPU by design, and on the async runtime it would stall
/// every request served beside it.
pub(crate) async fn hash_password_blocking(password: &str, cost: PasswordCost) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password, cost))
        .await
        .map_err(|e| EngineError::Internal(format!("password hashing stopped: {e}")))?
}

/// [`verify_password`] on a blocking thread. With no stored hash (an
/// unknown login) it hashes the password instead, so the answer takes as
/// long as for a login that exists and the timing tells nothing.
pub(crate) async fn verify_password_blocking(password: &str, stored: Option<String>, cost: PasswordCost) -> Result<bool> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => Ok(verify_password(&password, &hash)),
        None => hash_password(&password, cost).map(|_| false),
    })
    .await
    .map_err(|e| EngineError::Internal(format!("password check stopped: {e}")))?
}

pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

pub(crate) fn check_password_strength(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(EngineError::invalid("weak_password", "password: at least 8 characters"));
    }
    if password.len() > 1024 {
        return Err(EngineError::invalid("weak_password", "password: at most 1024 bytes"));
    }
    Ok(())
}
