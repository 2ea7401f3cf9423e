//! Every operation declares every status it can answer, each with the
//! error body, and lists the codes of the refusals every operation of its
//! shape shares. The statuses follow from the operation's shape, because
//! the layers that refuse are shared: the extractors (a malformed path,
//! query or body), the caller (no login, a cross-site cookie, a role), the
//! engine's kinds of refusal (`error::status_of`) and the shield's rate.
//! An operation's own rules add their codes under 409 and 422.

use serde_json::{Map, Value, json};

use super::described::meaning;
use super::each_operation;

/// What an operation takes, as far as its refusals go.
struct Shape {
    write: bool,
    path_params: bool,
    query_params: bool,
    body: bool,
    json_body: bool,
    public: bool,
    /// It checks a password or a one-time code, whose failures count
    /// toward a lockout.
    guarded: bool,
}

impl Shape {
    fn of(path: &str, method: &str, op: &Value) -> Shape {
        let params = op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let located = |place: &str| params.iter().any(|p| p.get("in").and_then(Value::as_str) == Some(place));
        let body_types: Vec<&String> =
            op.pointer("/requestBody/content").and_then(Value::as_object).map(|c| c.keys().collect()).unwrap_or_default();
        // `security: [{}]` is how an operation says it needs no login.
        let public = op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
        Shape {
            write: method != "get" && method != "head",
            path_params: located("path"),
            query_params: located("query"),
            body: !body_types.is_empty(),
            json_body: body_types.iter().any(|t| t.as_str() == "application/json"),
            public,
            guarded: public || GUARDED.contains(&(method, path)),
        }
    }

    /// Each status this shape can answer besides success, with the codes
    /// every operation of the shape may give under it.
    fn refusals(&self) -> Vec<(&'static str, Vec<&'static str>)> {
        let mut out = Vec::new();
        let mut malformed = vec!["bad_idempotency_key"];
        if self.path_params {
            malformed.push("bad_path");
        }
        if self.query_params {
            malformed.push("bad_query");
        }
        if self.body {
            malformed.extend(["malformed_json", "bad_body"]);
        }
        out.push(("400", malformed));
        out.push(("401", if self.public { vec!["bad_credentials"] } else { vec!["unauthenticated", "bad_authorization"] }));
        let mut forbidden = vec!["forbidden"];
        if self.write {
            forbidden.extend(["read_only", "cross_site_request"]);
        }
        out.push(("403", forbidden));
        if self.path_params || self.query_params || self.body {
            out.push(("404", vec!["not_found"]));
        }
        if self.write {
            out.push(("409", vec![]));
        }
        if self.body {
            out.push(("413", vec!["body_too_large"]));
        }
        if self.json_body {
            out.push(("415", vec!["unsupported_media_type"]));
        }
        if self.body || self.query_params || self.path_params {
            out.push(("422", if self.json_body { vec!["invalid_body", "invalid_field"] } else { vec!["invalid_field"] }));
        }
        if self.guarded {
            out.push(("429", vec!["login_locked", "too_many_requests"]));
        }
        out.push(("500", vec!["internal"]));
        out
    }
}

/// The operations, besides the ones without a login, that check a password
/// or a code from the authenticator app (SEC-2), by method and path.
const GUARDED: [(&str, &str); 6] = [
    ("post", "/api/v1/me/password"),
    ("post", "/api/v1/me/two-factor/confirm"),
    ("post", "/api/v1/me/two-factor/disable"),
    ("delete", "/api/v1/saved-methods/{id}"),
    ("patch", "/api/v1/clients/{id}/users/{user_id}"),
    ("post", "/api/v1/clients/{id}/users"),
];

fn error_response(status: &str) -> Value {
    json!({
        "description": meaning(status),
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } },
    })
}

pub fn declare(doc: &mut Value) {
    each_operation(doc, |path, method, op| {
        let shape = Shape::of(path, method, op);
        let refusals = shape.refusals();
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
        for (status, _) in &refusals {
            responses.entry(status.to_string()).or_insert_with(|| error_response(status));
        }
        let listed: Vec<String> = refusals
            .iter()
            .filter(|(_, codes)| !codes.is_empty())
            .map(|(status, codes)| {
                let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
                format!("{status} {}", codes.join(", "))
            })
            .collect();
        let note = format!(
            "Refusals shared by operations of this shape: {}; the operation's own rules answer 409 and 422 with codes \
             of their own (the body's `code`).",
            listed.join("; ")
        );
        let description = match op.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
            _ => note,
        };
        op["description"] = Value::String(description);
    });
}
