//! Every response of the document has a description, as OpenAPI 3.1
//! requires and client generators expect. An operation that names its own
//! keeps it; the others get the one every answer of that status means in
//! Kopek, so a 4xx says where its machine-readable `code` is.

use serde_json::Value;

use super::each_operation;

/// What a status means in every Kopek answer.
pub fn meaning(status: &str) -> &'static str {
    match status {
        "200" => "Done: the body is the result.",
        "201" => "Created: the body is what was made.",
        "204" => "Done: no body.",
        "303" => "See the address in Location.",
        "400" => "The request is malformed: `code` and `message` in the body say how.",
        "401" => "Not logged in, or the token or session is no longer valid (`code`, `message`).",
        "403" => "This login may not do it (`code` forbidden, read_only, … and `message`).",
        "404" => "No such thing, or not this login's to see (`code` not_found).",
        "409" => "Refused in the state things are in (`code` and `message` say which).",
        "410" => "It was there and is no more (`code`, `message`).",
        "413" => "The body is too large (`code` body_too_large).",
        "415" => "The body is not JSON: send it as Content-Type: application/json.",
        "422" => "A value is refused: `code`, `message` and, when one field is at fault, `field`.",
        "429" => "Too many attempts: wait as Retry-After says and try again (`code`, `message`).",
        "500" => "Ours to fix: it was logged (`code` internal).",
        _ => "See the body.",
    }
}

pub fn describe(doc: &mut Value) {
    each_operation(doc, |_, _, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
        for (status, response) in responses.iter_mut() {
            let Some(response) = response.as_object_mut() else { continue };
            if response.contains_key("$ref") {
                continue;
            }
            let missing = response.get("description").and_then(Value::as_str).is_none_or(|d| d.trim().is_empty());
            if missing {
                response.insert("description".into(), Value::String(meaning(status).into()));
            }
        }
    });
}
