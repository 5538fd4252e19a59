//! The OpenAPI 3.1 document, built from the operations' table (never written by hand), served at
//! `/api/openapi.json`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use domain::operations::{caller, Success};
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::routes::{documented_statuses, Route};

const SCHEMAS: &str = "#/components/schemas/";

pub fn document(routes: &[Route]) -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for route in routes {
        let input = (route.input_schema)(&mut generator).to_value();
        let output = (route.output_schema)(&mut generator).to_value();
        let input = resolve(&input, generator.definitions());
        let operation = describe(route, &input, output);
        paths.entry(route.path).or_default().insert(route.method.to_ascii_lowercase(), operation);
    }
    let mut schemas = generator.take_definitions(true);
    schemas.insert("Problem".into(), problem_schema());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "DAM API",
            "version": "1",
            "description": "Every operation of the web app, as JSON. Sign in with an API token \
                (`Authorization: Bearer …`, made under Settings) or the session cookie. Errors are \
                RFC 9457 problem documents. See docs/API.md for uploads (tus), downloads and rate limits.",
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer", "description": "An API token" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::cookies::SESSION_COOKIE },
            },
        },
    })
}

/// An input's own object schema (following its `$ref`).
fn resolve(schema: &Value, definitions: &Map<String, Value>) -> Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMAS)) {
        Some(name) => definitions.get(name).cloned().unwrap_or(Value::Null),
        None => schema.clone(),
    }
}

fn describe(route: &Route, input: &Value, output: Value) -> Value {
    let spec = &route.spec;
    let properties = input.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let required: Vec<&str> =
        input.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let example = (route.example)();
    let path_params = route.path_params();
    let mut parameters: Vec<Value> = path_params
        .iter()
        .map(|name| {
            json!({
                "name": name, "in": "path", "required": true,
                "schema": properties.get(*name).cloned().unwrap_or(json!({ "type": "string" })),
                "example": example.get(*name),
            })
        })
        .collect();
    let rest: Map<String, Value> =
        properties.into_iter().filter(|(name, _)| !path_params.contains(&name.as_str())).collect();
    let mut operation = json!({
        "operationId": spec.id,
        "summary": spec.summary,
        "description": match spec.permission {
            Some(permission) => format!("Needs the right to {}.", caller::describe(permission)),
            None => "Open to anyone.".to_owned(),
        },
        "tags": [route.path.split('/').nth(1).unwrap_or("api")],
    });
    if route.reads_query() {
        parameters.extend(rest.iter().map(|(name, schema)| {
            let mut parameter = json!({
                "name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": schema,
            });
            if let Some(value) = example.get(name).filter(|v| !v.is_null()) {
                parameter["example"] = value.clone();
            }
            parameter
        }));
    } else if !rest.is_empty() {
        let body_required: Vec<&str> = required.iter().copied().filter(|n| !path_params.contains(n)).collect();
        let body_example: Map<String, Value> = example
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| rest.contains_key(*name))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        operation["requestBody"] = json!({
            "required": !body_required.is_empty(),
            "content": { "application/json": {
                "schema": { "type": "object", "properties": rest, "required": body_required },
                "example": body_example,
            }},
        });
    }
    if !parameters.is_empty() {
        operation["parameters"] = Value::Array(parameters);
    }
    if spec.permission.is_some() {
        operation["security"] = json!([{ "token": [] }, { "session": [] }]);
    }
    let mut responses = Map::new();
    for status in documented_statuses(spec, route.method) {
        let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        let response = match status {
            200..=202 => json!({ "description": reason, "content": { "application/json": { "schema": output } } }),
            204 => json!({ "description": reason }),
            _ => json!({
                "description": reason,
                "content": { "application/problem+json": { "schema": { "$ref": format!("{SCHEMAS}Problem") } } },
            }),
        };
        responses.insert(status.to_string(), response);
    }
    debug_assert!(spec.success != Success::NoContent || responses.contains_key("204"));
    operation["responses"] = Value::Object(responses);
    operation
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "An RFC 9457 problem: what went wrong, in a sentence for a person (`detail`).",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": { "type": "string" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "errors": {
                "type": "array",
                "description": "The fields of the input that could not be read (422).",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": { "field": { "type": "string" }, "message": { "type": "string" } },
                },
            },
        },
    })
}
