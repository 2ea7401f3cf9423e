//! What the HTTP gateways share: the client, transport failures, and exact
//! conversions of amounts to the forms gateways accept.

use std::time::Duration;

use kopek_engine::payments::gateway::GatewayError;
use rust_decimal::Decimal;

pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::Client, GatewayError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("kopek/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GatewayError::Protocol(format!("cannot build the HTTP client: {e}")))
}

/// A configured base URL without its trailing slash, so paths join cleanly.
pub(crate) fn base_url(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

/// Sends a request and reads the whole answer. A request that never got an
/// answer (refused, timed out) has an unknown outcome, so it is retryable:
/// the idempotency key makes the retry safe.
pub(crate) async fn send(request: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), GatewayError> {
    let response = request.send().await.map_err(|e| GatewayError::Unavailable(e.to_string()))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| GatewayError::Unavailable(e.to_string()))?;
    Ok((status, body.to_vec()))
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, GatewayError> {
    serde_json::from_slice(body).map_err(|e| GatewayError::Protocol(format!("unexpected {what}: {e}")))
}

/// Refuses amounts a gateway would round: money must move exactly.
pub(crate) fn check_amount(amount: Decimal, places: u32) -> Result<(), GatewayError> {
    if amount <= Decimal::ZERO {
        return Err(GatewayError::Invalid(format!("amount {amount} is not positive")));
    }
    if amount.normalize().scale() > places {
        return Err(GatewayError::Invalid(format!("amount {amount} has more than {places} decimal places")));
    }
    Ok(())
}

/// "100.00": the fixed-point string YooKassa and the sandbox use.
pub(crate) fn fixed(amount: Decimal, places: u32) -> String {
    let mut a = amount.normalize();
    a.rescale(places);
    a.to_string()
}

pub(crate) fn parse_decimal(what: &str, s: &str) -> Result<Decimal, GatewayError> {
    Decimal::from_str_exact(s.trim()).map_err(|_| GatewayError::Protocol(format!("{what} is not an amount: {s:?}")))
}

/// The amount in the currency's smallest unit (kopecks, cents, yen).
pub(crate) fn to_minor(amount: Decimal, exponent: u32) -> Result<i64, GatewayError> {
    check_amount(amount, exponent)?;
    let scaled = amount
        .checked_mul(Decimal::from(10i64.pow(exponent)))
        .ok_or_else(|| GatewayError::Invalid(format!("amount {amount} is too large")))?;
    i64::try_from(scaled.normalize()).map_err(|_| GatewayError::Invalid(format!("amount {amount} is too large")))
}

pub(crate) fn from_minor(minor: i64, exponent: u32) -> Decimal {
    Decimal::new(minor, exponent)
}

/// A gateway id as one URL path segment. An id from a webhook is the
/// caller's text: "../refunds/x" must not reach another endpoint with our
/// credentials.
pub(crate) fn path_segment(id: &str) -> Result<&str, GatewayError> {
    let plain = !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain { Ok(id) } else { Err(GatewayError::NotFound(format!("{id:?} is not a gateway id"))) }
}

/// Truncates to a gateway's limit on characters, never splitting one.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_convert_exactly() {
        assert_eq!(to_minor(dec!(100.00), 2).unwrap(), 10000);
        assert_eq!(to_minor(dec!(0.01), 2).unwrap(), 1);
        assert_eq!(to_minor(dec!(1500), 0).unwrap(), 1500);
        assert_eq!(to_minor(dec!(1.234), 3).unwrap(), 1234);
        assert_eq!(from_minor(12345, 2), dec!(123.45));
        assert_eq!(fixed(dec!(100), 2), "100.00");
        assert_eq!(fixed(dec!(2.5000), 2), "2.50");
    }

    #[test]
    fn inexact_or_nonpositive_amounts_are_refused() {
        assert!(matches!(to_minor(dec!(1.005), 2), Err(GatewayError::Invalid(_))));
        assert!(matches!(to_minor(dec!(1.5), 0), Err(GatewayError::Invalid(_))));
        assert!(matches!(check_amount(dec!(0), 2), Err(GatewayError::Invalid(_))));
        assert!(matches!(check_amount(dec!(-1), 2), Err(GatewayError::Invalid(_))));
        assert!(check_amount(dec!(1.1000), 2).is_ok());
    }

    #[test]
    fn only_plain_ids_become_path_segments() {
        assert!(path_segment("2419a771-000f-5000-9000-1edaf29243f2").is_ok());
        assert!(path_segment("pi_3MtwBwLkdIwHu7ix28a3tqPa").is_ok());
        for bad in ["", "../refunds/x", "a/b", "a?b", "a%2F"] {
            assert!(matches!(path_segment(bad), Err(GatewayError::NotFound(_))), "{bad}");
        }
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate_chars("Оплата", 3), "Опл");
    }
}
