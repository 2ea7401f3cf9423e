//! Timestamped HMAC-SHA256 webhook signatures in Stripe's scheme: the header
//! `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` signs "{t}.{body}". The sandbox
//! signs its callbacks the same way, so one checked implementation serves
//! both. Several `v1` values appear while a secret is being rolled.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use kopek_engine::payments::gateway::GatewayError;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Stripe's default tolerance: a captured webhook cannot be replayed later.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Result<HmacSha256, GatewayError> {
    // An empty key would let anyone compute valid signatures.
    if secret.is_empty() {
        return Err(GatewayError::Protocol("no webhook secret is configured".into()));
    }
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|e| GatewayError::Protocol(format!("webhook secret: {e}")))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The header value a sender puts on `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, GatewayError> {
    let signature = hex::encode(mac(secret, timestamp, body)?.finalize().into_bytes());
    Ok(format!("t={timestamp},v1={signature}"))
}

/// Accepts `header` only if one of its `v1` signatures is ours for this body
/// and its timestamp is within `tolerance_secs` of `now` either way.
pub fn verify(
    header: Option<&str>,
    secret: &str,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance_secs: i64,
) -> Result<(), GatewayError> {
    let header = header.ok_or_else(|| GatewayError::Forged("no signature header".into()))?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else { continue };
        match key {
            "t" => timestamp = value.parse::<i64>().ok(),
            "v1" => signatures.push(value),
            // v0 and future schemes are not trusted.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| GatewayError::Forged("signature has no timestamp".into()))?;
    if signatures.is_empty() {
        return Err(GatewayError::Forged("signature has no v1 value".into()));
    }
    let expected = mac(secret, timestamp, body)?;
    // verify_slice compares in constant time.
    let valid = signatures.iter().filter_map(|s| hex::decode(s).ok()).any(|bytes| expected.clone().verify_slice(&bytes).is_ok());
    if !valid {
        return Err(GatewayError::Forged("signature does not match".into()));
    }
    let age = now.timestamp() - timestamp;
    if age.abs() > tolerance_secs {
        return Err(GatewayError::Forged(format!(
            "signature timestamp is {age} s from now, beyond the {tolerance_secs} s tolerance"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(t: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(t, 0).unwrap()
    }

    #[test]
    fn own_signature_verifies() {
        let header = sign("whsec_x", 1_700_000_000, b"{}").unwrap();
        assert!(verify(Some(&header), "whsec_x", b"{}", at(1_700_000_100), 300).is_ok());
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let good = sign("new", 1_700_000_000, b"body").unwrap();
        let sig = good.split_once(",v1=").unwrap().1;
        let header = format!("t=1700000000,v1={},v1={sig},v0=abc", "00".repeat(32));
        assert!(verify(Some(&header), "new", b"body", at(1_700_000_000), 300).is_ok());
    }

    #[test]
    fn tampering_and_staleness_are_refused() {
        let header = sign("s", 1_700_000_000, b"body").unwrap();
        let wrong_body = verify(Some(&header), "s", b"bodz", at(1_700_000_000), 300);
        assert!(matches!(wrong_body, Err(GatewayError::Forged(_))));
        let wrong_secret = verify(Some(&header), "t", b"body", at(1_700_000_000), 300);
        assert!(matches!(wrong_secret, Err(GatewayError::Forged(_))));
        let stale = verify(Some(&header), "s", b"body", at(1_700_000_301), 300);
        assert!(matches!(stale, Err(GatewayError::Forged(m)) if m.contains("tolerance")));
        assert!(matches!(verify(None, "s", b"body", at(0), 300), Err(GatewayError::Forged(_))));
        assert!(matches!(verify(Some("v1=ab"), "s", b"body", at(0), 300), Err(GatewayError::Forged(_))));
    }

    #[test]
    fn an_empty_secret_never_verifies() {
        assert!(matches!(sign("", 1, b""), Err(GatewayError::Protocol(_))));
        assert!(matches!(verify(Some("t=1,v1=00"), "", b"", at(1), 300), Err(GatewayError::Protocol(_))));
    }
}
