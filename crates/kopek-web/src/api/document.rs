//! OPS-3: `/api/v1/openapi.json` as validators and client generators read
//! it. utoipa builds it from each handler's annotation; the passes here add
//! what every operation shares, so no handler repeats it: the refusals each
//! can answer, a description on every answer, and the links from what
//! creates a thing to what uses its id.

pub mod described;
pub mod links;
pub mod refusals;

use serde_json::Value;
use utoipa::openapi::OpenApi;

/// The methods an OpenAPI path item may hold, in the document's order.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The document as it is served, as JSON: what the passes add (links,
/// shared refusals) is more than utoipa's types read back.
pub fn finished(doc: OpenApi) -> Value {
    let mut doc = serde_json::to_value(&doc).expect("the OpenAPI document serializes");
    refusals::declare(&mut doc);
    described::describe(&mut doc);
    links::link(&mut doc);
    tuples_sized(&mut doc);
    doc
}

/// A tuple, which utoipa writes as `prefixItems` with `items: false`, says
/// its length with `minItems`/`maxItems` instead: the same values pass, and
/// client generators that read `items` only as a schema can read it.
fn tuples_sized(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let len = map.get("prefixItems").and_then(Value::as_array).map(Vec::len);
            if let Some(len) = len
                && map.get("items") == Some(&Value::Bool(false))
            {
                map.remove("items");
                map.insert("minItems".into(), len.into());
                map.insert("maxItems".into(), len.into());
            }
            map.values_mut().for_each(tuples_sized);
        }
        Value::Array(items) => items.iter_mut().for_each(tuples_sized),
        _ => {}
    }
}

/// Calls `f(path, method, operation)` for every operation of the document.
pub(crate) fn each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Value)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                f(path, method, op);
            }
        }
    }
}
