//! What an email address and a phone number must look like (ACC-1, ACC-2,
//! PAY-1): one rule for logins, users and payers' details, and the same
//! rule as the API's schema says it, so a generated client checks what the
//! server checks.

/// An address: something before one `@`, a domain with a dot inside it,
/// no spaces; at most [`EMAIL_MAX`] characters.
pub const EMAIL_PATTERN: &str = r"^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$";
pub const EMAIL_MAX: usize = 254;
/// 7 to 15 digits, with spaces, `+`, `-` and brackets between them.
pub const PHONE_PATTERN: &str = r"^[ +()-]*([0-9][ +()-]*){7,15}$";

pub fn is_email(e: &str) -> bool {
    e.len() <= EMAIL_MAX
        && !e.chars().any(char::is_whitespace)
        && matches!(e.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
               && !domain.starts_with('.') && !domain.ends_with('.'))
}

pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    v.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) && (7..=15).contains(&digits)
}

/// An email address in a request, as the API's schema describes it.
pub struct Email;
/// A phone number in a request, as the API's schema describes it.
pub struct Phone;

#[cfg(feature = "openapi")]
mod schema {
    use utoipa::openapi::schema::{Schema, Type};
    use utoipa::openapi::{ObjectBuilder, RefOr};

    use super::{EMAIL_MAX, EMAIL_PATTERN, Email, PHONE_PATTERN, Phone};

    impl utoipa::PartialSchema for Email {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("An email address: one `@`, a dot inside the domain, no spaces."))
                .pattern(Some(EMAIL_PATTERN))
                .max_length(Some(EMAIL_MAX))
                .examples(["anna@example.com"])
                .into()
        }
    }

    impl utoipa::ToSchema for Email {}

    impl utoipa::PartialSchema for Phone {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("A phone number: 7 to 15 digits, spaces, `+`, `-` and brackets allowed between them."))
                .pattern(Some(PHONE_PATTERN))
                .examples(["+7 (912) 345-67-89"])
                .into()
        }
    }

    impl utoipa::ToSchema for Phone {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_numbers() {
        assert!(is_email("anna@example.com"));
        assert!(!is_email("anna@example"));
        assert!(!is_email("an na@example.com"));
        assert!(!is_email("anna@.example.com"));
        assert!(!is_email("a@b@example.com"));
        assert!(is_phone("+7 (912) 345-67-89"));
        assert!(!is_phone("+7 912"));
        assert!(!is_phone("+7 912 345 67 89 ext 1"));
    }
}
