//! OPS-3: every response of the document has a description, as OpenAPI
//! 3.1 requires and client generators expect. An operation that names its
//! own keeps it; the others get the one every answer of that status means
//! in Kopek, so a 4xx says where its machine-readable `code` is.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr};

/// What a status means in every Kopek answer.
fn meaning(status: &str) -> &'static str {
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
        "413" => "The body is too large.",
        "422" => "A value is refused: `code`, `message` and, when one field is at fault, `field`.",
        "429" => "Too many attempts: wait and try again (`code`, `message`).",
        _ => "See the body.",
    }
}

fn describe(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = response
            && r.description.trim().is_empty()
        {
            r.description = meaning(status).to_string();
        }
    }
}

/// The document with every response described.
pub fn described(mut doc: OpenApi) -> OpenApi {
    for item in doc.paths.paths.values_mut() {
        let ops =
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.options, &mut item.head];
        for op in ops.into_iter().flatten() {
            describe(op);
        }
        for op in item.additional_operations.values_mut() {
            describe(op);
        }
    }
    doc
}
