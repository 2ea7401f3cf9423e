//! OpenAPI links from an operation that creates a thing to the operations
//! that take its id, so a stateful client (or a conformance run) can go on
//! from what it made: a client created, then its balance, its users, a
//! payment credited to it. A thing's home is the `…/{id}` path whose `get`
//! answers the same schema its creation does; every operation at the home
//! or under it whose only path parameter is `id` is linked.

use serde_json::{Map, Value, json};

use super::each_operation;

/// The schema an operation's success answers with, by reference.
fn answered(op: &Value, status: &str) -> Option<String> {
    op.pointer(&format!("/responses/{status}/content/application~1json/schema/$ref")).and_then(Value::as_str).map(str::to_string)
}

fn path_params(path: &str) -> usize {
    path.matches('{').count()
}

pub fn link(doc: &mut Value) {
    // Where each schema lives: `get /x/{id}` answering it.
    let mut homes: Vec<(String, String)> = Vec::new();
    // Who may be linked to: (path, method, operationId).
    let mut targets: Vec<(String, String)> = Vec::new();
    each_operation(doc, |path, method, op| {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else { return };
        if path_params(path) == 1 && path.contains("{id}") {
            targets.push((path.to_string(), id.to_string()));
        }
        if method == "get"
            && path.ends_with("/{id}")
            && path_params(path) == 1
            && let Some(schema) = answered(op, "200")
            && !homes.iter().any(|(s, _)| *s == schema)
        {
            homes.push((schema, path.to_string()));
        }
    });
    each_operation(doc, |_, method, op| {
        if method != "post" {
            return;
        }
        let Some(schema) = answered(op, "201") else { return };
        let Some((_, home)) = homes.iter().find(|(s, _)| *s == schema) else { return };
        let links: Map<String, Value> = targets
            .iter()
            .filter(|(path, _)| path == home || path.starts_with(&format!("{home}/")))
            .map(|(_, target)| (target.clone(), json!({ "operationId": target, "parameters": { "id": "$response.body#/id" } })))
            .collect();
        if !links.is_empty() {
            op["responses"]["201"]["links"] = Value::Object(links);
        }
    });
}
