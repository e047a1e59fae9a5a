//! Checks a JSON value against a schema of the OpenAPI document (the
//! subset utoipa writes: `$ref`, `type` with `null`, `properties`,
//! `required`, `items`, `additionalProperties`, `oneOf`, `allOf`, `enum`).
//! Objects are held to their declared properties, so a field the server
//! sends but the document does not name is found too.

use serde_json::{Map, Value};

/// Every way `value` differs from `schema`, each with where it is.
pub fn problems(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(document, schema, value, "$", &mut found);
    found
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} names nothing in the document"));
            resolve(document, target)
        }
        None => schema,
    }
}

fn check(document: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let schema = resolve(document, schema);
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = variants
            .iter()
            .filter(|variant| problems(document, variant, value).is_empty())
            .count();
        if matching != 1 {
            found.push(format!("{at}: matches {matching} of oneOf, not 1: {value}"));
        }
        return;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut declared = Vec::new();
        for part in parts {
            let part = resolve(document, part);
            declared.extend(property_names(part));
            let mut loose = part.clone();
            loose["additionalProperties"] = Value::Bool(true);
            check(document, &loose, value, at, found);
        }
        if let Some(object) = value.as_object() {
            undeclared(object, &declared, at, found);
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            found.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(kind) = schema.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        if !kinds.iter().any(|kind| is_of(kind, value)) {
            found.push(format!("{at}: {value} is not {kinds:?}"));
            return;
        }
    }
    match value {
        Value::Object(object) => check_object(document, schema, object, at, found),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    check(
                        document,
                        item_schema,
                        item,
                        &format!("{at}[{index}]"),
                        found,
                    );
                }
            }
        }
        _ => {}
    }
}

fn check_object(
    document: &Value,
    schema: &Value,
    object: &Map<String, Value>,
    at: &str,
    found: &mut Vec<String>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            found.push(format!("{at}: {name} is required but missing"));
        }
    }
    for (name, field) in object {
        let place = format!("{at}.{name}");
        match properties.and_then(|properties| properties.get(name)) {
            Some(field_schema) => check(document, field_schema, field, &place, found),
            None => match schema.get("additionalProperties") {
                Some(Value::Bool(true)) => {}
                Some(extra @ Value::Object(_)) => check(document, extra, field, &place, found),
                _ if properties.is_none() => {}
                _ => found.push(format!("{place}: sent, but the document does not name it")),
            },
        }
    }
}

fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

fn undeclared(object: &Map<String, Value>, declared: &[String], at: &str, found: &mut Vec<String>) {
    for name in object.keys().filter(|name| !declared.contains(name)) {
        found.push(format!(
            "{at}.{name}: sent, but the document does not name it"
        ));
    }
}

fn is_of(kind: &str, value: &Value) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}
